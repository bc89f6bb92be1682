"""The meeting app. `make_app(settings)` is used by the CLI and the tests. No business logic here: the
engine (jan/answer/engine.py) does the work in a worker thread; the UI only shows what it reports."""

from __future__ import annotations

import threading
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.theme import Theme
from textual.widgets import Footer, Header, Static

from ..core.errors import JanError
from .meeting import MEETING_BINDINGS, MeetingMixin
from .widgets import EvidencePanel, QuestionInput, ThreadMessage

PROJECTOR = Theme(name="projector", primary="#ffff00", secondary="#00ffff", accent="#ff8800", foreground="#ffffff",
                  background="#000000", surface="#000000", panel="#111111", success="#00ff00", error="#ff3333",
                  warning="#ffff00", dark=True)


WELCOME = "Type a question or a proposal and press Enter. F1 shows every key."


class JanApp(MeetingMixin, App):
    CSS_PATH = Path(__file__).with_name("jan.tcss")
    TITLE = "Jan in the room"
    BINDINGS = [
        Binding("f1", "help", "help"),
        Binding("f2", "persona", "persona"),
        Binding("f4", "next_evidence", "next E#"),
        Binding("f6", "open_evidence", "open E#"),
        Binding("f3", "projector", "projector"),
        Binding("f5", "copy", "copy answer", show=False),
        Binding("ctrl+l", "clear", "clear", show=False),
        Binding("escape", "cancel", "cancel", show=False),
        Binding("ctrl+q", "quit", "quit"),
        *MEETING_BINDINGS,
    ]

    def __init__(self, settings, engine=None):
        super().__init__()
        self.settings = settings
        self.engine = engine
        self._engine_lock = threading.Lock()
        self.persona_id = settings.persona
        self.history: list = []
        self.busy = False
        self.cancelled = False
        self.last_markdown = ""
        self.prepared = False  # litellm and the local model loaded (or nothing to load)

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(f"Persona: {self.persona_id} · loading…"), id="persona-bar", markup=False)
        with Horizontal(id="main"):
            # the welcome line is composed, not mounted later: one layout pass for the first frame
            yield VerticalScroll(ThreadMessage(WELCOME, "system"), id="thread")
            yield EvidencePanel(id="evidence")
        yield Static("", id="status", markup=False)
        yield QuestionInput(placeholder="Ask, e.g.: What would Jan think of removing the phone number from the website?",
                            id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.register_theme(PROJECTOR)
        if self.settings.theme == "projector":
            self.theme = "projector"
        elif self.settings.theme == "light":
            self.theme = "textual-light"
        self.query_one("#question").focus()
        # heavy imports (chromadb, the embedder) start only after the first frame is on screen
        self.call_after_refresh(lambda: self.set_timer(0.05, self.load_engine))

    # ------------------------------------------------------------ engine
    def get_engine(self):
        with self._engine_lock:
            if self.engine is None:
                from .. import services

                self.engine = services.engine(self.settings)
            return self.engine

    @work(thread=True, exclusive=False, group="load")
    def load_engine(self) -> None:
        try:
            self.call_from_thread(self.set_status, "loading personas and evidence…")
            engine = self.get_engine()
            engine.warm_up(self.persona_id)
            self.call_from_thread(self.engine_ready)
        except JanError as exc:
            self.call_from_thread(self.add_message, f"Cannot start: {exc}", "error")
            self.call_from_thread(self.set_status, "not ready")
            return
        try:  # litellm and the local model (with this persona's prompt prefix) while the first question is typed
            engine.prepare_model(self.persona_id)
        except JanError as exc:  # e.g. a truncated model file: said now, and again when a question needs it
            self.call_from_thread(self.add_message, f"⚠ {exc}", "error")
        self.prepared = True

    @work(thread=True, exclusive=False, group="warm")
    def warm_persona(self, persona_id: str) -> None:
        """The new persona's prompt prefix, prefilled while the next question is typed (a question waits
        for it rather than prefilling it twice)."""
        try:
            self.engine.prepare_model(persona_id)
        except JanError:
            pass  # said again, with its hint, when a question needs the model

    def engine_ready(self) -> None:
        self.update_persona_bar()
        self.set_status("ready")

    def update_persona_bar(self) -> None:
        if self.engine is None:
            return
        try:
            p = self.engine.registry.get(self.persona_id)
        except JanError as exc:
            self.add_message(str(exc), "error")
            return
        sources = len(self.engine.store.documents()) if self.engine.store is not None else 0
        bar = Text()
        bar.append(f"{p.name}", style="bold")
        bar.append(f" — {p.summary}\n")
        bar.append(f"model: {self.engine.model()} · evidence: {sources} sources", style="dim")
        self.query_one("#persona-bar", Static).update(bar)
        self.sub_title = p.name

    # ------------------------------------------------------------ thread
    def add_message(self, text, kind: str) -> ThreadMessage:
        msg = ThreadMessage(text, kind)
        thread = self.query_one("#thread", VerticalScroll)
        thread.mount(msg)
        thread.scroll_end(animate=False)
        return msg

    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(text))

    def on_input_submitted(self, event: QuestionInput.Submitted) -> None:
        if event.input.id != "question":
            return
        question = event.value.strip()
        if not question:
            return
        if self.busy:
            self.notify("Still answering — press Esc to cancel first.", severity="warning")
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        self.add_message(Text(f"You → {self.persona_id}: {question}"), "user")
        answer = self.add_message(Text("…"), "answer")
        self.busy, self.cancelled = True, False
        self.ask(question, answer)

    @work(thread=True, exclusive=True, group="ask")
    def ask(self, question: str, answer: ThreadMessage) -> None:
        from ..answer.critique import to_markdown

        self.call_from_thread(self.set_status, "searching the evidence…")
        try:
            engine = self.get_engine()
            crit = engine.ask(
                question, self.persona_id, history=self.history,
                on_evidence=self._show_evidence_then_go_on,
                on_token=lambda tok: self.call_from_thread(answer.stream, tok),
                cancel=lambda: self.cancelled,
            )
        except JanError as exc:
            hint = getattr(exc, "partial", "")
            self.call_from_thread(self.answer_failed, answer, str(exc), hint)
            return
        from ..core.types import Turn

        self.history.append(Turn(question, crit))
        self.save_answer(crit)
        self.last_markdown = to_markdown(crit)
        self.call_from_thread(self.answer_done, answer, crit)

    def _show_evidence_then_go_on(self, evidence) -> None:
        """Worker side: fill the panel and wait (≤ 1 s) until it is on screen. Generation keeps both cores
        busy, so started first it would hold back the frame that shows the evidence."""
        painted = threading.Event()
        self.call_from_thread(self.evidence_found, evidence)
        self.call_from_thread(self.call_after_refresh, painted.set)
        painted.wait(1.0)

    def evidence_found(self, evidence) -> None:
        self.query_one(EvidencePanel).show(evidence)
        self.set_status(f"found {len(evidence)} evidence items · generating with {self.engine.model()} (Esc cancels)…")

    def answer_done(self, answer: ThreadMessage, crit) -> None:
        from .render import critique_text

        name = self.engine.registry.get(crit.persona).name
        answer.update(critique_text(crit, name))
        answer.raw = self.last_markdown
        quotes: dict[str, list[str]] = {}
        for p in crit.points:
            for c in p.citations:
                if c.verified:
                    quotes.setdefault(c.evidence_id, []).append(c.quote)
        self.query_one(EvidencePanel).show(crit.evidence, quotes)
        self.query_one("#thread", VerticalScroll).scroll_end(animate=False)
        self.busy = False
        verified, total = crit.citation_counts()
        self.set_status(f"{crit.verdict} · {verified}/{total} citations verified" + (" · cancelled" if self.cancelled else ""))

    def answer_failed(self, answer: ThreadMessage, message: str, partial: str) -> None:
        answer.remove()
        text = f"⚠ {message}"
        if partial:
            text += f"\n(partial answer kept below)\n{partial}"
        self.add_message(Text(text + "\nYour question is in the input history (↑) — press Enter to retry."), "error")
        self.busy = False
        self.set_status("error — see the notice in the thread")

    # ------------------------------------------------------------ actions
    def action_help(self) -> None:
        from .screens import HelpScreen

        self.push_screen(HelpScreen())

    def action_persona(self) -> None:
        if self.engine is None:
            self.notify("Still loading personas…")
            return

        def chosen(pid: str | None) -> None:
            if pid and pid != self.persona_id:
                self.persona_id = pid
                p = self.engine.registry.get(pid)
                self.add_message(Text(f"— now speaking: {p.name} ({p.id}) — {p.summary}"), "system")
                self.update_persona_bar()
                if self.prepared:
                    self.warm_persona(pid)

        from .screens import PersonaPicker

        self.push_screen(PersonaPicker(self.engine.registry.all(), self.persona_id), chosen)

    def action_next_evidence(self) -> None:
        panel = self.query_one(EvidencePanel)
        panel.action_move(1)

    def action_show_evidence(self, label: str) -> None:
        """Select [E#] in the evidence panel (a click on a citation in an answer)."""
        self.query_one(EvidencePanel).select_label(label)

    def action_open_evidence(self) -> None:
        self.query_one(EvidencePanel).action_open()

    def on_evidence_panel_open(self, event: EvidencePanel.Open) -> None:
        from .render import evidence_text
        from .screens import EvidenceScreen

        self.push_screen(EvidenceScreen(evidence_text(event.evidence, event.quotes, full=True)))

    def action_projector(self) -> None:
        self.theme = "textual-dark" if self.theme == "projector" else "projector"
        self.notify(f"theme: {self.theme}")

    def action_copy(self) -> None:
        if not self.last_markdown:
            self.notify("Nothing to copy yet.")
            return
        self.copy_to_clipboard(self.last_markdown)
        self.notify("Last answer copied as markdown.")

    def action_clear(self) -> None:
        self.query_one("#thread", VerticalScroll).remove_children()
        self.query_one(EvidencePanel).show([])
        self.history.clear()
        self.set_status("cleared")

    def action_cancel(self) -> None:
        if self.busy:
            self.cancelled = True
            self.set_status("cancelling…")


def make_app(settings, engine=None) -> JanApp:
    return JanApp(settings, engine)
