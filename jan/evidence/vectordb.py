"""The parts of the evidence store that stand on their own: the Chroma client, extra (enrichment) vectors,
file hashing, and telling a failed write from damage (moving damaged files aside)."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import numpy as np

from ..core.errors import JanError
from ..core.types import Chunk

_WRITE_FAILURE = re.compile(r"disk is full|disk i/o error|no space|file too large|file size|quota|read-?only", re.I)


def is_write_failure(exc: BaseException) -> bool:
    """A full disk, a file-size limit (`ulimit -f`), a read-only folder: not damage, a failed write."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS):
        return True
    return bool(_WRITE_FAILURE.search(str(exc)))


def _stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def move_aside(path: Path) -> Path:
    """Rename a damaged file or folder (and a database's -wal/-shm files) to PATH.damaged-STAMP; returns it."""
    target = path.with_name(f"{path.name}.damaged-{_stamp()}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{_stamp()}-{n}")
    os.replace(path, target)
    for extra in ("-wal", "-shm", "-journal"):
        side = Path(str(path) + extra)
        if side.exists():
            os.replace(side, Path(str(target) + extra))
    return target


def chroma_client(settings):
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    opts = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        u = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=u.hostname, port=u.port or (443 if u.scheme == "https" else 8000),
                                       ssl=u.scheme == "https", settings=opts)
        except Exception as exc:
            raise JanError(f"JAN_CHROMA_URL {settings.chroma_url}: cannot reach the Chroma server ({exc})") from None
    path = settings.home / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=opts)



class ExtraVectors:
    """The store's second collection: several vectors per chunk from index-time enrichment. Needs `settings`,
    `embedder`, `name`, `db`, `get_chunks` and `_extra` from the Store it is mixed into."""

    @property
    def extra(self):
        """The collection of extra vectors (index-time enrichment, jan.evidence.enrich): several per chunk,
        ids '<chunk id>~<n>', metadata 'chunk' = the chunk's id. Vectors whose chunk is gone are ignored
        by `dense` and dropped by `prune_extra`."""
        if self._extra is None:
            client = chroma_client(self.settings)
            self._extra = client.get_or_create_collection(
                f"{self.name}-x"[:63], embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedder": self.embedder.name, "dimension": self.embedder.dimension})
        return self._extra

    def extra_owners(self) -> set[str]:
        """Chunk ids that have extra vectors."""
        return {m.get("chunk", "") for _, m in paged_metadatas(self.extra)}

    def write_extra_vectors(self, owners: list[Chunk], vectors: np.ndarray) -> None:
        counts: dict[str, int] = {}
        ids = []
        for c in owners:
            counts[c.id] = counts.get(c.id, -1) + 1
            ids.append(f"{c.id}~{counts[c.id]}")
        for i in range(0, len(ids), 1000):
            self.extra.upsert(ids=ids[i:i + 1000], embeddings=vectors[i:i + 1000].tolist(),
                              metadatas=[{"chunk": c.id, "tag": c.tag} for c in owners[i:i + 1000]])

    def prune_extra(self) -> int:
        """Drop extra vectors whose chunk is no longer in the manifest."""
        known = {r[0] for r in self.db.execute("SELECT id FROM chunks")}
        got = self.extra.get(include=["metadatas"])
        stale = [i for i, m in zip(got["ids"], got["metadatas"], strict=True) if (m or {}).get("chunk") not in known]
        for i in range(0, len(stale), 5000):
            self.extra.delete(ids=stale[i:i + 5000])
        return len(stale)

    def dense_extra(self, query_vec: np.ndarray, n: int, tags: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks by their extra (enrichment) vectors: the best cosine per chunk, best first. Without
        enrichment there is no extra collection, and none is created here."""
        if self._extra is None:
            try:
                self._extra = chroma_client(self.settings).get_collection(f"{self.name}-x"[:63], embedding_function=None)
            except Exception:  # not there (yet): nothing was enriched with this embedder
                return []
        col = self._extra
        total = col.count()
        if total == 0:
            return []
        q = [np.asarray(query_vec, dtype=np.float32).tolist()]
        res = col.query(query_embeddings=q, n_results=min(total, max(1, n) * 4), include=["distances", "metadatas"])
        best: dict[str, float] = {}
        for d, m in zip(res["distances"][0], res["metadatas"][0], strict=True):
            cid = (m or {}).get("chunk", "")
            if tags and (m or {}).get("tag") not in tags:
                continue
            best[cid] = max(best.get(cid, -1.0), 1.0 - d)
        found = self.get_chunks(list(best))
        ranked = sorted((c for c in best if c in found), key=lambda c: -best[c])[:n]
        return [(found[c], best[c]) for c in ranked]


def sha256_file(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def paged_metadatas(collection, page: int = 5000):
    """(id, metadata) of every vector in a Chroma collection, read in pages (metadata {} when absent)."""
    offset = 0
    while True:
        got = collection.get(limit=page, offset=offset, include=["metadatas"])
        if not got["ids"]:
            return
        yield from zip(got["ids"], ((m or {}) for m in got["metadatas"]), strict=True)
        offset += len(got["ids"])
