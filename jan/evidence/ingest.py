"""Ingest users' documents and the built-in corpus into the store, safely and idempotently."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import JanError
from .cards import BUILTIN_TAG, load_cards  # the tag is defined beside the cards
from .chunking import card_chunks, chunk_document
from .readers import SUFFIXES, read_document
from .store import Store, sha256_file


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one clear line per file
    warnings: list[str] = field(default_factory=list)  # what a reader library said about a file
    chunks: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def _candidates(paths: Iterable[Path], report: IngestReport) -> list[Path]:
    """Expand folders; refuse symlinks leaving the tree, FIFOs/devices and unknown file types."""
    out: list[Path] = []
    for root in paths:
        if not os.path.lexists(root):
            report.failed.append(f"{root}: no such file or folder")
            continue
        if root.is_dir():
            base = root.resolve()
            for dirpath, dirnames, files in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(files):
                    p = Path(dirpath) / name
                    if name.startswith("."):
                        continue
                    if p.is_symlink():
                        try:
                            target = p.resolve(strict=True)
                        except (OSError, RuntimeError):  # dangling, or a loop (RuntimeError on 3.11/3.12)
                            report.failed.append(f"{p}: broken symlink or symlink loop; refused")
                            continue
                        if not target.is_relative_to(base):
                            report.failed.append(f"{p}: symlink points outside {root}; refused")
                            continue
                    if p.suffix.lower() in SUFFIXES or not p.suffix:
                        out.append(p)
        else:
            out.append(root)
    return out


def _check_file(p: Path) -> str | None:
    try:
        st = p.stat()
    except OSError as exc:
        return f"{p}: cannot read ({exc.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return f"{p}: not a regular file (FIFO, device or socket); refused"
    if not os.access(p, os.R_OK):
        return f"{p}: permission denied"
    if p.suffix.lower() not in SUFFIXES:
        return f"{p}: unsupported file type {p.suffix or '(none)'}; skipped"
    return None


def ingest_paths(store: Store, paths: list[Path], tag: str, progress: Callable[[str], None] | None = None) -> IngestReport:
    report = IngestReport()
    if not tag or tag == BUILTIN_TAG:
        raise JanError(f"--tag {tag!r}: choose a name other than {BUILTIN_TAG!r}")
    for p in _candidates(paths, report):
        problem = _check_file(p)
        if problem:
            report.failed.append(problem)
            if progress:
                progress(str(p))
            continue
        key = str(p.resolve())
        try:
            sha = sha256_file(p)
            doc = read_document(p)
            report.warnings.extend(doc.warnings)
            chunks = chunk_document(doc, sha, tag)
            for c in chunks:  # the document's key, not the path as typed: a re-ingest must find its old chunks
                c.doc = key
            status = store.upsert_document(key, sha, tag, doc.title, chunks)
        except JanError as exc:
            report.failed.append(str(exc))
        except OSError as exc:
            report.failed.append(f"{p}: cannot read ({exc.strerror or exc})")
        else:
            getattr(report, status).append(key)
            if status != "unchanged":
                report.chunks += len(chunks)
        if progress:
            progress(str(p))
    return report


def ensure_builtin(store: Store, corpus_dir: Path,
                   progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Index the built-in evidence cards (tag 'builtin'); only changed cards are re-embedded. `progress`
    hears (cards done, cards to do) after each batch, so a first use can show how far it is."""
    report = IngestReport()
    cards = load_cards(corpus_dir, cache=store.settings.home / "index" / "cards-parsed.json")
    present = {d["path"] for d in store.documents() if d["tag"] == BUILTIN_TAG}
    pending = []
    for card, chunk in zip(cards, card_chunks(cards, BUILTIN_TAG), strict=True):
        key = f"card:{card.id}"
        present.discard(key)
        import hashlib

        sha = hashlib.sha256(chunk.text.encode() + card.model_dump_json().encode()).hexdigest()
        doc = store.document(key)
        if doc and doc["sha256"] == sha:
            report.unchanged.append(key)
            continue
        chunk.doc = key
        pending.append((key, sha, card, chunk))
    for start in range(0, len(pending), BUILTIN_BATCH):
        batch = pending[start:start + BUILTIN_BATCH]
        vecs = store.embedder.embed_passages([c.embed_text() for *_, c in batch])
        for (key, sha, card, chunk), vec in zip(batch, vecs, strict=True):
            status = store.upsert_document(key, sha, BUILTIN_TAG, card.title, [chunk], vec[None, :])
            getattr(report, status).append(key)
            report.chunks += 1
        if progress:
            progress(start + len(batch), len(pending))
    for gone in present:
        store.remove_document(gone)
    return report


BUILTIN_BATCH = 8  # cards embedded per step of a first index (each step reports progress)


def say_lost(store: Store, say: Callable[[str], None]) -> None:
    lost = store.lost_documents()
    if lost:
        from ..core.sanitize import one_line

        shown = ", ".join(one_line(p) for p in lost[:10]) + (f" and {len(lost) - 10} more" if len(lost) > 10 else "")
        say(f"jan: warning: {len(lost)} of your document(s) are no longer in the evidence index (its manifest was "
            f"emptied or replaced): {shown}; ingest them again with `jan ingest`")


def open_store(settings, *, builtin: bool = True, say: Callable[[str], None] | None = None,
               repair: bool = False, progress: Callable[[int, int], None] | None = None) -> Store:
    """The store with the built-in corpus indexed (first use embeds the cards once); `say` reports what
    was done (default: a line on stderr). `repair` (`jan ingest --rebuild`): a damaged manifest is moved
    aside and nothing else is done; the caller rebuilds the vectors, then calls ensure_builtin."""
    say = say or (lambda text: sys.stderr.write(text + "\n"))
    store = Store(settings, repair=repair)
    if repair:
        return store
    missing = len(store.missing_vectors())
    if missing:
        say(f"embedding {missing} chunk(s) for embedder {store.embedder.name} (first use of this embedder)")
        store.sync_vectors()
    if builtin:
        rep = ensure_builtin(store, settings.corpus_dir, progress)
        if rep.added or rep.updated:
            say(f"indexed {len(rep.added) + len(rep.updated)} built-in evidence card(s)")
            from .enrich import use_shipped  # enrich does not import ingest: no circle

            use_shipped(store, settings.corpus_dir)  # the cards' questions and key phrases, generated once
    say_lost(store, say)
    return store
