"""A panel side by side: one column per persona (verdict, one-line reason, the evidence it cites) and a row
that says where they agree and where they differ, and why — which trait or which evidence splits them.

Plain data and markdown; the app draws the same columns (jan/tui/panel.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..answer.critique import verdict_reason
from ..core.textclean import strip_controls
from ..core.types import Critique


@dataclass
class Column:
    persona: str
    name: str
    verdict: str
    reason: str  # the deciding reasons in one line ('–' when the stance model found none)
    summary: str
    cites: list[str] = field(default_factory=list)  # "E1 card-id" for each evidence item the answer cites
    cards: set[str] = field(default_factory=set)  # card ids (or sources) behind the reasons and citations
    leaning: bool = False  # the reader was not confident: shown as "leans …"


@dataclass
class Comparison:
    proposal: str
    columns: list[Column]
    agree: str  # where they agree (one line)
    differ: list[str]  # where they differ and why, one line per split

    @property
    def unanimous(self) -> bool:
        return len({c.verdict for c in self.columns}) == 1


def column(c: Critique, name: str) -> Column:
    ev = {e.label: e for e in c.evidence}
    cites, cards = [], set()
    for p in c.points:
        for x in p.citations:
            e = ev.get(x.evidence_id)
            ref = (e.chunk.card_id or e.chunk.source) if e else ""
            item = f"{x.evidence_id} {'✓' if x.verified else '✗'} {ref}".strip()
            if item not in cites:
                cites.append(item)
            if ref and x.verified:
                cards.add(ref)
    cards |= {r.card_id for r in c.reasons if r.card_id}
    summary = strip_controls(c.summary).split("\n")[0]
    return Column(c.persona, name, c.verdict, verdict_reason(c) or "–", summary, cites, cards, c.leaning)


def _why(col: Column, critique: Critique) -> str:
    """What puts this persona on its side: its deciding trait, else the research it leans on."""
    if critique.reasons:
        r = critique.reasons[0]
        what = f"{r.relation} “{strip_controls(r.trait)}”" if r.trait else f"research {r.direction} “{r.practice}”"
        return what + (f" ({r.card_id})" if r.card_id else "")
    if critique.verdict == "no-evidence":
        return "nothing in its traits or the research speaks to it"
    return "its own reading of the evidence"


def compare(proposal: str, critiques: list[Critique], names: dict[str, str]) -> Comparison:
    cols = [column(c, names.get(c.persona, c.persona)) for c in critiques]
    by_verdict: dict[str, list[int]] = {}
    for i, c in enumerate(cols):
        by_verdict.setdefault(c.verdict, []).append(i)
    shared = set.intersection(*(c.cards for c in cols)) if cols else set()
    if len(by_verdict) <= 1:
        verdict = next(iter(by_verdict), "no-evidence")
        agree = f"all {len(cols)} say {verdict}" + (f", resting on {', '.join(sorted(shared))}" if shared else "")
        return Comparison(proposal, cols, agree, [])
    biggest = max(by_verdict.items(), key=lambda kv: len(kv[1]))
    agree = (f"{', '.join(cols[i].name for i in biggest[1])} agree: {biggest[0]}" if len(biggest[1]) > 1
             else "no two of them give the same verdict")
    if shared:
        agree += f"; all lean on {', '.join(sorted(shared))}"
    differ = []
    for verdict, idx in by_verdict.items():
        # evidence only this side rests on: what splits it from the others
        own = set.intersection(*(cols[i].cards for i in idx)) - set().union(
            *(c.cards for j, c in enumerate(cols) if j not in idx))
        who = ", ".join(cols[i].name for i in idx)
        why = "; ".join(f"{cols[i].name}: {_why(cols[i], critiques[i])}" for i in idx[:2])
        line = f"{verdict} — {who}: {why}"
        if own:
            line += f"; only this side rests on {', '.join(sorted(own))}"
        differ.append(line)
    return Comparison(proposal, cols, agree, differ)


def _cell(text: str) -> str:
    return strip_controls(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(cmp: Comparison, heading: str = "###") -> str:
    """The panel as a table with one column per persona, then the agree / differ row."""
    cols = cmp.columns
    out = [f"{heading} Panel on “{_cell(cmp.proposal)}”", "",
           "| | " + " | ".join(_cell(c.name) for c in cols) + " |", "|---|" + "---|" * len(cols),
           "| Verdict | " + " | ".join(f"**{c.verdict}**" for c in cols) + " |",
           "| Why | " + " | ".join(_cell(c.reason) for c in cols) + " |",
           "| In one line | " + " | ".join(_cell(c.summary) for c in cols) + " |",
           "| Evidence | " + " | ".join(_cell(", ".join(c.cites)) or "–" for c in cols) + " |", "",
           f"**Where they agree:** {_cell(cmp.agree)}"]
    if cmp.differ:
        out += ["", "**Where they differ, and why:**"] + [f"- {_cell(d)}" for d in cmp.differ]
    return "\n".join(out) + "\n"
