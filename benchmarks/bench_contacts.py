"""Contacts benchmark, printed as JSON: `jan contacts add` of a generated 1,000,000-row CSV against DuckDB's own
bare load of the same file (CREATE TABLE AS SELECT * FROM read_csv, into a fresh database file, closed), run
alternately; the latency of counted evidence and of verifying one count on those rows; topics for 100,000
free-text rows, cold and cached.

Run as `python benchmarks/bench_contacts.py [--rows N] [--runs R] [--topic-rows N]`. Public API only."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path


def bare_load(csv_path: Path, db: Path, ignore_errors: bool = False) -> float:
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', ignore_errors={str(ignore_errors).lower()})")
    con.close()
    return time.perf_counter() - started


def jan_add(csv_path: Path, home: Path) -> tuple[float, int]:
    from jan.contacts import add_file

    started = time.perf_counter()
    report = add_file(home, csv_path)
    return time.perf_counter() - started, report.rows


def import_ratio(csv_path: Path, work: Path, runs: int, tag: str = "", ignore_errors: bool = False) -> dict:
    bare, ours, rows = [], [], 0
    bare_load(csv_path, work / f"warm{tag}.duckdb", ignore_errors)  # page cache and imports warm for both
    for i in range(runs):
        bare.append(bare_load(csv_path, work / f"bare{tag}-{i}.duckdb", ignore_errors))
        t, rows = jan_add(csv_path, work / f"home{tag}-{i}")
        ours.append(t)
    b, o = statistics.median(bare), statistics.median(ours)
    return {"rows": rows, "file_mb": round(csv_path.stat().st_size / 1e6, 1), "bare_read_csv_s": round(b, 3),
            "jan_contacts_add_s": round(o, 3), "ratio": round(o / b, 3), "target_ratio": 1.3,
            "runs": runs, "bare_all_s": [round(x, 3) for x in bare], "jan_all_s": [round(x, 3) for x in ours]}


def count_latency(home: Path) -> dict:
    from jan.contacts import counted_evidence

    words = ["remove the phone number from the website", "complaints"]
    evidence_times, counts = [], []
    for _ in range(5):
        started = time.perf_counter()
        counts = counted_evidence(home, words, "en")
        evidence_times.append(time.perf_counter() - started)
    verify_times = []
    for _ in range(3):
        for c in counts:
            started = time.perf_counter()
            assert c.verify(home)
            verify_times.append(time.perf_counter() - started)
    verify_times.sort()
    return {"counted_evidence_s": round(statistics.median(evidence_times), 4), "counts": len(counts),
            "per_count_s": round(statistics.median(evidence_times) / max(1, len(counts)), 4),
            "verify_one_count_median_s": round(statistics.median(verify_times), 4),
            "verify_one_count_p95_s": round(verify_times[int(0.95 * len(verify_times)) - 1], 4),
            "target_s": 0.05, "example": counts[0].text("en") if counts else ""}


def topic_time(work: Path, n: int) -> dict:
    from jan.contacts import add_file, contact_topics
    from jan.contacts.generate import generate_export

    path = work / "free-text.csv"
    generate_export(path, n, seed=5, lang="nl", mixed=0.4, columns=("date", "channel", "text"))
    home = work / "topics-home"
    add_file(home, path)
    started = time.perf_counter()
    found = contact_topics(home)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    contact_topics(home)
    cached = time.perf_counter() - started
    return {"rows": n, "topics": len(found), "cold_s": round(cold, 2), "cached_s": round(cached, 3),
            "target_s": 180, "names": [t.name("en") for t in found]}


def main(argv: list[str] | None = None) -> int:
    import argparse

    from jan.contacts.generate import generate_export

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--topic-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-contacts-") as tmp:
        work = Path(tmp)
        csv_path = work / "contacts.csv"
        started = time.perf_counter()
        generate_export(csv_path, args.rows, seed=1, lang="nl", mixed=0.3)
        result = {"generate_s": round(time.perf_counter() - started, 1)}
        result["import"] = import_ratio(csv_path, work, args.runs)
        bad_path = work / "contacts-with-bad-rows.csv"  # 100 bad rows, a few quoted newlines: lines are named
        generate_export(bad_path, args.rows, seed=2, lang="nl", mixed=0.3, bad=100, newlines=True)
        result["import_with_100_bad_rows"] = import_ratio(bad_path, work, 1, "-bad", ignore_errors=True)
        result["count"] = count_latency(work / "home-0")
        result["topics"] = topic_time(work, args.topic_rows)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
