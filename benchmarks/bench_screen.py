"""What the room sees, with the local model (issue 28, item 3): in the app (Pilot, 160×45), a later question's
verdict on screen after its evidence, and a five-persona panel's verdicts on screen after Enter. The screen is
measured, not the engine: the time the answer's message first shows a verdict word, and the time the panel's
verdict line is in the thread.

    python benchmarks/bench_screen.py        # prints one JSON object ({"skipped": …} without the local model)
"""

from __future__ import annotations

import asyncio
import json
import os
import time

FIRST = "We want to replace the phone line with a chatbot. What would Jan think?"
SECOND = "What would Jan think of removing the phone number from the website?"
PANEL = "Should we stop answering the phone on Saturdays?"


async def _until(pilot, cond, limit: float = 600.0) -> float:
    start = time.perf_counter()
    while not cond():
        if time.perf_counter() - start > limit:
            raise TimeoutError("not reached")
        await asyncio.sleep(0.01)
    return time.perf_counter()


async def _measure(settings) -> dict:
    from jan.answer.labels import verdict_word
    from jan.tui.app import make_app
    from jan.tui.widgets import EvidencePanel, QuestionInput

    app = make_app(settings)
    out: dict = {"model": settings.model}
    async with app.run_test(size=(160, 45)) as pilot:
        await _until(pilot, lambda: app.prepared and not app.busy)
        box = app.query_one(QuestionInput)
        box.value = FIRST
        await pilot.press("enter")
        await _until(pilot, lambda: not app.busy and len(app.history) == 1)
        # the later question: evidence drawn, then the verdict in the answer's own message
        panel = app.query_one(EvidencePanel)
        before = list(panel.items)
        n_msgs = len(app.query(".msg"))
        box.value = SECOND
        t0 = time.perf_counter()
        await pilot.press("enter")
        t_ev = await _until(pilot, lambda: panel.items and panel.items != before)
        words = {verdict_word(v, lang) for v in ("supports", "opposes", "mixed") for lang in ("en", "nl")}

        def verdict_shown() -> bool:
            msgs = list(app.query(".msg"))[n_msgs:]
            return any(w in str(m.render()) for m in msgs if "answer" in m.classes for w in words)

        t_v = await _until(pilot, verdict_shown)
        await _until(pilot, lambda: not app.busy and len(app.history) == 2)
        t_end = time.perf_counter()
        out.update(enter_to_evidence_s=round(t_ev - t0, 2), evidence_to_verdict_s=round(t_v - t_ev, 2),
                   enter_to_verdict_s=round(t_v - t0, 2), whole_answer_s=round(t_end - t0, 2),
                   goal_evidence_to_verdict_s=1.0)
        # the panel: every persona's verdict on screen, then every answer
        box.value = PANEL
        await pilot.press("enter")
        await _until(pilot, lambda: not app.busy and len(app.history) == 3)
        t0 = time.perf_counter()
        await pilot.press("f9")
        t_open = await _until(pilot, lambda: any(str(m.render()).startswith("Panel on") for m in app.query(".msg")))
        t_line = await _until(pilot, lambda: bool(app.query(".panel-verdicts")))
        out["panel_started_s"] = round(t_open - t0, 2)
        await _until(pilot, lambda: not app.busy and len(app.history) >= 3 + len(app.engine.registry.ids()) - 1)
        out.update(panel_verdicts_on_screen_s=round(t_line - t0, 2), panel_all_answers_s=round(time.perf_counter() - t0, 2),
                   goal_panel_verdicts_s=8.0)
    return out


def run() -> dict:
    from jan.answer.backends import local
    from jan.services import settings

    s = settings()
    if not local.available():
        return {"skipped": "the local model is not installed (make model)"}
    if s.model in ("auto", "none"):
        s.model = local.MODEL_NAME
    return asyncio.run(_measure(s))


if __name__ == "__main__":
    os.environ.setdefault("JAN_ENRICH", "0")
    print(json.dumps(run(), indent=2))
