"""Writing files so that a reader sees the old content or the new, never half of it, and so that a planted
symlink, a device node or a folder in the way is refused rather than written through."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from .errors import JanError

_WRITE_FAILED = {errno.ENOSPC: "the disk is full", errno.EFBIG: "the file size limit was reached",
                 errno.EDQUOT: "the disk quota is used up", errno.EROFS: "the file system is read-only",
                 errno.EACCES: "permission denied", errno.EPERM: "not permitted"}


def write_failure(path: Path, exc: OSError) -> JanError:
    """A failed write as the user should read it: what could not be written, and why."""
    why = _WRITE_FAILED.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return JanError(f"{path}: cannot write ({why}); nothing was changed")


def check_target(path: Path) -> None:
    """The target of a write must be a regular file or absent; its folder must exist. Raises JanError."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        st = None  # a file where a folder should be: said below
    except OSError as exc:
        raise JanError(f"{path}: cannot write ({exc.strerror})") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise JanError(f"{path}: is a symbolic link; refusing to write through it (give the real path)")
        if stat.S_ISDIR(st.st_mode):
            raise JanError(f"{path}: is a folder; give a file name")
        if not stat.S_ISREG(st.st_mode):
            raise JanError(f"{path}: not a regular file (a device, FIFO or socket); refusing to replace it")
    if not path.parent.is_dir():
        blocker = _first_file(path)
        raise JanError(f"{path}: cannot write ({blocker} is a file, not a folder)" if blocker else
                       f"{path}: cannot write (the folder {path.parent} does not exist)")


def _first_file(path: Path) -> Path | None:
    """The first ancestor of `path` that exists and is not a folder (None if there is none)."""
    for p in reversed(path.parents):
        if p.exists() and not p.is_dir():
            return p
    return None


def atomic_write_text(path: Path, text: str) -> Path:
    """Write `text` (UTF-8) to a new temporary file beside `path` (created exclusively, never through a
    symlink), then rename it over `path`. `path` must be a regular file or absent. On any failure the
    temporary file is removed (a clean-up that cannot raise) and `path` is left as it was; an OSError is
    raised as JanError saying what could not be written and why."""
    path = Path(path)
    check_target(path)
    data = text.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    tmp = None
    try:
        for _ in range(5):
            candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
            try:
                fd = os.open(candidate, flags, 0o644)
            except FileExistsError:
                continue
            tmp = candidate
            break
        else:
            raise JanError(f"{path}: cannot create a temporary file beside it")
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        check_target(path)  # nothing planted in the meantime
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        raise write_failure(path, exc) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return path
