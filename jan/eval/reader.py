"""The reader of evidence: train its head, calibrate its verdict on the dev files, measure it on any file.

    python -m jan.eval.reader train [--design both]      # writes jan/answer/reader_head.npz
    python -m jan.eval.reader calibrate                  # sets the thresholds on the dev files only
    python -m jan.eval.reader measure FILE …             # verdict accuracy per file, class and language

Calibration reads each dev line's evidence once (the same retrieval an answer makes), then searches the
verdict thresholds for the best dev accuracy; the held-out files are never read by it."""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
DEV_FILES = ("verdicts_dev.jsonl", "panel_dev.jsonl")
GRID = {
    "bear_min": (0.3, 0.5),
    "verdict_min": (0.5, 0.7, 0.8, 0.9),
    "stance_min": (0.89, 0.9, 0.91),
    "trait_w": (0.0, 0.3, 0.6),
    "prior_w": (0.0, 0.5, 1.0, 2.0),
    "mixed_strong": (0.3, 0.5),
    "mixed_share": (0.5, 0.75),
    "stance_mixed": (0.0, 1.0),
}


def lines(path: Path) -> list[dict]:
    """Verdict lines from a verdicts file (q, persona, expect) or a panel file (q, expect per persona)."""
    from .evaluate import read_jsonl

    out = []
    for row in read_jsonl(path, ("q", "expect")):
        if isinstance(row["expect"], dict):
            for pid, verdict in row["expect"].items():
                out.append({"q": row["q"], "persona": pid, "lang": row.get("lang", "?"), "expect": verdict,
                            "in_scope": verdict != "no-evidence", "panel": True})
        else:
            out.append(row)
    return out


def read_lines(engine, rows: list[dict]) -> list[tuple[dict, list]]:
    """Each line with its readings (the evidence an answer retrieves, and the persona's closest traits)."""
    from ..answer.proposal import Proposal

    out = []
    for row in rows:
        persona = engine.registry.get(row["persona"])
        prop = Proposal.parse(row["q"], persona.language)
        evidence = engine.retriever.search(prop.text, k=6, persona=persona)
        prior = engine.stance.judge(prop.text, persona, evidence, row.get("lang", "en"))
        out.append((row, (engine.reader.readings(prop.action, persona, evidence, prop.parts), prior)))
    return out


def score(reader, read: list[tuple[dict, list]]) -> dict:
    per: dict[str, list[int]] = {}
    conf, ins = [], []
    for row, (readings, prior) in read:
        verdict, c, _, _ = reader.decide(readings, prior)
        ok = int(verdict == row["expect"])
        keys = ["all", row.get("lang", "?"), f"expect:{row['expect']}"]
        if row.get("split"):
            keys += [f"split:{row['split']}", f"split:{row['split']}:{'in' if row['expect'] != 'no-evidence' else 'off'}"]
        for key in keys:
            per.setdefault(key, []).append(ok)
        if row["expect"] != "no-evidence":
            ins.append(ok)
            if verdict in ("supports", "opposes", "mixed"):
                conf.append((c, ok))
    res = {k: round(float(np.mean(v)), 3) for k, v in sorted(per.items())}
    res["n"] = len(read)
    res["in_scope_accuracy"] = round(float(np.mean(ins)), 3) if ins else None
    bar = reader.cal["confident"]
    sure = [ok for c, ok in conf if c >= bar]
    n_in = sum(1 for row, _ in read if row["expect"] != "no-evidence")
    res["confident_share"] = round(len(sure) / n_in, 3) if n_in else None
    res["confident_precision"] = round(float(np.mean(sure)), 3) if sure else None
    return res


def calibrate(reader, read: list[tuple[dict, list]], grid: dict | None = None) -> dict:
    """Grid search of the verdict thresholds for dev accuracy (in-scope and abstention weighed alike), then
    the confidence mapping: Platt scaling of correctness on the margin, and the bar where confident dev
    verdicts are right at least 9 times in 10."""
    best, best_cal = -1.0, dict(reader.cal)
    grid = grid or GRID
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        reader.cal.update(dict(zip(keys, values, strict=True)))
        s = score(reader, read)
        objective = s["all"] + 0.5 * (s["in_scope_accuracy"] or 0)
        if objective > best:
            best, best_cal = objective, dict(reader.cal)
    reader.cal.update(best_cal)
    xs, ys = [], []
    for row, (readings, prior) in read:
        d = reader.decide(readings, prior)
        if row["expect"] == "no-evidence" or d.verdict == "no-evidence":
            continue
        xs.append(d.margin)
        verdict = d.verdict
        ys.append(int(verdict == row["expect"]))
    if len(set(ys)) == 2:
        a, b = _platt(np.array(xs), np.array(ys))
        reader.cal.update(conf_a=a, conf_b=b)
        confs = 1 / (1 + np.exp(-(a * np.array(xs) + b)))
        for bar in np.arange(0.5, 0.99, 0.01):
            sure = np.array(ys)[confs >= bar]
            if len(sure) and sure.mean() >= 0.9:
                reader.cal["confident"] = round(float(bar), 2)
                break
    return reader.cal


def reversals_right(reader, rows: list[dict]) -> int:
    """How many reversal pairs the head alone reads in opposite directions, the first one right."""
    right = 0
    for row in rows:
        a, b = reader.read(row["do"], [row["passage"]])[0], reader.read(row["undo"], [row["passage"]])[0]
        side_a, side_b = ("for" if a[0] >= a[1] else "against"), ("for" if b[0] >= b[1] else "against")
        right += side_a == row["do_label"] and side_b != side_a
    return int(right)


def _platt(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    a, b = 1.0, 0.0
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(a * x + b)))
        ga, gb = float(((p - y) * x).mean()), float((p - y).mean())
        a, b = a - 0.5 * ga, b - 0.5 * gb
    return round(a, 4), round(b, 4)


def items(head_path: Path, n_llm: int) -> int:
    """Item-level accuracy of the head (and of the local model reading the pair, design B) on the helper
    pairs whose groups were held out of training."""
    import time

    from .. import services
    from ..answer import train_reader as tr
    from ..answer.reader import LABELS, Head, Reader

    settings = services.settings()
    store = services.open_store(settings)
    rows = tr.helper_pairs()
    val = tr.validation_groups([r["group"] for r in rows])
    rows = [r for r in rows if r["group"] in val]
    reader = Reader.for_store(store.embedder, settings.home, head=Head.load(head_path))
    y = np.array([LABELS.index(r["label"]) for r in rows])
    t = time.perf_counter()
    probs = np.vstack([reader.read(r["proposal"], [r["passage"]]) for r in rows])
    out = {"pairs": len(rows), "head": {"accuracy": round(float((probs.argmax(1) == y).mean()), 3),
                                        "seconds_per_pair": round((time.perf_counter() - t) / len(rows), 3)}}
    if n_llm:
        from functools import partial

        from ..answer.backends import local

        rng = np.random.default_rng(0)
        pick = rng.choice(len(rows), size=min(n_llm, len(rows)), replace=False)
        lp = partial(local.logprobs, model=local.MODEL_NAME)
        t = time.perf_counter()
        got = np.array([int(np.argmax(tr.llm_read(lp, rows[i]["proposal"], rows[i]["passage"]))) for i in pick])
        out["local_model"] = {"pairs": len(pick), "accuracy": round(float((got == y[pick]).mean()), 3),
                              "head_on_same": round(float((probs[pick].argmax(1) == y[pick]).mean()), 3),
                              "seconds_per_pair": round((time.perf_counter() - t) / len(pick), 2)}
    print(json.dumps(out, indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    from .. import services
    from ..answer import train_reader as tr
    from ..answer.reader import HEAD_PATH, LABELS, Head

    ap = argparse.ArgumentParser(prog="python -m jan.eval.reader")
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--design", choices=("bi", "joint", "both", "bi+words", "joint+words", "both+words"),
                   default="both")
    t.add_argument("--out", type=Path, default=HEAD_PATH)
    t.add_argument("--no-practices", action="store_true")
    t.add_argument("--no-helpers", action="store_true")
    t.add_argument("--embedder", default="", help="read with this embedder (default: the store's; 'egemma')")
    c = sub.add_parser("calibrate")
    c.add_argument("--head", type=Path, default=HEAD_PATH)
    c.add_argument("--search-prior-first", action="store_true",
                   help="also choose on dev whether matched practices decide first (else the head's setting)")
    m = sub.add_parser("measure")
    m.add_argument("files", nargs="+", type=Path)
    m.add_argument("--head", type=Path, default=HEAD_PATH)
    it = sub.add_parser("items", help="item-level accuracy on the training pairs held out of training")
    it.add_argument("--head", type=Path, default=HEAD_PATH)
    it.add_argument("--llm", type=int, default=0, help="also read this many pairs with the local model")
    args = ap.parse_args(argv)
    if args.cmd == "items":
        return items(args.head, args.llm)
    settings = services.settings()
    if args.cmd == "train":
        from ..answer.reader import Reader

        store = services.open_store(settings)
        reader = Reader(store.embedder, head=None)
        rows = [] if args.no_helpers else tr.helper_pairs()
        if not args.no_practices:
            rows += tr.practice_pairs(services.cards(settings), services.registry(settings), reader)
        reading = store.embedder
        if args.embedder and args.embedder != store.embedder.name:
            from ..evidence.embed import reading_embedder

            reading = reading_embedder(args.embedder, settings.home)
            if reading is None:
                raise SystemExit(f"embedder {args.embedder} is not installed under {settings.home}; run `make model`")
        x = tr.featurize(reading, rows, args.design)
        y = np.array([LABELS.index(r["label"]) for r in rows])
        head, report = tr.fit(x, y, [r["group"] for r in rows], args.design)
        head.embedder = reading.name
        old = Head.load(args.out)
        if old is not None and old.design == head.design:
            head.calibration = old.calibration
        report["data"] = tr.data_hash(rows)
        head.save(args.out, {"training": report})
        print(json.dumps(report, indent=1))
        return 0
    engine = services.engine(settings)
    from ..answer.reader import Reader

    engine.reader = Reader.for_store(engine.retriever.store.embedder, settings.home, engine.cards,
                                     head=Head.load(args.head))
    if engine.reader.head is None:
        raise SystemExit(f"{args.head}: its embedder is not installed here; run `make model`")
    if args.cmd == "calibrate":
        read = read_lines(engine, [r for f in DEV_FILES for r in lines(DATA / f)])
        grid = {**GRID, "prior_first": (1.0, 0.0)} if args.search_prior_first else GRID
        cal = calibrate(engine.reader, read, grid)
        head = engine.reader.head
        head.calibration = {k: (round(float(v), 4)) for k, v in cal.items()}
        meta_path = args.head
        with np.load(meta_path, allow_pickle=False) as z:
            extra = {k: v for k, v in json.loads(str(z["meta"])).items() if k not in ("design", "calibration")}
        extra["calibrated_on"] = list(DEV_FILES)
        # the head's readings of a small fixed set, recorded so a test can check the shipped weights load and
        # read the same (tests/test_reader.py)
        fixed = [json.loads(x) for x in (DATA / "reader_reversals.jsonl").read_text(encoding="utf-8").splitlines() if x]
        extra["fixed_probs"] = np.vstack([engine.reader.read(r["do"], [r["passage"]]) for r in fixed]).round(5).tolist()
        extra["reversals_right"] = reversals_right(engine.reader, fixed)
        extra["dev"] = score(engine.reader, read)
        head.save(meta_path, extra)
        print(json.dumps({"calibration": head.calibration, "dev": extra["dev"]}, indent=1))
        return 0
    result = {}
    for f in args.files:
        result[f.name] = score(engine.reader, read_lines(engine, lines(f)))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
