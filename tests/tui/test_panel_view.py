"""The panel view for a projector: five personas readable at once at 160×45 and 120×40 (snapshots), the
keys that scroll it, the citation mark it shares with the thread and the export, and the status line after
it closes."""

from __future__ import annotations

import pytest
from panel_data import PROPOSAL, PanelHost, panel

from jan.answer.critique import mark
from jan.core.config import load_settings
from jan.meetings.panel import compare
from jan.tui.app import make_app
from jan.tui.panel import PanelBody, PanelScreen, card_plain, columns_for, deciding_reason, summary_text


@pytest.mark.parametrize("size", [(160, 45), (120, 40)])
def test_five_personas_at_once(snap_compare, size):
    assert snap_compare(PanelHost(), terminal_size=size)


def test_five_personas_at_once_projector_theme(snap_compare):
    assert snap_compare(PanelHost(theme="projector"), terminal_size=(160, 45))


def test_columns_fit_the_screen():
    assert columns_for(156, 5) == 5  # 160 columns: all five side by side
    assert columns_for(116, 5) == 3  # 120 columns: 3 + 2
    assert columns_for(96, 5) == 3
    assert columns_for(76, 5) == 2
    assert columns_for(40, 5) == 1
    assert columns_for(156, 2) == 2


async def test_all_five_cards_and_the_comparison_are_on_screen():
    for size in ((160, 45), (120, 40)):
        app = PanelHost()
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PanelScreen)
            body = screen.query_one(PanelBody)
            assert body.max_scroll_y == 0, size  # nothing below the fold
            cards = list(screen.query(".panel-col"))
            assert len(cards) == 5
            for card in cards:  # every card wholly inside the visible region
                assert card.region.right <= size[0] and card.region.bottom <= size[1], (size, card.region)
            summary = screen.query_one("#panel-summary")
            assert summary.region.bottom <= size[1] and summary.region.height > 0


def test_card_has_verdict_one_reason_and_the_exports_citation_mark():
    cmp, crits = panel()
    col = next(c for c in cmp.columns if c.persona == "resident")
    text = card_plain(col, crits["resident"])
    assert "Geert (resident)" in text and "OPPOSES" in text
    assert "why — breaks: I want someone who knows my case" in text
    for p in crits["resident"].points:
        for cite in p.citations:  # the same mark as the markdown export, verified or not
            assert mark(cite, "en") in text
    assert "[E3 ✗ quote not found in the item]" in text
    assert "(E2)" not in text and "(E3)" not in text


def test_one_deciding_reason():
    assert deciding_reason("hits: A [E1 ✓]; breaks: B [E2]") == "hits: A [E1 ✓]"
    assert deciding_reason("hits: A; b [E1 ✓] [E3]") == "hits: A; b [E1 ✓] [E3]"
    assert deciding_reason("–") == ""


def test_agree_and_differ_row_names_the_traits_that_part_them():
    cmp, _ = panel()
    row = summary_text(cmp, heading=False).plain
    assert row.startswith("Where they agree: ")
    assert "Where they differ, and why:" in row
    # each verdict, who gives it, and the trait each of them rests on
    assert " OPPOSES  Jan, Geert, Marieke\n  • Jan: hits: No way left to get a person on the phone" in row
    assert " SUPPORTS  Sanne\n  • Sanne: eases: I give online and never call" in row
    assert " MIXED  Els\n  • Els: serves: Token participation annoys me" in row
    # all give the same verdict: what parts them is each one's trait
    crits = list(panel()[1].values())
    for c in crits:
        c.verdict = "opposes"
        for r in c.reasons:
            r.direction = "against"
    row = summary_text(compare(PROPOSAL, crits, {c.persona: c.name for c in cmp.columns}), heading=False).plain
    assert "all 5 say opposes" in row
    assert "the same verdict, each for a reason of its own" in row
    assert "Sanne: eases: I give online and never call" in row


async def test_keyboard_scrolling():
    """↓ ↑ one line, PgDn PgUp a page, End and Home to the ends: at 60×20 the cards are one under the other."""
    app = PanelHost()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        body = app.screen.query_one(PanelBody)
        assert body.max_scroll_y > body.size.height  # more than a page to scroll
        await pilot.press("down")
        await pilot.pause()
        assert body.scroll_y == 1
        await pilot.press("down", "down", "up")
        await pilot.pause()
        assert body.scroll_y == 2
        await pilot.press("pagedown")
        await pilot.pause()
        page = body.scroll_y
        assert page >= body.size.height
        await pilot.press("pageup")
        await pilot.pause()
        assert body.scroll_y == max(0, page - body.size.height)
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("right", "left")  # no sideways scrolling: the cards wrap
        await pilot.pause()
        assert body.scroll_x == 0
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PanelScreen)


def _second_persona(jan_env) -> None:
    from pathlib import Path

    folder = Path(jan_env["JAN_PERSONAS_DIR"])
    text = (folder / "tester.yaml").read_text(encoding="utf-8")
    (folder / "second.yaml").write_text(text.replace("id: tester", "id: second")
                                        .replace("Test Customer", "Second Customer"), encoding="utf-8")


async def _until(pilot, cond, what: str):
    for _ in range(1200):
        await pilot.pause(0.05)
        if cond():
            return
    raise AssertionError(f"not reached: {what}")


async def test_after_closing_the_panel_the_status_line_no_longer_says_esc(jan_env):
    _second_persona(jan_env)
    app = make_app(load_settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await _until(pilot, lambda: app.ready.is_set() and "ready" in str(app.query_one("#status").render()), "ready")
        app.query_one("#question").value = "Should we remove the phone number from the website?"
        await pilot.press("enter")
        await _until(pilot, lambda: not app.busy and app.history, "answer")
        await pilot.press("f9")
        await _until(pilot, lambda: isinstance(app.screen, PanelScreen), "panel")
        assert "Esc closes" in str(app.query_one("#status").render())
        cards = [card_plain(c, app.screen.critiques.get(c.persona)) for c in app.screen.comparison.columns]
        assert len(cards) == 2 and all("[E1 ✓ quote verified" in c for c in cards)
        await pilot.press("escape")
        await pilot.pause()
        status = str(app.query_one("#status").render())
        assert "Esc closes" not in status and "F9 shows it again" in status
        # F9 again: the same panel, nobody asked twice
        asked = len(app.history)
        await pilot.press("f9")
        await _until(pilot, lambda: isinstance(app.screen, PanelScreen), "panel again")
        assert len(app.history) == asked and not app.busy
        await pilot.press("escape")
        await pilot.pause()
        assert "Esc closes" not in str(app.query_one("#status").render())
