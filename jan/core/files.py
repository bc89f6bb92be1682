"""Writing files so that a reader sees the old content or the new, never half of it."""

from __future__ import annotations

from pathlib import Path


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to a hidden temporary file beside `path`, then rename it over `path`; on any
    failure the temporary file is removed and `path` is left as it was."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
