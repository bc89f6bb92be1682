"""Extractive mode (JAN_MODEL=none): a deterministic critique built from the evidence with templates.

No model is called. Quotes are exact sentences of the evidence, so they pass the citation gate; the
persona's own traits give the inference points, always labelled as such."""

from __future__ import annotations

import re

from ...core.textclean import sentences
from ...core.types import Citation, Critique, Evidence, MythFlag, Point, Reason
from ...evidence.myths import proposal
from ...personas.persona import Persona
from ..critique import MIN_QUOTE_WORDS
from ..stance import Judgment

TEXT = {
    "en": {
        "opposes": "I would not be happy with this. {line}",
        "supports": "This sounds good to me. {line}",
        "mixed": "I am in two minds about this. {line}",
        "no-evidence": "Honestly, I don't know: nothing in the research I can see covers this.",
        "lead": ["What I read:", "And:", "Also:", "On top of that:"],
        "own": "My own view, not from the research:",
        "myth": "And this idea rests on a myth: {myth}",
        "back": ["What do customers like me actually contact you about?", "Have you asked customers like me?"],
        "back_none": "Can you show me research about this? Then I can tell you more.",
        "still": "I still think the same: nothing new was brought in. ",
        # how the proposal stands to the persona's trait (stance.RELATION)
        "why": {"breaks": "It goes against what I want: {trait}", "hits": "It is exactly what I can't stand: {trait}",
                "serves": "It fits what I want: {trait}", "eases": "It takes away what annoys me: {trait}"},
        "but": "But: {line}",
    },
    "nl": {
        "opposes": "Hier zou ik niet blij van worden. {line}",
        "supports": "Dit klinkt goed voor mij. {line}",
        "mixed": "Ik twijfel hierover. {line}",
        "no-evidence": "Eerlijk gezegd weet ik het niet: in het onderzoek dat ik zie staat hier niets over.",
        "lead": ["Wat ik lees:", "En:", "Ook:", "Bovendien:"],
        "own": "Mijn eigen mening, niet uit het onderzoek:",
        "myth": "En dit idee rust op een mythe: {myth}",
        "back": ["Waarover nemen klanten zoals ik eigenlijk contact op?", "Hebben jullie het klanten zoals ik gevraagd?"],
        "back_none": "Hebben jullie hier onderzoek over? Dan kan ik meer zeggen.",
        "still": "Ik blijf erbij: er is niets nieuws op tafel gekomen. ",
        # persona traits are written in English: in Dutch the reason is the practice the research speaks to
        "why": {"against": "{practice}: volgens het onderzoek werkt dat tegen klanten zoals ik.",
                "for": "{practice}: volgens het onderzoek helpt dat klanten zoals ik."},
        "but": "Maar: {line}",
    },
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _best_sentence(text: str, query_words: set[str], language: str) -> str:
    parts = re.split(r"\s+NL: ", text, maxsplit=1)
    pools = [parts[1], parts[0]] if language == "nl" and len(parts) > 1 else parts[:1]
    def score(s: str) -> int:
        return len(set(re.findall(r"\w{4,}", s.lower())) & query_words)
    for pool in pools:  # a Dutch summary too short to quote falls back to the card's main text
        sents = sentences(pool)
        body = [s for s in sents[1:] if not s.lower().startswith(("myth:", "mythe:"))] if len(sents) > 1 else sents
        cands = [s for s in body if 4 <= len(s.split()) <= 45] or body[:1] or sents[:1]
        cands = [s for s in cands if len(s.split()) >= MIN_QUOTE_WORDS]  # shorter quotes fail the gate
        if cands:
            return max(cands, key=score)
    return ""


def reason_line(reason: Reason, language: str) -> str:
    """One deciding reason as the persona says it: the trait it serves or breaks (the practice in Dutch)."""
    t = TEXT.get(language, TEXT["en"])
    if language == "nl":
        return t["why"][reason.direction].format(practice=reason.practice.rstrip("."))
    return t["why"][reason.relation or ("serves" if reason.direction == "for" else "breaks")].format(
        trait=_lower_first(reason.trait or reason.practice))


def build(persona: Persona, question: str, evidence: list[Evidence], language: str,
          myths: list[MythFlag], judgment: Judgment) -> Critique:
    lang = language if language in TEXT else "en"
    t = TEXT[lang]
    crit = Critique(persona=persona.id, question=question, language=language, verdict="no-evidence",
                    summary="", evidence=evidence, model="none (extractive)")
    words = set(re.findall(r"\w{4,}", proposal(question).lower()))  # not the "what would Jan think" framing
    # persona traits are written in English; in Dutch, Jan speaks through his own (Dutch) voice phrases,
    # the ones closest to the question first
    phrases = sorted(persona.voice.phrases, key=lambda p: -len(set(re.findall(r"\w{4,}", p.lower())) & words))
    if judgment.verdict == "no-evidence" or not evidence:
        crit.abstained = True
        crit.summary = t["no-evidence"]
        own = phrases[0] if lang == "nl" else persona.decision_style.text
        crit.points.append(Point(f"{t['own']} {own}", "inference"))
        crit.questions_back.append(t["back_none"])
        return crit
    verdict = judgment.verdict
    crit.verdict = verdict
    lines = [reason_line(r, lang) for r in judgment.reasons[:2]]
    line = lines[0] + (" " + t["but"].format(line=lines[1]) if verdict == "mixed" and len(lines) > 1 else "")
    crit.summary = t[verdict].format(line=line)
    # the evidence the deciding reasons rest on first, then what the persona's own traits rest on
    deciding = [lab for r in judgment.reasons for lab in r.evidence]
    cited = persona.cited_cards()
    rest = [e for e in evidence[:4] if e.label not in deciding]
    ordered = [e for e in evidence if e.label in deciding] + sorted(rest, key=lambda e: e.chunk.card_id not in cited)
    for i, e in enumerate(ordered[:3]):
        quote = _best_sentence(e.chunk.text, words, lang)
        if not quote:
            continue
        crit.points.append(Point(f"{t['lead'][i]} {quote}", "evidence", [Citation(e.label, quote)]))
    own = phrases[0] if lang == "nl" else next((r.trait for r in judgment.reasons if r.trait), persona.goals[0].text)
    crit.points.append(Point(f"{t['own']} {own}", "inference"))
    for m in myths[:2]:
        crit.points.append(Point(t["myth"].format(myth=m.myth), "inference"))
    crit.questions_back.extend(t["back"])
    return crit
