"""The one atomic-write helper: old content or new, never half, and no temporary file left behind."""

from __future__ import annotations

import pytest

from jan.core.errors import JanError
from jan.core.files import atomic_write_text


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "out.md"
    assert atomic_write_text(path, "één\n") == path
    assert path.read_text(encoding="utf-8") == "één\n"
    atomic_write_text(path, "two\n")
    assert path.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "out.md"
    path.write_text("old\n", encoding="utf-8")

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("jan.core.files.os.replace", broken)
    with pytest.raises(JanError, match="cannot write .the disk is full"):  # a write failure, said as one
        atomic_write_text(path, "new\n")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]
