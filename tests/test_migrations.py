"""Schema versions with `PRAGMA user_version`: a database written by the previous version opens with its
data intact and is brought up to date; a newer one is refused and left unchanged; a failed step rolls back."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from jan.core.config import Settings
from jan.core.errors import JanError
from jan.core.sqlite import migrate, schema_version
from jan.evidence import store as evidence_store
from jan.meetings import store as meetings_store

# the manifest exactly as jan wrote it before user_version (version 0; its own marker in meta)
OLD_MANIFEST = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE documents (path TEXT PRIMARY KEY, sha256 TEXT, tag TEXT, title TEXT, n_chunks INTEGER, ingested_at REAL);
CREATE TABLE chunks (id TEXT PRIMARY KEY, doc TEXT, idx INTEGER, text TEXT,
    source TEXT, locator TEXT, tag TEXT, header TEXT, kind TEXT, card_id TEXT, topics TEXT);
CREATE INDEX chunks_doc ON chunks(doc);
CREATE INDEX chunks_tag ON chunks(tag);
INSERT INTO meta VALUES ('schema', '1');
INSERT INTO documents VALUES ('/notes/interview.md', 'abc', 'docs', 'Interview', 1, 1.0);
INSERT INTO chunks VALUES ('c1', '/notes/interview.md', 0, 'Customers want one contact person.',
    'interview.md', 'L1-2', 'docs', 'Interview', 'doc', NULL, NULL);
"""

# the meetings database as version 1 wrote it
OLD_MEETINGS = """
CREATE TABLE meetings (id INTEGER PRIMARY KEY, title TEXT NOT NULL, created_at REAL);
CREATE TABLE entries (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL
    REFERENCES meetings(id), ts REAL, persona TEXT, question TEXT, model TEXT, critique TEXT);
CREATE TABLE decisions (id INTEGER PRIMARY KEY, meeting_id INTEGER NOT NULL
    REFERENCES meetings(id), entry_id INTEGER REFERENCES entries(id), kind TEXT, note TEXT, ts REAL);
INSERT INTO meetings VALUES (1, 'Phone number', 1.0);
INSERT INTO decisions VALUES (1, 1, NULL, 'decision', 'keep the number', 2.0);
PRAGMA user_version=1;
"""


class _Embedder:  # the manifest does not need vectors to open
    name = "fake"
    dim = 3


def _write(path, script: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as db:
        db.executescript(script)


def _version(path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return schema_version(db)


def test_a_manifest_from_before_user_version_opens_with_its_documents(tmp_path):
    db = tmp_path / "index" / "manifest.sqlite3"
    _write(db, OLD_MANIFEST)
    store = evidence_store.Store(Settings(home=tmp_path), embedder=_Embedder())
    assert [d["path"] for d in store.documents()] == ["/notes/interview.md"]
    assert store.chunk_count() == 1
    store.db.close()
    assert _version(db) == evidence_store.SCHEMA_VERSION == len(evidence_store.MIGRATIONS)


def test_a_newer_manifest_is_refused_and_not_changed(tmp_path):
    db = tmp_path / "index" / "manifest.sqlite3"
    _write(db, OLD_MANIFEST + f"PRAGMA user_version={evidence_store.SCHEMA_VERSION + 1};")
    before = db.read_bytes()
    with pytest.raises(JanError, match="newer jan"):
        evidence_store.Store(Settings(home=tmp_path), embedder=_Embedder())
    assert db.read_bytes() == before


def test_a_meetings_database_of_the_previous_version_opens_with_its_meetings(tmp_path):
    _write(tmp_path / "meetings.sqlite3", OLD_MEETINGS)
    ms = meetings_store.MeetingStore(tmp_path)
    assert [(m.id, m.title) for m in ms.meetings()] == [(1, "Phone number")]
    assert [d.note for d in ms.decisions(1)] == ["keep the number"]
    ms.db.close()
    assert _version(tmp_path / "meetings.sqlite3") == meetings_store.SCHEMA


def test_a_fresh_database_gets_every_migration(tmp_path):
    ms = meetings_store.MeetingStore(tmp_path)
    assert ms.create("t").id == 1
    ms.db.close()
    assert _version(tmp_path / "meetings.sqlite3") == len(meetings_store.MIGRATIONS)


def test_migrations_apply_in_order_and_a_failed_one_rolls_back(tmp_path):
    steps = [["CREATE TABLE a (x)"], ["ALTER TABLE a ADD COLUMN y"], ["INSERT INTO a VALUES (1, 2)", "BROKEN SQL"]]
    with closing(sqlite3.connect(tmp_path / "t.sqlite3")) as db:
        assert migrate(db, steps[:2], "t") == 2 and schema_version(db) == 2
        with pytest.raises(sqlite3.OperationalError):
            migrate(db, steps, "t")
        assert schema_version(db) == 2  # the failed step left no row and no new version
        assert db.execute("SELECT count(*) FROM a").fetchone()[0] == 0
        with pytest.raises(JanError, match="newer jan"):
            migrate(db, steps[:1], "t")
