"""The conversation around an answer: push-back (a message that only contests the last answer) and how an
answer keeps its stance when no new evidence is brought in."""

from __future__ import annotations

import re

from ..core.types import Critique, Turn
from .backends import extractive

PUSHBACK = re.compile(
    r"^\s*(are you sure|really\??$|i disagree|but (the|our) (cfo|ceo|board|boss|manager)|the (cfo|ceo|board) "
    r"(disagrees|thinks otherwise|sees it differently)|weet je (het )?zeker|echt\??$|maar de (directie|cfo|ceo|raad|baas)|"
    r"de (directie|cfo|ceo) (ziet|denkt) (het|dat) anders|daar ben ik het niet mee eens)", re.I)
# Disagreement anywhere in a short message ("Our chair disagrees with you, so are you sure?").
_CONTEST = re.compile(
    r"\b(are you (really )?sure|i (still )?disagree|disagrees?( with you)?|you('re| are) wrong|i (don't|do not) "
    r"(agree|believe|buy)|(sees?|see) (it|this|that) differently|thinks? otherwise|insists?( on it)?|"
    r"still against|not convinced|weet je (het )?zeker|(dat|dit|die) geloof ik niet|(dat|dit|het) zie ik anders|"
    r"(ziet|zien|denkt|denken) (het|dat|dit) anders|niet mee eens|(heilig )?van overtuigd|klopt niet)\b"
    r"|^\s*(really|echt|serieus|sure)\s*\?", re.I)
PUSHBACK_MAX_WORDS = 25  # pushback is short; a longer message brings a proposal of its own


def is_pushback(text: str) -> bool:
    """Does this message only contest the last answer (no new topic)?"""
    return bool(PUSHBACK.search(text)) or (len(text.split()) <= PUSHBACK_MAX_WORDS and bool(_CONTEST.search(text)))


def keep_stance(crit: Critique, history: list[Turn], is_pushback: bool, language: str) -> Critique:
    """A push-back without new evidence keeps the verdict and says so in a sentence or two, pointing back
    to the earlier answer instead of repeating it; `history` holds only the answers on the same topic."""
    if not history:
        return crit
    prev = history[-1].critique
    same_evidence = {e.chunk.id for e in crit.evidence} <= {e.chunk.id for e in prev.evidence}
    still = extractive.TEXT.get(language, extractive.TEXT["en"])["still"]
    if is_pushback and same_evidence:
        if crit.verdict != prev.verdict:
            crit.notes.append(f"stance kept: pushback without new evidence (model said {crit.verdict})")
            crit.verdict = prev.verdict
        earlier = next((t for t in history if t.critique.points), history[0])
        crit.summary = still + POINT_BACK.get(language, POINT_BACK["en"]).format(
            question=earlier.question, verdict=prev.verdict)
        crit.points, crit.questions_back = [], []
    elif crit.verdict != prev.verdict and not is_pushback:
        new = [e.label for e in crit.evidence if e.chunk.id not in {p.chunk.id for p in prev.evidence}]
        if new:
            crit.notes.append(f"what changed: new evidence {', '.join(new)} compared with the previous answer")
    return crit


# the push-back answer points back to the earlier one instead of repeating it
POINT_BACK = {
    "en": "My answer to “{question}” stands ({verdict}); see it above.",
    "nl": "Mijn antwoord op “{question}” blijft staan ({verdict}); zie hierboven.",
}


def leaning_note(readings) -> str:
    """The strongest item on each side of a verdict the reader is not confident of."""
    parts = []
    for side in ("for", "against"):
        best = max((r for r in readings if r.bear > 0), key=lambda r: r.bear * r.share(side), default=None)
        if best is not None and best.bear * best.share(side) >= 0.2:
            parts.append(f"{side}: {best.key} ({best.bear * best.share(side):.2f})")
    return "leaning, not sure: the strongest item " + "; ".join(parts) if parts else "leaning, not sure"
