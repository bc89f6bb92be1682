"""Reading documents (md, txt, pdf, docx, html) into located blocks (chunking.py packs them into chunks).

Each block is one paragraph and keeps where it came from (line range, page, heading, paragraph); plain text
is re-flowed first (hard wraps, hyphenation, blank lines inside sentences, running page headers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ..core.errors import JanError
from ..core.sanitize import neutral
from ..core.textclean import (
    clean,
    continues,
    furniture_key,
    open_end,
    page_furniture,
    running_lines,
    strip_controls,
)
from .titles import document_title, is_metadata, make_title, markdown_title  # noqa: F401 (public here too)

SUFFIXES = {".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm"}
MAX_FILE_BYTES = 25 * 1024 * 1024
# What a document may expand to, checked while reading (a 600 KB docx can hold 170 MB of XML)
MAX_TEXT_CHARS = 8_000_000  # extracted text
MAX_BLOCKS = 50_000  # paragraphs
MAX_XML_BYTES = 64 * 1024 * 1024  # a docx's word/document.xml, uncompressed
MAX_PDF_PAGES = 3_000


class _TooBig(Exception):
    pass


def _too_big(path: Path, what: str) -> JanError:
    return JanError(f"{path}: the document expands to {what}; refused (split it into smaller files)")


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
    warnings: list[str] = field(default_factory=list)  # what a reader library said about the file


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


_INDENT = re.compile(r"^ ?(\t|    )")
def _is_heading(line: str, nxt: str) -> bool:
    """A short title-like line on its own: no end punctuation, capitalised, not a hard-wrapped sentence start,
    not a bare name (photo captions, bylines)."""
    s = line.strip().lstrip("#").strip()
    if line.lstrip().startswith("#"):
        return bool(s)
    if not (2 < len(s) <= 80) or len(s.split()) > 10 or re.search(r"[.,;:!?\-–—]$", s) or not s[0].isupper() \
            or is_metadata(s):
        return False
    if _INDENT.match(line) or (nxt.strip() and nxt.strip()[:1].islower()):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", s)]
    return not (2 <= len(words) <= 4 and all(w[0].isupper() for w in words) and not s.isupper())


def _text_blocks(text: str, page: int | None = None) -> list[Block]:
    """Split plain text into paragraph blocks with line ranges.

    Handles hard-wrapped lines, tab-indented paragraphs, blank lines inside sentences (PDF columns),
    hyphenation across lines and page breaks, and running page headers/footers (dropped)."""
    lines = strip_controls(text).split("\n")
    drop = running_lines(lines)
    blocks: list[Block] = []
    cur: list[str] = []
    start = 0
    heading = ""
    gap = False  # blank line(s) or a dropped header since the last kept line
    widths = sorted(len(ln.rstrip()) for i, ln in enumerate(lines) if ln.strip() and i not in drop)
    wrap = widths[len(widths) * 3 // 4] if widths else 0  # typical width of a hard-wrapped line
    last_i = 0

    def flush() -> None:
        nonlocal cur
        body = "\n".join(cur).strip()
        if body:
            where = f"page {page}, " if page else ""
            loc = f"{where}lines {start + 1}-{last_i + 1}"
            blocks.append(Block(body, loc + (f" ({heading})" if heading else ""), heading))
        cur = []

    for i, line in enumerate(lines):
        if i in drop or not line.strip():
            gap = True
            continue
        nxt = next((lines[j] for j in range(i + 1, len(lines)) if lines[j].strip() and j not in drop), "")
        if cur:
            last = cur[-1]
            closed = not open_end(last)
            short_end = closed and wrap > 40 and len(last.rstrip()) < wrap * 0.6
            indented = _INDENT.match(line) or (closed and line[:1].isspace())
            if not continues(last, line) and (gap or indented or short_end):
                flush()
        gap = False
        if not cur and _is_heading(line, nxt):
            prev_kept = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip() and j not in drop), "")
            if not (blocks and continues(prev_kept, line)):
                heading = clean(line.lstrip("#"))
                start = i + 1
                continue
        if not cur:
            start = i
        cur.append(line)
        last_i = i
    flush()
    return blocks


class _Collect:
    """pypdf's warnings (logging and the warnings module) gathered, instead of reaching stderr unprefixed."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __enter__(self):
        import logging
        import warnings

        self._logger = logging.getLogger("pypdf")
        self._handler = logging.Handler(logging.WARNING)
        self._handler.emit = lambda record: self.messages.append(record.getMessage())
        self._propagate = self._logger.propagate
        self._logger.addHandler(self._handler)
        self._logger.propagate = False
        self._warnings = warnings.catch_warnings(record=True)
        self._caught = self._warnings.__enter__()
        warnings.simplefilter("always")
        return self

    def __exit__(self, *exc) -> None:
        self._warnings.__exit__(*exc)
        self._logger.removeHandler(self._handler)
        self._logger.propagate = self._propagate
        self.messages += [str(w.message) for w in self._caught]


def _read_pdf(path: Path, said: list[str] | None = None) -> list[Block]:
    with _Collect() as collected:
        try:
            return _read_pdf_pages(path)
        finally:
            if said is not None:
                said.extend(dict.fromkeys(f"{path}: pypdf: {m[:200]}" for m in collected.messages))


def _read_pdf_pages(path: Path) -> list[Block]:
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
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _too_big(path, f"{len(reader.pages):,} pages, over the {MAX_PDF_PAGES:,}-page limit")
        pages, size = [], 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
            if size > MAX_TEXT_CHARS:
                raise _too_big(path, f"over {MAX_TEXT_CHARS:,} characters of text")
        furniture = page_furniture(pages)
        blocks: list[Block] = []
        for n, text in enumerate(pages, 1):
            lines = text.split("\n")
            kept = "\n".join("" if furniture_key(ln) in furniture else ln for ln in lines)
            blocks.extend(_text_blocks(kept, page=n))
        return blocks
    except JanError:
        raise
    except Exception as exc:
        raise JanError(f"{path}: cannot read PDF ({type(exc).__name__}: {str(exc)[:120]})") from None


def _check_docx_size(path: Path) -> None:
    """Refuse a docx whose main part expands beyond the limits, reading it as a stream (the size in the zip
    directory may lie) before python-docx builds a tree of it."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise _too_big(path, f"{info.file_size:,} bytes of XML, over the {MAX_XML_BYTES:,}-byte limit")
            read = paras = 0
            with z.open(info) as fh:
                while block := fh.read(1 << 20):
                    read += len(block)
                    paras += block.count(b"<w:p>") + block.count(b"<w:p ")
                    if read > MAX_XML_BYTES:
                        raise _too_big(path, f"over {MAX_XML_BYTES:,} bytes of XML")
                    if paras > MAX_BLOCKS:
                        raise _too_big(path, f"over {MAX_BLOCKS:,} paragraphs")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise JanError(f"{path}: cannot read Word document ({type(exc).__name__})") from None


def _read_docx(path: Path) -> tuple[list[Block], str]:
    _check_docx_size(path)
    try:
        import docx

        d = docx.Document(str(path))
    except Exception as exc:
        raise JanError(f"{path}: cannot read Word document ({type(exc).__name__})") from None
    blocks, heading, title = [], "", ""
    for i, para in enumerate(d.paragraphs, 1):
        text = para.text.strip()
        if not text:
            continue
        if (para.style is not None and para.style.name.lower().startswith(("heading", "title"))):
            heading = clean(text)
            title = title or heading
            continue
        blocks.append(Block(text, f"paragraph {i}" + (f" ({heading})" if heading else ""), heading))
    try:
        title = title or (d.core_properties.title or "").strip()
    except Exception:  # a broken docProps part: the heading or the file name will do
        pass
    return blocks, title


class _Html(HTMLParser):
    BLOCK = {"p", "div", "li", "br", "tr", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []
        self.in_heading = 0  # the level of the heading being read (h1 = 1), 0 outside headings
        self.blocks: list[tuple[str, int]] = []
        self.in_title = False
        self.title = ""  # the page's <title>: not text of the document

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag == "title":
            self._flush()
            self.in_title = True
        elif tag in self.BLOCK:
            self._flush()
            self.in_heading = int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else 0

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in self.BLOCK:
            self._flush()
            self.in_heading = 0

    def handle_data(self, data):
        if self.in_title:
            self.title = (self.title + data)[:1000]
        elif not self.skip:
            self.parts.append(data)

    def _flush(self):
        text = "".join(self.parts).strip()
        if text:
            self.blocks.append((text, self.in_heading))
            self.size += len(text)
            if len(self.blocks) > MAX_BLOCKS or self.size > MAX_TEXT_CHARS:
                raise _TooBig
        self.parts = []

    size = 0


def _read_html(text: str, path: Path | None = None) -> tuple[list[Block], str]:
    parser = _Html()
    try:
        for i in range(0, len(text), 1 << 16):  # fed in pieces, so the limits stop the work early
            parser.feed(text[i : i + (1 << 16)])
        parser.close()
        parser._flush()
    except _TooBig:
        raise _too_big(path or Path("<html>"), f"over {MAX_BLOCKS:,} paragraphs or {MAX_TEXT_CHARS:,} "
                       "characters of text") from None
    blocks, heading = [], ""
    for i, (t, level) in enumerate(parser.blocks, 1):
        if level:
            heading = clean(t)
        else:
            blocks.append(Block(t, f"paragraph {i}" + (f" ({heading})" if heading else ""), heading))
    # the title: the first <h1>, else the page's <title>, else the first heading of any level
    heads = [(level, t) for t, level in parser.blocks if level and not is_metadata(t)]
    page = clean(parser.title)
    return blocks, next((t for level, t in heads if level == 1), "") or (page if not is_metadata(page) else "") or \
        (heads[0][1] if heads else "")


def read_document(path: Path) -> Document:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise JanError(f"{path}: unsupported file type {suffix or '(none)'}; use {', '.join(sorted(SUFFIXES))}")
    size = path.stat().st_size
    if size == 0:
        raise JanError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise JanError(f"{path}: {size:,} bytes is over the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    said: list[str] = []
    heading = ""  # the document's own title or first heading, where its format marks one
    if suffix == ".pdf":
        blocks = _read_pdf(path, said)
    elif suffix == ".docx":
        blocks, heading = _read_docx(path)
    else:
        text = _decode(path.read_bytes(), path)
        if suffix in (".html", ".htm"):
            blocks, heading = _read_html(text, path)
        else:
            blocks, heading = _text_blocks(text), markdown_title(text)
    if len(blocks) > MAX_BLOCKS:
        raise _too_big(path, f"{len(blocks):,} paragraphs, over the {MAX_BLOCKS:,}-paragraph limit")
    # document text is data: marks only the citation gate may draw (✓, [E1 ✓], fence markers) are taken out
    blocks = [Block(neutral(clean(b.text)), b.locator, neutral(b.heading)) for b in blocks]
    blocks = [b for b in blocks if len(b.text) >= 3]
    if not blocks:
        raise JanError(f"{path}: no text found")
    return Document(path, document_title(path, heading, blocks), blocks, said)
