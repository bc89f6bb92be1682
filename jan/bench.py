"""`make bench`: performance as ratios measured in one run (machines are noisy), printed as JSON."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAINT = r'''
import sys, time, asyncio
t0 = time.perf_counter()
which = sys.argv[1]
if which == "floor":
    from textual.app import App
    from textual.widgets import Header, Footer, Input, Static
    class Floor(App):
        def compose(self):
            yield Header(); yield Static("one line"); yield Input(); yield Footer()
    app = Floor()
else:
    from jan.config import load_settings
    from jan.tui.app import make_app
    app = make_app(load_settings())
async def main():
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - t0)
        app.exit()
asyncio.run(main())
'''


def first_paint(which: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PAINT, which], capture_output=True, text=True, timeout=120)
        lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
        times.append(float(lines[0]))
    return statistics.median(times)


def search_latency(settings) -> dict:
    import numpy as np

    from .commands import open_store
    from .retrieval import Retriever

    store = open_store(settings)
    r = Retriever(store)
    qs = ["remove the phone number from the website", "klanten willen de laagste prijs", "donors prototype test",
          "bewoners aardbevingsschade", "one call centre bank"] * 4
    r.search(qs[0])
    lat = []
    for q in qs:
        t = time.perf_counter()
        r.search(q)
        lat.append(time.perf_counter() - t)
    chunks = store.chunks()
    vecs = store.embedder.embed_passages([c.embed_text() for c in chunks[:64]])
    t = time.perf_counter()
    store.embedder.embed_passages([c.embed_text() for c in chunks[:64]])
    raw = 64 / (time.perf_counter() - t)
    scan = []
    for q in qs:
        t = time.perf_counter()
        qv = store.embedder.embed_queries([q])[0]
        np.argsort(-(vecs @ qv))[:6]
        scan.append(time.perf_counter() - t)
    return {"chunks": len(chunks), "search_p50_s": round(statistics.median(lat), 4),
            "search_p95_s": round(sorted(lat)[int(0.95 * len(lat)) - 1], 4),
            "scan_plus_encode_p95_s": round(sorted(scan)[int(0.95 * len(scan)) - 1], 4),
            "ratio_p95_vs_scan": round(sorted(lat)[int(0.95 * len(lat)) - 1] / sorted(scan)[int(0.95 * len(scan)) - 1], 2),
            "raw_embed_passages_per_s": round(raw, 1)}


def ingest_throughput(settings, seeds: Path) -> dict:
    from .corpus import chunk_document, read_document
    from .ingest import ingest_paths
    from .store import Store, sha256_file

    with tempfile.TemporaryDirectory() as home:
        settings.home = Path(home)
        store = Store(settings)
        files = sorted(p for p in seeds.iterdir() if p.is_file())
        texts = [c.embed_text() for p in files for c in chunk_document(read_document(p), sha256_file(p), "b")]
        t = time.perf_counter()
        store.embedder.embed_passages(texts)
        raw = time.perf_counter() - t
        t = time.perf_counter()
        ingest_paths(store, files, "bench")
        full = time.perf_counter() - t
    return {"chunks": len(texts), "raw_embed_s": round(raw, 3), "ingest_s": round(full, 3),
            "throughput_ratio_vs_raw_embedder": round(raw / full, 3)}


def run(settings) -> dict:
    import resource

    floor = first_paint("floor")
    jan = first_paint("jan")
    result = {"first_paint": {"floor_s": round(floor, 3), "jan_s": round(jan, 3), "ratio": round(jan / floor, 2),
                              "goal_ratio": 1.2}}
    result["search"] = search_latency(settings)
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if seeds.is_dir():
        result["ingest"] = ingest_throughput(settings, seeds)
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main() -> int:
    from .config import load_settings

    print(json.dumps(run(load_settings()), indent=2))
    return 0
