"""The enrichment cache: sha256(chunk) + model → what the local model wrote for that chunk (jan.evidence.enrich),
one committed row per chunk in $JAN_HOME/index/enrich.sqlite3 (WAL, safe across processes)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import JanError

INDEX_FIELDS = ("q_en", "q_nl", "k")
FIELDS = ("q_en", "q_nl", "k")


@dataclass
class Enrichment:
    q_en: list[str] = field(default_factory=list)
    q_nl: list[str] = field(default_factory=list)
    k: list[str] = field(default_factory=list)  # key phrases, Dutch and English
    dropped: int = 0  # generated items refused by the checks

    def items(self, fields_: tuple[str, ...] = INDEX_FIELDS) -> list[str]:
        return [x for f in fields_ for x in getattr(self, f)]

    def to_json(self) -> str:
        return json.dumps({f: getattr(self, f) for f in FIELDS}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Enrichment:
        data = json.loads(text)
        return cls(**{f: [str(x) for x in data.get(f, [])][:6] for f in FIELDS})


class Cache:
    """sha256(chunk) + model → enrichment, one committed row per chunk (WAL, safe across processes)."""

    def __init__(self, home: Path, *, readonly: bool = False):
        index = home / "index"
        index.mkdir(parents=True, exist_ok=True)
        self.path = index / "enrich.sqlite3"
        try:
            if readonly:  # the query side: never waits for the enrichment writer's lock
                self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=2, check_same_thread=False)
                self.db.execute("SELECT 1 FROM enrich LIMIT 1")
                self._lock = threading.Lock()
                return
            self.db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            with self.db:
                self.db.execute("CREATE TABLE IF NOT EXISTS enrich (key TEXT, model TEXT, payload TEXT, "
                                "seconds REAL, created REAL, PRIMARY KEY (key, model))")
        except sqlite3.DatabaseError as exc:
            raise JanError(f"{self.path}: the enrichment cache is damaged ({exc}); delete it, it is rebuilt "
                           "on the next ingest") from None
        self._lock = threading.Lock()

    def stamp(self) -> tuple[int, int]:
        """Changes whenever rows are added (the retriever rebuilds its index then)."""
        row = self.db.execute("SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM enrich").fetchone()
        return int(row[0]), int(row[1])

    def get_many(self, keys: list[str], model: str | None = None) -> dict[str, Enrichment]:
        out: dict[str, Enrichment] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            sql = f"SELECT key, payload FROM enrich WHERE key IN ({','.join('?' * len(part))})"
            args: list = list(part)
            if model:
                sql += " AND model=?"
                args.append(model)
            for key, payload in self.db.execute(sql + " ORDER BY created", args):
                try:
                    out[key] = Enrichment.from_json(payload)
                except (ValueError, TypeError, AttributeError):
                    continue  # a damaged row counts as not enriched
        return out

    def put(self, key: str, model: str, enrichment: Enrichment, seconds: float) -> None:
        with self._lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO enrich VALUES (?, ?, ?, ?, ?)",
                            (key, model, enrichment.to_json(), seconds, time.time()))

    def rows(self, keys: list[str]) -> list[tuple[str, str, str]]:
        out = []
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            out += self.db.execute(f"SELECT key, model, payload FROM enrich WHERE key IN ({','.join('?' * len(part))})"
                                   " ORDER BY key", part).fetchall()
        return out

    def close(self) -> None:
        self.db.close()
