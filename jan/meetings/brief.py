"""The boardroom brief: what each persona would say about a proposal, the case for and against with
verified evidence, the myths it rests on, likely counter-arguments with rebuttals, questions to ask, and
sources. Rendered as markdown and as self-contained HTML."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

from ..answer.critique import verdict_reason
from ..core.sanitize import display
from ..core.types import Critique, Evidence, MythFlag


@dataclass
class Row:
    claim: str
    persona: str
    evidence_id: str
    quote: str
    source: str


@dataclass
class Brief:
    proposal: str
    critiques: list[Critique]
    names: dict[str, str]
    case_for: list[Row] = field(default_factory=list)
    case_against: list[Row] = field(default_factory=list)
    myths: list[MythFlag] = field(default_factory=list)
    counters: list[tuple[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _src(e: Evidence | None) -> str:
    if e is None:
        return ""
    return f"{e.chunk.source} — {e.chunk.locator}" + (f" (card {e.chunk.card_id})" if e.chunk.card_id else "")


def _claim(text: str, quote: str) -> str:
    """The point without its conversational lead-in; just the source's words when it only restates them."""
    body = text.split(":", 1)[1].strip() if ":" in text[:20] else text
    return "(the source's own words)" if body == quote else body


def build(proposal: str, critiques: list[Critique], names: dict[str, str]) -> Brief:
    b = Brief(proposal, critiques, names)
    seen_sources: dict[str, None] = {}
    for c in critiques:
        ev = {e.label: e for e in c.evidence}
        side = b.case_for if c.verdict == "supports" else b.case_against if c.verdict == "opposes" else None
        for p in c.points:
            for cite in p.citations:
                if not cite.verified:
                    continue  # only what passed the citation gate goes into a board document
                e = ev.get(cite.evidence_id)
                target = side if side is not None else b.case_against if c.verdict != "supports" else b.case_for
                who = names.get(c.persona, c.persona)
                same = next((r for r in target if r.quote == cite.quote), None)
                if same:  # one row per piece of evidence, naming every persona that used it
                    if who not in same.persona:
                        same.persona += f", {who}"
                    continue
                # model and document text lose any mark of their own: the brief draws ✓ from the gate only
                target.append(Row(display(_claim(p.text, cite.quote)), display(who), cite.evidence_id,
                                  display(cite.quote), display(_src(e))))
                seen_sources[display(_src(e))] = None
        for m in c.myths:
            if m.card_id not in {x.card_id for x in b.myths}:
                b.myths.append(m)
        for q in map(display, c.questions_back):
            if q not in b.questions:
                b.questions.append(q)
    for m in b.myths:
        b.counters.append((f"“{m.myth}”", m.instead or "The research in the corpus does not support this belief."))
    if b.case_against:
        top = b.case_against[0]
        b.counters.append(("“This is one anecdote; our customers are different.”",
                           f"{top.persona} points to evidence: “{top.quote}” ({top.source}). "
                           "Ask for your own customer data before deciding."))
    b.counters.append(("“Customers can still reach us in other ways.”",
                       "Then test it: measure what customers try first and what it costs them, before removing anything."))
    b.sources = [s for s in seen_sources if s]
    return b


def to_markdown(b: Brief) -> str:
    out = [f"# Boardroom brief: {b.proposal}", "", f"_Prepared {time.strftime('%Y-%m-%d')} with Jan in the room. "
           "Every quotation below was checked word for word against its source._", "", "## The proposal", "",
           b.proposal, "", "## What our customers would say", "", "| Persona | Verdict | Why | In one line |",
           "|---|---|---|---|"]
    for c in b.critiques:
        out.append(f"| {b.names.get(c.persona, c.persona)} | {c.verdict} | {_cell(verdict_reason(c)) or '–'} | "
                   f"{_cell(display(c.summary))} |")
    out += ["", "## The case for and against", "", "| Side | Point | Evidence | Source |", "|---|---|---|---|"]
    if not b.case_for:
        out.append("| For | The proposal's own rationale | no supporting evidence found in the corpus | – |")
    for side, rows in (("For", b.case_for), ("Against", b.case_against)):
        for r in rows:
            out.append(f"| {side} | {_cell(r.claim)} ({r.persona}) | [{r.evidence_id} ✓] “{_cell(r.quote)}” | {_cell(r.source)} |")
    out += ["", "## Myths this proposal rests on", ""]
    out += [f"- **{m.myth}** ({m.card_id}) — what the research says instead: {m.instead}" for m in b.myths] or \
        ["- None of the corpus' myths was detected."]
    out += ["", "## Likely counter-arguments and rebuttals", ""]
    out += [f"- **Board:** {c}\n  **Rebuttal:** {r}" for c, r in b.counters]
    out += ["", "## Questions to ask before deciding", ""] + [f"- {q}" for q in b.questions]
    out += ["", "## Sources", ""] + [f"- {s}" for s in b.sources]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


CSS = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;line-height:1.45;color:#111}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #999;padding:.4em;vertical-align:top}
th{background:#eee}h1{font-size:1.6em}.for{color:#064}.against{color:#900}@media print{body{margin:0}}"""


def to_html(b: Brief) -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Brief: {e(b.proposal)}</title>"
             f"<style>{CSS}</style></head><body>", f"<h1>Boardroom brief: {e(b.proposal)}</h1>",
             "<p><em>Every quotation below was checked word for word against its source.</em></p>",
             "<h2>What our customers would say</h2><table><tr><th>Persona</th><th>Verdict</th><th>Why</th><th>In one line</th></tr>"]
    for c in b.critiques:
        parts.append(f"<tr><td>{e(b.names.get(c.persona, c.persona))}</td><td>{e(c.verdict)}</td><td>{e(verdict_reason(c) or '–')}</td>"
                     f"<td>{e(display(c.summary))}</td></tr>")
    parts.append("</table><h2>The case for and against</h2><table><tr><th>Side</th><th>Point</th><th>Evidence</th>"
                 "<th>Source</th></tr>")
    if not b.case_for:
        parts.append("<tr><td class=\"for\">For</td><td>The proposal's own rationale</td>"
                     "<td>no supporting evidence found in the corpus</td><td>–</td></tr>")
    for side, rows in (("For", b.case_for), ("Against", b.case_against)):
        for r in rows:
            parts.append(f"<tr><td class=\"{side.lower()}\">{side}</td><td>{e(r.claim)} ({e(r.persona)})</td>"
                         f"<td>[{e(r.evidence_id)} ✓] “{e(r.quote)}”</td><td>{e(r.source)}</td></tr>")
    parts.append("</table><h2>Myths this proposal rests on</h2><ul>")
    parts += [f"<li><strong>{e(m.myth)}</strong> ({e(m.card_id)}) — {e(m.instead)}</li>" for m in b.myths] or \
        ["<li>None of the corpus' myths was detected.</li>"]
    parts.append("</ul><h2>Likely counter-arguments and rebuttals</h2><ul>")
    parts += [f"<li><strong>Board:</strong> {e(c)}<br><strong>Rebuttal:</strong> {e(r)}</li>" for c, r in b.counters]
    parts.append("</ul><h2>Questions to ask before deciding</h2><ul>")
    parts += [f"<li>{e(q)}</li>" for q in b.questions]
    parts.append("</ul><h2>Sources</h2><ul>")
    parts += [f"<li>{e(s)}</li>" for s in b.sources]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
