"""Extractive mode (JAN_MODEL=none): a deterministic critique built from the evidence with templates.

No model is called. Quotes are exact sentences of the evidence, so they pass the citation gate; the
persona's own traits give the inference points, always labelled as such."""

from __future__ import annotations

import re

from ...core.lang import english_words
from ...core.textclean import sentences, strip_controls
from ...core.types import Citation, Critique, Evidence, MythFlag, Point, Reason
from ...evidence.chunking import card_parts
from ...evidence.myths import proposal
from ...personas.persona import Persona
from ..critique import MIN_QUOTE_WORDS
from ..labels import short, short_source
from ..relevance import is_own, own_first
from ..stance import Judgment

TEXT = {
    "en": {
        "opposes": "I'm against “{p}”: {line}.",
        "supports": "I'm for “{p}”: {line}.",
        "mixed": "I'm in two minds about “{p}”: {line}.",
        "no-evidence": "Honestly, I don't know what “{p}” would mean for me: nothing in the research I can see covers it.",
        "does": "it comes down to “{practice}”", "undoes": "it undoes “{practice}”",
        "item": {"for": "{source} gives a reason for it", "against": "{source} gives a reason against it"},
        "research": "the research",
        "trait_rel": {"breaks": "it goes against what I want ({trait})",
                      "hits": "it is exactly what I can't stand ({trait})",
                      "serves": "it gives me what I want ({trait})",
                      "eases": "it takes away what annoys me ({trait})"},
        # how the proposal stands to the persona's trait (stance.RELATION)
        "rel": {"breaks": "which goes against what I want ({trait})",
                "hits": "which is exactly what I can't stand ({trait})",
                "serves": "which gives me what I want ({trait})",
                "eases": "which takes away what annoys me ({trait})",
                "against": "and the research is against that", "for": "and the research is for that"},
        "src": "as {source} shows",
        "but": "; but also {line}",
        "lead": ["What I read:", "And:", "Also:", "On top of that:"],
        "own": "What's more, {line}.",
        "myth": "And this rests on a myth, “{myth}”; the research says otherwise: {instead}",
        "myth_unnamed": "And this rests on a myth; the research says otherwise: {instead}",
        "back": ["Have you asked customers like me what “{p}” would mean for them?",
                 "What problem should “{p}” solve, and how will you know it did?"],
        "back_none": "Can you show me research about “{p}”? Then I can tell you more.",
        "unverified": "I can't give a verdict on “{p}”: what I wanted to say could not be checked against the "
                      "evidence (see the notes).",
        "still": "I still think the same: nothing new was brought in. ",
        "elsewhere": "none of my own sources speaks to this; the closest evidence is from elsewhere: {sources}",
        "profile": "No research I can see speaks to this directly: this is how it stands to what I want as a "
                   "customer, not something a source shows.",
    },
    "nl": {
        "opposes": "Ik ben tegen “{p}”: {line}.",
        "supports": "Ik ben voor “{p}”: {line}.",
        "mixed": "Ik twijfel over “{p}”: {line}.",
        "no-evidence": "Eerlijk gezegd weet ik niet wat “{p}” voor mij betekent: in het onderzoek dat ik zie staat "
                       "er niets over.",
        "does": "dat komt neer op “{practice}”", "undoes": "dat draait “{practice}” terug",
        "item": {"for": "{source} geeft een reden ervoor", "against": "{source} geeft een reden ertegen"},
        "research": "het onderzoek",
        "trait_rel": {"breaks": "het gaat in tegen wat ik wil", "hits": "het is precies wat me ergert",
                      "serves": "het geeft me wat ik wil", "eases": "het neemt weg wat me ergert"},
        # persona traits are written in English: in Dutch the trait is named by its kind, the practice in Dutch
        "rel": {"breaks": "en dat gaat in tegen wat ik wil", "hits": "en dat is precies wat me ergert",
                "serves": "en dat geeft me wat ik wil", "eases": "en dat neemt weg wat me ergert",
                "against": "en het onderzoek is daartegen", "for": "en het onderzoek is daarvoor"},
        "src": "zoals {source} laat zien",
        "but": "; maar ook: {line}",
        "lead": ["Wat ik lees:", "En:", "Ook:", "Bovendien:"],
        "own": "Daarbij: {line}.",
        "myth": "En dit rust op een mythe, “{myth}”; het onderzoek zegt iets anders: {instead}",
        "myth_unnamed": "En dit rust op een mythe; het onderzoek zegt iets anders: {instead}",
        "unverified": "Ik kan geen oordeel geven over “{p}”: wat ik wilde zeggen kon niet aan het bewijs worden "
                      "getoetst (zie de opmerkingen).",
        "back": ["Hebben jullie klanten zoals ik gevraagd wat “{p}” voor hen betekent?",
                 "Welk probleem moet “{p}” oplossen, en hoe weten jullie of dat gelukt is?"],
        "back_none": "Hebben jullie onderzoek over “{p}”? Dan kan ik meer zeggen.",
        "still": "Ik blijf erbij: er is niets nieuws op tafel gekomen. ",
        "elsewhere": "geen van mijn eigen bronnen gaat hierover; het dichtstbijzijnde bewijs komt van elders: {sources}",
        "profile": "Geen onderzoek dat ik zie gaat hier rechtstreeks over: zo staat het tegenover wat ik als klant "
                   "wil, niet iets wat een bron laat zien.",
    },
}
PROPOSAL_WORDS = 16  # the proposal is named in the summary, cut after this many words


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _best_sentence(text: str, query_words: set[str], language: str) -> str:
    main, nl = card_parts(text)
    pools = [nl, main] if language == "nl" and nl else [main]
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


def proposal_text(question: str) -> str:
    """What the proposal does, in the asker's words: the question without its framing, cut short."""
    p = proposal(question).strip().rstrip("?.! ")
    words = p.split()
    p = " ".join(words[:PROPOSAL_WORDS]) + ("…" if len(words) > PROPOSAL_WORDS else "")
    return _lower_first(p)


def _source_of(reason: Reason, evidence: list[Evidence]) -> str:
    """The reason's source, named only when its item bears on the proposal (relevance.py): a card that
    shares little with it does not "show" anything about it."""
    e = next((e for e in evidence if e.label in reason.evidence), None)
    return short_source(e.chunk.source) if e is not None and e.bears is not False else ""


def reason_line(reason: Reason, language: str, evidence: list[Evidence] | None = None) -> str:
    """One deciding reason as the persona says it: what the proposal comes down to (the matched practice),
    how it stands to the persona's trait, and the source that says so."""
    t = TEXT.get(language, TEXT["en"])
    source = _source_of(reason, evidence or [])
    if reason.kind == "trait" and reason.trait:  # the persona's own trait, read by the reader
        trait = _lower_first(short(strip_controls(reason.trait)).rstrip("."))
        line = t["trait_rel"][reason.relation or "breaks"].format(trait=trait)
        return line + (f", {t['src'].format(source=source)}" if source else "")
    if not reason.practice:  # the reader's reason from an item without practices (the team's own research)
        head = t["item"][reason.direction].format(source=source or t["research"])
        if not reason.trait:
            return head
        rel = t["rel"][reason.relation] if language == "nl" else t["rel"][reason.relation].format(
            trait=_lower_first(short(strip_controls(reason.trait)).rstrip(".")))
        return f"{head}, {rel}"
    practice = _lower_first(reason.practice.rstrip(". "))
    head = t["undoes" if reason.undoes else "does"].format(practice=practice)
    if language == "nl":
        rel = t["rel"][reason.relation or reason.direction]
    else:
        key = reason.relation if reason.trait else reason.direction
        rel = t["rel"][key].format(trait=_lower_first(short(strip_controls(reason.trait)).rstrip(".")))
    return f"{head}, {rel}" + (f", {t['src'].format(source=source)}" if source else "")


def myth_line(m: MythFlag, language: str) -> str:
    t = TEXT.get(language, TEXT["en"])
    return t["myth" if m.myth else "myth_unnamed"].format(myth=m.myth.rstrip("."), instead=m.instead or m.why_it_applies)


def summary(question: str, judgment: Judgment, language: str, evidence: list[Evidence]) -> str:
    """What the proposal does and the trait and evidence it touches, in one sentence (two sides if mixed)."""
    t = TEXT.get(language, TEXT["en"])
    p = proposal_text(question)
    if judgment.verdict == "no-evidence" or not judgment.reasons:
        return t["no-evidence"].format(p=p)
    reasons = judgment.reasons[:2]
    line = reason_line(reasons[0], language, evidence)
    if judgment.verdict == "mixed" and len(reasons) > 1:
        line += t["but"].format(line=reason_line(reasons[1], language, evidence))
    return t[judgment.verdict].format(p=p, line=line)


def unverified(question: str, language: str) -> str:
    """The summary when a model's answer lost every point at the citation gate: no verdict, and why."""
    return TEXT.get(language, TEXT["en"])["unverified"].format(p=proposal_text(question))


def build(persona: Persona, question: str, evidence: list[Evidence], language: str,
          myths: list[MythFlag], judgment: Judgment) -> Critique:
    lang = language if language in TEXT else "en"
    t = TEXT[lang]
    crit = Critique(persona=persona.id, question=question, language=language, verdict="no-evidence",
                    summary="", evidence=evidence, model="none (extractive)")
    p = proposal_text(question)
    words = set(re.findall(r"\w{4,}", proposal(question).lower()))  # not the "what would Jan think" framing
    if judgment.verdict == "no-evidence" or not evidence:
        crit.abstained = True
        crit.summary = t["no-evidence"].format(p=p)
        crit.questions_back.append(t["back_none"].format(p=p))
        return crit
    verdict = judgment.verdict
    crit.verdict = verdict
    reasons = judgment.reasons[:2]
    crit.summary = summary(question, judgment, lang, evidence)
    # only items that bear on this proposal are cited: the deciding reasons' cards first, then the
    # persona's own sources, then the rest by relevance (items never checked count as bearing)
    if any(e.bears is None for e in evidence):
        for e in evidence:
            e.bears = True if e.bears is None else e.bears
    cited = own_first(evidence, persona)[:3]
    for i, e in enumerate(cited):
        quote = _best_sentence(e.chunk.text, words, lang)
        if not quote:
            continue
        crit.points.append(Point(f"{t['lead'][i]} {quote}", "evidence", [Citation(e.label, quote, supports=True)]))
    if not crit.points:  # nothing bears on it: the verdict rests on the persona's profile, said as inference
        crit.rests_on_profile = True
        crit.points.append(Point(t["profile"], "inference"))
    if cited and not any(is_own(e, persona) for e in cited):
        crit.notes.append(TEXT["en"]["elsewhere"].format(
            sources=", ".join(dict.fromkeys(short_source(e.chunk.source) for e in cited))))
    # a second reason only where it brings a trait the summary did not name (an inference: how the
    # proposal stands to the persona, with its source named but not quoted)
    if verdict != "mixed" and len(reasons) > 1 and reasons[1].trait_id != reasons[0].trait_id:
        crit.points.append(Point(t["own"].format(line=reason_line(reasons[1], lang, evidence)), "inference"))
    for m in myths[:2]:
        crit.points.append(Point(myth_line(m, lang), "inference"))
    crit.questions_back.extend(q.format(p=p) for q in t["back"])
    return crit


def quote_led(crit: Critique, evidence: list[Evidence], language: str) -> int:
    """A small local model's evidence point whose claim does not agree with its quote (critique.check_support)
    says the quote instead, in the extractive form ("What I read: <the source's words>"): the model chose the
    sentence, the source says it. Its own words are not shown: the check could not show they agree, and in
    Dutch the 1.5B model writes them wrong (issue 15: write less rather than wrong). Only items that bear on
    the proposal; a point citing background stays inference with its quote in view. Returns how many."""
    t = TEXT.get(language, TEXT["en"])
    bears = {e.label: e.bears for e in evidence}
    n = 0
    for point in crit.points:
        cite = next((c for c in point.citations if c.verified and not c.supports and bears.get(c.evidence_id)),
                    None)
        if point.kind != "inference" or cite is None:
            continue
        point.text = f"{t['lead'][min(n, len(t['lead']) - 1)]} {cite.quote}"
        point.kind, point.citations, cite.supports = "evidence", [cite], True
        n += 1
    if n:
        crit.notes.append(f"{n} point(s) in the model's words did not agree with their quote: the quote is shown "
                          "instead")
    return n


def dutch_only(crit: Critique, question: str) -> int:
    """A Dutch answer from the embedded model keeps only the model's own sentences (inference points, questions
    back) that hold no English word; the quotes are the sources' words and stay. A question back left out is
    replaced by the extractive one, so the team is still asked something. Returns how many were left out."""
    if crit.language != "nl":
        return 0
    points = [p for p in crit.points if p.citations or not english_words(p.text)]
    back = [q for q in crit.questions_back if not english_words(q)]
    n = len(crit.points) - len(points) + len(crit.questions_back) - len(back)
    if crit.questions_back and not back:
        back = [TEXT["nl"]["back"][0].format(p=proposal_text(question))]
    crit.points, crit.questions_back = points, back
    if n:
        crit.notes.append(f"{n} sentence(s) the model wrote with English words in a Dutch answer were left out")
    return n

