"""SQLite schema versions: `PRAGMA user_version` counts the migrations a database has had."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from .errors import JanError


def schema_version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def check_not_newer(db: sqlite3.Connection, migrations: Sequence[Sequence[str]], what: str) -> int:
    """The database's version; a newer one than these migrations make raises JanError (file unchanged)."""
    version = schema_version(db)
    if version > len(migrations):
        raise JanError(f"{what}: written by a newer jan (schema {version} > {len(migrations)}); upgrade jan. "
                       "The file was not changed.")
    return version


def migrate(db: sqlite3.Connection, migrations: Sequence[Sequence[str]], what: str) -> int:
    """Apply the migrations the database lacks: migrations[i] takes version i to i + 1, its statements and
    the new user_version in one transaction, so a crash leaves the old version or the new, never half."""
    version = check_not_newer(db, migrations, what)
    for v in range(version, len(migrations)):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in migrations[v]:
                db.execute(statement)
            db.execute(f"PRAGMA user_version={v + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return len(migrations)
