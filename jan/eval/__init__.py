"""Evaluation of retrieval and answers on JSONL files (`jan eval`)."""

from ..core.exports import lazy

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "read_jsonl": "evaluate",
    "eval_retrieval": "evaluate",
    "format_retrieval": "evaluate",
    "eval_answers": "evaluate",
    "format_answers": "evaluate",
}
__all__ = sorted(_API)

__getattr__ = lazy(__name__, _API)
