"""Looking at an export before loading it: is it a file we can read, which format, encoding and delimiter,
is there a header row, and a sample of records to recognise the columns by. Every refusal is a JanError
naming the file."""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import JanError
from ..core.sanitize import one_line

MAX_FILE_BYTES = 1 << 30  # 1 GiB: a million-row export is ~120 MB
SAMPLE_BYTES = 1 << 20
SAMPLE_RECORDS = 2000
DELIMITERS = (",", ";", "\t", "|")
SUFFIX_FORMAT = {".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx",
                 ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_BOMS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}


@dataclass
class Source:
    """An export as it will be loaded. `load_path` is the file DuckDB reads: the export itself for a UTF-8
    CSV/TSV, else a converted UTF-8 CSV whose first column `__line` holds each record's line (or row)."""

    path: Path
    format: str  # csv | xlsx | jsonl
    encoding: str = "utf-8"
    delimiter: str = ","
    header: bool = True
    skip: int = 0  # comment lines (starting with #) before the header
    columns: list[str] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list)
    load_path: Path | None = None
    line_column: bool = False
    notes: list[str] = field(default_factory=list)
    bad: list[tuple[int, str, str, str]] = field(default_factory=list)  # (line, field, reason, value) found early

    @property
    def name(self) -> str:
        return one_line(self.path.name)

    @property
    def line_word(self) -> str:
        return "row" if self.format == "xlsx" else "line"


def check_file(path: Path) -> os.stat_result:
    """A readable regular file under the size cap and not empty; else a one-line JanError."""
    shown = one_line(str(path))
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise JanError(f"{shown}: no such file") from None
    except NotADirectoryError:
        raise JanError(f"{shown}: no such file (a part of the path is a file, not a folder)") from None
    except OSError as exc:
        raise JanError(f"{shown}: cannot read ({exc.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise JanError(f"{shown}: is a folder; give an export file (CSV, TSV, XLSX or JSON lines)")
    if not stat.S_ISREG(st.st_mode):
        raise JanError(f"{shown}: not a regular file (a device, FIFO or socket); refusing to read it")
    if st.st_size == 0:
        raise JanError(f"{shown}: is empty; nothing imported")
    if st.st_size > MAX_FILE_BYTES:
        raise JanError(f"{shown}: {st.st_size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for one export; "
                       "split it into smaller files")
    if not os.access(path, os.R_OK):
        raise JanError(f"{shown}: cannot read (permission denied)")
    return st


def read_head(path: Path, n: int = SAMPLE_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError as exc:
        raise JanError(f"{one_line(str(path))}: cannot read ({exc.strerror})") from None


def detect_format(path: Path, head: bytes) -> str:
    """csv, xlsx or jsonl, from the bytes first and the suffix second; other known formats are refused."""
    shown = one_line(str(path))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise JanError(f"{shown}: an old Excel (.xls) file; save it as .xlsx or CSV first")
    if head.startswith(b"\x1f\x8b") or head.startswith(b"BZh") or head.startswith(b"\xfd7zXZ"):
        raise JanError(f"{shown}: a compressed file; unpack it first")
    if head.startswith(b"%PDF"):
        raise JanError(f"{shown}: a PDF, not an export; export the contacts as CSV, TSV, XLSX or JSON lines")
    if not any(head.startswith(b) for b in _BOMS) and b"\x00" in head[:8192]:
        raise JanError(f"{shown}: looks like a binary file, not a CSV, TSV, XLSX or JSON-lines export")
    suffix = SUFFIX_FORMAT.get(path.suffix.lower())
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"[" and suffix == "jsonl":
        raise JanError(f"{shown}: a JSON array; write one JSON object per line (JSON lines) instead")
    if suffix == "jsonl" or first == b"{":
        return "jsonl"
    if suffix == "xlsx":
        raise JanError(f"{shown}: not an XLSX file (no zip container inside); is it a CSV with the wrong name?")
    return "csv"


def detect_encoding(head: bytes) -> str:
    """utf-8 (with or without BOM), utf-16 (by its BOM), or cp1252 when the start is not UTF-8."""
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            return name
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(body) - 4:  # not just a character cut off at the end of the sample
            return "cp1252"
    return "utf-8"


def decode_head(head: bytes, encoding: str) -> str:
    if encoding == "utf-16":
        return head.decode("utf-16", errors="ignore")
    if encoding == "utf-8":
        return head.decode("utf-8-sig", errors="ignore")
    return head.decode("cp1252", errors="replace")


def comment_lines(text: str) -> int:
    """How many lines at the start are comments (# …) or blank: an export's own preamble."""
    n = 0
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            break
        n += 1
    return n


def detect_delimiter(text: str, path: Path) -> str:
    """The delimiter that splits the sample into the most consistent number (> 1) of fields."""
    best, best_score = None, 0.0
    for delim in DELIMITERS:
        counts = [len(r) for r in _records(text, delim, 200) if r]
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = counts.count(mode) / len(counts) + min(mode, 20) / 100
        if score > best_score:
            best, best_score = delim, score
    if best is None:
        raise JanError(f"{one_line(str(path))}: only one column found (not delimited by comma, semicolon, tab or "
                       "|); an export needs at least a date and a text or category column")
    return best


def _records(text: str, delim: str, limit: int) -> list[list[str]]:
    """Up to `limit` records of a sample; the last one may be cut off by the sample's end, so it is dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    out = []
    try:
        for row in reader:
            out.append(row)
            if len(out) > limit:
                break
    except csv.Error:
        pass
    return out[:limit] if len(out) > limit else out[:-1] if len(out) > 1 else out


def looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    """Column names, not data: no cell looks like a date or a number, and the cells are short."""
    from .columns import is_date_like

    cells = [c.strip() for c in first]
    if not any(cells):
        return False
    for c in cells:
        if c and (is_date_like(c) or c.replace(".", "").replace(",", "").replace("-", "").isdigit() or len(c) > 60):
            return False
    return True


def sniff_csv(path: Path, head: bytes, encoding: str) -> Source:
    """The delimiter, header and a sample of a CSV/TSV (head is the file's first bytes)."""
    text = decode_head(head, encoding)
    skip = comment_lines(text)
    body = "\n".join(text.splitlines()[skip:]) if skip else text
    if not body.strip():
        raise JanError(f"{one_line(str(path))}: holds no rows (only comments or blank lines); nothing imported")
    delim = detect_delimiter(body, path)
    records = [r for r in _records(body, delim, SAMPLE_RECORDS + 1) if any(c.strip() for c in r)]
    if len(head) < SAMPLE_BYTES:  # the whole file is in the sample: keep its last record too
        records = [r for r in csv.reader(io.StringIO(body, newline=""), delimiter=delim) if any(c.strip() for c in r)]
    header = looks_like_header(records[0], records[1:])
    width = len(records[0])
    columns = [c.strip() or f"column {i + 1}" for i, c in enumerate(records[0])] if header else \
        [f"column {i + 1}" for i in range(width)]
    sample = records[1:] if header else records
    if header and not sample:
        raise JanError(f"{one_line(str(path))}: has column names but no rows; nothing imported")
    return Source(path=path, format="csv", encoding=encoding, delimiter=delim, header=header, skip=skip,
                  columns=unique_names(columns), sample=[fit_row(r, width) for r in sample[:SAMPLE_RECORDS]])


def fit_row(row: list[str], width: int) -> list[str]:
    return (row + [""] * width)[:width]


def unique_names(names: list[str]) -> list[str]:
    """Column names made unique ('Datum', 'Datum' -> 'Datum', 'Datum (2)')."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def describe_delimiter(delim: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delim, repr(delim))
