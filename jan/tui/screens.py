"""Modal screens: help, persona picker, full evidence text, meeting picker, decision note.

Imported on first use, so the first frame does not wait for them."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

HELP = [
    ("Enter", "ask the persona (a question or a proposal)"),
    ("↑ / ↓", "previous / next question you typed"),
    ("F2", "switch persona"),
    ("F4", "select the next evidence item ([E1], [E2] …)"),
    ("Tab, then 1-9", "in the evidence panel: jump to [E1] … [E9] (or click a citation in an answer)"),
    ("F6 (or o in the evidence panel)", "open the selected evidence in full"),
    ("F3", "projector theme (high contrast) on/off"),
    ("F7", "meetings: reopen a past meeting or start a new one"),
    ("F8", "mark the last answer as a decision (or 'action: …')"),
    ("F9", "panel: ask the last question to every other persona"),
    ("F10", "export the meeting (markdown) and a boardroom brief (HTML)"),
    ("F5", "copy the last answer as markdown"),
    ("ctrl+l", "clear the thread"),
    ("Esc", "cancel the answer in progress / close a dialog"),
    ("F1", "this help"),
    ("ctrl+q", "quit"),
]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        t = Text("Jan in the room — keys\n\n", style="bold")
        for key, what in HELP:
            t.append(f"{key:<26}", style="bold cyan")
            t.append(f"{what}\n")
        t.append("\n● evidence points rest on a cited source; ○ inference is the persona's own view.\n")
        t.append("[E1 ✓] the quote was found in E1; [E2 ✗] it was not (never trust ✗).", style="dim")
        yield Static(t, id="help-body", markup=False)


class PersonaPicker(ModalScreen[str]):
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, personas, current: str):
        super().__init__()
        self.personas = personas
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for p in self.personas:
            label = Text()
            label.append(f"{p.name} ({p.id})", style="bold")
            label.append(f"\n  {p.summary}")
            options.append(Option(label, id=p.id))
        yield OptionList(*options, id="persona-list")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ids = [p.id for p in self.personas]
        if self.current in ids:
            ol.highlighted = ids.index(self.current)
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class EvidenceScreen(ModalScreen):
    BINDINGS = [Binding("escape,o,q", "dismiss", "close")]

    def __init__(self, text: Text):
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="evidence-full"):
            yield Static(self.text, markup=False)


class MeetingPicker(ModalScreen[int]):
    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def __init__(self, meetings, current: int | None):
        super().__init__()
        self.meetings = meetings
        self.current = current

    def compose(self) -> ComposeResult:
        opts = [Option(Text("+ start a new meeting"), id="new")]
        for m, n in self.meetings:
            label = Text(f"{m.title}", style="bold")
            label.append(f"  {time.strftime('%Y-%m-%d %H:%M', time.localtime(m.created_at))} · {n} answers",
                         style="dim")
            opts.append(Option(label, id=str(m.id)))
        yield OptionList(*opts, id="meeting-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(0 if event.option.id == "new" else int(event.option.id))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteScreen(ModalScreen[str]):
    """Ask for the note of a decision; 'action: …' records an action instead."""

    BINDINGS = [Binding("escape", "dismiss_none", "cancel")]

    def compose(self) -> ComposeResult:
        yield Static(Text("Decision on the last answer (start with 'action:' for an action). Enter saves, Esc cancels."),
                     id="note-label", markup=False)
        yield Input(placeholder="e.g. Keep the phone number; investigate why people call", id="note")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the note is not a question for the persona
        self.dismiss(event.value.strip() or None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
