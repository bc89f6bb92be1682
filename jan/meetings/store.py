"""Meetings: every question, persona, answer (the full Critique) and model saved in SQLite as it happens,
plus the decision log. One transaction per write, WAL + synchronous=FULL, so killing the app loses at most
the answer in flight. A damaged or newer-schema database is reported, never overwritten."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class Decision:
    id: int
    meeting_id: int
    entry_id: int | None
    kind: str
    note: str
    ts: float


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
        latest: dict[str, Critique] = {}
        for e in self.entries(meeting_id):
            # a push-back answer that only points back to the earlier one does not replace it
            if e.proposal == proposal and (e.critique.points or e.persona not in latest):
                latest[e.persona] = e.critique
        return list(latest.values())

    # ------------------------------------------------------------ decisions
    def decide(self, meeting_id: int, note: str, kind: str = "decision", entry_id: int | None = None) -> Decision:
        if kind not in ("decision", "action"):
            raise JanError(f"kind {kind!r}: use 'decision' or 'action'")
        if not note.strip():
            raise JanError("a decision needs a note (what was decided)")
        self.get(meeting_id)
        if entry_id is None:
            row = self.db.execute("SELECT MAX(id) FROM entries WHERE meeting_id=?", (meeting_id,)).fetchone()
            entry_id = row[0]
        elif not self.db.execute("SELECT 1 FROM entries WHERE id=? AND meeting_id=?", (entry_id, meeting_id)).fetchone():
            raise JanError(f"answer {entry_id} is not part of meeting {meeting_id}")
        now = time.time()
        with self.db:
            cur = self.db.execute("INSERT INTO decisions (meeting_id, entry_id, kind, note, ts) VALUES (?, ?, ?, ?, ?)",
                                  (meeting_id, entry_id, kind, note.strip(), now))
        return Decision(cur.lastrowid, meeting_id, entry_id, kind, note.strip(), now)

    def decisions(self, meeting_id: int) -> list[Decision]:
        return [Decision(*r[:4], terminal(r[4] or ""), r[5]) for r in self.db.execute(
            "SELECT id, meeting_id, entry_id, kind, note, ts FROM decisions WHERE meeting_id=? ORDER BY id", (meeting_id,))]

    def close(self) -> None:
        self.db.close()


def export_markdown(store: MeetingStore, meeting_id: int, names: dict[str, str] | None = None) -> str:
    from ..answer.critique import to_markdown
    from .panel import compare
    from .panel import to_markdown as panel_markdown

    m = store.get(meeting_id)
    entries = store.entries(meeting_id)
    by_id = {e.id: e for e in entries}
    out = [f"# {m.title}", "", f"_{time.strftime('%Y-%m-%d %H:%M', time.localtime(m.created_at))} · "
           f"{len(entries)} question(s)_", ""]
    if m.proposal:
        out += [f"**Proposal under discussion:** {m.proposal}", ""]
    decisions = store.decisions(meeting_id)
    if decisions:
        out += ["## Decisions and actions", ""]
        for d in decisions:
            out.append(f"- **{d.kind}:** {d.note}")
            e = by_id.get(d.entry_id)
            if e:
                out.append(f"  - on: “{e.proposal}” ({e.persona}: {e.critique.verdict})")
                for p in e.critique.points:
                    for c in p.citations:
                        if c.verified:
                            ev = next((x for x in e.critique.evidence if x.label == c.evidence_id), None)
                            src = f"{ev.chunk.card_id or ev.chunk.source} — {ev.chunk.locator}" if ev else c.evidence_id
                            out.append(f"  - rests on [{c.evidence_id}] “{c.quote}” ({src})")
        out.append("")
    if store.damaged:
        out += [f"_{one_line(d)}_" for d in dict.fromkeys(store.damaged)] + [""]
    out += ["## Thread", ""]
    panels = store.panels(meeting_id)
    for i, e in enumerate(entries):
        label = "Panel → " if e.panel_id else ""
        about = f" _(on: {e.proposal})_" if e.proposal != e.question else ""
        out += [f"### {label}{e.persona}: {e.question}{about}", "", to_markdown(e.critique), ""]
        last_of_panel = e.panel_id and (i + 1 == len(entries) or entries[i + 1].panel_id != e.panel_id)
        if last_of_panel:
            proposal = panels.get(e.panel_id, e.proposal)
            # the panel: every persona's latest answer on its proposal up to here, side by side
            latest: dict[str, Critique] = {}
            for x in entries[: i + 1]:
                if x.proposal == proposal and (x.critique.points or x.persona not in latest):
                    latest[x.persona] = x.critique
            out += [panel_markdown(compare(proposal, list(latest.values()), names or {})), ""]
    return "\n".join(out)
