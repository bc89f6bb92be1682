"""Widgets: the question input with history, a message in the thread, the evidence panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from ..core.types import Evidence


class QuestionInput(Input):
    """An input that remembers what was asked (up/down)."""

    BINDINGS = [Binding("up", "older", show=False), Binding("down", "newer", show=False)]

    def __init__(self, **kw):
        # focus coming back (after a dialog, or a letter typed in the evidence panel) must not select the
        # text, or the next keystroke would replace it
        super().__init__(select_on_focus=False, **kw)
        self.past: list[str] = []
        self._pos = 0

    def remember(self, text: str) -> None:
        if text and (not self.past or self.past[-1] != text):
            self.past.append(text)
        self._pos = len(self.past)

    def action_older(self) -> None:
        if self.past and self._pos > 0:
            self._pos -= 1
            self.value = self.past[self._pos]
            self.cursor_position = len(self.value)

    def action_newer(self) -> None:
        if self._pos < len(self.past) - 1:
            self._pos += 1
            self.value = self.past[self._pos]
        else:
            self._pos = len(self.past)
            self.value = ""
        self.cursor_position = len(self.value)


class ThreadMessage(Static):
    """One entry in the thread; text is rich Text, never parsed as markup."""

    def __init__(self, text: Text | str, kind: str):
        super().__init__(text if isinstance(text, Text) else Text(text), markup=False, classes=f"msg {kind}")
        self.raw = text.plain if isinstance(text, Text) else text
        self.view = None  # the streamed answer (stream.StreamView), until the finished answer replaces it

    def relabel(self, text: Text) -> None:
        """New text for the message (who a question went to), its plain form kept alike."""
        self.update(text)
        self.raw = text.plain

    def start_stream(self, name: str = "", language: str = "en") -> None:
        """Who is answering and in what language: the streamed verdict and labels are drawn with them."""
        from .stream import StreamView

        self.view = StreamView(name, language)

    @property
    def streamed(self) -> str:
        return self.view.raw if self.view is not None else ""

    def stream(self, token: str) -> None:
        """A model token: shown as the answer will look, never the line format's markers."""
        if self.view is None:
            self.start_stream()
        self.update(self.view.feed(token))


class EvidencePanel(VerticalScroll):
    """The retrieved items of the selected answer; filled as soon as retrieval finishes."""

    BINDINGS = [Binding("down,j", "move(1)", "next", show=False), Binding("up,k", "move(-1)", "previous", show=False),
                Binding("o,enter", "open", "open evidence"),
                *(Binding(str(n), f"pick('E{n}')", f"E{n}", show=False) for n in range(1, 10))]
    can_focus = True

    class Open(Message):
        def __init__(self, evidence: Evidence, quotes: list[str]):
            super().__init__()
            self.evidence = evidence
            self.quotes = quotes

    def __init__(self, **kw):
        super().__init__(**kw)
        self.items: list[Evidence] = []
        self.quotes: dict[str, list[str]] = {}
        self.selected = -1

    def show(self, items: list[Evidence], quotes: dict[str, list[str]] | None = None, language: str = "en") -> None:
        from .render import evidence_text

        self.items = list(items)
        self.quotes = quotes or {}
        self.selected = -1
        self.remove_children()
        if not items:
            self.mount(Static(Text("No evidence found for this question."), markup=False, classes="ev-empty"))
            return
        for e in items:
            self.mount(Static(evidence_text(e, self.quotes.get(e.label, []), language=language), markup=False,
                              classes=f"ev ev-{e.label}"))

    def select(self, index: int) -> None:
        if not self.items:
            return
        self.selected = index % len(self.items)
        widgets = list(self.query(".ev"))
        for i, w in enumerate(widgets):
            w.set_class(i == self.selected, "selected")
        if self.selected < len(widgets):
            self.scroll_to_widget(widgets[self.selected], animate=False)

    def select_label(self, label: str) -> None:
        for i, e in enumerate(self.items):
            if e.label == label:
                self.select(i)

    def action_pick(self, label: str) -> None:
        self.select_label(label)

    def action_move(self, step: int) -> None:
        self.select(self.selected + step if self.selected >= 0 else 0)

    PANEL_KEYS = frozenset({"j", "k", "o", *"123456789"})

    def on_key(self, event) -> None:
        """A letter that is not one of the panel's keys was meant for the question: it goes to the input."""
        if event.is_printable and event.character and event.character not in self.PANEL_KEYS:
            event.stop()
            event.prevent_default()
            box = self.app.query_one(QuestionInput)
            box.focus()
            box.insert_text_at_cursor(event.character)

    def action_open(self) -> None:
        if self.items:
            e = self.items[max(self.selected, 0)]
            self.post_message(self.Open(e, self.quotes.get(e.label, [])))
