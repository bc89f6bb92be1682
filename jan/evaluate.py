"""Evaluation: retrieval recall@k / MRR per language and mode; answer quality (citations, abstention, stance)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import JanError
from .textclean import normalize_for_match


def read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    if not path.is_file():
        raise JanError(f"{path}: file not found")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JanError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
        missing = [k for k in required if k not in row]
        if not isinstance(row, dict) or missing:
            raise JanError(f"{path}:{n}: missing field(s) {', '.join(missing)}")
        rows.append(row)
    if not rows:
        raise JanError(f"{path}: no questions")
    return rows


def eval_retrieval(store, path: Path, tags: list[str] | None = None, modes=("hybrid",), k: int = 5) -> dict:
    from .retrieval import Retriever

    rows = read_jsonl(path, ("q", "any"))
    retriever = Retriever(store)
    result: dict = {"questions": len(rows), "tags": tags, "modes": {}}
    for mode in modes:
        per: dict[str, list[int | None]] = {}
        for row in rows:
            phrases = [normalize_for_match(p) for p in row["any"]]
            hits = retriever.search(row["q"], k=k, tags=tags, mode=mode)
            rank = next((e.rank for e in hits if any(p in normalize_for_match(e.chunk.text) for p in phrases)), None)
            per.setdefault(row.get("lang", "?"), []).append(rank)
            per.setdefault("all", []).append(rank)
        result["modes"][mode] = {lang: _metrics(ranks) for lang, ranks in sorted(per.items())}
    return result


def _metrics(ranks: list[int | None]) -> dict:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "recall@1": round(sum(1 for r in ranks if r and r <= 1) / n, 3),
        "recall@3": round(sum(1 for r in ranks if r and r <= 3) / n, 3),
        "recall@5": round(sum(1 for r in ranks if r and r <= 5) / n, 3),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 3),
    }


def format_retrieval(result: dict) -> str:
    lines = [f"{result['questions']} questions, tags {result['tags'] or 'all'}",
             f"{'mode':<8} {'lang':<4} {'n':>3} {'R@1':>6} {'R@3':>6} {'R@5':>6} {'MRR':>6}"]
    for mode, per in result["modes"].items():
        for lang, m in per.items():
            lines.append(f"{mode:<8} {lang:<4} {m['n']:>3} {m['recall@1']:>6} {m['recall@3']:>6} "
                         f"{m['recall@5']:>6} {m['mrr']:>6}")
    return "\n".join(lines)
