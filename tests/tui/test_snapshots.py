"""Snapshots of the main screens at 100×30 and 160×45 (pytest-textual-snapshot)."""

from __future__ import annotations

import pytest

from jan.core.config import load_settings
from jan.tui.app import make_app


async def _ready(pilot):
    app = pilot.app
    app.query_one("#question").cursor_blink = False  # a blinking cursor makes screenshots differ
    for _ in range(600):
        await pilot.pause(0.05)
        if app.engine is not None and app.engine._myths is not None and "ready" in str(app.query_one("#status").render()):
            break


async def _answered(pilot):
    await _ready(pilot)
    app = pilot.app
    app.query_one("#question").value = "Should we remove the phone number from the website?"
    await pilot.press("enter")
    for _ in range(600):
        await pilot.pause(0.05)
        if not app.busy:
            break
    await pilot.pause(0.3)
    app.query_one("#thread").scroll_end(animate=False)
    app.query_one("#evidence").scroll_home(animate=False)
    await pilot.pause(0.3)


async def _help(pilot):
    await _ready(pilot)
    await pilot.press("f1")
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [(100, 30), (160, 45)])
@pytest.mark.parametrize("scene", ["start", "answer", "help"])
def test_screens(snap_compare, jan_env, size, scene):
    run_before = {"start": _ready, "answer": _answered, "help": _help}[scene]
    assert snap_compare(make_app(load_settings()), terminal_size=size, run_before=run_before)


def _second_persona(jan_env) -> None:
    """A second persona that differs from the tester: it wants the website tidy, not the phone."""
    from pathlib import Path

    folder = Path(jan_env["JAN_PERSONAS_DIR"])
    text = (folder / "tester.yaml").read_text(encoding="utf-8")
    text = text.replace("id: tester", "id: second").replace("Test Customer", "Second Customer")
    (folder / "second.yaml").write_text(text, encoding="utf-8")


async def _panel(pilot):
    await _answered(pilot)
    app = pilot.app
    await pilot.press("f9")
    for _ in range(600):
        await pilot.pause(0.05)
        if not app.busy and app.screen.query(".panel-col"):
            break
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(100, 30), (160, 45)])
def test_panel_side_by_side(snap_compare, jan_env, size):
    _second_persona(jan_env)
    assert snap_compare(make_app(load_settings()), terminal_size=size, run_before=_panel)
