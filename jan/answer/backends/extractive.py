"""Extractive mode (JAN_MODEL=none): a deterministic critique built from the evidence with templates.

No model is called. Quotes are exact sentences of the evidence, so they pass the citation gate; the
persona's own traits give the inference points, always labelled as such."""

from __future__ import annotations

import re

from ...core.textclean import sentences
from ...core.types import Citation, Critique, Evidence, MythFlag, Point
from ...evidence.myths import proposal
from ...personas.persona import Persona
from ..critique import MIN_QUOTE_WORDS

CUT = re.compile(r"\b(remove|removing|drop|dropping|cut|cutting|close|closing|stop|stopping|only|fewer|less|"
                 r"hide|hiding|replace|replacing|abolish|reduce|reducing|outsource|without|no longer|"
                 r"weghalen|weg|schrappen|afschaffen|sluiten|stoppen|alleen( nog)?|minder|verbergen|"
                 r"vervangen|zonder|niet meer|bezuinigen|automatiseren)\b", re.I)
ADD = re.compile(r"\b(add|adding|improve|improving|listen|involve|involving|test|testing|prototype|ask customers|"
                 r"journey|proactive|inform|personal|empower|train|training|one contact|call back|"
                 r"toevoegen|verbeteren|luisteren|betrekken|testen|klantreis|proactief|informeren|persoonlijk|"
                 r"mandaat|trainen|terugbellen|één aanspreekpunt|vaste contactpersoon)\b", re.I)

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
        "why": {"opposes": "It comes close to what would make me leave: {trait}",
                "supports": "It fits what I want: {trait}", "mixed": "It touches what annoys me: {trait}"},
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
        "why": {"opposes": "{trait}", "supports": "{trait}", "mixed": "{trait}"},
    },
}


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def lean(question: str, myths: list[MythFlag]) -> str:
    """supports / opposes / mixed from the proposal's wording and flagged myths."""
    cut, add = bool(CUT.search(question)), bool(ADD.search(question))
    if myths or (cut and not add):
        return "opposes"
    if add and not cut:
        return "supports"
    return "mixed"


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


def build(persona: Persona, question: str, evidence: list[Evidence], language: str,
          myths: list[MythFlag], *, relevant: bool = True) -> Critique:
    lang = language if language in TEXT else "en"
    t = TEXT[lang]
    crit = Critique(persona=persona.id, question=question, language=language, verdict="no-evidence",
                    summary="", evidence=evidence, model="none (extractive)")
    words = set(re.findall(r"\w{4,}", proposal(question).lower()))  # not the "what would Jan think" framing
    # persona traits are written in English; in Dutch, Jan speaks through his own (Dutch) voice phrases,
    # the ones closest to the question first
    phrases = sorted(persona.voice.phrases, key=lambda p: -len(set(re.findall(r"\w{4,}", p.lower())) & words))
    if not relevant or not evidence:
        crit.abstained = True
        crit.summary = t["no-evidence"]
        own = phrases[0] if lang == "nl" else persona.decision_style.text
        crit.points.append(Point(f"{t['own']} {own}", "inference"))
        crit.questions_back.append(t["back_none"])
        return crit
    verdict = lean(question, myths)
    crit.verdict = verdict
    trait = {"opposes": persona.red_lines[0], "supports": persona.goals[0], "mixed": persona.frustrations[0]}[verdict]
    line = phrases[0] if lang == "nl" else t["why"][verdict].format(trait=_lower_first(trait.text))
    crit.summary = t[verdict].format(line=line)
    # the persona speaks from its own profile first: evidence its traits rest on comes first
    cited = persona.cited_cards()
    top = evidence[:4]
    ordered = [e for e in top if e.chunk.card_id in cited] + [e for e in top if e.chunk.card_id not in cited]
    for i, e in enumerate(ordered[:3]):
        quote = _best_sentence(e.chunk.text, words, lang)
        if not quote:
            continue
        crit.points.append(Point(f"{t['lead'][i]} {quote}", "evidence", [Citation(e.label, quote)]))
    own = (phrases[1] if len(phrases) > 1 else phrases[0]) if lang == "nl" else trait.text
    crit.points.append(Point(f"{t['own']} {own}", "inference"))
    for m in myths[:2]:
        crit.points.append(Point(t["myth"].format(myth=m.myth), "inference"))
    crit.questions_back.extend(t["back"])
    return crit
