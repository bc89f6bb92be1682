"""TUI measurements for `make bench`: Enter → evidence panel filled, and the longest event-loop stall while
answering and while ingesting (a 10 ms timer records how late it fires)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path


class LagMeter:
    def __init__(self, interval: float = 0.01):
        self.interval = interval
        self.worst = 0.0
        self._last = None

    def tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.worst = max(self.worst, now - self._last - self.interval)
        self._last = now

    def reset(self) -> None:
        self.worst, self._last = 0.0, None


async def _measure(settings, seeds: Path | None) -> dict:
    from jan.tui.app import make_app
    from jan.tui.widgets import EvidencePanel

    app = make_app(settings)
    out: dict = {}
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(2400):
            await pilot.pause(0.05)
            if app.prepared and not app.busy:  # prepared: the engine warmed up (store, myths) and litellm loaded
                break
        meter = LagMeter()
        app.set_interval(meter.interval, meter.tick)
        await pilot.pause(0.2)
        meter.reset()
        panel = app.query_one(EvidencePanel)
        painted: dict[str, float] = {}
        shown = app.evidence_found

        def spy(evidence) -> None:  # the moment the filled panel has been drawn
            shown(evidence)
            app.call_after_refresh(lambda: painted.setdefault("t", time.perf_counter()))

        app.evidence_found = spy
        app.query_one("#question").value = "Should we remove the phone number from the website?"
        t0 = time.perf_counter()
        await pilot.press("enter")
        while "t" not in painted or not panel.items:
            await asyncio.sleep(0.005)
        out["enter_to_evidence_s"] = round(painted["t"] - t0, 3)
        while app.busy:
            await asyncio.sleep(0.01)
        out["answer_s"] = round(time.perf_counter() - t0, 3)
        out["max_loop_stall_answering_ms"] = round(meter.worst * 1000, 1)
        if seeds is not None and seeds.is_dir():
            from jan.evidence.ingest import ingest_paths

            meter.reset()
            done = asyncio.Event()
            loop = asyncio.get_running_loop()

            def work() -> None:
                ingest_paths(app.engine.store, sorted(p for p in seeds.iterdir() if p.is_file()), "bench-tui")
                loop.call_soon_threadsafe(done.set)

            app.run_worker(work, thread=True)
            await done.wait()
            out["max_loop_stall_ingesting_ms"] = round(meter.worst * 1000, 1)
    out["goal_stall_ms"] = 50
    return out


def run(settings, seeds: Path | None) -> dict:
    return asyncio.run(_measure(settings, seeds))
