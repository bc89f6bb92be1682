"""What the thread shows while a model streams its answer: the line format the model writes ("VERDICT: …",
"SUMMARY: …", "- [evidence] …", "- [inference] …", "? …") drawn as the finished answer is drawn (a verdict
badge, ● evidence / ○ inference, the questions back), never the format's own markers.

A line still being written is shown only once it can no longer turn out to be a marker ("VERD…", "- [ev…"
are held back). Citations are not shown while streaming: the citation gate has not checked them yet, and
the finished answer replaces the streamed text with its marks (render.cite_mark). Tokens are cleaned first
(core.sanitize.StreamCleaner: no escape sequence or forged mark passes)."""

from __future__ import annotations

import re

from rich.text import Text

from ..answer.labels import labels, verdict_word
from ..core.sanitize import StreamCleaner
from .render import VERDICT_STYLE

_KEY = re.compile(r"^[#>*_\s]*(VERDICT|OORDEEL|SUMMARY|SAMENVATTING)[*_\s]*:[*_\s]*(.*)$", re.I)
_POINT = re.compile(r"^\s*[-*•]\s*\[\s*(evidence|inference|bewijs|afleiding)\s*\]\s*(.*)$", re.I)
_QUESTION = re.compile(r"^\s*\?\s*(.*)$")
# what a citation looks like once StreamCleaner has neutralised it ([E1.2] / [E1: "…"] → (E1))
_CITE = re.compile(r"\s*\(E\d{1,4}\)")
_VERDICTS = ("supports", "opposes", "mixed", "no-evidence", "no evidence")
# the starts of the markers, lower case and without decoration: a partial line that could still become one
# of them is held back
_MARKERS = ("verdict:", "oordeel:", "summary:", "samenvatting:", "- [evidence]", "- [inference]", "- [bewijs]",
            "- [afleiding]", "* [evidence]", "* [inference]", "• [evidence]", "• [inference]")


def _may_become_marker(line: str) -> bool:
    s = re.sub(r"^[#>*_\s]+(?=[a-z])", "", line.lower().lstrip())
    s = re.sub(r"\s+", " ", s)
    if not s:
        return True
    return any(m.startswith(s) for m in _MARKERS) or bool(re.fullmatch(r"[-*•] ?\[? ?[a-z]{0,10}", s))


def _verdict(value: str) -> str | None:
    v = value.strip().lower().strip(".*_ ")
    found = next((x for x in _VERDICTS if v.startswith(x)), None)
    return "no-evidence" if found == "no evidence" else found


class StreamView:
    """Streamed tokens in, the text to show out (`feed` returns the whole view so far)."""

    def __init__(self, name: str = "", language: str = "en") -> None:
        self.name = name
        self.language = language
        self.raw = ""  # the cleaned stream, markers included (what a failed answer keeps as its partial text)
        self._cleaner = StreamCleaner()

    def feed(self, token: str) -> Text:
        self.raw += self._cleaner.feed(token)
        return self.render()

    def render(self, final: bool = False) -> Text:
        lines = self.raw.split("\n")
        t = Text()
        asked = False
        for i, line in enumerate(lines):
            last = i == len(lines) - 1 and not final
            if last and _may_become_marker(line):
                break
            asked = self._line(t, line, partial=last, asked=asked)
        return t

    def _line(self, t: Text, line: str, partial: bool, asked: bool) -> bool:
        lab = labels(self.language)
        if not line.strip():
            return asked
        if key := _KEY.match(line):
            if key.group(1).upper() in ("VERDICT", "OORDEEL"):
                verdict = None if partial else _verdict(key.group(2))
                if verdict:
                    if self.name:
                        t.append(f"{self.name} ", style="bold")
                    t.append(f"[{verdict_word(verdict, self.language)}]\n", style=VERDICT_STYLE.get(verdict, "bold"))
                return asked
            t.append(key.group(2).strip().strip("*_ ") + ("" if partial else "\n"))
            return asked
        if point := _POINT.match(line):
            body = _CITE.sub("", point.group(2)).rstrip() if not partial else _CITE.sub("", point.group(2))
            if point.group(1).lower() in ("evidence", "bewijs"):
                t.append(f"\n● {lab['evidence'].lower()}  ", style="bold green")
                t.append(body)
            else:
                t.append(f"\n○ {lab['inference'].lower()} ", style="bold yellow")
                t.append(body, style="italic")
            return asked
        if question := _QUESTION.match(line):
            if not asked:
                t.append(f"\n\n{lab['ask']}", style="bold")
            t.append(f"\n  ? {question.group(1)}")
            return True
        t.append(("\n" if t.plain and not t.plain.endswith("\n") else "") + _CITE.sub("", line))
        return asked
