"""Plain data shared by all modules: chunks, evidence, citations, critiques."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Verdict = Literal["supports", "opposes", "mixed", "no-evidence"]


@dataclass
class Chunk:
    id: str
    text: str  # what is shown and cited
    source: str  # document title or card source
    locator: str  # page / heading / paragraph / line range
    tag: str  # ingest tag (builtin, seeds, ...)
    doc: str  # file path (or card path) it came from
    header: str = ""  # contextual header embedded with the chunk (title + section)
    kind: str = "document"  # document | research | myth | practice | quote
    card_id: str = ""
    topics: str = ""  # comma-separated card tags

    def embed_text(self) -> str:
        return f"{self.header}\n{self.text}" if self.header else self.text


@dataclass
class Evidence:
    label: str  # E1, E2 ...
    chunk: Chunk
    score: float
    rank: int
    similarity: float | None = None  # dense cosine, when the dense side found it
    # does this item bear on the proposal being asked about (answer/relevance.py)? None: not checked.
    # An item that does not is shown as background and is never cited as support.
    bears: bool | None = None
    relevance: float = 0.0  # how closely its best sentence matches the proposal (what `bears` is judged on)
    why: str = ""  # why it bears: "reason" (a deciding reason names its card) or "similar" (its own check)

    def to_dict(self) -> dict:
        d = asdict(self.chunk)
        d.update(label=self.label, score=round(self.score, 5), rank=self.rank, bears=self.bears,
                 relevance=round(self.relevance, 4), why=self.why)
        return d


@dataclass
class Citation:
    evidence_id: str
    quote: str
    verified: bool = False  # quote verified: the quoted words occur in the cited item (the citation gate)
    # supports the point: the point's claim agrees with the quote (extractive: the point is the quote; a
    # model's point is checked after generation, critique.check_support). None: not checked.
    supports: bool | None = None


@dataclass
class Point:
    text: str
    kind: Literal["evidence", "inference"]
    citations: list[Citation] = field(default_factory=list)


@dataclass
class MythFlag:
    card_id: str
    myth: str
    why_it_applies: str
    instead: str = ""


@dataclass
class Reason:
    """One deciding reason of a verdict: what the proposal does (the practice it matches), what the research
    on that practice says (direction), the persona trait it touches and the evidence items that say so."""

    direction: Literal["for", "against"]  # the research is for / against what the proposal does
    practice: str  # the matched practice, in the answer's language
    card_id: str
    similarity: float
    trait_id: str = ""  # e.g. "goals[0]", "red_lines[1]", "channels.refuses[0]"
    trait: str = ""
    relation: str = ""  # serves | breaks | eases | hits (how the proposal stands to the trait)
    evidence: list[str] = field(default_factory=list)  # E# labels of the card's items in the evidence
    undoes: bool = False  # the proposal does the opposite of the practice (so the direction is turned)
    # what the reason rests on: a matched practice (stance model), an evidence item the reader read, or one
    # of the persona's own traits the reader read
    kind: Literal["practice", "item", "trait"] = "practice"


@dataclass
class Critique:
    persona: str
    question: str
    language: str
    verdict: Verdict
    summary: str
    points: list[Point] = field(default_factory=list)
    myths: list[MythFlag] = field(default_factory=list)
    questions_back: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    model: str = "none"
    abstained: bool = False
    notes: list[str] = field(default_factory=list)  # e.g. "2 citations dropped by the gate"
    reasons: list[Reason] = field(default_factory=list)  # why the verdict (stance model), deciding first
    # no research item bears on the proposal: the verdict comes from how the matched practices stand to the
    # persona's traits (the reasons), said as an inference point and a note, with nothing cited
    rests_on_profile: bool = False
    # the reader of evidence's calibrated confidence in the verdict (None: no reader); a supports/opposes
    # verdict below its confident bar is shown as leaning, with the strongest item on each side
    confidence: float | None = None
    leaning: bool = False
    readings: list[dict] = field(default_factory=list)  # per item: for / against / neither (reader.Reading)
    # counted items from the team's own contacts (answer/counted.py): id C#, text, value, total; each verified
    counts: list[dict] = field(default_factory=list)

    def citation_counts(self) -> tuple[int, int]:
        cites = [c for p in self.points for c in p.citations]
        return sum(c.verified for c in cites), len(cites)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["evidence"] = [e.to_dict() for e in self.evidence]
        return d


@dataclass
class Turn:
    """One earlier question and its answer, as the engine reads a conversation's history."""

    question: str
    critique: Critique
