"""Meetings: the SQLite meetings and decisions store, Markdown export, boardroom briefs."""

from importlib import import_module

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "Meeting": "store",
    "Entry": "store",
    "Decision": "store",
    "MeetingStore": "store",
    "export_markdown": "store",
    "critique_from_dict": "store",
    "Brief": "brief",
    "build": "brief",
    "to_html": "brief",
    "to_markdown": "brief",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
