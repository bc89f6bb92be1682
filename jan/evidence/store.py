"""The evidence store: a SQLite manifest (the truth: documents, their sha256, chunk texts) plus a Chroma
collection of vectors (a rebuildable cache), one collection per embedder.

A document becomes visible only when its manifest transaction commits, after its vectors are written, so a
kill mid-ingest never shows half a document; vectors left over by a killed ingest are removed on next open.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from contextlib import closing
from dataclasses import asdict, fields

import numpy as np

from ..core.errors import JanError
from ..core.sqlite import check_not_newer, migrate
from ..core.types import Chunk
from .embed import Embedder, get_embedder
from .vector_cache import cached
from .vectordb import ExtraVectors, chroma_client, is_write_failure, move_aside, paged_metadatas, sha256_file  # noqa: F401

# PRAGMA user_version counts these (core.sqlite.migrate); a manifest from before user_version (version 0)
# already has the tables and meta 'schema' = 1, so migration 1 only adds what is missing.
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
        "CREATE TABLE IF NOT EXISTS documents (path TEXT PRIMARY KEY, sha256 TEXT, tag TEXT, title TEXT,"
        " n_chunks INTEGER, ingested_at REAL)",
        "CREATE TABLE IF NOT EXISTS chunks (id TEXT PRIMARY KEY, doc TEXT, idx INTEGER, text TEXT,"
        " source TEXT, locator TEXT, tag TEXT, header TEXT, kind TEXT, card_id TEXT, topics TEXT)",
        "CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc)",
        "CREATE INDEX IF NOT EXISTS chunks_tag ON chunks(tag)",
        "INSERT OR IGNORE INTO meta VALUES ('schema', '1')",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
OVERFETCH_MIN_SHARE = 0.25  # a tag filter keeping at least this share of chunks is applied after the search
_CHUNK_COLS = [f.name for f in fields(Chunk)]


def _vectors(method):
    """Chroma failures as clear errors: a damaged local store says how to rebuild it, a failed write says so."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except JanError:
            raise
        except Exception as exc:
            raise self._vector_error(exc) from None

    return guarded


class Store(ExtraVectors):
    """`repair=True` (`jan ingest --rebuild`): a damaged manifest is moved aside (said in `repairs`) and a
    new one started, and no vector work is done on open; rebuild() then rebuilds the vectors."""

    def __init__(self, settings, embedder: Embedder | None = None, *, repair: bool = False):
        self.settings = settings
        # vectors of everything derived from the corpus and personas are kept under home/index (vector_cache)
        self.embedder = cached(embedder or get_embedder(settings.embedder), settings.home)
        self.name = f"jan-{self.embedder.name}"[:60]
        self.repairs: list[str] = []  # what repair did, one line each
        index = settings.home / "index"
        index.mkdir(parents=True, exist_ok=True)
        # one manifest for all embedders (the truth), one vector collection per embedder (a cache)
        self.db_path = index / "manifest.sqlite3"
        fresh = not self.db_path.exists() or self.db_path.stat().st_size == 0
        try:
            self.db = self._open_db()
        except JanError:
            if not repair or not self.db_path.exists():
                raise
            moved = move_aside(self.db_path)
            self.repairs.append(f"the manifest {self.db_path} was damaged: moved to {moved.name}; a new one was "
                                "started (documents that were only in it must be ingested again)")
            self.db = self._open_db()
            fresh = True
        self._collection = None
        self._extra = None
        self._dirty_key = f"dirty:{self.name}"
        self._lost: list[str] | None = None
        if repair:
            return
        if fresh and (settings.chroma_url or (settings.home / "chroma").is_dir()):
            self._note_lost_documents()
        if self._meta(self._dirty_key) == "1":
            self._collect_garbage()

    # ------------------------------------------------------------ damage
    def _vector_error(self, exc: Exception) -> JanError:
        where = self.settings.chroma_url or self.settings.home / "chroma"
        what = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        if is_write_failure(exc):
            return JanError(f"{where}: cannot write the vector store ({what}); free disk space or raise the file "
                            "size limit, then try again")
        if self.settings.chroma_url:
            return JanError(f"JAN_CHROMA_URL {where}: the Chroma server failed ({what})")
        return JanError(f"{where}: the vector store is damaged ({what}); run `jan ingest --rebuild`: it moves the "
                        "damaged files aside and rebuilds the vectors from the manifest (your documents are kept)")

    def _documents_in_vectors(self) -> set[str]:
        """The documents this embedder's vectors belong to (their metadata), read in pages."""
        return {m.get("doc", "") for _, m in paged_metadatas(self.collection) if m.get("tag") != "builtin"}

    def _note_lost_documents(self, known: set[str] | None = None) -> None:
        """The manifest is new or was emptied while vectors exist: the user's documents those vectors belong
        to are no longer in the index. Remember them (meta 'lost_documents'), so it is said, not silent."""
        try:
            docs = self._documents_in_vectors()
        except Exception:  # a damaged vector store says so itself when it is used
            return
        have = {r[0] for r in self.db.execute("SELECT DISTINCT doc FROM chunks")} if known is None else known
        lost = sorted(d for d in docs if d and d not in have)
        if lost:
            self._set_meta("lost_documents", json.dumps(sorted(set(lost) | set(self.lost_documents()))))
            self._lost = None

    def lost_documents(self) -> list[str]:
        """User documents that were in the index and are no longer (until ingested again)."""
        if self._lost is None:
            try:
                self._lost = json.loads(self._meta("lost_documents") or "[]")
            except ValueError:
                self._lost = []
        return list(self._lost)

    def _found_again(self, path: str, chunks: list[Chunk]) -> None:
        lost = self.lost_documents()
        names = {path, *(c.doc for c in chunks)}
        if names & set(lost):
            lost = [p for p in lost if p not in names]
            self._set_meta("lost_documents", json.dumps(lost))
            self._lost = lost

    # ------------------------------------------------------------ manifest
    def _open_db(self) -> sqlite3.Connection:
        try:
            existed = self.db_path.exists() and self.db_path.stat().st_size > 0
            db = sqlite3.connect(self.db_path, timeout=10, check_same_thread=False)
            if existed and db.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            check_not_newer(db, MIGRATIONS, str(self.db_path))
            db.execute("PRAGMA journal_mode=WAL")
            migrate(db, MIGRATIONS, str(self.db_path))
            version = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if int(version[0]) > SCHEMA_VERSION:  # the marker jans before user_version wrote and read
                raise JanError(f"{self.db_path}: made by a newer jan (schema {version[0]}); upgrade jan")
            return db
        except sqlite3.DatabaseError as exc:
            if is_write_failure(exc):
                raise JanError(f"{self.db_path}: cannot write the evidence index ({exc}); free disk space or raise "
                               "the file size limit, then try again") from None
            if "locked" in str(exc) or "busy" in str(exc):
                raise JanError(f"{self.db_path}: in use by another jan ({exc}); try again in a moment") from None
            raise JanError(f"{self.db_path}: the evidence index manifest is damaged ({exc}); it was not changed. "
                           "`jan ingest --rebuild` moves it aside and starts a new one (then ingest your documents "
                           "again)") from None

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def documents(self) -> list[dict]:
        cur = self.db.execute("SELECT path, sha256, tag, title, n_chunks, ingested_at FROM documents ORDER BY tag, path")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def document(self, path: str) -> dict | None:
        return next((d for d in self.documents() if d["path"] == path), None)

    def chunk_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def chunks(self, tags: list[str] | None = None) -> list[Chunk]:
        sql = f"SELECT {', '.join(_CHUNK_COLS)} FROM chunks"
        args: tuple = ()
        if tags:
            sql += f" WHERE tag IN ({','.join('?' * len(tags))})"
            args = tuple(tags)
        return [Chunk(*row) for row in self.db.execute(sql + " ORDER BY doc, idx", args)]

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        out: dict[str, Chunk] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            sql = f"SELECT {', '.join(_CHUNK_COLS)} FROM chunks WHERE id IN ({','.join('?' * len(part))})"
            for row in self.db.execute(sql, part):
                out[row[0]] = Chunk(*row)
        return out

    # ------------------------------------------------------------ vectors
    @property
    @_vectors
    def collection(self):
        if self._collection is None:
            client = chroma_client(self.settings)
            dim = self.embedder.dimension
            col = client.get_or_create_collection(
                self.name, embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedder": self.embedder.name, "dimension": dim},
            )
            meta = col.metadata or {}
            if meta.get("dimension") not in (None, dim) or meta.get("embedder") not in (None, self.embedder.name):
                raise JanError(f"collection {self.name} holds {meta.get('dimension')}-d vectors of "
                               f"{meta.get('embedder')}; run `jan ingest --rebuild`")
            self._collection = col
        return self._collection

    @_vectors
    def _collect_garbage(self) -> None:
        """Drop vectors no committed chunk owns (left by a killed ingest)."""
        col = self.collection
        known = {r[0] for r in self.db.execute("SELECT id FROM chunks")}
        stale = sorted(self._vector_ids() - known)
        for i in range(0, len(stale), 5000):
            col.delete(ids=stale[i : i + 5000])
        self._set_meta(self._dirty_key, "0")

    @_vectors
    def missing_vectors(self) -> list[Chunk]:
        """Chunks of the manifest this embedder's collection has no vector for (e.g. after switching)."""
        if self.collection.count() >= self.chunk_count():
            return []
        have = self._vector_ids()
        return [c for c in self.chunks() if c.id not in have]

    @_vectors
    def _vector_ids(self) -> set[str]:
        """Every id in this embedder's collection, read in pages."""
        ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(limit=5000, offset=offset, include=[])
            if not got["ids"]:
                return ids
            ids.update(got["ids"])
            offset += len(got["ids"])

    def _embed_and_write(self, chunks: list[Chunk], progress=None) -> int:
        for i in range(0, len(chunks), 256):
            part = chunks[i : i + 256]
            self._write_vectors(part, self.embedder.embed_passages([c.embed_text() for c in part]))
            if progress:
                progress(len(part))
        return len(chunks)

    def sync_vectors(self, progress=None) -> int:
        """Embed what this embedder's collection lacks; returns how many chunks were embedded."""
        return self._embed_and_write(self.missing_vectors(), progress)

    @_vectors
    def _write_vectors(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        col = self.collection
        for i in range(0, len(chunks), 1000):
            part = chunks[i : i + 1000]
            col.upsert(ids=[c.id for c in part], embeddings=vectors[i : i + 1000].tolist(),
                       metadatas=[{"tag": c.tag, "doc": c.doc} for c in part])

    # ------------------------------------------------------------ writes
    def upsert_document(self, path: str, sha256: str, tag: str, title: str, chunks: list[Chunk],
                        vectors: np.ndarray | None = None) -> str:
        """Replace one document's chunks. Returns 'unchanged', 'added' or 'updated'."""
        old = self.db.execute("SELECT sha256, tag FROM documents WHERE path=?", (path,)).fetchone()
        if old and old[0] == sha256 and old[1] == tag:
            return "unchanged"
        if vectors is None:
            vectors = self.embedder.embed_passages([c.embed_text() for c in chunks])
        old_ids = [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE doc=?", (path,))]
        self._set_meta(self._dirty_key, "1")
        self._write_vectors(chunks, vectors)
        with self.db:
            self.db.execute("DELETE FROM chunks WHERE doc=?", (path,))
            self.db.executemany(
                f"INSERT OR REPLACE INTO chunks (idx, {', '.join(_CHUNK_COLS)}) VALUES (?{', ?' * len(_CHUNK_COLS)})",
                [(i, *asdict(c).values()) for i, c in enumerate(chunks)],
            )
            self.db.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                            (path, sha256, tag, title, len(chunks), time.time()))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(self.generation + 1),))
        stale = sorted(set(old_ids) - {c.id for c in chunks})
        if stale:
            self._delete_vectors(stale)
        self._set_meta(self._dirty_key, "0")
        self._found_again(path, chunks)
        return "updated" if old else "added"

    @_vectors
    def _delete_vectors(self, ids: list[str]) -> None:
        self.collection.delete(ids=ids)

    def remove_document(self, path: str) -> int:
        ids = [r[0] for r in self.db.execute("SELECT id FROM chunks WHERE doc=?", (path,))]
        self._set_meta(self._dirty_key, "1")  # a kill before the vector delete is cleaned up on reopen
        with self.db:
            self.db.execute("DELETE FROM chunks WHERE doc=?", (path,))
            n = self.db.execute("DELETE FROM documents WHERE path=?", (path,)).rowcount
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', ?)", (str(self.generation + 1),))
        if ids:
            self._delete_vectors(ids)
        self._set_meta(self._dirty_key, "0")
        return n

    def rebuild(self, progress=None) -> int:
        """Re-embed every chunk from the manifest into a fresh collection. A damaged local vector store is
        moved aside first (said in `repairs`); documents its vectors name that the manifest lacks are
        remembered as lost (`lost_documents`), never dropped silently."""
        self._collection = None
        try:
            self._note_lost_documents()
            client = chroma_client(self.settings)
            try:
                client.delete_collection(self.name)
            except Exception as exc:
                if "does not exist" not in str(exc) and "not found" not in str(exc).lower():
                    raise
            self._collection = None
            _ = self.collection  # a fresh collection opens, or the store is damaged
        except Exception as exc:
            if isinstance(exc, JanError) and (self.settings.chroma_url or "cannot write" in str(exc)):
                raise
            if self.settings.chroma_url or is_write_failure(exc):
                raise self._vector_error(exc) from None
            self._move_vectors_aside()
        self._collection = None
        self._set_meta(self._dirty_key, "0")
        try:
            chroma_client(self.settings).delete_collection(f"{self.name}-x"[:63])
        except Exception:
            pass
        self._extra = None  # the enrichment's extra vectors are written again by `jan ingest`
        return self._embed_and_write(self.chunks(), progress)

    def _move_vectors_aside(self) -> None:
        from chromadb.api.client import SharedSystemClient

        folder = self.settings.home / "chroma"
        SharedSystemClient.clear_system_cache()  # the damaged store's open handles go with it
        if folder.exists():
            moved = move_aside(folder)
            self.repairs.append(f"the vector store {folder} was damaged: moved to {moved.name}; rebuilt from the "
                                "manifest")

    # ------------------------------------------------------------ search
    def tag_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT tag, COUNT(*) FROM chunks GROUP BY tag").fetchall())

    @_vectors
    def dense(self, query_vec: np.ndarray, n: int, tags: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks (cosine). A `where` filter makes Chroma filter before its index search, measured
        ~15x slower at 10k chunks; so a filter that keeps most chunks is applied after an over-fetch
        instead, and a filter that keeps every chunk is dropped."""
        counts = self.tag_counts()
        total = sum(counts.values())
        if total == 0:
            return []
        q = [np.asarray(query_vec, dtype=np.float32).tolist()]
        wanted = set(tags or ()) & set(counts) if tags else set(counts)
        if not wanted:
            return []
        share = sum(counts[t] for t in wanted) / total
        ids: list[str] = []
        dists: list[float] = []
        if share >= 1.0:
            res = self.collection.query(query_embeddings=q, n_results=min(max(1, n), total), include=["distances"])
            ids, dists = res["ids"][0], res["distances"][0]
        elif share >= OVERFETCH_MIN_SHARE:
            fetch = min(total, int(n / share * 2) + 10)
            res = self.collection.query(query_embeddings=q, n_results=fetch, include=["distances", "metadatas"])
            for i, d, m in zip(res["ids"][0], res["distances"][0], res["metadatas"][0], strict=True):
                if (m or {}).get("tag") in wanted and len(ids) < n:
                    ids.append(i)
                    dists.append(d)
            if len(ids) < min(n, total * share) and fetch < total:
                ids, dists = [], []  # not enough after filtering: ask Chroma to filter
        if not ids and share < 1.0:
            res = self.collection.query(query_embeddings=q, n_results=max(1, n), where={"tag": {"$in": sorted(wanted)}},
                                        include=["distances"])
            ids, dists = res["ids"][0], res["distances"][0]
        found = self.get_chunks(ids)
        return [(found[i], 1.0 - d) for i, d in zip(ids, dists, strict=True) if i in found]

    def close(self) -> None:
        with closing(self.db):
            pass
