"""`jan eval`: retrieval and answer evaluation on a JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

from .. import services
from ..core.errors import JanError
from ..services import open_store
from .common import out as _out
from .common import settings as _settings


def cmd_eval(args) -> int:
    s = _settings(args)
    if args.what == "retrieval":
        from ..eval.evaluate import eval_retrieval, format_retrieval

        store = open_store(s)
        result = eval_retrieval(store, Path(args.file), tags=args.tag or None, modes=args.modes.split(","))
        _out(json.dumps(result, indent=2) if args.json else format_retrieval(result))
        return 0
    if args.what == "answers":
        from ..eval.evaluate import eval_answers, format_answers

        result = eval_answers(services.engine(s, stance_design=args.stance_design), Path(args.file), args.model)
        _out(json.dumps(result, ensure_ascii=False, indent=2) if args.json else format_answers(result))
        return 0 if not result["errors"] else 1
    raise JanError(f"unknown evaluation {args.what!r}")


def register(add) -> None:
    sp = add("eval", cmd_eval, "evaluate retrieval or answers on a JSONL file")
    sp.add_argument("what", choices=["retrieval", "answers"])
    sp.add_argument("file")
    sp.add_argument("--tag", action="append")
    sp.add_argument("--modes", default="hybrid,dense,bm25")
    sp.add_argument("--model", help="answers: litellm model string, 'none' for extractive mode")
    sp.add_argument("--stance-design", choices=["stance", "read", "judge"], default="stance",
                    help="answers with the local model: the stance model decides (stance); the model also "
                         "reads which of the closest practices the proposal means, by likelihood (read); or "
                         "picks one by answering (judge)")
    sp.add_argument("--json", action="store_true")
