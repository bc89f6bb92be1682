"""Meetings: every question, persona, answer (the full Critique) and model saved in SQLite as it happens,
plus the decision log. One transaction per write, WAL + synchronous=FULL, so killing the app loses at most
the answer in flight. A damaged or newer-schema database is reported, never overwritten."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..core.errors import JanError
from ..core.sanitize import one_line, terminal
from ..core.sqlite import check_not_newer, migrate
from ..core.types import Chunk, Citation, Critique, Evidence, MythFlag, Point, Reason

# PRAGMA user_version counts these (core.sqlite.migrate); add a list to change the schema
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE IF NOT EXISTS meetings (id INTEGER PRIMARY KEY, title TEXT NOT NULL, created_at REAL)",
        "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL"
        " REFERENCES meetings(id), ts REAL, persona TEXT, question TEXT, model TEXT, critique TEXT)",
        "CREATE TABLE IF NOT EXISTS decisions (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL"
        " REFERENCES meetings(id), entry_id INTEGER REFERENCES entries(id), kind TEXT, note TEXT, ts REAL)",
    ],
    [  # the proposal under discussion, panels, and the persona in use (a reopened meeting is whole)
        "ALTER TABLE entries ADD COLUMN proposal TEXT",
        "ALTER TABLE entries ADD COLUMN panel_id INTEGER",
        "ALTER TABLE meetings ADD COLUMN persona TEXT",
        "ALTER TABLE meetings ADD COLUMN proposal TEXT",
        "CREATE TABLE IF NOT EXISTS panels (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL"
        " REFERENCES meetings(id), proposal TEXT, ts REAL)",
    ],
    [  # a decision is credited to the verdicts on screen when it was taken (a panel's: every persona's)
        "ALTER TABLE decisions ADD COLUMN panel_id INTEGER",
        "ALTER TABLE decisions ADD COLUMN credit TEXT",
    ],
]
SCHEMA = len(MIGRATIONS)


def critique_from_dict(d: dict) -> Critique:
    evidence = []
    for e in d.get("evidence", []):
        fields = {k: e[k] for k in Chunk.__dataclass_fields__ if k in e}
        evidence.append(Evidence(e["label"], Chunk(**fields), e.get("score", 0.0), e.get("rank", 0), e.get("similarity"),
                                 e.get("bears"), e.get("relevance", 0.0), e.get("why", "")))
    points = [Point(p["text"], p["kind"], [Citation(**c) for c in p.get("citations", [])]) for p in d.get("points", [])]
    return Critique(
        persona=d["persona"], question=d["question"], language=d.get("language", "en"), verdict=d["verdict"],
        summary=d.get("summary", ""), points=points, myths=[MythFlag(**m) for m in d.get("myths", [])],
        questions_back=list(d.get("questions_back", [])), evidence=evidence, model=d.get("model", "none"),
        abstained=d.get("abstained", False), notes=list(d.get("notes", [])),
        reasons=[Reason(**r) for r in d.get("reasons", [])], rests_on_profile=d.get("rests_on_profile", False),
    )


@dataclass
class Meeting:
    id: int
    title: str
    created_at: float
    persona: str | None = None  # the persona in use when the meeting was last used
    proposal: str | None = None  # the proposal under discussion


@dataclass
class Entry:
    id: int
    meeting_id: int
    ts: float
    persona: str
    question: str
    model: str
    critique: Critique
    proposal: str | None = None  # the proposal under discussion this answer was about
    panel_id: int | None = None  # set when the answer was part of a panel (F9)


class Credit(NamedTuple):
    """One verdict on screen when a decision was taken: the persona, its verdict, the answer (entry) it gave."""
    persona: str
    verdict: str
    entry_id: int | None = None


@dataclass
class Decision:
    id: int
    meeting_id: int
    entry_id: int | None
    kind: str
    note: str
    ts: float
    panel_id: int | None = None  # taken with a panel on screen
    credit: list[Credit] = field(default_factory=list)  # the verdicts on screen (empty: saved before they were kept)


def latest_answers(entries: list[Entry], proposal: str | None) -> dict[str, Entry]:
    """persona → its latest answer on a proposal; a push-back answer that only points back to an earlier full
    answer does not replace it."""
    latest: dict[str, Entry] = {}
    for e in entries:
        if e.proposal == proposal and (e.critique.points or e.persona not in latest):
            latest[e.persona] = e
    return latest


def credit_text(d: Decision, names: dict[str, str] | None = None) -> str:
    """Who a decision is credited to, in one line: "Sanne: opposes", or "panel — Jan: opposes; Sanne: …"."""
    names = names or {}
    line = "; ".join(f"{names.get(c.persona, c.persona)}: {c.verdict}" for c in d.credit)
    return f"panel — {line}" if d.panel_id is not None or len(d.credit) > 1 else line


class MeetingStore:
    def __init__(self, home: Path):
        self.path = Path(home) / "meetings.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existed = self.path.exists() and self.path.stat().st_size > 0
        self.damaged: list[str] = []  # entries skipped because they could not be read (kept in the file)
        try:
            self.db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            self.db.text_factory = self._text
            if existed:
                self.db.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
                if self.db.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
            version = check_not_newer(self.db, MIGRATIONS, str(self.path))
            if existed:
                tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if version == SCHEMA and not {"meetings", "entries", "decisions"} <= tables:
                    raise JanError(f"{self.path}: not a jan meetings database; move it away. The file was not changed.")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            migrate(self.db, MIGRATIONS, str(self.path))
        except sqlite3.DatabaseError as exc:
            raise JanError(f"{self.path}: the meetings database is damaged ({exc}); it was not changed — "
                           "move it away to start a new one") from None

    _bad_text = False

    def _text(self, raw: bytes) -> str:
        """Text columns: bytes that are not UTF-8 (a scribbled file) are read with replacement characters
        and the row is flagged, never raised for every row of the table."""
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self._bad_text = True
            return raw.decode("utf-8", errors="replace")

    # ------------------------------------------------------------ meetings
    def create(self, title: str) -> Meeting:
        title = (title or "").strip() or time.strftime("Meeting %Y-%m-%d %H:%M")
        now = time.time()
        with self.db:
            cur = self.db.execute("INSERT INTO meetings (title, created_at) VALUES (?, ?)", (title, now))
        return Meeting(cur.lastrowid, title, now)

    def meetings(self) -> list[Meeting]:
        return [Meeting(r[0], one_line(r[1] or ""), r[2] or 0.0, r[3], r[4]) for r in self.db.execute(
            "SELECT id, title, created_at, persona, proposal FROM meetings ORDER BY id DESC")]

    def get(self, meeting_id: int) -> Meeting:
        row = self.db.execute("SELECT id, title, created_at, persona, proposal FROM meetings WHERE id=?",
                              (meeting_id,)).fetchone()
        if row is None:
            known = ", ".join(str(m.id) for m in self.meetings()[:10]) or "none yet"
            raise JanError(f"meeting {meeting_id} not found (known: {known}); see `jan meetings list`")
        return Meeting(row[0], one_line(row[1] or ""), row[2] or 0.0, row[3], row[4])

    def set_state(self, meeting_id: int, *, persona: str | None = None, proposal: str | None = None) -> None:
        """Remember the persona in use and the proposal under discussion (what a reopen restores)."""
        self.get(meeting_id)
        with self.db:
            if persona is not None:
                self.db.execute("UPDATE meetings SET persona=? WHERE id=?", (persona, meeting_id))
            if proposal is not None:
                self.db.execute("UPDATE meetings SET proposal=? WHERE id=?", (proposal, meeting_id))

    # ------------------------------------------------------------ entries
    def add(self, meeting_id: int, critique: Critique, *, proposal: str | None = None,
            panel_id: int | None = None) -> Entry:
        """Save one answer; `proposal` is the proposal under discussion it answered (the question itself when
        not given), `panel_id` the panel it belongs to."""
        self.get(meeting_id)
        now = time.time()
        proposal = proposal or critique.question
        payload = json.dumps(critique.to_dict(), ensure_ascii=False)
        with self.db:
            cur = self.db.execute(
                "INSERT INTO entries (meeting_id, ts, persona, question, model, critique, proposal, panel_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (meeting_id, now, critique.persona, critique.question, critique.model, payload, proposal, panel_id))
            self.db.execute("UPDATE meetings SET proposal=? WHERE id=?", (proposal, meeting_id))
        return Entry(cur.lastrowid, meeting_id, now, critique.persona, critique.question, critique.model, critique,
                     proposal, panel_id)

    def entries(self, meeting_id: int) -> list[Entry]:
        self.get(meeting_id)
        rows = self.db.execute("SELECT id, meeting_id, ts, persona, question, model, critique, proposal, panel_id "
                               "FROM entries WHERE meeting_id=? ORDER BY id", (meeting_id,))
        out = []
        while True:
            self._bad_text = False
            try:
                r = rows.fetchone()
            except sqlite3.DatabaseError as exc:
                self.damaged.append(f"meeting {meeting_id}: the rest of its answers cannot be read ({exc}); "
                                    "nothing was changed")
                break
            if r is None:
                break
            try:
                if self._bad_text:
                    raise ValueError("bytes that are not UTF-8")
                crit = critique_from_dict(json.loads(r[6]))
                # answers saved before proposals were kept: the question was the proposal
                out.append(Entry(r[0], r[1], r[2], one_line(r[3] or ""), terminal(r[4] or ""), r[5], crit,
                                 r[7] or r[4], r[8]))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                # one damaged answer is skipped and kept as it is; the others are shown
                self.damaged.append(f"meeting {meeting_id}, answer {r[0]}: damaged ({type(exc).__name__}: "
                                    f"{one_line(str(exc))[:80]}); skipped, kept in {self.path.name} unchanged")
        return out

    # ------------------------------------------------------------ panels
    def start_panel(self, meeting_id: int, proposal: str) -> int:
        self.get(meeting_id)
        with self.db:
            cur = self.db.execute("INSERT INTO panels (meeting_id, proposal, ts) VALUES (?, ?, ?)",
                                  (meeting_id, proposal, time.time()))
        return cur.lastrowid

    def panels(self, meeting_id: int) -> dict[int, str]:
        """panel id → the proposal it was asked about."""
        return dict(self.db.execute("SELECT id, proposal FROM panels WHERE meeting_id=? ORDER BY id", (meeting_id,)))

    def about(self, meeting_id: int, proposal: str | None = None) -> list[Critique]:
        """The latest answer of each persona on a proposal (default: the meeting's proposal under discussion),
        for the brief and the panel."""
        proposal = proposal or self.get(meeting_id).proposal
        return [e.critique for e in latest_answers(self.entries(meeting_id), proposal).values()]

    # ------------------------------------------------------------ decisions
    def decide(self, meeting_id: int, note: str, kind: str = "decision", entry_id: int | None = None, *,
               panel_id: int | None = None, credit: list[Credit] | None = None) -> Decision:
        """Record a decision on an answer (`entry_id`; default: the latest), credited to the verdicts on screen
        when it was taken: `credit` when the caller knows them (the app does); else, with a panel (`panel_id`, or
        the latest answer belongs to one), every persona's latest verdict on the panel's proposal; else the
        answer's own persona and verdict."""
        if kind not in ("decision", "action"):
            raise JanError(f"kind {kind!r}: use 'decision' or 'action'")
        if not note.strip():
            raise JanError("a decision needs a note (what was decided)")
        self.get(meeting_id)
        entries = self.entries(meeting_id)
        by_id = {e.id: e for e in entries}
        if entry_id is None:
            row = self.db.execute("SELECT MAX(id) FROM entries WHERE meeting_id=?", (meeting_id,)).fetchone()
            entry_id = row[0]
            if panel_id is None and credit is None and entry_id in by_id:
                panel_id = by_id[entry_id].panel_id  # taken right after a panel: the panel's verdicts
        elif not self.db.execute("SELECT 1 FROM entries WHERE id=? AND meeting_id=?", (entry_id, meeting_id)).fetchone():
            raise JanError(f"answer {entry_id} is not part of meeting {meeting_id}")
        if panel_id is not None and panel_id not in self.panels(meeting_id):
            raise JanError(f"panel {panel_id} is not part of meeting {meeting_id}")
        if credit is None:
            if panel_id is not None:
                latest = latest_answers(entries, self.panels(meeting_id)[panel_id])
                credit = [Credit(e.persona, e.critique.verdict, e.id) for e in latest.values()]
            elif entry_id in by_id:
                e = by_id[entry_id]
                credit = [Credit(e.persona, e.critique.verdict, e.id)]
        payload = json.dumps([list(c) for c in credit or []], ensure_ascii=False)
        now = time.time()
        with self.db:
            cur = self.db.execute("INSERT INTO decisions (meeting_id, entry_id, kind, note, ts, panel_id, credit) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  (meeting_id, entry_id, kind, note.strip(), now, panel_id, payload))
        return Decision(cur.lastrowid, meeting_id, entry_id, kind, note.strip(), now, panel_id, list(credit or []))

    def decisions(self, meeting_id: int) -> list[Decision]:
        return [Decision(*r[:4], terminal(r[4] or ""), r[5], r[6], _credit(r[7])) for r in self.db.execute(
            "SELECT id, meeting_id, entry_id, kind, note, ts, panel_id, credit FROM decisions WHERE meeting_id=? "
            "ORDER BY id", (meeting_id,))]

    def close(self) -> None:
        self.db.close()


def _credit(raw: str | None) -> list[Credit]:
    """The saved credit; a damaged one reads as none (the export then names the answer's persona)."""
    try:
        return [Credit(one_line(str(c[0])), one_line(str(c[1])), c[2] if isinstance(c[2], int) else None)
                for c in json.loads(raw or "[]")]
    except (ValueError, TypeError, IndexError, KeyError):
        return []


def export_markdown(store: MeetingStore, meeting_id: int, names: dict[str, str] | None = None) -> str:
    from ..answer.critique import to_markdown
    from .panel import compare
    from .panel import to_markdown as panel_markdown

    m = store.get(meeting_id)
    entries = store.entries(meeting_id)
    by_id = {e.id: e for e in entries}
    panels = store.panels(meeting_id)
    out = [f"# {m.title}", "", f"_{time.strftime('%Y-%m-%d %H:%M', time.localtime(m.created_at))} · "
           f"{len(entries)} question(s)_", ""]
    if m.proposal:
        out += [f"**Proposal under discussion:** {m.proposal}", ""]
    decisions = store.decisions(meeting_id)
    if decisions:
        out += ["## Decisions and actions", ""]
        for d in decisions:
            out.append(f"- **{d.kind}:** {d.note}")
            out += _decision_lines(d, by_id, panels, names or {})
        out.append("")
    if store.damaged:
        out += [f"_{one_line(d)}_" for d in dict.fromkeys(store.damaged)] + [""]
    out += ["## Thread", ""]
    for i, e in enumerate(entries):
        label = "Panel → " if e.panel_id else ""
        about = f" _(on: {e.proposal})_" if e.proposal != e.question else ""
        out += [f"### {label}{e.persona}: {e.question}{about}", "", to_markdown(e.critique), ""]
        last_of_panel = e.panel_id and (i + 1 == len(entries) or entries[i + 1].panel_id != e.panel_id)
        if last_of_panel:
            proposal = panels.get(e.panel_id, e.proposal)
            # the panel: every persona's latest answer on its proposal up to here, side by side
            latest = [x.critique for x in latest_answers(entries[: i + 1], proposal).values()]
            out += [panel_markdown(compare(proposal, latest, names or {})), ""]
    return "\n".join(out)


def _decision_lines(d: Decision, by_id: dict[int, Entry], panels: dict[int, str], names: dict[str, str]) -> list[str]:
    """What a decision was taken on and credited to (the verdicts on screen then: a panel's, all of them),
    and the verified quotes of those answers it rests on."""
    e = by_id.get(d.entry_id)
    credit = d.credit or ([Credit(e.persona, e.critique.verdict, e.id)] if e else [])
    proposal = panels.get(d.panel_id) if d.panel_id is not None else None
    proposal = proposal or (e.proposal if e else "")
    if not credit:
        return [f"  - on: “{proposal}”"] if proposal else []
    shown = Decision(d.id, d.meeting_id, d.entry_id, d.kind, d.note, d.ts, d.panel_id, credit)
    lines = [f"  - on: “{proposal}” ({credit_text(shown, names)})"]
    answers = [by_id[c.entry_id] for c in credit if c.entry_id in by_id] or ([e] if e else [])
    quotes: dict[tuple[str, str], tuple[str, list[str]]] = {}  # (source, quote) → (its label, who cites it)
    for a in answers:
        for p in a.critique.points:
            for c in p.citations:
                ev = next((x for x in a.critique.evidence if x.label == c.evidence_id), None)
                src = f"{ev.chunk.card_id or ev.chunk.source} — {ev.chunk.locator}" if ev else c.evidence_id
                if c.verified:
                    who = quotes.setdefault((src, c.quote), (c.evidence_id, []))[1]
                    if names.get(a.persona, a.persona) not in who:
                        who.append(names.get(a.persona, a.persona))
    for (src, quote), (label, who) in quotes.items():
        cited_by = f" — {', '.join(who)}" if len(answers) > 1 else ""
        lines.append(f"  - rests on [{label}] “{quote}” ({src}){cited_by}")
    return lines
