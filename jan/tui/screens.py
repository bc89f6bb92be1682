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
    ("F6, or o in the panel", "open the selected evidence in full"),
    ("F3", "projector theme (high contrast) on/off"),
    ("F7", "meetings: reopen a past meeting or start a new one"),
    ("F8", "mark the answer on the proposal under discussion as a decision (or 'action: …')"),
    ("F9", "panel: ask the proposal under discussion to every other persona, side by side"),
    ("F10", "export the meeting (markdown) and a boardroom brief (HTML) on the proposal"),
    ("F12", "contacts: the top contact reasons and contacts per channel per month, counted from the team's export"),
    ("F5", "copy the last answer as markdown"),
    ("ctrl+l", "clear the thread"),
    ("Esc", "cancel the answer in progress / close a dialog"),
    ("F1", "this help"),
    ("ctrl+q", "quit"),
]
FOCUS_RULES = [
    "Tab goes input → evidence panel → thread (Shift+Tab back).",
    "After a dialog closes or the persona changes, you type in the input again.",
    "In the evidence panel, j/k/↑/↓, o/Enter and 1-9 act on the panel; any other letter goes to the input.",
    "The proposal under discussion (status line) is set by a question that brings a proposal; a push-back, "
    "a follow-up or a clarification refers to it. F8, F9 and F10 act on it.",
]


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        from rich.table import Table

        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()  # wrapped descriptions stay in their column
        for key, what in HELP:
            keys.add_row(key, what)
        rules = Table.grid(padding=(0, 1))
        rules.add_column(no_wrap=True)
        rules.add_column()
        for rule in FOCUS_RULES:
            rules.add_row("•", rule)
        legend = Text("● evidence points rest on a cited source; ○ inference is the persona's own view.\n")
        legend.append("[E1 ✓] the quote was found in E1; [E2 ✗] it was not (never trust ✗).", style="dim")
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Jan in the room — keys"
            body.border_subtitle = "Esc closes"
            yield Static(keys, markup=False)
            yield Static(Text("Focus", style="bold"), classes="help-head", markup=False)
            yield Static(rules, markup=False)
            yield Static(legend, classes="help-head", markup=False)


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

    def __init__(self, text: Text, title: str = "Evidence"):
        super().__init__()
        self.text = text
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="evidence-full") as box:
            box.border_title = self.title_text
            box.border_subtitle = "Esc closes"
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

    def __init__(self, proposal: str = "", credit: str = ""):
        super().__init__()
        self.proposal = proposal
        self.credit = credit  # the verdicts on screen it is credited to ("panel — Jan: opposes; …")

    def compose(self) -> ComposeResult:
        on = f"Decision on “{self.proposal}”" if self.proposal else "Decision on the last answer"
        on += f" ({self.credit})" if self.credit else ""
        yield Static(Text(f"{on} (start with 'action:' for an action). Enter saves, Esc cancels."),
                     id="note-label", markup=False)
        yield Input(placeholder="e.g. Keep the phone number; investigate why people call", id="note")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # the note is not a question for the persona
        self.dismiss(event.value.strip() or None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
