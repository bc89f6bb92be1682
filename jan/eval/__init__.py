"""Evaluation of retrieval and answers on JSONL files (`jan eval`)."""

from importlib import import_module

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "read_jsonl": "evaluate",
    "eval_retrieval": "evaluate",
    "format_retrieval": "evaluate",
    "eval_answers": "evaluate",
    "format_answers": "evaluate",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
