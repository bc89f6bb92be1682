"""Critique and evidence → rich Text (never markup-parsed, so document/model text shows literally)."""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

from ..answer.critique import mark, verdict_reason
from ..answer.labels import labels, locator, note, verdict_word
from ..core.sanitize import display as strip_controls  # every model/document field: no escape, no mark
from ..core.textclean import normalize_for_match
from ..core.types import Citation, Critique, Evidence

VERDICT_STYLE = {"supports": "bold green", "opposes": "bold red", "mixed": "bold yellow", "no-evidence": "bold magenta"}


def cite_mark(cite: Citation, language: str = "en", clickable: bool = True) -> Text:
    """A citation as the markdown export writes it (answer.critique.mark: `[E1 ✓ quote verified · supports the
    point]`), coloured by the gate's two marks: the quote was found in the item (✓/✗), and it supports the
    point. mark() already cleans the label; the mark itself must not go through display(), which turns any
    `[E1 …]` into `(E1)`. A click on it selects that item in the evidence panel (keyboard: F4, or 1-9 there)."""
    label = cite.evidence_id if re.fullmatch(r"E\d{1,2}", cite.evidence_id) else ""
    style = Style(color="green" if cite.verified and cite.supports else "yellow" if cite.verified else "red",
                  meta={"@click": f"app.show_evidence('{label}')"} if label and clickable else None)
    return Text(mark(cite, language), style=style)


def critique_text(c: Critique, persona_name: str) -> Text:
    lab = labels(c.language)
    t = Text()
    t.append(f"{persona_name} ", style="bold")
    t.append(f"[{verdict_word(c.verdict, c.language, c.leaning)}]", style=VERDICT_STYLE.get(c.verdict, "bold"))
    if c.confidence is not None and c.verdict != "no-evidence":
        t.append(f" {lab['confidence']} {c.confidence:.2f}", style="dim")
    t.append("\n")
    if verdict_reason(c):  # why: the trait the proposal serves or breaks, and the evidence that says so
        t.append(f"{lab['why']} — ", style=VERDICT_STYLE.get(c.verdict, "bold"))
        t.append(verdict_reason(c) + "\n", style="italic")
    t.append(strip_controls(c.summary) + "\n")
    for p in c.points:
        if p.kind == "evidence":
            t.append(f"\n● {lab['evidence'].lower()}  ", style="bold green")
            t.append(strip_controls(p.text))
        else:
            t.append(f"\n○ {lab['inference'].lower()} ", style="bold yellow")
            t.append(strip_controls(p.text), style="italic")
        for cite in p.citations:
            t.append(" ")
            t.append_text(cite_mark(cite, c.language))
        for cite in p.citations:  # the source's words beside the persona's, when they differ
            if cite.quote and normalize_for_match(cite.quote) not in normalize_for_match(p.text):
                t.append(f"\n    “{strip_controls(cite.quote)}”", style="dim")
    if c.counts:  # the team's own contacts, counted; each count verified by running its query again
        t.append(f"\n\n{lab['counts']}\n", style="bold")
        for x in c.counts:
            if x.get("verified"):
                t.append(f"[{x['id']} ✓ {lab['counted']}] ", style="green")
                t.append(strip_controls(x["text"]) + "\n")
    if c.myths:
        t.append(f"\n\n{lab['myths']}:", style="bold magenta")
        for m in c.myths:
            t.append(f"\n  ⚠ {strip_controls(m.myth)}", style="magenta")
            if m.instead:
                t.append(f"\n    {lab['research_says']}: {strip_controls(m.instead)}", style="magenta")
    if c.questions_back:
        t.append(f"\n\n{lab['ask']}", style="bold")
        for q in c.questions_back:
            t.append(f"\n  ? {strip_controls(q)}")
    verified, total = c.citation_counts()
    t.append(f"\n\n{verified}/{total} {lab['verified']} · {c.model}", style="dim")
    for n in c.notes:
        t.append(f"\n{lab['note']}: {note(n, c.language)}", style="dim")
    return t


def evidence_text(e: Evidence, quotes: list[str], full: bool = False, language: str = "en") -> Text:
    ch = e.chunk
    t = Text()
    t.append(f"[{e.label}] ", style="bold cyan")
    t.append(strip_controls(ch.card_id or ch.source)[:80], style="bold")
    t.append(f"\n{strip_controls(locator(ch.locator, language))[:120]}  ·  {ch.tag}", style="dim")
    if e.bears is False:  # shown for context, never cited as support
        t.append(f"  ·  {labels(language)['background']}", style="dim italic")
    t.append("\n")
    body = strip_controls(ch.text if full else ch.text[:420] + ("…" if len(ch.text) > 420 else ""))
    start = len(t)
    t.append(body)
    low = normalize_for_match(body)
    for q in quotes:
        nq = normalize_for_match(q)
        i = low.find(nq[:60]) if nq else -1
        if i >= 0 and low == body.lower():
            t.stylize("reverse", start + i, start + i + len(nq))
        elif nq and nq[:60] in low:
            t.stylize("underline", start, start + len(body))
    return t
