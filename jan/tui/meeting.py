"""Meeting features of the app: saving answers, reopening past meetings, decisions, panel, exports.

A mixin for JanApp so app.py stays small; the work itself is in jan/meetings/ (store, brief)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.binding import Binding

from ..core.errors import JanError

# The footer shows only F10 of these (it must fit 100 columns); F1 lists them all.
MEETING_BINDINGS = [
    Binding("f7", "meetings", "meetings", show=False),
    Binding("f8", "decide", "decision", show=False),
    Binding("f9", "panel", "panel", show=False),
    Binding("f10", "export", "brief"),
]


class MeetingMixin:
    """Needs: self.settings, self.engine, self.history, self.persona_id, add_message, set_status."""

    meeting_id: int | None = None
    _mstore = None
    _mlock = threading.Lock()
    last_entry_id: int | None = None

    def meeting_store(self):
        from .. import services

        with self._mlock:
            if self._mstore is None:
                self._mstore = services.meetings(self.settings)
            return self._mstore

    def save_answer(self, crit) -> None:
        """Called from the worker thread as soon as an answer is complete."""
        try:
            store = self.meeting_store()
            with self._mlock:
                if self.meeting_id is None:
                    self.meeting_id = store.create("").id
                self.last_entry_id = store.add(self.meeting_id, crit).id
        except JanError as exc:
            self.call_from_thread(self.add_message, f"⚠ the answer was not saved: {exc}", "error")

    # ------------------------------------------------------------ reopen
    def action_meetings(self) -> None:
        try:
            store = self.meeting_store()
            items = [(m, len(store.entries(m.id))) for m in store.meetings()[:50]]
        except JanError as exc:
            self.add_message(f"⚠ {exc}", "error")
            return
        from .screens import MeetingPicker

        self.push_screen(MeetingPicker(items, self.meeting_id), self.open_meeting)

    def open_meeting(self, meeting_id: int | None) -> None:
        if meeting_id is None:
            return
        from ..core.types import Turn
        from .render import critique_text

        self.action_clear()
        if meeting_id == 0:
            self.meeting_id = None
            self.add_message(Text("— new meeting: it is saved with your first question —"), "system")
            return
        store = self.meeting_store()
        m = store.get(meeting_id)
        self.meeting_id = m.id
        self.add_message(Text(f"— reopened: {m.title} —"), "system")
        for e in store.entries(m.id):
            self.add_message(Text(f"You → {e.persona}: {e.question}"), "user")
            name = self.engine.registry.get(e.persona).name if e.persona in self.engine.registry.ids() else e.persona
            self.add_message(critique_text(e.critique, name), "answer")
            self.history.append(Turn(e.question, e.critique))
            self.last_entry_id = e.id
        for d in store.decisions(m.id):
            self.add_message(Text(f"✔ {d.kind}: {d.note}"), "system")
        if self.history:
            self.persona_id = self.history[-1].critique.persona
            self.update_persona_bar()
        self.set_status(f"meeting {m.id} reopened · {len(self.history)} answers")

    # ------------------------------------------------------------ decisions
    def action_decide(self) -> None:
        if self.meeting_id is None or self.last_entry_id is None:
            self.notify("Ask something first: a decision rests on an answer.", severity="warning")
            return

        def done(note: str | None) -> None:
            if not note:
                return
            kind = "action" if note.lower().startswith("action:") else "decision"
            note = note.split(":", 1)[1].strip() if kind == "action" else note
            try:
                d = self.meeting_store().decide(self.meeting_id, note, kind, self.last_entry_id)
            except JanError as exc:
                self.add_message(f"⚠ {exc}", "error")
                return
            self.add_message(Text(f"✔ {d.kind}: {d.note}"), "system")

        from .screens import NoteScreen

        self.push_screen(NoteScreen(), done)

    # ------------------------------------------------------------ panel
    def action_panel(self) -> None:
        if self.busy or not self.history:
            self.notify("Ask a question first; F9 then asks it to every other persona.", severity="warning")
            return
        self.busy = True
        self.run_panel(self.history[-1].question)

    @work(thread=True, exclusive=True, group="ask")
    def run_panel(self, question: str) -> None:
        from ..core.types import Turn

        asked = {t.critique.persona for t in self.history if t.question == question}
        verdicts = {t.critique.persona: t.critique.verdict for t in self.history if t.question == question}
        for pid in self.engine.registry.ids():
            if pid in asked:
                continue
            self.call_from_thread(self.set_status, f"panel: asking {pid}…")
            try:
                crit = self.engine.ask(question, pid)
            except JanError as exc:
                self.call_from_thread(self.add_message, f"⚠ {pid}: {exc}", "error")
                continue
            self.history.append(Turn(question, crit))
            verdicts[pid] = crit.verdict
            self.save_answer(crit)
            self.call_from_thread(self.show_panel_answer, crit)
        summary = "they agree: " + next(iter(set(verdicts.values()))) if len(set(verdicts.values())) == 1 else \
            "they differ: " + ", ".join(f"{p} {v}" for p, v in verdicts.items())
        self.call_from_thread(self.add_message, Text(f"Panel on “{question}” — {summary}"), "system")
        self.busy = False
        self.call_from_thread(self.set_status, "panel done")

    def show_panel_answer(self, crit) -> None:
        from .render import critique_text

        self.add_message(Text(f"Panel → {crit.persona}: {crit.question}"), "user")
        self.add_message(critique_text(crit, self.engine.registry.get(crit.persona).name), "answer")

    # ------------------------------------------------------------ export
    def action_export(self) -> None:
        if self.meeting_id is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        self.export_meeting(self.meeting_id)

    @work(thread=True, group="export")
    def export_meeting(self, meeting_id: int) -> None:
        from ..core.files import atomic_write_text
        from ..meetings.brief import build, to_html
        from ..meetings.store import export_markdown

        out = Path(self.settings.home) / "exports"
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        md = out / f"meeting-{meeting_id}-{stamp}.md"
        try:
            atomic_write_text(md, export_markdown(self.meeting_store(), meeting_id))
            msg = f"exported {md}"
            if self.history:
                question = self.history[-1].question
                crits = [t.critique for t in self.history if t.question == question]
                brief = build(question, crits, {p.id: p.name for p in self.engine.registry.all()})
                html_path = out / f"brief-{meeting_id}-{stamp}.html"
                atomic_write_text(html_path, to_html(brief))
                msg += f" and {html_path}"
        except JanError as exc:  # a full disk, a planted symlink: said in the thread, the app goes on
            self.call_from_thread(self.add_message, f"⚠ export failed: {exc}", "error")
            return
        self.call_from_thread(self.add_message, Text(msg), "system")
        self.call_from_thread(self.notify, "Meeting exported.")
