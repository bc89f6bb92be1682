"""The panel side by side, for a projector: one card per persona (verdict, the one deciding reason, the items
it cites, with the same citation mark as the thread and the export), the cards in as many columns as the
screen holds (five at 160 columns, three at 120, then two, then one under the other), and under them a row
that says where they agree and where they differ, and why (the traits that part them).

The whole view scrolls up and down with the keyboard (↑ ↓, PgUp PgDn, Home End). The comparison itself is
jan/meetings/panel.py; this module only draws it."""

from __future__ import annotations

import re

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..answer.labels import labels, short, short_source, verdict_word
from ..core.sanitize import display
from .render import VERDICT_STYLE, cite_mark

CARD_WIDTH = 30  # the narrowest card a projector still reads (a citation mark wraps once in it)
KEYS = "↑↓ PgUp PgDn Home End scroll · Esc closes"


def columns_for(width: int, personas: int) -> int:
    """How many cards side by side at this width: as many as fit, never more than there are personas, and
    rows as even as they can be (five cards at 120 columns are 3 + 2, not 4 + 1)."""
    fit = max(1, min(personas, width // CARD_WIDTH))
    rows = -(-personas // fit)
    return max(1, -(-personas // rows))


def deciding_reason(reason: str) -> str:
    """The first of the deciding reasons (answer.critique.verdict_reason writes them 'head [E1 ✓]; head …')."""
    parts = re.split(r"(?<=\])\s*;\s+", reason, maxsplit=1)
    return parts[0].strip() if reason.strip() not in ("", "–") else ""


def _cited(crit) -> list[tuple]:
    """Each citation of the answer once (the first for each item), with the item it cites."""
    by_label = {e.label: e for e in crit.evidence}
    seen: dict[str, tuple] = {}
    for p in crit.points:
        for cite in p.citations:
            seen.setdefault(cite.evidence_id, (cite, by_label.get(cite.evidence_id)))
    return list(seen.values())


def card_text(col, crit=None) -> Group:
    """One persona's card: name and verdict, the one deciding reason, each cited item once: its citation
    mark (the thread's and the export's) and the card it cites, cut to the card's width."""
    lang = crit.language if crit is not None else "en"
    lab = labels(lang)
    style = VERDICT_STYLE.get(col.verdict, "bold")
    head = Text()
    head.append(display(col.name), style="bold")
    head.append(f" ({display(col.persona)})  ", style="dim")
    head.append(f" {verdict_word(col.verdict, lang, col.leaning).upper()} ", style=f"reverse {style}")
    why = Text()
    why.append(f"{lab['why']} — ", style=style)
    why.append(deciding_reason(col.reason) or "–", style="italic")
    parts = [head, why]
    cited = _cited(crit) if crit is not None else []
    for cite, e in cited:
        parts.append(cite_mark(cite, lang, clickable=False))
        if e is not None:
            ref = Text(f"  {display(e.chunk.card_id or short_source(e.chunk.source))}", style="dim",
                       no_wrap=True, overflow="ellipsis")
            if e.bears is False:
                ref.append(f" · {lab['background']}", style="dim italic")
            parts.append(ref)
    if not cited:
        parts.append(Text("no item cited", style="dim"))
    return Group(*parts)


def card_plain(col, crit=None) -> str:
    """A card's text without styles (tests, and what a screen reader gets)."""
    return "\n".join(part.plain for part in card_text(col, crit).renderables)


def _trait(col) -> str:
    """A column's deciding reason without its citations: the trait (or research) that puts it on its side."""
    head = re.sub(r"(\s*\[E\d{1,4}[^\]]*\])+$", "", deciding_reason(col.reason)).strip()
    return short(head, 90) if head else "no deciding reason found"


def summary_text(cmp, heading: bool = True) -> Text:
    """The agree / differ row (also put in the thread under the panel's answers): where they agree, then
    each verdict with who gives it and the trait each of them rests on, which is what parts them (with the
    evidence only that side rests on, as the comparison found it)."""
    t = Text()
    if heading:
        t.append(f"Panel on “{display(cmp.proposal)}”\n", style="bold")
    t.append("Where they agree: ", style="bold")
    t.append(display(cmp.agree) + "\n")
    if len(cmp.columns) < 2:
        t.rstrip()
        return t
    t.append("Where they differ, and why:", style="bold")
    if not cmp.differ:
        t.append(" the same verdict, each for a reason of its own")
    groups: dict[str, list] = {}
    for col in cmp.columns:
        groups.setdefault(col.verdict, []).append(col)
    for verdict, cols in groups.items():
        style = VERDICT_STYLE.get(verdict, "bold")
        if cmp.differ:
            t.append("\n")
            t.append(f" {verdict_word(verdict, 'en').upper()} ", style=f"reverse {style}")
            t.append(" " + ", ".join(display(c.name) for c in cols), style="bold")
            own = next((m.group(1) for d in cmp.differ if d.startswith(f"{verdict} — ")
                        for m in [re.search(r"; only this side rests on (.+)$", d)] if m), "")
            if own:
                t.append(f" — only this side rests on {display(own)}")
        for col in cols:
            t.append(f"\n  • {display(col.name)}: ", style="bold")
            t.append(_trait(col))
    return t


class PanelBody(VerticalScroll, can_focus=False):
    """The cards and the agree / differ row, scrolled by the screen's keys (not focusable: the keys act the
    same wherever the focus is, and without animation)."""


class PanelScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,f9", "dismiss", "close"),
                Binding("up,k", "scroll('up')", "scroll up", show=False),
                Binding("down,j", "scroll('down')", "scroll down", show=False),
                Binding("pageup", "scroll('page_up')", "page up", show=False),
                Binding("pagedown,space", "scroll('page_down')", "page down", show=False),
                Binding("home", "scroll('home')", "top", show=False),
                Binding("end", "scroll('end')", "bottom", show=False)]

    def __init__(self, comparison, critiques: dict | None = None):
        super().__init__()
        self.comparison = comparison
        self.critiques = critiques or {}  # persona id → its answer (the cited items and their marks)

    def compose(self) -> ComposeResult:
        cmp = self.comparison
        with Vertical(id="panel-box") as box:
            box.border_title = f"Panel side by side: “{display(cmp.proposal)}”"
            box.border_subtitle = KEYS
            with PanelBody(id="panel-body"):
                with Grid(id="panel-cards"):
                    for col in cmp.columns:
                        yield Static(card_text(col, self.critiques.get(col.persona)), markup=False,
                                     classes=f"panel-col verdict-{col.verdict}")
                yield Static(summary_text(cmp, heading=False), id="panel-summary", markup=False)

    def on_mount(self) -> None:
        self._fit(self.size.width)

    def on_resize(self, event) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        n = columns_for(max(width - 4, 1), max(len(self.comparison.columns), 1))
        self.query_one("#panel-cards", Grid).styles.grid_size_columns = n

    def action_scroll(self, how: str) -> None:
        body = self.query_one(PanelBody)
        {"up": body.scroll_up, "down": body.scroll_down, "page_up": body.scroll_page_up,
         "page_down": body.scroll_page_down, "home": body.scroll_home, "end": body.scroll_end}[how](animate=False)
