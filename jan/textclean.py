"""Cleaning text from documents and models: control characters, escapes, Dutch de-hyphenation."""

from __future__ import annotations

import re
import unicodedata

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # CSI sequences
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")  # OSC (incl. OSC-8 links)
_ESC = re.compile(r"\x1b[@-_]?")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad][ \t]*\n[ \t]*(?:\n[ \t]*)?([a-zà-ÿ])")
_SOFT_HYPHEN = re.compile("\u00ad")


def strip_controls(text: str) -> str:
    """Remove terminal escapes (CSI, OSC-8 links) and control characters; keep newlines and tabs."""
    text = _OSC.sub("", text)
    text = _ANSI.sub("", text)
    text = _ESC.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CTRL.sub("", text)


def dehyphenate(text: str) -> str:
    """Join words split across line breaks ('klant-\\ngerichtheid' -> 'klantgerichtheid')."""
    return _SOFT_HYPHEN.sub("", _HYPHEN_BREAK.sub(r"\1\2", text))


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def clean(text: str) -> str:
    """Full cleaning for one paragraph: controls, de-hyphenation, whitespace."""
    return collapse(dehyphenate(strip_controls(unicodedata.normalize("NFC", text))))


def normalize_for_match(text: str) -> str:
    """Form used to compare quotes with evidence: lowercase, de-hyphenated, quotes unified, spaces collapsed."""
    text = dehyphenate(strip_controls(unicodedata.normalize("NFKC", text)))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("„", '"')
    text = re.sub(r"[*_`]", "", text)
    return collapse(text).lower()
