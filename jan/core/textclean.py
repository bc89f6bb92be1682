"""Cleaning text from documents and models: control characters, escapes, Dutch de-hyphenation."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # CSI sequences
_OSC = re.compile(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?")  # OSC (incl. OSC-8 links)
_ESC = re.compile(r"\x1b[@-_]?")
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # + bidi overrides
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


# ------------------------------------------------------------ hard-wrapped text

_END = re.compile(r"[.!?…][\"”’)»]*\s*$")
_PAGE_NO = re.compile(r"^\s*(\d{1,4}\s+\S.{1,60}|\S.{1,60}?\s+\d{1,4}|\d{1,4})\s*$")


def open_end(text: str) -> bool:
    """The text stops mid-sentence (hyphen, comma, plain word): what follows may continue it."""
    t = text.rstrip()
    return bool(t) and not _END.search(t)


def continues(prev: str, line: str) -> bool:
    """`line` continues the sentence that `prev` left open (hyphenation, or a lowercase follow-on)."""
    p, s = prev.rstrip(), line.strip()
    if not p or not s:
        return False
    if re.search(r"\w[-\u00ad]$", p) and s[:1].isalpha():
        return True
    return s[:1].islower() and not re.search(r"[.!?…]['\"”’)]?$", p)


def running_lines(lines: list[str]) -> set[int]:
    """Indexes of running page headers/footers and bare page numbers: short lines with a number that repeat
    exactly (3+ times), or that look like 'title + page number' and interrupt a sentence somewhere in the text
    (then every line of that shape with the same words goes, 'Inleiding 11' and 'Inleiding 13' alike)."""
    norm = [re.sub(r"\d+", "#", ln.strip()) for ln in lines]
    exact = Counter(ln.strip() for ln in lines if ln.strip())
    drop: set[int] = set()
    shaped: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        s = ln.strip()
        if not s or len(s) >= 80 or not re.search(r"\d", s):
            continue
        if re.fullmatch(r"\d{1,4}", s) or exact[s] >= 3:
            drop.add(i)
        elif _PAGE_NO.match(s) and s[-1:] not in ".!?:":
            shaped.setdefault(norm[i], []).append(i)
    for group in shaped.values():
        if any(_interrupts(lines, i) for i in group):
            drop.update(group)
    return drop


def _interrupts(lines: list[str], i: int) -> bool:
    before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
    after = next((lines[j] for j in range(i + 1, len(lines)) if lines[j].strip()), "")
    return open_end(before) and continues(before, after)


def furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", collapse(line).lower())


def page_furniture(pages: list[str], edge: int = 2) -> set[str]:
    """Running headers/footers of a paged document: short lines that are no sentence, found (digits aside)
    among the first or last `edge` lines of at least 3 pages and of half the pages; as furniture_key forms."""
    seen: Counter = Counter()
    for text in pages:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        seen.update({furniture_key(ln) for ln in lines[:edge] + lines[-edge:]
                     if len(ln.strip()) < 80 and not _END.search(ln)})
    need = max(3, (len(pages) + 1) // 2)
    return {k for k, n in seen.items() if n >= need}


SENTENCE_MAX = 900  # chunking's size cap: a longer sentence is cut at a space
_SENT = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-ZÀ-Ý0-9])")


def sentences(text: str) -> list[str]:
    out = []
    for s in _SENT.split(text):
        s = s.strip()
        while len(s) > SENTENCE_MAX:
            cut = s.rfind(" ", 0, SENTENCE_MAX)
            cut = cut if cut > 0 else SENTENCE_MAX
            out.append(s[:cut])
            s = s[cut:].strip()
        if s:
            out.append(s)
    return out
