"""A short meeting in the app: ask, mark a decision, close, reopen the meeting, export (Pilot)."""

from __future__ import annotations

from pathlib import Path

from jan.core.config import load_settings
from jan.meetings.store import MeetingStore
from jan.tui.app import make_app
from jan.tui.screens import MeetingPicker, NoteScreen


async def _wait(pilot, cond, steps: int = 600):
    for _ in range(steps):
        await pilot.pause(0.05)
        if cond():
            return
    raise AssertionError("condition not reached")


async def test_meeting_decision_reopen_export(jan_env):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await _wait(pilot, lambda: app.engine is not None and app.engine._myths is not None)
        app.query_one("#question").value = "Should we remove the phone number from the website?"
        await pilot.press("enter")
        await _wait(pilot, lambda: not app.busy and app.last_entry_id is not None)
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        app.screen.query_one("#note").value = "Keep the number on the site"
        await pilot.press("enter")
        await pilot.pause()
        meeting_id = app.meeting_id
    store = MeetingStore(Path(jan_env["JAN_HOME"]))
    assert [d.note for d in store.decisions(meeting_id)] == ["Keep the number on the site"]
    assert len(store.entries(meeting_id)) == 1

    app2 = make_app(load_settings())
    async with app2.run_test(size=(120, 36)) as pilot:
        await _wait(pilot, lambda: app2.engine is not None and app2.engine._myths is not None)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app2.screen, MeetingPicker)
        await pilot.press("down", "enter")
        await _wait(pilot, lambda: app2.meeting_id == meeting_id)
        texts = [m.raw for m in app2.query(".msg")]
        assert any("remove the phone number" in t for t in texts)
        assert any("decision on “Should we remove the phone number" in t and t.endswith("Keep the number on the site")
                   for t in texts)
        assert len(app2.history) == len(MeetingStore(Path(jan_env["JAN_HOME"])).entries(meeting_id)), [t.question for t in app2.history]
        await pilot.press("f10")
        exports = Path(jan_env["JAN_HOME"]) / "exports"
        await _wait(pilot, lambda: exports.is_dir() and len(list(exports.iterdir())) >= 2)
        md = next(exports.glob("meeting-*.md")).read_text()
        assert "Keep the number on the site" in md
        assert next(exports.glob("brief-*.html")).read_text().startswith("<!DOCTYPE html>")
