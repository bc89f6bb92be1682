"""Steps the end-to-end Pilot tests share (test_walkthrough.py, test_flow_ui.py): wait for a condition, for the
app to be ready, for an answer; the thread's messages."""

from __future__ import annotations

from jan.tui.widgets import QuestionInput


async def until(pilot, cond, what: str, steps: int = 2400):
    for _ in range(steps):
        await pilot.pause(0.05)
        if cond():
            return
    raise AssertionError(f"not reached: {what}; status: {pilot.app.query_one('#status').render()}")


async def ready(app, pilot):
    await until(pilot, lambda: app.ready.is_set() and "ready" in str(app.query_one("#status").render()), "ready")


async def ask(app, pilot, text: str):
    n = len(app.history)
    app.query_one(QuestionInput).value = text
    await pilot.press("enter")
    await until(pilot, lambda: not app.busy and len(app.history) > n, f"answer to {text!r}")


def messages(app, kind: str = "") -> list[str]:
    return [m.raw for m in app.query(f".msg{'.' + kind if kind else ''}")]
