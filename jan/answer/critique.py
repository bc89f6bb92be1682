"""Turning model output into a Critique, and the citation gate.

Gate: a citation counts as verified only if it names an evidence item that was in the prompt and its
quote is an exact substring (after normalization) of that item. Unverified citations are kept but marked;
an evidence point without a verified citation is demoted to inference.
"""

from __future__ import annotations

import re

from ..core.lang import detect
from ..core.sanitize import display, neutral, terminal
from ..core.textclean import normalize_for_match, strip_controls
from ..core.types import Citation, Critique, Evidence, Point
from .labels import labels, locator, note, short_source, verdict_word

VERDICTS = ("supports", "opposes", "mixed", "no-evidence")
_CITE = re.compile(r"\[\s*(E\d+)\s*(?::\s*[\"“„'‘]([^\"”\]]{1,400})[\"”'’“]?)?\s*\]")
_QUOTES = "'\"“”„‘’"
_KEY = re.compile(r"^[#>*_\s]*(VERDICT|OORDEEL|SUMMARY|SAMENVATTING)[*_\s]*:[*_\s]*(.*)$", re.I)
_POINT = re.compile(r"^\s*[-*•]\s*\[\s*(evidence|inference|bewijs|afleiding)\s*\]\s*(.*)$", re.I)
MIN_QUOTE_WORDS = 3


def parse(text: str, critique: Critique) -> Critique:
    """Fill verdict/summary/points/questions from the line format; unparsable lines are kept as notes."""
    text = strip_controls(text)
    unparsed = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key = _KEY.match(line)
        if key and key.group(1).upper() in ("VERDICT", "OORDEEL"):
            v = key.group(2).strip().lower().strip(".*_ ")
            verdict = next((x for x in VERDICTS if v.startswith(x)), None)
            if verdict:
                critique.verdict = verdict
            else:
                critique.notes.append(f"verdict {v[:40]!r} not understood; kept {critique.verdict}")
        elif key:
            critique.summary = neutral(key.group(2).strip().strip("*_ "))
        elif m := _POINT.match(line):
            kind = "evidence" if m.group(1).lower() in ("evidence", "bewijs") else "inference"
            body = m.group(2)
            cites = [Citation(eid.upper(), (quote or "").strip().strip(_QUOTES).strip())
                     for eid, quote in _CITE.findall(body)]
            # marks left in the text (`[E1 ✓]`, a lone ✓, fence markers) are the model's, not the gate's
            clean = neutral(_CITE.sub("", body).strip())
            critique.points.append(Point(clean or neutral(body), kind, cites))
        elif line.startswith("?"):
            critique.questions_back.append(neutral(line.lstrip("? ").strip()))
        else:
            unparsed.append(line)
    if unparsed:
        critique.notes.append(f"{len(unparsed)} line(s) of the model's answer were not in the expected format")
        if not critique.summary:
            critique.summary = neutral(" ".join(unparsed))[:400]
    return critique


def _words(text: str) -> list[str]:
    """Normalised words without punctuation (punctuation does not hide a repeat)."""
    return re.findall(r"\w+", normalize_for_match(text))


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def scrub_leaks(critique: Critique, instructions: str, system: str = "") -> int:
    """Drop answer parts that repeat the prompt: 8+ words in a row of the instructions, 16+ words in a row
    from each of two or more lines of the whole system prompt (a recital of the profile), or the evidence
    markers. One profile line said again is the persona speaking in its own words ("I want a real person
    on the line") and stays. Returns how many parts were dropped."""
    instr = _shingles(instructions, 8)
    per_line = [g for g in (_shingles(line, 16) for line in system.splitlines()) if g]

    def leaks(text: str) -> bool:
        if "<<evidence-" in text or "<</evidence-" in text:
            return True
        if instr and _shingles(text, 8) & instr:
            return True
        grams = _shingles(text, 16)
        traits: list[set] = []  # the lines it repeats, one per trait: the profile is in the prompt in two
        for line in per_line:  # forms ("Frustrations: X" and "You dislike: X"), which are one trait said once
            if grams & line and not any(line & t for t in traits):
                traits.append(line)
        return len(traits) >= 2

    before = len(critique.points) + len(critique.questions_back)
    critique.points = [p for p in critique.points if not leaks(" ".join([p.text, *(c.quote for c in p.citations)]))]
    critique.questions_back = [q for q in critique.questions_back if not leaks(q)]
    dropped = before - len(critique.points) - len(critique.questions_back)
    if leaks(critique.summary):
        critique.summary = ""
        dropped += 1
    if dropped:
        critique.notes.append(f"{dropped} part(s) of the answer repeated the instructions and were removed")
    return dropped


def drop_echoed_questions(critique: Critique, question: str) -> int:
    """Drop questions back that only say the team's question again (a small model's habit): 70% or more of
    their words are the question's. Returns how many were dropped."""
    asked = set(_words(question))

    def echoes(q: str) -> bool:
        words = set(_words(q))
        return bool(words and asked) and len(words & asked) / len(words | asked) >= 0.7

    before = len(critique.questions_back)
    critique.questions_back = [q for q in critique.questions_back if not echoes(q)]
    return before - len(critique.questions_back)


def drop_echoed_points(critique: Critique, summary: str) -> int:
    """Drop points that only say the summary again (a small model, handed the summary as its answer's start,
    often copies it into its first point): five or more words, 80% of them the summary's. Returns how many."""
    said = set(_words(summary))

    def echoes(text: str) -> bool:
        words = _words(text)
        return len(words) >= 5 and bool(said) and sum(w in said for w in words) / len(words) >= 0.8

    before = len(critique.points)
    critique.points = [p for p in critique.points if not echoes(p.text)]
    return before - len(critique.points)


def verify(critique: Critique, shown: list[Evidence]) -> Critique:
    """Apply the citation gate in place; count what it did in critique.notes."""
    by_label = {e.label: normalize_for_match(e.chunk.text) for e in shown}
    unverified = demoted = 0
    for point in critique.points:
        for cite in point.citations:
            haystack = by_label.get(cite.evidence_id)
            quote = normalize_for_match(cite.quote)
            cite.verified = bool(haystack and quote and len(quote.split()) >= MIN_QUOTE_WORDS and quote in haystack)
            unverified += not cite.verified
        if point.kind == "evidence" and not any(c.verified for c in point.citations):
            point.kind = "inference"
            demoted += 1
    if unverified:
        critique.notes.append(f"{unverified} citation(s) could not be verified against the evidence (✗)")
    if demoted:
        critique.notes.append(f"{demoted} point(s) without a verified citation shown as inference")
    # a verdict needs a surviving evidence point, or (extractive answers only) the persona's matched practices
    # when no research item bears on the proposal at all: an inference point and the engine's note say so
    if critique.verdict != "no-evidence" and not critique.rests_on_profile and \
            not any(p.kind == "evidence" for p in critique.points):
        critique.verdict = "no-evidence"
        critique.abstained = True
        critique.notes.append("no point survived the citation gate: verdict set to no-evidence")
    return critique


# "Supports the point": a model's claim agrees with its quote when the claim's content words come from the
# quote's sentence in the item (Dutch stems, compound parts, English→Dutch translations). A paraphrase that
# brings words of its own ("removed" where the source says "requested") is not shown as supported: it may
# be right, but the check cannot show it, and a reader takes a support mark as proof. A claim may carry one
# unmatched word per SUPPORT_SLACK words (a linking word, "wanted" for "asked").
SUPPORT_SLACK = 4
# Shared words do not make agreement: "wanted to take the number off" and "the number was taken off" share
# every content word. So a claim must also keep its source's mood: where the source reports a wish or a
# request (or a negation), the claim must report one too, and the other way round. Data for this check on
# the model's output, in both languages (not a rule on the user's question).
MOOD = {
    "intent": re.compile(r"\b(want(s|ed)?|ask(s|ed)?|request(s|ed)?|propos(e|es|ed|al)|plan(s|ned)?|wish(es|ed)?|"
                        r"consider(s|ed|ing)?|intend(s|ed)?|would|wil|wilde|wilden|willen|wou|vroeg(en)?|vragen|"
                        r"verzoek|voorstel(len)?|voorgesteld|plan(nen)?|zou(den)?|overweg(en|en)|overwoog)\b", re.I),
    "negation": re.compile(r"\b(not|no|never|nobody|nothing|without|\w+n't|niet|geen|nooit|niemand|niets|"
                          r"zonder)\b", re.I),
}
_TOKENIZER = None


def _tok():
    global _TOKENIZER
    if _TOKENIZER is None:
        from ..evidence.lexical import Tokenizer

        _TOKENIZER = Tokenizer()
    return _TOKENIZER


def _forms(word: str) -> set[str]:
    """The stems a word may appear as in a source: its own, its compound parts, its Dutch translations."""
    from ..evidence.glossary import translate

    tok = _tok()
    out = {tok.stem(word), *tok.parts(word)}
    for nl, _curated in translate(word, tok.stop, general=False):
        out.update(tok.stem(w) for w in tok.words(nl))
    return out


def unsupported_words(claim: str, quote: str) -> list[str]:
    """The claim's content words that do not occur in the quote (in any of their forms)."""
    tok = _tok()
    have: set[str] = set()
    for w in tok.words(quote):
        have |= _forms(w)
    words = [w for w in tok.words(claim) if len(w) >= 3 and not w.isdigit()]
    return [w for w in dict.fromkeys(words) if not (_forms(w) & have)]


def supports(claim: str, quote: str) -> bool:
    claim_words = [w for w in _tok().words(claim) if len(w) >= 3]
    if not claim_words:
        return False
    if any(bool(m.search(claim)) != bool(m.search(quote)) for m in MOOD.values()):
        return False
    return len(unsupported_words(claim, quote)) <= (len(set(claim_words)) - 1) // SUPPORT_SLACK


def quote_sentence(quote: str, text: str) -> str:
    """The sentence (or clause, up to a semicolon) of the item the quote stands in (the quote itself when it
    is not found)."""
    hay, q = normalize_for_match(text), normalize_for_match(quote)
    i = hay.find(q) if q else -1
    if i < 0:
        return quote
    start = max(hay.rfind(ch, 0, i) for ch in ".!?;") + 1
    ends = [j for j in (hay.find(ch, i + len(q)) for ch in ".!?;") if j >= 0]
    return hay[start: min(ends) + 1 if ends else len(hay)].strip()


def check_support(critique: Critique, shown: list[Evidence], agree=None) -> Critique:
    """After the gate: mark whether each verified citation supports its point (the claim agrees with the
    quote), and whether the item bears on the proposal at all. An evidence point with no supporting
    citation is shown as inference, its quote still in view. Shared words cannot judge a claim in one
    language about a quote in the other: there `agree(claim, quote)` (the multilingual embedder's judgment
    of meaning, given by the engine) decides."""
    bears = {e.label: e.bears for e in shown}
    texts = {e.label: e.chunk.text for e in shown}
    background = contradicted = 0
    for point in critique.points:
        for cite in point.citations:
            if not cite.verified:
                cite.supports = False
            elif bears.get(cite.evidence_id) is False:
                cite.supports = False
                background += 1
            elif cite.supports is None:
                sentence = quote_sentence(cite.quote, texts.get(cite.evidence_id, ""))
                cite.supports = supports(point.text, sentence)
                if not cite.supports and agree is not None and detect(point.text) != detect(sentence):
                    cite.supports = bool(agree(point.text, sentence))
        if point.kind == "evidence" and not any(c.supports for c in point.citations):
            point.kind = "inference"
            contradicted += any(c.verified for c in point.citations)
    if background:
        critique.notes.append(f"{background} citation(s) of background items (not about this proposal) do not "
                              "count as support")
    if contradicted:
        critique.notes.append(f"{contradicted} point(s) do not agree with their quote: shown as inference")
    return critique


TRAIT_CHARS = 110  # a trait in the one-line reason is cut at a word boundary after this many characters


def _short(text: str, n: int = TRAIT_CHARS) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# how the proposal stands to the persona's trait, in Dutch (persona traits are written in English: in Dutch
# the reason line names the kind of trait and the practice, which the cards give in both languages)
RELATION_NL = {"breaks": "gaat in tegen wat ik wil", "hits": "is precies wat me ergert",
               "serves": "geeft me wat ik wil", "eases": "neemt weg wat me ergert"}


def verdict_reason(c: Critique) -> str:
    """The deciding reasons in one line: 'breaks: I want to reach a real person … [E1 ✓] [E3]'. A ✓ only
    where an answer point cites that item and the citation gate verified it; '' when there is no reason."""
    ok = {x.evidence_id for p in c.points for x in p.citations if x.verified}
    # only reasons that argue the verdict shown: when a model's verdict differs from the stance model's (or
    # the gate set it to no-evidence), the stance model's reasons are in the notes, not under the verdict
    fits = {"supports": ("for",), "opposes": ("against",), "mixed": ("for", "against")}.get(c.verdict, ())
    parts: dict[str, list[str]] = {}  # one entry per head: two practices touching one trait are one reason here
    for r in [r for r in c.reasons if r.direction in fits][:2]:
        if c.language == "nl":
            head = f"{RELATION_NL.get(r.relation, 'onderzoek ' + ('voor' if r.direction == 'for' else 'tegen'))}: " \
                   f"{_short(display(r.practice))}"
        else:
            head = f"{r.relation}: {_short(display(r.trait))}" if r.trait else \
                f"research {r.direction}: {_short(display(r.practice))}"
        cites = parts.setdefault(head, [])
        cites += [x for x in (f"[{e} ✓]" if e in ok else f"[{e}]" for e in r.evidence) if x not in cites]
    return "; ".join(f"{head} {' '.join(cites)}".strip() for head, cites in parts.items())


def mark(cite: Citation, language: str = "en") -> str:
    """The two marks of a citation, in words: whether the quote was found in the item, and whether it
    supports the point."""
    lab = labels(language)
    if not cite.verified:
        return f"[{display(cite.evidence_id)} ✗ {lab['quote_bad']}]"
    return f"[{display(cite.evidence_id)} ✓ {lab['quote_ok']} · {lab['supports'] if cite.supports else lab['not_supports']}]"


def to_markdown(c: Critique) -> str:
    """A plain markdown rendering (CLI, clipboard, exports), every heading in the answer's language; each
    evidence point shows the quote it cites, so the persona's words can be compared with the source's. Marks
    are drawn here from the gate's results only: every text field goes through sanitize.display first, so no
    ✓ or [E#] in it survives."""
    lab = labels(c.language)
    verified, total = c.citation_counts()
    by_label = {e.label: e for e in c.evidence}
    conf = f" ({lab['confidence']} {c.confidence:.2f})" if c.confidence is not None and c.verdict != "no-evidence" else ""
    lines = [f"**{display(c.persona)}** — {lab['verdict']}: **{verdict_word(c.verdict, c.language, c.leaning)}**{conf}"]
    if why := verdict_reason(c):
        lines.append(f"_{lab['why']}: {why}_")
    lines += ["", display(c.summary), ""]
    for p in c.points:
        tag = lab["evidence"] if p.kind == "evidence" else lab["inference"]
        cites = " ".join(mark(x, c.language) for x in p.citations)
        lines.append(f"- *{tag}:* {display(p.text)} {cites}".rstrip())
        for x in p.citations:
            if x.quote and normalize_for_match(x.quote) not in normalize_for_match(p.text):
                e = by_label.get(x.evidence_id)
                src = f" — {display(short_source(e.chunk.source))}" if e is not None else ""
                lines.append(f"  > “{display(x.quote)}”{src}")
    if c.counts:  # the team's own contacts, each count verified by running its query again
        lines += ["", f"**{lab['counts']}**"]
        lines += [f"- [{display(x['id'])} ✓ {lab['counted']}] {display(x['text'])}" for x in c.counts if x.get("verified")]
    if c.myths:
        lines += ["", f"**{lab['myths']}**"]
        lines += [f"- {display(m.myth) + ' — ' if m.myth else ''}{lab['research_says']}: "
                  f"{display(m.instead or m.why_it_applies)}"
                  for m in c.myths]
    if c.questions_back:
        lines += ["", f"**{lab['questions']}**"] + [f"- {display(q)}" for q in c.questions_back]
    if c.evidence:
        lines += ["", f"**{lab['sources']}**"]
        for e in c.evidence:
            bg = f" _({lab['background']})_" if e.bears is False else ""
            lines.append(f"- [{e.label}] {display(short_source(e.chunk.source))} "
                         f"({display(e.chunk.card_id or e.chunk.tag)}) — {display(locator(e.chunk.locator, c.language))}{bg}")
    lines += ["", f"_{verified}/{total} {lab['verified']} · {lab['model']}: {display(c.model)}_"]
    for n in c.notes:
        lines.append(f"_{lab['note']}: {terminal(note(n, c.language))}_")
    return "\n".join(lines)
