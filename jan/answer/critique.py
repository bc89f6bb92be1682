"""Turning model output into a Critique, and the citation gate.

Gate: a citation counts as verified only if it names an evidence item that was in the prompt and its
quote is an exact substring (after normalization) of that item. Unverified citations are kept but marked;
an evidence point without a verified citation is demoted to inference.
"""

from __future__ import annotations

import re

from ..core.sanitize import display, neutral, terminal
from ..core.textclean import normalize_for_match, strip_controls
from ..core.types import Citation, Critique, Evidence, Point

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
    if critique.verdict != "no-evidence" and not any(p.kind == "evidence" for p in critique.points):
        critique.verdict = "no-evidence"
        critique.abstained = True
        critique.notes.append("no point survived the citation gate: verdict set to no-evidence")
    return critique


TRAIT_CHARS = 110  # a trait in the one-line reason is cut at a word boundary after this many characters


def _short(text: str, n: int = TRAIT_CHARS) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def verdict_reason(c: Critique) -> str:
    """The deciding reasons in one line: 'breaks: I want to reach a real person … [E1 ✓] [E3]'. A ✓ only
    where an answer point cites that item and the citation gate verified it; '' when there is no reason."""
    ok = {x.evidence_id for p in c.points for x in p.citations if x.verified}
    parts = []
    for r in c.reasons[:2]:
        head = f"{r.relation}: {_short(display(r.trait))}" if r.trait else \
            f"research {r.direction}: {_short(display(r.practice))}"
        cites = " ".join(f"[{e} ✓]" if e in ok else f"[{e}]" for e in r.evidence)
        parts.append(f"{head} {cites}".strip())
    return "; ".join(parts)


def to_markdown(c: Critique) -> str:
    """A plain markdown rendering (CLI, clipboard, exports). Marks are drawn here from the gate's results
    only: every text field goes through sanitize.display first, so no ✓ or [E#] in it survives."""
    verified, total = c.citation_counts()
    lines = [f"**{display(c.persona)}** — verdict: **{c.verdict}**"]
    if c.reasons:
        lines.append(f"_why: {verdict_reason(c)}_")
    lines += ["", display(c.summary), ""]
    for p in c.points:
        tag = "Evidence" if p.kind == "evidence" else "Inference"
        cites = " ".join(f"[{display(x.evidence_id)} {'✓' if x.verified else '✗'}]" for x in p.citations)
        lines.append(f"- *{tag}:* {display(p.text)} {cites}".rstrip())
    if c.myths:
        lines += ["", "**Myths this rests on**"]
        lines += [f"- {display(m.myth)} ({m.card_id}): {display(m.why_it_applies)}" for m in c.myths]
    if c.questions_back:
        lines += ["", "**Questions back to the team**"] + [f"- {display(q)}" for q in c.questions_back]
    if c.evidence:
        lines += ["", "**Evidence**"]
        for e in c.evidence:
            lines.append(f"- [{e.label}] {display(e.chunk.card_id or e.chunk.source)} — {display(e.chunk.locator)}")
    lines += ["", f"_{verified}/{total} citations verified · model: {display(c.model)}_"]
    for n in c.notes:
        lines.append(f"_note: {terminal(n)}_")
    return "\n".join(lines)
