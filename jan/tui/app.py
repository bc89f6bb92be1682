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
from .contacts import CONTACTS_BINDINGS, ContactsMixin
from .meeting import MEETING_BINDINGS, MeetingMixin
from .widgets import EvidencePanel, QuestionInput, ThreadMessage

PROJECTOR = Theme(name="projector", primary="#ffff00", secondary="#00ffff", accent="#ff8800", foreground="#ffffff",
                  background="#000000", surface="#000000", panel="#111111", success="#00ff00", error="#ff3333",
                  warning="#ffff00", dark=True)


WELCOME = "Type a question or a proposal and press Enter. F1 shows every key."
# what the status line says a message does while it is answered (jan/meetings/discussion.py reads it)
INTENT = {"pushback": "push-back · ", "clarify": "about the answer · ", "followup": "follow-up · ",
          "argument": "new content · ", "restate": "same proposal · "}


class JanApp(ContactsMixin, MeetingMixin, App):
    CSS_PATH = Path(__file__).with_name("jan.tcss")
    TITLE = "Jan in the room"
    BINDINGS = [
        Binding("f1", "help", "help"),
        Binding("f2", "persona", "persona"),
        Binding("f4", "next_evidence", "next E#"),
        Binding("f6", "open_evidence", "open E#"),
        Binding("f3", "projector", "projector", show=False),
        Binding("f5", "copy", "copy answer", show=False),
        Binding("ctrl+l", "clear", "clear", show=False),
        Binding("escape", "cancel", "cancel", show=False),
        Binding("ctrl+q", "quit", "quit"),
        *MEETING_BINDINGS,
        *CONTACTS_BINDINGS,
    ]

    def __init__(self, settings, engine=None):
        super().__init__()
        self.settings = settings
        self.engine = engine
        self._engine_lock = threading.Lock()
        self.persona_id = settings.persona
        self.history: list = []  # every turn of the meeting, with beside it
        self.proposals: list[str] = []  # the proposal under discussion it was about
        self.entry_ids: list[int | None] = []  # and its saved entry
        self.on_screen: tuple | None = None  # ("answer", persona, entry) or ("panel", panel id, proposal)
        self.panel_ids: dict[str, int] = {}  # proposal → its latest panel
        self.busy = False
        self.cancelled = False
        self.last_markdown = ""
        self.prepared = False  # litellm and the local model loaded (or nothing to load)
        self.ready = threading.Event()  # the evidence index is open (a question asked before waits for it)
        self.progress = ""  # "12/77 cards" while the built-in corpus is being indexed
        self.status_text = ""

    # ------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Header()
        self.sub_title = self.persona_id
        yield Static(Text(f"Persona: {self.persona_id} · loading…"), id="persona-bar", markup=False)
        with Horizontal(id="main"):
            # the welcome line is composed, not mounted later: one layout pass for the first frame
            yield VerticalScroll(ThreadMessage(WELCOME, "system"), id="thread")
            yield EvidencePanel(id="evidence")
        yield Static("", id="status", markup=False)
        yield QuestionInput(placeholder=placeholder(self.persona_id), id="question")
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

    def _indexing(self, done: int, total: int) -> None:
        """Worker side: cards of the built-in corpus embedded so far (first use of a data dir)."""
        self.progress = f"{done}/{total} cards"
        self.call_from_thread(self.set_status, f"indexing the built-in corpus: {self.progress}…")

    @work(thread=True, exclusive=False, group="load")
    def load_engine(self) -> None:
        try:
            self.call_from_thread(self.set_status, "loading personas and evidence…")
            engine = self.get_engine()
            if engine.store is None:  # a fresh data dir indexes the built-in corpus here: shown as it goes
                from .. import services

                engine.store = services.open_store(self.settings, say=lambda text: None, progress=self._indexing)
            self.progress = ""
            self.call_from_thread(self.set_status, "loading the search indexes…")
            engine.warm_up(self.persona_id)
            self.ready.set()
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
        self.count_contacts()  # the status line says how many contacts are loaded (jan/tui/contacts.py)

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
        self.sub_title = f"{p.name} ({p.id})"
        self.query_one(QuestionInput).placeholder = placeholder(p.name)

    # ------------------------------------------------------------ thread
    def add_message(self, text, kind: str) -> ThreadMessage:
        msg = ThreadMessage(text, kind)
        thread = self.query_one("#thread", VerticalScroll)
        thread.mount(msg)
        # after the next refresh: a message added while a dialog closes is laid out only then
        thread.call_after_refresh(thread.scroll_end, animate=False)
        return msg

    def set_status(self, text: str | None = None) -> None:
        """The status line: what is going on, how many contacts are loaded, the proposal under discussion."""
        if text is not None:
            self.status_text = text
        line = Text(self.status_text)
        line.append_text(self.contacts_note())
        if self.proposal:
            line.append("  ·  on: ", style="dim")
            line.append(self.proposal if len(self.proposal) <= 90 else self.proposal[:89] + "…", style="bold")
        self.query_one("#status", Static).update(line)

    def focus_input(self) -> None:
        self.query_one(QuestionInput).focus()

    def open_modal(self, screen, callback=None) -> None:
        """Every dialog gives the focus back to the input when it closes (help screen: focus rules)."""
        def closed(result) -> None:
            if callback is not None:
                callback(result)
            self.focus_input()
            self.call_after_refresh(self.focus_input)  # after the main screen restored its old focus

        self.push_screen(screen, closed)

    # Tab order on the main screen: input → evidence panel → thread (dialogs keep Textual's own order)
    FOCUS_ORDER = ("#question", "#evidence", "#thread")

    def _cycle_focus(self, step: int) -> None:
        chain = [self.query_one(sel) for sel in self.FOCUS_ORDER]
        now = self.focused
        i = chain.index(now) if now in chain else -1
        chain[(i + step) % len(chain)].focus()

    def action_focus_next(self) -> None:
        if len(self.screen_stack) > 1:
            return super().action_focus_next()
        self._cycle_focus(1)

    def action_focus_previous(self) -> None:
        if len(self.screen_stack) > 1:
            return super().action_focus_previous()
        self._cycle_focus(-1)

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
        asked = self.add_message(Text(f"You → {self.persona_id}: {question}"), "user")
        waiting = "" if self.ready.is_set() else f"waiting for the evidence index ({self.progress or 'loading'})…"
        answer = self.add_message(Text(waiting or "…"), "answer")
        self.busy, self.cancelled = True, False
        self.ask(question, asked, answer)

    @work(thread=True, exclusive=True, group="ask")
    def ask(self, question: str, asked: ThreadMessage, answer: ThreadMessage) -> None:
        from ..answer.critique import to_markdown

        while not self.ready.wait(0.25):  # a fresh data dir: the index is still being built
            if self.cancelled:
                self.call_from_thread(self.answer_failed, answer, "cancelled while waiting for the index", "")
                return
            self.call_from_thread(answer.update, Text(f"waiting for the evidence index ({self.progress or 'loading'})…"))
        try:
            engine = self.get_engine()
            # what the message does (jan/meetings/discussion.py): the proposal under discussion, who answers
            reading = self.read_proposal(question)
            if reading.intent == "others":  # "and what would the others say?": the panel
                self.call_from_thread(answer.update, Text(f"→ the panel on “{reading.proposal}”"))
                self.ask_panel(reading.proposal)
                return
            req = reading.request(question, self.persona_id, self.speaking())
            pid = req.persona
            if pid != self.persona_id:
                self.call_from_thread(asked.relabel, Text(f"You → {pid}: {question}"))
            self.call_from_thread(answer.start_stream, *self.stream_labels(pid, question))
            self.call_from_thread(self.set_status, f"{INTENT.get(reading.intent, '')}searching the evidence…")
            crit = engine.ask(
                req.question, pid, history=self.turns_on(reading.proposal),
                on_evidence=self._show_evidence_then_go_on,
                on_token=lambda tok: self.call_from_thread(answer.stream, tok),
                cancel=lambda: self.cancelled, topic=req.topic,  # what the meeting discusses
            )
            crit.question = req.saved_as or crit.question
        except JanError as exc:
            hint = getattr(exc, "partial", "")
            self.call_from_thread(self.answer_failed, answer, str(exc), hint)
            return
        self.remember(crit.question, crit, reading.proposal)
        self.last_markdown = to_markdown(crit)
        self.call_from_thread(self.answer_done, answer, crit)

    def stream_labels(self, pid: str, question: str) -> tuple[str, str]:
        """The name and language a streamed answer is drawn with until the finished answer replaces it."""
        from ..core.lang import detect

        persona = self.engine.registry.get(pid)
        before = self.history[-1].critique.language if self.history else persona.language
        return persona.name, detect(question, default=before)

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
        self.show_evidence_of(crit)
        self.query_one("#thread", VerticalScroll).scroll_end(animate=False)
        self.busy = False
        from ..answer.labels import labels, verdict_word

        verified, total = crit.citation_counts()
        self.set_status(f"{verdict_word(crit.verdict, crit.language, crit.leaning)} · {verified}/{total} "
                        f"{labels(crit.language)['verified']}" + (" · cancelled" if self.cancelled else ""))

    def answer_failed(self, answer: ThreadMessage, message: str, partial: str) -> None:
        answer.remove()
        from .stream import StreamView

        text = Text(f"⚠ {message}")
        if partial:  # the model's line format drawn as an answer, never its markers
            view = answer.view or StreamView()
            if not view.raw:
                view.feed(partial)
            text.append("\n(partial answer kept below)\n")
            text.append_text(view.render(final=True))
        text.append("\nYour question is in the input history (↑) — press Enter to retry.")
        self.add_message(text, "error")
        self.busy = False
        self.set_status("error — see the notice in the thread")

    # ------------------------------------------------------------ actions
    def action_help(self) -> None:
        from .screens import HelpScreen

        self.open_modal(HelpScreen())

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
                self.save_state()
                if self.prepared:
                    self.warm_persona(pid)

        from .screens import PersonaPicker

        self.open_modal(PersonaPicker(self.engine.registry.all(), self.persona_id), chosen)

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

        e = event.evidence
        title = f"[{e.label}] {e.chunk.card_id or e.chunk.source}"[:70]
        self.open_modal(EvidenceScreen(evidence_text(e, event.quotes, full=True), title))

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
        self.forget()
        self.set_status("cleared")

    def action_cancel(self) -> None:
        if self.busy:
            self.cancelled = True
            self.set_status("cancelling…")


def placeholder(name: str) -> str:
    return f"Ask, e.g.: What would {name} think of removing the phone number from the website?"


def make_app(settings, engine=None) -> JanApp:
    return JanApp(settings, engine)
