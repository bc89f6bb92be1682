"""The contacts database: one DuckDB file under $JAN_HOME/contacts/. Opening it, its tables, the files in
it, and removing a file. Loading lives in `load`. duckdb is imported only inside functions.

Each export's rows are one table (`rows_<file_id>`, made by CREATE TABLE AS from DuckDB's CSV reader, in
the file's order), every record read, a bad one with its `problem` set (deleting rows inside the load's
transaction would make DuckDB write the new rows twice). The view `contact_rows` joins them; the view
`contacts`, which every count reads, holds the good rows."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import JanError
from ..core.sanitize import one_line

SCHEMA_VERSION = 4
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS files(file_id INTEGER, sha256 VARCHAR, path VARCHAR, name VARCHAR, size BIGINT,
  format VARCHAR, rows BIGINT, bad BIGINT, mapping VARCHAR, notes VARCHAR, added_at TIMESTAMP,
  topics_version INTEGER);
CREATE TABLE IF NOT EXISTS bad_rows(file_id INTEGER, line BIGINT, field VARCHAR, reason VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS topics(file_id INTEGER, topic SMALLINT, size BIGINT, words VARCHAR, label VARCHAR,
  examples VARCHAR);
"""
# every column a row may have; an export's own table holds only those it needs (a column of constants or
# NULLs costs DuckDB as much to write as one of values), the views fill in the rest
COLUMNS = {"file_id": "INTEGER", "line": "BIGINT", "date": "DATE", "channel": "VARCHAR", "category": "VARCHAR",
           "text": "VARCHAR", "segment": "VARCHAR", "topic": "SMALLINT", "topic_label": "VARCHAR",
           "problem": "VARCHAR"}


def rows_table(file_id: int) -> str:
    """The table holding one export's rows, in the file's order (rowid 0 is its first record)."""
    return f"rows_{int(file_id)}"


def refresh_views(con) -> None:
    """`contact_rows`: every loaded export's rows (bad ones included, marked in `problem`); `contacts`: the
    good ones, which every count reads."""
    empty = "SELECT " + ", ".join(f"NULL::{t} AS {c}" for c, t in COLUMNS.items()) + " WHERE false"
    ids = [int(r[0]) for r in con.execute("SELECT file_id FROM files ORDER BY file_id").fetchall()]
    parts = [empty] + [f"SELECT {i}::INTEGER AS file_id, * FROM {rows_table(i)}" for i in ids]
    con.execute("CREATE OR REPLACE VIEW contact_rows AS " + " UNION ALL BY NAME ".join(parts))
    con.execute("CREATE OR REPLACE VIEW contacts AS SELECT * FROM contact_rows WHERE problem IS NULL")


def db_path(home: Path) -> Path:
    return Path(home) / "contacts" / "contacts.duckdb"


@contextmanager
def connect(home: Path, *, write: bool = False) -> Iterator:
    """A DuckDB connection to the contacts database, closed on exit. Reading a database that does not exist
    yields None. A lock held by another process or a damaged file is a one-line JanError."""
    path = db_path(home)
    if not write and not path.exists():
        yield None
        return
    import duckdb

    if write:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JanError(f"{path.parent}: cannot create the contacts folder ({exc.strerror})") from None
    try:
        con = duckdb.connect(str(path), read_only=not write)
    except duckdb.Error as exc:
        msg = str(exc)
        if "lock" in msg.lower():
            raise JanError(f"{path}: the contacts database is in use by another jan process; "
                           "try again when it has finished") from None
        raise JanError(f"{path}: the contacts database cannot be opened ({one_line(msg)[:160]}); "
                       "move it aside and add the exports again") from None
    try:
        try:
            version = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except duckdb.Error:  # a new database
            version = None
        if write and version is None:
            con.execute(SCHEMA)
            con.execute("INSERT INTO meta VALUES ('schema', ?)", [str(SCHEMA_VERSION)])
            refresh_views(con)
            version = (str(SCHEMA_VERSION),)
        if version is None or version[0] != str(SCHEMA_VERSION):
            raise JanError(f"{path}: the contacts database has another layout (version "
                           f"{version[0] if version else 'unknown'}, this jan uses {SCHEMA_VERSION}); "
                           "move it aside and add the exports again")
        yield con
    finally:
        con.close()


def sha256_file(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise JanError(f"{one_line(str(path))}: cannot read ({exc.strerror})") from None


@dataclass
class FileInfo:
    file_id: int
    sha256: str
    path: str
    name: str
    rows: int
    bad: int
    format: str
    mapping: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    added_at: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


_FILE_COLS = "file_id, sha256, path, name, rows, bad, format, mapping, notes, strftime(added_at, '%Y-%m-%d %H:%M')"


def _info(row) -> FileInfo:
    return FileInfo(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), row[6], json.loads(row[7] or "{}"),
                    json.loads(row[8] or "[]"), row[9] or "")


def list_files(home: Path) -> list[FileInfo]:
    """The exports loaded, oldest first."""
    with connect(home) as con:
        if con is None:
            return []
        return [_info(r) for r in con.execute(f"SELECT {_FILE_COLS} FROM files ORDER BY file_id").fetchall()]


def contact_count(home: Path) -> int:
    """How many contacts are loaded (for a status line); 0 when none are."""
    with connect(home) as con:
        return 0 if con is None else int(con.execute("SELECT count(*) FROM contacts").fetchone()[0])


def find_file(con, target: str) -> FileInfo | None:
    """A loaded export by path (its current content's hash, or the path it was added from), by name, or by
    the first 8 or more characters of its sha256."""
    rows = [_info(r) for r in con.execute(f"SELECT {_FILE_COLS} FROM files").fetchall()]
    p = Path(target).expanduser()
    if p.is_file():
        try:
            digest = sha256_file(p)
        except JanError:
            digest = ""
        for f in rows:
            if f.sha256 == digest:
                return f
    resolved = str(p.resolve()) if not p.is_absolute() else str(p)
    for key in (lambda f: f.path == resolved, lambda f: f.name == target,
                lambda f: len(target) >= 8 and f.sha256.startswith(target.lower())):
        hits = [f for f in rows if key(f)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise JanError(f"{one_line(target)}: matches {len(hits)} loaded exports; give the path or the sha256")
    return None


def remove_file(home: Path, target: str) -> FileInfo:
    """Remove one export's contacts, bad rows and topics in one transaction; JanError when it is not loaded."""
    with connect(home, write=True) as con:
        info = find_file(con, target)
        if info is None:
            raise JanError(f"{one_line(target)}: not among the loaded contact exports (see jan contacts summary)")
        con.execute("BEGIN TRANSACTION")
        try:
            for table in ("bad_rows", "topics", "files"):
                con.execute(f"DELETE FROM {table} WHERE file_id = ?", [info.file_id])
            con.execute(f"DROP TABLE IF EXISTS {rows_table(info.file_id)}")
            refresh_views(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("CHECKPOINT")
    return info


def bad_rows(home: Path, file_id: int, limit: int = 20) -> list[tuple[int, str, str, str]]:
    """The first bad rows of a loaded export: (line, field, reason, value)."""
    with connect(home) as con:
        if con is None:
            return []
        return [tuple(r) for r in con.execute(
            "SELECT line, field, reason, value FROM bad_rows WHERE file_id = ? ORDER BY line LIMIT ?",
            [file_id, limit]).fetchall()]
