"""Every heading and label an answer is rendered with, in the asker's language (en, nl).

One table for the CLI markdown, the TUI and the brief, so a Dutch question gets Dutch headings everywhere."""

from __future__ import annotations

import re

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "verdict": "verdict", "why": "why", "evidence": "Evidence", "inference": "Inference",
        "myths": "Myths this rests on", "questions": "Questions back to the team", "ask": "I would ask you:",
        "sources": "Evidence", "background": "background, not cited", "bears": "bears on the proposal",
        "verified": "citations verified", "model": "model", "note": "note", "quote": "source",
        "quote_ok": "quote verified", "quote_bad": "quote not found in the item",
        "supports": "supports the point", "not_supports": "support not shown", "research_says": "the research says",
        "supports_v": "supports", "opposes_v": "opposes", "mixed_v": "mixed", "no-evidence_v": "no evidence",
        "leans": "leans {v}", "confidence": "confidence",
        "counts": "Counted in your own contacts", "counted": "counted",
    },
    "nl": {
        "verdict": "oordeel", "why": "waarom", "evidence": "Bewijs", "inference": "Afleiding",
        "myths": "Mythes waar dit op rust", "questions": "Vragen terug aan het team", "ask": "Ik zou jullie vragen:",
        "sources": "Bronnen", "background": "achtergrond, niet geciteerd", "bears": "gaat over het voorstel",
        "verified": "citaten gecontroleerd", "model": "model", "note": "opmerking", "quote": "bron",
        "quote_ok": "citaat gecontroleerd", "quote_bad": "citaat niet gevonden in de bron",
        "supports": "ondersteunt het punt", "not_supports": "steun niet aangetoond",
        "research_says": "het onderzoek zegt",
        "supports_v": "voor", "opposes_v": "tegen", "mixed_v": "gemengd", "no-evidence_v": "geen bewijs",
        "leans": "neigt naar {v}", "confidence": "zekerheid",
        "counts": "Geteld in jullie eigen contacten", "counted": "geteld",
    },
}

# The engine's notes, as they read in Dutch (pattern over the English note → Dutch template).
_NOTES_NL = [
    (r"leaning, not sure: the strongest item (.*)", r"neigt, niet zeker: het sterkste item \1"),
    (r"leaning, not sure", r"neigt, niet zeker"),
    (r"(\d+) citation\(s\) could not be verified against the evidence \(✗\)",
     r"\1 citaat/citaten kon(den) niet worden gecontroleerd tegen het bewijs (✗)"),
    (r"(\d+) point\(s\) without a verified citation shown as inference",
     r"\1 punt(en) zonder gecontroleerd citaat als afleiding getoond"),
    (r"no point survived the citation gate: verdict set to no-evidence",
     "geen punt kwam door de citaatcontrole: oordeel gezet op geen bewijs"),
    (r"(\d+) point\(s\) do not agree with their quote: shown as inference",
     r"\1 punt(en) zonder steun in het eigen citaat: als afleiding getoond"),
    (r"(\d+) citation\(s\) of background items \(not about this proposal\) do not count as support",
     r"\1 citaat/citaten van achtergrondbronnen (niet over dit voorstel) tellen niet als steun"),
    (r"(\d+) line\(s\) of the model's answer were not in the expected format",
     r"\1 regel(s) van het antwoord van het model had(den) niet de verwachte vorm"),
    (r"(\d+) part\(s\) of the answer repeated the instructions and were removed",
     r"\1 deel/delen van het antwoord herhaalde(n) de instructies en is/zijn weggelaten"),
    (r"stance kept: pushback without new evidence \(model said (.*)\)",
     r"standpunt behouden: tegenspraak zonder nieuw bewijs (het model zei \1)"),
    (r"what changed: new evidence (.*) compared with the previous answer",
     r"wat er veranderd is: nieuw bewijs \1 ten opzichte van het vorige antwoord"),
    (r"none of my own sources speaks to this; the closest evidence is from elsewhere: (.*)",
     r"geen van mijn eigen bronnen gaat hierover; het dichtstbijzijnde bewijs komt van elders: \1"),
    (r"the research the verdict rests on \((.*)\) shares little with this proposal: shown as background, not cited",
     r"het onderzoek waarop dit oordeel rust (\1) heeft weinig met dit voorstel te maken: als achtergrond "
     "getoond, niet geciteerd"),
    (r"(\d+) point\(s\) in the model's words did not agree with their quote: the quote is shown instead",
     r"\1 punt(en) in de woorden van het model kwam(en) niet overeen met het citaat: het citaat staat er nu"),
    (r"(\d+) sentence\(s\) the model wrote with English words in a Dutch answer were left out",
     r"\1 zin(nen) van het model met Engelse woorden in een Nederlands antwoord weggelaten"),
    (r"none of the model's points could be checked against the evidence: the points quoted are the research's "
     r"own words", "geen van de punten van het model kon aan het bewijs worden getoetst: de geciteerde punten "
     "zijn de eigen woorden van het onderzoek"),
    (r"(\S+) does not write nl well: this answer is built from the research's own words",
     r"\1 schrijft geen goed Nederlands: dit antwoord is opgebouwd uit de eigen woorden van het onderzoek"),
    (r"the stance model's match alone said (.*); the local model's reading decided",
     r"de vergelijking met de praktijken alleen gaf \1; de lezing van het lokale model besliste"),
]


def weak_note(cards: list[str], evidence) -> str:
    """The note when a deciding reason's card was found not to bear on the proposal (relevance.py)."""
    names = [short_source(e.chunk.source) for e in evidence if e.chunk.card_id in cards] or cards
    return (f"the research the verdict rests on ({', '.join(dict.fromkeys(names))}) shares little with this "
            "proposal: shown as background, not cited")


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def verdict_word(verdict: str, language: str, leaning: bool = False) -> str:
    """The verdict in the answer's language; a verdict below the reader's confident bar reads "leans …"."""
    word = labels(language).get(f"{verdict}_v", verdict)
    return labels(language)["leans"].format(v=word) if leaning and verdict in ("supports", "opposes") else word


def note(text: str, language: str) -> str:
    """An engine note in the answer's language (unknown notes stay as they are)."""
    if language != "nl":
        return text
    for pattern, repl in _NOTES_NL:
        if re.fullmatch(pattern, text):
            return re.sub(pattern, repl, text)
    return text


# The built-in cards' locators are written in English ("Chapter 1, section 'Muren tussen afdelingen',
# paragraph 3"); in a Dutch answer their words are said in Dutch. Longest phrases first; quoted titles
# (between single quotes) are the source's own words and stay as they are.
_LOCATOR_NL = [
    ("plus the pull quote that follows", "plus het uitgelichte citaat dat volgt"),
    ("seed text breaks off mid-paragraph", "de brontekst breekt midden in de alinea af"),
    ("myth taken from", "mythe ontleend aan"), ("after the", "na het"), ("the Q-model", "het Q-model"),
    ("first half", "eerste helft"), ("second half", "tweede helft"), ("introduction", "inleiding"),
    ("epigraph", "motto"), ("example", "voorbeeld"),
    ("first two paragraphs", "eerste twee alinea's"), ("opening paragraphs", "openingsalinea's"),
    ("opening paragraph", "openingsalinea"), ("first paragraph", "eerste alinea"),
    ("first sentence", "eerste zin"), ("first section", "eerste sectie"),
    ("paragraph beginning", "alinea die begint met"), ("Answers beginning", "Antwoorden die beginnen met"),
    ("Answer beginning", "Antwoord dat begint met"), ("Opening answer", "Openingsantwoord"),
    ("Answer to", "Antwoord op"), ("book chapter", "boekhoofdstuk"), ("myth box", "mythekader"),
    ("see also", "zie ook"), ("Paragraphs", "Alinea's"), ("paragraphs", "alinea's"),
    ("Paragraph", "Alinea"), ("paragraph", "alinea"), ("Sections", "Secties"), ("Section", "Sectie"),
    ("sections", "secties"), ("section", "sectie"), ("Chapter", "Hoofdstuk"), ("chapter", "hoofdstuk"),
    ("Introduction", "Inleiding"), ("Box", "Kader"), ("final", "laatste"), ("list", "lijst"),
    ("channels", "kanalen"), ("departments", "afdelingen"), ("and", "en"), ("on", "over"),
]
_LOCATOR_TABLE = dict(_LOCATOR_NL)
_LOCATOR_RE = re.compile(r"\b(" + "|".join(re.escape(en) for en, _ in _LOCATOR_NL) + r")\b")


def locator(text: str, language: str) -> str:
    """Where in its source an item sits, in the answer's language (quoted titles untouched)."""
    if language != "nl":
        return text
    parts = re.split(r"('[^']*')", text)
    return "".join(p if p.startswith("'") else _LOCATOR_RE.sub(lambda m: _LOCATOR_TABLE[m.group(1)], p)
                   for p in parts)


def short_source(source: str, limit: int = 60) -> str:
    """A source name a board reader can take in: 'PvKO: Van picknicktafel tot purpose', not the full
    bibliographic line (that stays in the appendix)."""
    s = source.split(" — ")[0]
    s = re.sub(r"\s*\([^)]*\)", "", s)
    s = re.split(r"\s+by\s+|,\s+", s, maxsplit=1)[0].strip(" ;:")
    return s if len(s) <= limit else s[:limit].rsplit(" ", 1)[0] + "…"


def short(text: str, n: int = 110) -> str:
    """Cut at a word boundary after n characters."""
    text = text.strip()
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0].rstrip(",;:") + "…"
