"""Meetings: the SQLite meetings and decisions store, Markdown export, boardroom briefs."""

from ..core.exports import lazy

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

__getattr__ = lazy(__name__, _API)
