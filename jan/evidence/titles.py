"""A document's title and the lines that are about it rather than part of it (readers.py uses these)."""

from __future__ import annotations

import re
from pathlib import Path

from ..core.sanitize import neutral, one_line
from ..core.textclean import clean, sentences, strip_controls

# a line that says something about the document rather than being part of it: "Source: https://…",
# "Author: …", "Datum: …", a bare URL. Never a title, never a section heading.
_META = re.compile(r"^\W*(source|sources|bron|bronnen|url|link|author|authors|auteur|auteurs|by|door|date|datum|"
                   r"published|gepubliceerd|retrieved|opgehaald|accessed|geraadpleegd|updated|bijgewerkt|tags?|"
                   r"lang|language|taal|id|kind|locator|title|titel|text|tekst|photo|foto|image|beeld|credits?)"
                   r"\W*:", re.I)
_URL = re.compile(r"https?://|www\.\w", re.I)


def is_metadata(line: str) -> bool:
    """Is this line about the document (source, author, date, a URL) rather than its text or title?"""
    return bool(_META.match(line) or _URL.search(line))


def markdown_title(text: str) -> str:
    """The first markdown heading ('# …', or a line underlined with === / ---) outside code fences, else the
    front matter's title; never a metadata line."""
    lines = text[:200_000].split("\n")
    start, front = 0, ""
    if lines and lines[0].strip() == "---":  # front matter
        end = next((j for j in range(1, min(len(lines), 200)) if lines[j].strip() in ("---", "...")), 0)
        for line in lines[1:end]:
            if m := re.match(r"\s*(?:title|titel)\s*:\s*[\"']?(.+?)[\"']?\s*$", line, re.I):
                front = m.group(1)
        start = end + 1 if end else 0
    fence = False
    for j in range(start, len(lines)):
        line = lines[j]
        if re.match(r" {0,3}(```|~~~)", line):
            fence = not fence
        elif not fence and (m := re.match(r" {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", line)):
            if not is_metadata(m.group(1)):
                return m.group(1)
        elif (not fence and 0 < len(line.strip()) <= 100 and j + 1 < len(lines) and (j == start or not
              lines[j - 1].strip()) and re.fullmatch(r" {0,3}(=+|-{3,})[ \t]*", lines[j + 1]) and not is_metadata(line)):
            return line.strip()
    return front


def document_title(path: Path, heading: str, blocks: list) -> str:
    """An ingested document's title: the heading its format marks (markdown '#', HTML <h1>/<title>, a Word
    Title/Heading style); a plain text or PDF without one: its first (guessed) heading or opening sentence;
    else the file name. Never a metadata line such as 'Source: https://…'."""
    heading = neutral(strip_controls(heading))
    if heading.strip() and not is_metadata(heading) and (title := make_title(heading)):
        return title
    if path.suffix.lower() in (".txt", ".pdf"):
        for b in blocks[:10]:
            if b.heading and not is_metadata(b.heading):
                return make_title(b.heading)
            if not is_metadata(b.text.split("\n", 1)[0]):
                return make_title(b.text)
    return one_line(path.name)


def make_title(text: str, limit: int = 80) -> str:
    """A document title from its first heading or text: markdown emphasis removed, first sentence only,
    cut at a word boundary within `limit` characters."""
    t = clean(re.sub(r"(\*\*|__|`)", "", text))
    t = sentences(t)[0] if t else t
    if len(t) > limit:
        t = t[: t.rfind(" ", 0, limit - 1)].rstrip(" ,;:–-") + " …"
    return t
