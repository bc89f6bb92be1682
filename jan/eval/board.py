"""The brief's own reading of the team's research (answer/board.py), measured on the research questions.

    JAN_HOME=<a home with the articles ingested> python -m jan.eval.board [--out FILE]

For every question of tests/data/research_questions.jsonl (written by a helper from the collected articles
only; its `sources` name the articles that bear on it), the team document the brief would show (or none) is
compared with those sources: precision and recall per split, questions out of scope that still show one,
and, where the shown document is one of the sources, whether the reader's side agrees with the expected
verdict (supports → for, opposes → against). The articles themselves live outside the repository
(tests/data/research_sources.jsonl has their addresses); the gate was chosen on the dev split."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def measure(engine, rows: list[dict]) -> dict:
    from ..answer import board
    from ..answer.proposal import Proposal

    out: dict[str, dict] = {}
    for row in rows:
        split = "dev" if row.get("split") == "dev" else "held-out"
        m = out.setdefault(split, {"questions": 0, "shown": 0, "right_doc": 0, "sources": 0, "out_of_scope_shown": 0,
                                   "side_right": 0, "side_judged": 0})
        m["questions"] += 1
        prop = Proposal.parse(row["q"], row.get("lang", "en"))
        item = board.team_item(engine, prop, prop.language if prop.language in board.TEXT else "en")
        sources = set(row.get("sources") or [])
        if row.get("in_scope"):
            m["sources"] += len(sources)
        if item is None:
            continue
        m["shown"] += 1
        if not row.get("in_scope"):
            m["out_of_scope_shown"] += 1
        if Path(item.chunk.doc).name in sources:
            m["right_doc"] += 1
            expect = {"supports": "for", "opposes": "against"}.get(row.get("expect", ""))
            if expect:
                m["side_judged"] += 1
                m["side_right"] += item.side == expect
    for m in out.values():
        m["precision"] = round(m["right_doc"] / m["shown"], 3) if m["shown"] else None
        m["recall"] = round(m["right_doc"] / m["sources"], 3) if m["sources"] else None
    return out


def main(argv: list[str] | None = None) -> int:
    from .. import services
    from .evaluate import read_jsonl

    ap = argparse.ArgumentParser(prog="python -m jan.eval.board")
    ap.add_argument("--questions", default=str(DATA / "research_questions.jsonl"))
    ap.add_argument("--out", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)
    engine = services.engine(services.settings())
    if not board_tags(engine):
        raise SystemExit("no team documents in this home: ingest the articles first (jan ingest DIR --tag research)")
    result = measure(engine, list(read_jsonl(Path(args.questions), ("q",))))
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def board_tags(engine) -> list[str]:
    from ..answer.board import team_tags

    return team_tags(engine.retriever.store)


if __name__ == "__main__":
    raise SystemExit(main())
