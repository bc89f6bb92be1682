"""Writing counts back out as CSV, TSV, XLSX or markdown. Category names and texts come from the team's own
export, so a cell such as `=HYPERLINK("http://…")` could run as a formula when the file is opened in a
spreadsheet: every text cell that starts with = + - @ (or a tab or carriage return) is written with a leading
apostrophe, the escape spreadsheets show as text. Numbers stay numbers."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from ..core.errors import JanError
from ..core.files import atomic_write_text, check_target, write_failure
from ..core.sanitize import one_line, terminal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as written into a spreadsheet cell: text that a spreadsheet would run as a formula gets a
    leading apostrophe; control characters are removed; numbers pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        if text.startswith(FORMULA_START):
            text = "'" + text
        return terminal(text).replace("\n", " ")
    return value


def write_table(path: Path | str, headers: list[str], rows: list[list], *, force: bool = False) -> Path:
    """Write a table by the file's suffix: .csv, .tsv, .xlsx or .md. Refuses to overwrite without `force`,
    and never writes through a symlink or into a folder."""
    path = Path(path)
    check_target(path)
    if path.exists() and not force:
        raise JanError(f"{one_line(str(path))}: already exists; use --force to overwrite")
    suffix = path.suffix.lower()
    safe = [[safe_cell(c) for c in row] for row in [headers, *rows]]
    if suffix in (".csv", ".tsv"):
        buf = io.StringIO()
        csv.writer(buf, delimiter="\t" if suffix == ".tsv" else ",", lineterminator="\n").writerows(safe)
        return atomic_write_text(path, buf.getvalue())
    if suffix == ".md":
        lines = ["| " + " | ".join(str(c).replace("|", "/") for c in safe[0]) + " |",
                 "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in safe[1:]]
        return atomic_write_text(path, "\n".join(lines) + "\n")
    if suffix == ".xlsx":
        return _write_xlsx(path, safe)
    raise JanError(f"{one_line(str(path))}: write a .csv, .tsv, .xlsx or .md file")


def _write_xlsx(path: Path, rows: list[list]) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("contacts")
    for row in rows:
        ws.append(row)  # escaped strings start with an apostrophe: stored as text, never as a formula
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb.save(tmp)
        check_target(path)
        os.replace(tmp, path)
    except OSError as exc:
        raise write_failure(path, exc) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return path
