"""Every door, timed as a new user meets it (issue 28): cold `jan ask` against a cold `jan search` of the same
question (the floor: interpreter, store open, one query encoded), a warm answer, a five-persona panel and a
five-persona brief against one answer, and the first question on a fresh home. Ratios in one run; extractive
mode (JAN_MODEL=none), so the figures are the engine's, not the model's.

    python benchmarks/bench_doors.py        # prints one JSON object
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "Should we stop answering the phone on Saturdays?"
PANEL = "jan,donor,resident,citizen,smallbiz"
RUNS = 3


def _jan(home: Path, *args: str, model: str = "none") -> float:
    env = {**os.environ, "JAN_HOME": str(home), "JAN_MODEL": model, "JAN_ENRICH": "0"}
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "jan", *args], env=env, capture_output=True, text=True, timeout=900)
    took = time.perf_counter() - start
    if out.returncode:
        raise SystemExit(f"jan {' '.join(args)} failed: {out.stderr.strip()[-400:]}")
    return took


def _median(home: Path, *args: str) -> float:
    return statistics.median(_jan(home, *args) for _ in range(RUNS))


def warm_answer(home: Path) -> float:
    """A second question in one process (what the app and scripts using the library pay)."""
    code = ("import time,sys; from jan import services as s; st=s.settings(); e=s.engine(st); "
            f"e.ask({QUESTION!r}); t=time.perf_counter(); e.ask('Should we close the shops on Sunday?'); "
            "print(time.perf_counter()-t)")
    env = {**os.environ, "JAN_HOME": str(home), "JAN_MODEL": "none", "JAN_ENRICH": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=900)
    return float(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh"
        first = _jan(fresh, "ask", QUESTION)  # a fresh home: index, cache and answer
        home = Path(tmp) / "home"
        shutil.copytree(fresh, home)
        _jan(home, "search", QUESTION)  # settle the OS's file cache
        search = _median(home, "search", QUESTION)
        ask = _median(home, "ask", QUESTION)
        panel = _median(home, "ask", QUESTION, "--panel", PANEL)
        brief = _median(home, "brief", QUESTION, "-o", str(Path(tmp) / "brief.html"), "--force")
        # with the local model as the configured default (issue 29: ≤ 60 s): a board document is built from
        # the judged evidence, so the model is not loaded for it; when no model is installed this is skipped
        local = _local_model(home)
        brief_local = statistics.median(_jan(home, "brief", QUESTION, "-o", str(Path(tmp) / "brief-local.md"),
                                             "--force", model=local) for _ in range(RUNS)) if local else None
        warm = warm_answer(home)
    return {
        "cold_search_s": round(search, 3), "cold_ask_s": round(ask, 3),
        "ratio_ask_vs_search": round(ask / search, 2), "goal_ratio_ask_vs_search": 1.5,
        "warm_answer_s": round(warm, 3),
        "panel_5_s": round(panel, 3), "ratio_panel_vs_ask": round(panel / ask, 2), "goal_ratio_panel": 2.0,
        "brief_5_s": round(brief, 3), "ratio_brief_vs_ask": round(brief / ask, 2), "goal_ratio_brief": 3.0,
        "first_question_fresh_home_s": round(first, 3), "ratio_first_vs_ask": round(first / ask, 2),
        "brief_5_local_model_default_s": round(brief_local, 3) if brief_local else "no local model installed",
        "goal_brief_local_s": 60.0,
    }


def _local_model(home: Path) -> str:
    """The local model's name when it is installed (home or the default data dir), else ''."""
    os.environ["JAN_HOME"] = str(home)  # model_dirs() reads it
    from jan.answer.backends import gguf, local

    return local.MODEL_NAME if gguf.available() else ""


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
