"""Chunking located blocks (from readers.py) and evidence cards into chunks.

Chunks pack whole paragraphs of one section up to a size cap; a longer paragraph is cut into even pieces of
whole sentences with a one-sentence overlap; an interviewer's question stays with its answer. Each chunk
carries a contextual header (document title + section) that is embedded with it.
"""

from __future__ import annotations

import hashlib
import re

from ..core.textclean import SENTENCE_MAX, clean, sentences
from ..core.types import Chunk
from .readers import Block, Document

CHUNK_MAX = SENTENCE_MAX  # a sentence never outgrows a chunk
CHUNK_MIN = 250
OVERLAP_ROOM = 0.75


def chunk_id(file_hash: str, index: int, text: str) -> str:
    return hashlib.sha256(f"{file_hash}:{index}:{text}".encode()).hexdigest()[:32]


def _split_even(sents: list[str], max_chars: int) -> list[list[str]]:
    """Cut a run of sentences into pieces of about equal size, none over max_chars (unless one sentence is)."""
    total = len(" ".join(sents))
    n = max(1, -(-total // max_chars))
    target = total / n
    pieces: list[list[str]] = [[]]
    size = 0
    for s in sents:
        if pieces[-1] and (size + len(s) > max_chars or (size + len(s) / 2 > target and len(pieces) < n)):
            pieces.append([])
            size = 0
        pieces[-1].append(s)
        size += len(s) + 1
    return pieces


def _questions_forward(group: list[Block]) -> list[Block]:
    """A short paragraph ending in a question (an interviewer's question) joins the answer that follows it."""
    out: list[Block] = []
    for b in group:
        if out and out[-1].text.rstrip().endswith("?") and len(out[-1].text) < 200:
            q = out.pop()
            b = Block(f"{q.text} {b.text}", _span(q.locator, b.locator), b.heading)
        out.append(b)
    return out


def _pack(group: list[Block], max_chars: int) -> list[tuple[str, list[str]]]:
    """Whole paragraphs of one section packed up to max_chars; a longer paragraph is cut into even pieces of
    whole sentences, each starting with the last sentence of the piece before (when short)."""
    out: list[tuple[str, list[str]]] = []
    buf: list[str] = []
    locs: list[str] = []

    def emit() -> None:
        nonlocal buf, locs
        if buf:
            out.append((" ".join(buf).strip(), locs))
        buf, locs = [], []

    for b in _questions_forward(group):
        sents = sentences(b.text)
        size = len(" ".join(buf))
        if buf and size + len(b.text) + 1 > max_chars and size >= CHUNK_MIN:
            emit()
        if len(" ".join(buf + sents)) <= max_chars:
            buf += sents
            locs.append(b.locator)
            continue
        # a short start is cut together with the paragraph; pieces leave room for one sentence of overlap
        pieces = _split_even(buf + sents, int(max_chars * OVERLAP_ROOM))
        for i, piece in enumerate(pieces):
            prev = pieces[i - 1][-1] if i else ""
            lead = [prev] if prev and len(prev) < max_chars // 3 and len(" ".join([prev, *piece])) <= max_chars else []
            buf, locs = lead + piece, (locs if i == 0 else []) + [b.locator]
            if i < len(pieces) - 1:
                emit()
    emit()
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


def card_parts(text: str) -> tuple[str, str]:
    """A card chunk's text as (main text, Dutch summary): card_chunks writes the summary after "NL: "
    ("" when the card has none)."""
    parts = re.split(r"\s+NL: ", text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")


def card_chunks(cards, tag: str = "builtin") -> list[Chunk]:
    """One chunk per evidence card (cards are written to hold one idea)."""
    out = []
    for c in cards:
        text = f"{c.title}. {c.body}" + (f"\n\nNL: {c.nl}" if c.nl else "")
        text = clean(text.replace("**", ""))
        out.append(Chunk(id=f"card-{c.id}", text=text, source=c.source, locator=c.locator, tag=tag, doc=c.path,
                         header=c.title, kind=c.kind, card_id=c.id, topics=",".join(c.tags)))
    return out
