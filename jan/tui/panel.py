"""The panel side by side: one column per persona (verdict, one-line reason, the evidence it cites) and a
row that says where they agree and where they differ, and why. The columns scroll sideways when they do not
fit (below 5 × 34 columns, e.g. at 100×30); the comparison itself is jan/meetings/panel.py."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.textclean import strip_controls
from .render import VERDICT_STYLE


def column_text(col) -> Text:
    t = Text()
    t.append(f"{col.name} ({col.persona})\n", style="bold")
    t.append(f"{col.verdict}\n", style=VERDICT_STYLE.get(col.verdict, "bold"))
    t.append(strip_controls(col.reason) + "\n\n", style="italic")
    t.append(strip_controls(col.summary) + "\n\n")
    t.append("Evidence cited\n", style="bold")
    for c in col.cites or ["– none"]:
        t.append(f"  {strip_controls(c)}\n", style="green" if "✓" in c else "red" if "✗" in c else "dim")
    return t


def summary_text(cmp) -> Text:
    """The agree / differ row (also put in the thread under the panel's answers)."""
    t = Text()
    t.append(f"Panel on “{strip_controls(cmp.proposal)}”\n", style="bold")
    t.append("Where they agree: ", style="bold")
    t.append(strip_controls(cmp.agree) + "\n")
    if cmp.differ:
        t.append("Where they differ, and why:\n", style="bold")
        for d in cmp.differ:
            t.append(f"  • {strip_controls(d)}\n")
    return t


class PanelScreen(ModalScreen):
    BINDINGS = [Binding("escape,q,f9", "dismiss", "close"),
                Binding("left,h", "scroll(-1)", "scroll left", show=False),
                Binding("right,l", "scroll(1)", "scroll right", show=False)]
    AUTO_FOCUS = "#panel-columns"

    def __init__(self, comparison):
        super().__init__()
        self.comparison = comparison

    def compose(self) -> ComposeResult:
        with Vertical(id="panel-box") as box:
            box.border_title = "Panel side by side"
            box.border_subtitle = "← → scroll · Esc closes"
            with HorizontalScroll(id="panel-columns"):
                for col in self.comparison.columns:
                    with VerticalScroll(classes=f"panel-col verdict-{col.verdict}"):
                        yield Static(column_text(col), markup=False)
            yield Static(summary_text(self.comparison), id="panel-summary", markup=False)

    def action_scroll(self, step: int) -> None:
        cols = self.query_one("#panel-columns", HorizontalScroll)
        cols.scroll_relative(x=step * 34, animate=False)
