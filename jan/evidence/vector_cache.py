"""Vectors computed once and kept: an embedder wrapped with a persistent cache under $JAN_HOME.

Everything derived from the corpus and the personas (practices, card sentences, myth beliefs, traits, the
reader's per-item vectors) is embedded through the same embedder, so one cache keyed by (embedder, kind,
sha256 of the text) serves them all. Editing one card changes only that card's texts, so only those are
embedded again. The cache is a SQLite file (one per embedder) in WAL mode: each batch of new vectors is one
transaction, so a killed process leaves the batch or nothing, and concurrent `jan ask` processes on one
home read and write it safely. A damaged file is moved aside with a warning and rebuilt, never trusted: a
row whose length does not match the embedder's dimension is embedded again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import warnings
from pathlib import Path

import numpy as np

from .vectordb import move_aside

WRITE_EVERY = 256  # texts embedded per write
SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vec BLOB NOT NULL)"


def _key(kind: str, text: str) -> bytes:
    return hashlib.sha256(f"{kind}\x00{text}".encode()).digest()[:20]


class VectorCache:
    """(kind, text) → float32 vector, persisted in one SQLite file; `misses` counts texts embedded."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._mem: dict[bytes, np.ndarray] = {}
        self.misses = 0
        self.db: sqlite3.Connection | None = None
        self._open()

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
                if db.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                    raise sqlite3.DatabaseError("integrity check failed")
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(SCHEMA)
                db.commit()
                self.db = db
                return
            except sqlite3.DatabaseError as exc:
                if attempt == 2 or "locked" in str(exc) or "busy" in str(exc):
                    warnings.warn(f"{self.path}: vector cache unusable ({exc}); vectors are computed in memory only",
                                  stacklevel=2)
                    self.db = None
                    return
                moved = move_aside(self.path)
                for suffix in ("-wal", "-shm"):
                    Path(str(self.path) + suffix).unlink(missing_ok=True)
                warnings.warn(f"{self.path}: the vector cache was damaged ({exc}); moved to {moved.name} and "
                              "rebuilt", stacklevel=2)

    def get(self, kind: str, texts: list[str], dim: int | None, compute) -> np.ndarray:
        keys = [_key(kind, t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        with self._lock:
            for k in keys:
                if k in self._mem:
                    found[k] = self._mem[k]
            want = [k for k in dict.fromkeys(keys) if k not in found]
            if want and self.db is not None:
                try:
                    for i in range(0, len(want), 500):
                        part = want[i: i + 500]
                        rows = self.db.execute(
                            f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part).fetchall()
                        for k, blob in rows:
                            v = np.frombuffer(blob, dtype=np.float32)
                            if dim is None or v.shape[0] == dim:  # a row of the wrong length is embedded again
                                found[bytes(k)] = v
                except sqlite3.DatabaseError as exc:
                    warnings.warn(f"{self.path}: cannot read the vector cache ({exc}); recomputing", stacklevel=2)
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in found}
        todo_keys = list(todo)
        for i in range(0, len(todo_keys), WRITE_EVERY):  # written as they come: a long run keeps its progress
            part = todo_keys[i: i + WRITE_EVERY]
            vecs = np.asarray(compute([todo[k] for k in part]), dtype=np.float32)
            self.misses += len(part)
            new = dict(zip(part, vecs, strict=True))
            found.update(new)
            self._write(new)
        with self._lock:
            self._mem.update(found)
        if not keys:
            return np.zeros((0, dim or 0), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def _write(self, new: dict[bytes, np.ndarray]) -> None:
        if self.db is None or not new:
            return
        with self._lock:
            try:
                with self.db:
                    self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                        [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in new.items()])
            except sqlite3.DatabaseError as exc:  # full disk, a lock held too long: the answer goes on
                warnings.warn(f"{self.path}: cannot write the vector cache ({exc})", stacklevel=2)

    def count(self) -> int:
        if self.db is None:
            return 0
        return int(self.db.execute("SELECT count(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


class CachedEmbedder:
    """An embedder whose vectors are kept in a VectorCache: the same protocol as the one it wraps."""

    def __init__(self, inner, cache: VectorCache):
        self.inner = inner
        self.cache = cache
        self.name = inner.name
        self._dim: int | None = None

    @property
    def dimension(self) -> int:
        if self._dim is None:
            self._dim = int(self.inner.dimension)
        return self._dim

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.cache.get(f"{self.name}:q", list(texts), self.dimension, self.inner.embed_queries)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.cache.get(f"{self.name}:p", list(texts), self.dimension, self.inner.embed_passages)

    def embed_pairs(self, texts: list[str]) -> np.ndarray:
        """(proposal, passage) texts read together, with the model's pair prompt when it has one."""
        pairs = getattr(self.inner, "embed_pairs", None)
        if pairs is None:
            return self.embed_passages(texts)
        return self.cache.get(f"{self.name}:j", list(texts), self.dimension, pairs)


def cached(embedder, home: Path):
    """The embedder with its vectors kept under home/index/vectors-<name>.sqlite3 (already wrapped: as is)."""
    if isinstance(embedder, CachedEmbedder):
        return embedder
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in embedder.name)[:60]
    return CachedEmbedder(embedder, VectorCache(Path(home) / "index" / f"vectors-{safe}.sqlite3"))
