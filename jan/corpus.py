"""Reading documents (md, txt, pdf, docx, html) into located blocks, and chunking them.

Each block keeps where it came from (line range, page, heading, paragraph). Chunks pack whole sentences
of one section up to a size cap with a one-sentence overlap, and carry a contextual header (document
title + section) that is embedded with them.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import JanError
from .textclean import clean, strip_controls
from .types import Chunk

SUFFIXES = {".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"}
MAX_FILE_BYTES = 25 * 1024 * 1024
CHUNK_MAX = 900
CHUNK_MIN = 250


@dataclass
class Block:
    text: str
    locator: str
    heading: str = ""


@dataclass
class Document:
    path: Path
    title: str
    blocks: list[Block]


# ------------------------------------------------------------------ readers


def _decode(raw: bytes, path: Path) -> str:
    if b"\x00" in raw[:8192]:
        raise JanError(f"{path}: looks binary (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        if text.count("\ufffd") > len(text) / 100:
            raise JanError(f"{path}: not UTF-8 text and not readable as Windows-1252") from None
        return text


def _is_heading(line: str, nxt: str) -> bool:
    s = line.strip().lstrip("#").strip()
    if line.lstrip().startswith("#"):
        return bool(s)
    return 2 < len(s) <= 80 and not re.search(r"[.,;:!?\-]$", s) and len(s.split()) <= 10 and bool(nxt.strip()) \
        and s[0].isupper() and not nxt.strip()[0].islower()  # a lowercase next line continues a sentence


def _text_blocks(text: str, page: int | None = None) -> list[Block]:
    """Split plain text into paragraph blocks with line ranges; drop running headers/footers."""
    lines = strip_controls(text).split("\n")
    counts = Counter(ln.strip() for ln in lines if ln.strip())
    running = {ln for ln, n in counts.items() if n >= 3 and len(ln) < 80 and re.search(r"\d", ln)}
    lines = ["" if ln.strip() in running else ln for ln in lines]
    blocks: list[Block] = []
    cur: list[str] = []
    start = 0
    heading = ""

    def flush(end: int) -> None:
        nonlocal cur
        body = "\n".join(cur).strip()
        if body:
            where = f"page {page}, " if page else ""
            loc = f"{where}lines {start + 1}-{end}"
            blocks.append(Block(body, loc + (f" ({heading})" if heading else ""), heading))
        cur = []

    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev_open = bool(cur) and re.search(r"[-\u00ad,]$|\w$", cur[-1].rstrip()) and line.strip()[:1].islower()
        if not line.strip():
            if cur and cur[-1].rstrip().endswith("-"):
                continue  # hyphenated word split over a blank line / removed page header
            flush(i)
            continue
        if not prev_open and (line.startswith("\t") or line.startswith("    ")) and cur:
            flush(i)
        if not cur and _is_heading(line, nxt) and not prev_open:
            heading = clean(line.lstrip("#"))
            start = i + 1
            continue
        if not cur:
            start = i
        cur.append(line)
    flush(len(lines))
    return _merge_continuations(blocks)


def _merge_continuations(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if out and not re.search(r"[.!?:\"”’)]\s*$", out[-1].text) and b.text[:1].islower():
            prev = out[-1]
            end = b.locator.split("lines ")[-1].split("-")[-1].split(" ")[0]
            loc = re.sub(r"-\d+", f"-{end}", prev.locator, count=1)
            out[-1] = Block(prev.text + "\n" + b.text, loc, prev.heading)
        else:
            out.append(b)
    return out


def _read_pdf(path: Path) -> list[Block]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise JanError(f"{path}: PDF is encrypted; save an unprotected copy and ingest that")
            except JanError:
                raise
            except Exception:
                raise JanError(f"{path}: PDF is encrypted; save an unprotected copy and ingest that") from None
        blocks: list[Block] = []
        for n, page in enumerate(reader.pages, 1):
            blocks.extend(_text_blocks(page.extract_text() or "", page=n))
        return blocks
    except JanError:
        raise
    except Exception as exc:
        raise JanError(f"{path}: cannot read PDF ({type(exc).__name__}: {str(exc)[:120]})") from None


def _read_docx(path: Path) -> list[Block]:
    try:
        import docx

        d = docx.Document(str(path))
    except Exception as exc:
        raise JanError(f"{path}: cannot read Word document ({type(exc).__name__})") from None
    blocks, heading = [], ""
    for i, para in enumerate(d.paragraphs, 1):
        text = para.text.strip()
        if not text:
            continue
        if (para.style is not None and para.style.name.lower().startswith(("heading", "title"))):
            heading = clean(text)
            continue
        blocks.append(Block(text, f"paragraph {i}" + (f" ({heading})" if heading else ""), heading))
    return blocks


class _Html(HTMLParser):
    BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.in_heading = False
        self.blocks: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCK:
            self._flush()
            self.in_heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self._flush()
            self.in_heading = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def _flush(self):
        text = "".join(self.parts).strip()
        if text:
            self.blocks.append((text, self.in_heading))
        self.parts = []


def _read_html(text: str) -> list[Block]:
    parser = _Html()
    parser.feed(text)
    parser.close()
    parser._flush()
    blocks, heading = [], ""
    for i, (t, is_heading) in enumerate(parser.blocks, 1):
        if is_heading:
            heading = clean(t)
        else:
            blocks.append(Block(t, f"paragraph {i}" + (f" ({heading})" if heading else ""), heading))
    return blocks


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise JanError(f"{path}: unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUFFIXES))}")
    size = path.stat().st_size
    if size == 0:
        raise JanError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise JanError(f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    if suffix == ".pdf":
        blocks = _read_pdf(path)
    elif suffix == ".docx":
        blocks = _read_docx(path)
    else:
        text = _decode(path.read_bytes(), path)
        blocks = _read_html(text) if suffix in (".html", ".htm") else _text_blocks(text)
    blocks = [Block(clean(b.text), b.locator, b.heading) for b in blocks]
    blocks = [b for b in blocks if len(b.text) >= 3]
    if not blocks:
        raise JanError(f"{path}: no text found")
    title = blocks[0].heading or blocks[0].text[:80]
    return Document(path, clean(title), blocks)


# ------------------------------------------------------------------ chunking

_SENT = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-ZÀ-Ý0-9])")


def sentences(text: str) -> list[str]:
    out = []
    for s in _SENT.split(text):
        s = s.strip()
        while len(s) > CHUNK_MAX:
            cut = s.rfind(" ", 0, CHUNK_MAX)
            cut = cut if cut > 0 else CHUNK_MAX
            out.append(s[:cut])
            s = s[cut:].strip()
        if s:
            out.append(s)
    return out


def chunk_id(file_hash: str, index: int, text: str) -> str:
    return hashlib.sha256(f"{file_hash}:{index}:{text}".encode()).hexdigest()[:32]


def _pack(group: list[Block], max_chars: int) -> list[tuple[str, list[str]]]:
    """Whole sentences of one section packed up to max_chars, one short sentence of overlap."""
    out: list[tuple[str, list[str]]] = []
    buf: list[str] = []
    locs: list[str] = []
    for b in group:
        for s in sentences(b.text):
            if buf and len(" ".join(buf)) + len(s) + 1 > max_chars and len(" ".join(buf)) >= CHUNK_MIN:
                out.append((" ".join(buf).strip(), locs))
                overlap = buf[-1] if len(buf[-1]) < max_chars // 3 else ""
                buf, locs = ([overlap] if overlap else []), locs[-1:]
            buf.append(s)
            if not locs or locs[-1] != b.locator:
                locs.append(b.locator)
    if buf:
        out.append((" ".join(buf).strip(), locs))
    return out


def chunk_document(doc: Document, file_hash: str, tag: str, *, max_chars: int = CHUNK_MAX) -> list[Chunk]:
    """Chunks of one section each, with the document title + section as contextual header."""
    chunks: list[Chunk] = []
    groups: list[list[Block]] = []
    for b in doc.blocks:
        if groups and groups[-1][-1].heading == b.heading:
            groups[-1].append(b)
        else:
            groups.append([b])
    for group in groups:
        heading = group[0].heading
        header = doc.title + (f" — {heading}" if heading and heading != doc.title else "")
        for text, locs in _pack(group, max_chars):
            loc = locs[0] if len(locs) == 1 else _span(locs[0], locs[-1])
            idx = len(chunks)
            chunks.append(Chunk(chunk_id(file_hash, idx, text), text, doc.title, loc, tag, str(doc.path), header))
    return chunks


def _span(first: str, last: str) -> str:
    a = re.search(r"(page \d+, )?lines (\d+)-\d+", first)
    b = re.search(r"(page \d+, )?lines \d+-(\d+)", last)
    if a and b and a.group(1) == b.group(1):
        head = re.search(r"\(([^)]*)\)$", first)
        return f"{a.group(1) or ''}lines {a.group(2)}-{b.group(2)}" + (f" ({head.group(1)})" if head else "")
    return f"{first} … {last}"


def card_chunks(cards, tag: str = "builtin") -> list[Chunk]:
    """One chunk per evidence card (cards are written to hold one idea)."""
    out = []
    for c in cards:
        text = f"{c.title}. {c.body}" + (f"\n\nNL: {c.nl}" if c.nl else "")
        text = clean(text.replace("**", ""))
        out.append(Chunk(id=f"card-{c.id}", text=text, source=c.source, locator=c.locator, tag=tag, doc=c.path,
                         header=c.title, kind=c.kind, card_id=c.id, topics=",".join(c.tags)))
    return out
