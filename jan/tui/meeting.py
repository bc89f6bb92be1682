"""Meeting features of the app: the proposal under discussion, saving answers, reopening past meetings,
decisions, the panel, exports.

A mixin for JanApp so app.py stays small; the work itself is in jan/meetings/ (store, discussion, panel,
brief)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.text import Text
from textual import work
from textual.binding import Binding

from ..core.errors import JanError

# The footer shows only F10 of these (it must fit 80 columns); F1 lists them all.
MEETING_BINDINGS = [
    Binding("f7", "meetings", "meetings", show=False),
    Binding("f8", "decide", "decision", show=False),
    Binding("f9", "panel", "panel", show=False),
    Binding("f10", "export", "brief"),
]


class MeetingMixin:
    """Needs: self.settings, self.engine, self.history, self.persona_id, add_message, set_status, and
    self.on_screen / self.panel_ids (set in the app's __init__)."""

    meeting_id: int | None = None
    _mstore = None
    _mlock = threading.Lock()
    last_entry_id: int | None = None
    proposal: str | None = None  # the proposal under discussion
    _discussion = None

    # ------------------------------------------------------------ the proposal under discussion
    def read_proposal(self, question: str):
        """Worker side: does the question bring a proposal of its own or refer to the one on the table?"""
        from ..meetings.discussion import Discussion

        if self._discussion is None:
            self._discussion = Discussion(self.get_engine())
        reading = self._discussion.read(question, self.proposal, self.speaking())
        if reading.proposal != self.proposal:
            self.proposal = reading.proposal
            self.call_from_thread(self.set_status)
        return reading

    def turns_on(self, proposal: str | None) -> list:
        """The conversation about one proposal (what the engine reads as history)."""
        return [t for t, p in zip(self.history, self.proposals, strict=True) if p == proposal]

    def latest_entries(self, proposal: str | None) -> dict:
        """persona → (entry id, its latest full answer on the proposal); a push-back answer only points back."""
        latest: dict = {}
        for t, p, eid in zip(self.history, self.proposals, self.entry_ids, strict=True):
            if p == proposal and (t.critique.points or t.critique.persona not in latest):
                latest[t.critique.persona] = (eid, t.critique)
        return latest

    def latest_on(self, proposal: str | None) -> dict:
        """persona → its latest full answer on the proposal (a push-back answer only points back to it)."""
        return {pid: crit for pid, (_, crit) in self.latest_entries(proposal).items()}

    def speaking(self) -> str:
        """Whose answer a push-back or a question about the answer responds to: the persona of the single
        answer on screen; after a panel, the persona in use."""
        return self.on_screen[1] if self.on_screen and self.on_screen[0] == "answer" else self.persona_id

    def remember(self, question: str, crit, proposal: str | None, panel_id: int | None = None) -> None:
        """Worker side: keep the turn and save it in the meeting; a single answer is then what is on screen."""
        from ..core.types import Turn

        self.history.append(Turn(question, crit))
        self.proposals.append(proposal or question)
        self.entry_ids.append(self.save_answer(crit, proposal, panel_id))
        if panel_id is None:
            self.on_screen = ("answer", crit.persona, self.entry_ids[-1])

    def forget(self) -> None:
        self.history.clear()
        self.proposals.clear()
        self.entry_ids.clear()
        self.proposal = None
        self.last_markdown = ""
        self.last_entry_id = None
        self.on_screen = None
        self.panel_ids = {}

    def show_evidence_of(self, crit) -> None:
        from .widgets import EvidencePanel

        quotes: dict[str, list[str]] = {}
        for p in crit.points:
            for c in p.citations:
                if c.verified:
                    quotes.setdefault(c.evidence_id, []).append(c.quote)
        self.query_one(EvidencePanel).show(crit.evidence, quotes, crit.language)

    # ------------------------------------------------------------ saving
    def meeting_store(self):
        from .. import services

        with self._mlock:
            if self._mstore is None:
                self._mstore = services.meetings(self.settings)
            return self._mstore

    def save_answer(self, crit, proposal: str | None = None, panel_id: int | None = None) -> int | None:
        """Called from the worker thread as soon as an answer is complete."""
        try:
            store = self.meeting_store()
            with self._mlock:
                if self.meeting_id is None:
                    self.meeting_id = store.create("").id
                    store.set_state(self.meeting_id, persona=self.persona_id)
                self.last_entry_id = store.add(self.meeting_id, crit, proposal=proposal, panel_id=panel_id).id
            return self.last_entry_id
        except JanError as exc:
            self.call_from_thread(self.add_message, f"⚠ the answer was not saved: {exc}", "error")
            return None

    def save_state(self) -> None:
        """The persona in use, so a reopened meeting continues with it."""
        if self.meeting_id is None:
            return
        try:
            self.meeting_store().set_state(self.meeting_id, persona=self.persona_id)
        except JanError as exc:
            self.add_message(f"⚠ {exc}", "error")

    # ------------------------------------------------------------ reopen
    def action_meetings(self) -> None:
        try:
            store = self.meeting_store()
            items = [(m, len(store.entries(m.id))) for m in store.meetings()[:50]]
        except JanError as exc:
            self.add_message(f"⚠ {exc}", "error")
            return
        from .screens import MeetingPicker

        self.open_modal(MeetingPicker(items, self.meeting_id), self.open_meeting)

    def open_meeting(self, meeting_id: int | None) -> None:
        """Everything back as it was: the thread with its panels, the evidence of the last answer, the
        proposal under discussion, the persona in use, and F5 copying the last answer."""
        if meeting_id is None:
            return
        from ..answer.critique import to_markdown
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
        entries = store.entries(m.id)
        panels = store.panels(m.id)
        self.panel_ids = {proposal: pid for pid, proposal in panels.items()}
        decisions = {}
        for d in store.decisions(m.id):
            decisions.setdefault(d.entry_id, []).append(d)
        for i, e in enumerate(entries):
            if e.panel_id and (i == 0 or entries[i - 1].panel_id != e.panel_id):
                self.add_message(Text(f"Panel on “{panels.get(e.panel_id, e.proposal)}”"), "system")
            label = "Panel → " if e.panel_id else "You → "
            self.add_message(Text(f"{label}{e.persona}: {e.question}"), "user")
            self.add_message(critique_text(e.critique, self.persona_name(e.persona)), "answer")
            self.history.append(Turn(e.question, e.critique))
            self.proposals.append(e.proposal)
            self.entry_ids.append(e.id)
            self.last_entry_id = e.id
            self.on_screen = ("answer", e.persona, e.id)
            if e.panel_id and (i + 1 == len(entries) or entries[i + 1].panel_id != e.panel_id):
                self.show_panel_summary(panels.get(e.panel_id, e.proposal), open_screen=False)
                self.on_screen = ("panel", e.panel_id, panels.get(e.panel_id, e.proposal))
            for d in decisions.get(e.id, []):
                self.add_message(self.decision_line(d, panels.get(d.panel_id) or e.proposal, e), "system")
        self.proposal = m.proposal or (self.proposals[-1] if self.proposals else None)
        if self.history:
            last = self.history[-1].critique
            self.last_markdown = to_markdown(last)
            self.show_evidence_of(last)
        persona = m.persona or (self.history[-1].critique.persona if self.history else None)
        if persona and persona in self.engine.registry.ids():
            self.persona_id = persona
            self.update_persona_bar()
        self.set_status(f"meeting {m.id} reopened · {len(self.history)} answers")

    def persona_name(self, pid: str) -> str:
        return self.engine.registry.get(pid).name if pid in self.engine.registry.ids() else pid

    # ------------------------------------------------------------ decisions
    def decision_entry(self) -> int | None:
        """The answer a decision rests on: the latest full answer on the proposal under discussion."""
        for t, p, eid in zip(reversed(self.history), reversed(self.proposals), reversed(self.entry_ids), strict=True):
            if p == self.proposal and t.critique.points and eid is not None:
                return eid
        return self.last_entry_id

    def decision_basis(self) -> tuple[int | None, int | None, list | None]:
        """(answer, panel, credit) a decision is taken on: the verdicts on screen. After a panel on the proposal,
        every persona's latest verdict on it (the answer: the panel's last); else the answer on screen."""
        from ..meetings.store import Credit

        latest = {pid: (eid, crit) for pid, (eid, crit) in self.latest_entries(self.proposal).items() if eid}
        if self.on_screen and self.on_screen[0] == "panel" and self.on_screen[2] == self.proposal and latest:
            credit = [Credit(pid, crit.verdict, eid) for pid, (eid, crit) in latest.items()]
            return max(eid for eid, _ in latest.values()), self.on_screen[1], credit  # shown after the panel
        who = self.speaking()
        if who in latest:
            eid, crit = latest[who]
            return eid, None, [Credit(who, crit.verdict, eid)]
        return self.decision_entry(), None, None

    def decision_line(self, d, proposal: str | None, entry=None) -> Text:
        """✔ decision on “…” (who it is credited to): note — in the thread and when a meeting reopens."""
        from ..meetings.store import Credit, credit_text

        if not d.credit and entry is not None:  # saved before the credit was kept
            d.credit = [Credit(entry.persona, entry.critique.verdict, entry.id)]
        names = self.engine.registry.names()
        who = f" ({credit_text(d, names)})" if d.credit else ""
        return Text(f"✔ {d.kind} on “{proposal}”{who}: {d.note}")

    def action_decide(self) -> None:
        entry, panel_id, credit = self.decision_basis()
        if self.meeting_id is None or entry is None:
            self.notify("Ask something first: a decision rests on an answer.", severity="warning")
            return
        proposal = self.proposal

        def done(note: str | None) -> None:
            if not note:
                return
            kind = "action" if note.lower().startswith("action:") else "decision"
            note = note.split(":", 1)[1].strip() if kind == "action" else note
            try:
                d = self.meeting_store().decide(self.meeting_id, note, kind, entry, panel_id=panel_id, credit=credit)
            except JanError as exc:
                self.add_message(f"⚠ {exc}", "error")
                return
            self.add_message(self.decision_line(d, proposal), "system")

        from ..meetings.store import Decision, credit_text
        from .screens import NoteScreen

        names = self.engine.registry.names()
        on = credit_text(Decision(0, 0, entry, "", "", 0.0, panel_id, credit), names) if credit else ""
        self.open_modal(NoteScreen(proposal or "", on), done)

    # ------------------------------------------------------------ panel
    def action_panel(self) -> None:
        if self.busy or not self.proposal:
            self.notify("Ask a question first; F9 then asks its proposal to every other persona.", severity="warning")
            return
        if set(self.engine.registry.ids()) <= set(self.latest_on(self.proposal)):
            self.open_panel(self.proposal)  # everyone has answered it: the same panel again, nobody re-asked
            return
        self.busy = True
        self.run_panel(self.proposal)

    @work(thread=True, exclusive=True, group="ask")
    def run_panel(self, proposal: str) -> None:
        self.ask_panel(proposal)

    def ask_panel(self, proposal: str) -> None:
        """Worker side: ask the proposal to every persona that has not answered it, then show them side by side
        (F9, or a message asking what the others say)."""
        if set(self.engine.registry.ids()) <= set(self.latest_on(proposal)):
            self.busy = False
            self.call_from_thread(self.open_panel, proposal)
            return
        panel_id = None
        try:
            store = self.meeting_store()
            with self._mlock:
                if self.meeting_id is None:
                    self.meeting_id = store.create("").id
            panel_id = store.start_panel(self.meeting_id, proposal)
            self.panel_ids[proposal] = panel_id
        except JanError as exc:
            self.call_from_thread(self.add_message, f"⚠ the panel is not saved: {exc}", "error")
        self.call_from_thread(self.add_message, Text(f"Panel on “{proposal}”"), "system")
        answered = set(self.latest_on(proposal))
        pending = [pid for pid in self.engine.registry.ids() if pid not in answered]
        try:  # every persona's verdict on screen before any persona's prose is written
            from ..answer.quick import line, verdicts

            names = self.engine.registry.names()
            self.call_from_thread(self.add_message, Text(line(verdicts(self.engine, proposal, pending), names)),
                                  "system panel-verdicts")
        except JanError as exc:
            self.call_from_thread(self.add_message, f"⚠ {exc}", "error")
        for pid in pending:
            self.call_from_thread(self.set_status, f"panel: asking {pid}…")
            try:
                crit = self.engine.ask(proposal, pid, topic=proposal)
            except JanError as exc:
                self.call_from_thread(self.add_message, f"⚠ {pid}: {exc}", "error")
                continue
            self.remember(proposal, crit, proposal, panel_id)
            self.call_from_thread(self.show_panel_answer, crit)
        self.busy = False
        self.on_screen = ("panel", panel_id, proposal)
        self.call_from_thread(self.set_status, "panel done · Esc closes the side-by-side view")
        self.call_from_thread(self.show_panel_summary, proposal)

    def show_panel_answer(self, crit) -> None:
        from .render import critique_text

        self.add_message(Text(f"Panel → {crit.persona}: {crit.question}"), "user")
        self.add_message(critique_text(crit, self.persona_name(crit.persona)), "answer")

    def comparison(self, proposal: str):
        from ..meetings.panel import compare

        return compare(proposal, list(self.latest_on(proposal).values()),
                       self.engine.registry.names())

    def show_panel_summary(self, proposal: str, open_screen: bool = True) -> None:
        from .panel import summary_text

        self.add_message(summary_text(self.comparison(proposal)), "system panel-summary")
        if open_screen:
            self.open_panel(proposal)

    def open_panel(self, proposal: str) -> None:
        """The side-by-side view; once it is closed the status line says how to see it again."""
        from .panel import PanelScreen

        self.on_screen = ("panel", self.panel_ids.get(proposal), proposal)  # a decision now is the panel's

        def closed(_result) -> None:
            self.set_status(f"panel on the proposal: {len(self.latest_on(proposal))} personas · F9 shows it again")

        self.open_modal(PanelScreen(self.comparison(proposal), self.latest_on(proposal)), closed)

    # ------------------------------------------------------------ export
    def action_export(self) -> None:
        if self.meeting_id is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        self.export_meeting(self.meeting_id, self.proposal)

    @work(thread=True, group="export")
    def export_meeting(self, meeting_id: int, proposal: str | None) -> None:
        from ..core.files import atomic_write_text
        from ..meetings.brief import build, contacts_markdown, to_html
        from ..meetings.store import export_markdown

        out = Path(self.settings.home) / "exports"
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        md = out / f"meeting-{meeting_id}-{stamp}.md"
        names = self.engine.registry.names()
        try:
            charts = self.contact_charts()  # the team's own contacts, counted (None when none are loaded)
            text = export_markdown(self.meeting_store(), meeting_id, names)
            if charts is not None:
                text = text.rstrip("\n") + "\n\n" + contacts_markdown(charts, "en")
            atomic_write_text(md, text)
            msg = f"exported {md}"
            crits = list(self.latest_on(proposal).values())
            if proposal and crits:  # the brief is about the proposal the meeting discussed, not the last words typed
                html_path = out / f"brief-{meeting_id}-{stamp}.html"
                from ..answer import board

                brief = build(proposal, crits, names, board.read(self.engine, proposal, crits))
                brief.contacts = charts  # inline SVG charts of the contacts in the brief
                atomic_write_text(html_path, to_html(brief))
                msg += f" and {html_path}"
        except JanError as exc:  # a full disk, a planted symlink: said in the thread, the app goes on
            self.call_from_thread(self.add_message, f"⚠ export failed: {exc}", "error")
            return
        self.call_from_thread(self.add_message, Text(msg), "system")
        self.call_from_thread(self.notify, "Meeting exported.")
