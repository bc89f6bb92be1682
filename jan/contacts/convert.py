"""Exports DuckDB should not read as they are (XLSX, JSON lines, CSV that is not UTF-8 or mixes encodings)
become one UTF-8 CSV whose first column `__line` holds each record's line in the export (its row in a
sheet), so a bad row is still named where the user can find it."""

from __future__ import annotations

import csv
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..core.errors import JanError
from ..core.sanitize import one_line
from .sniff import MAX_FILE_BYTES, SAMPLE_RECORDS, Source, fit_row, looks_like_header, unique_names

MAX_COLUMNS = 500
MAX_XLSX_XML_BYTES = 2 * MAX_FILE_BYTES  # the sheets' XML, uncompressed: stops a zip bomb


def _writer(out: Path):
    fh = open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by the caller's with
    return fh, csv.writer(fh)


def decoded_lines(fh, encoding: str, recovered: list[int]) -> Iterator[str]:
    """The lines of a binary file as text. utf-16 as a whole; otherwise each line UTF-8 when it is, else
    Windows-1252 (else Latin-1), with the line numbers read that way noted in `recovered`."""
    if encoding == "utf-16":
        import io

        yield from io.TextIOWrapper(fh, encoding="utf-16", newline="")
        return
    for n, raw in enumerate(fh, 1):
        try:
            yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            recovered.append(n)
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:
                yield raw.decode("latin-1")


def transcode_csv(src: Source, out: Path) -> Source:
    """A CSV/TSV in another or mixed encoding -> UTF-8 CSV with `__line`."""
    recovered: list[int] = []
    width = len(src.columns)
    fh_out, w = _writer(out)
    try:
        with open(src.path, "rb") as fh, fh_out:
            w.writerow(["__line", *src.columns])
            reader = csv.reader(decoded_lines(fh, src.encoding, recovered), delimiter=src.delimiter)
            end = 0
            first = True
            for row in reader:
                start, end = end + 1, reader.line_num
                if start <= src.skip or not any(c.strip() for c in row):
                    continue
                if first and src.header:
                    first = False
                    continue
                first = False
                if len(row) != width:
                    src.bad.append((start, "", f"{len(row)} fields where the header has {width}", ""))
                    continue
                w.writerow([start, *row])
    except csv.Error as exc:
        raise JanError(f"{src.name}: line {reader.line_num}: cannot be read as CSV ({exc})") from None
    except UnicodeError as exc:
        raise JanError(f"{src.name}: not readable as {src.encoding} ({exc.reason})") from None
    if recovered:
        shown = ", ".join(map(str, recovered[:10])) + (" …" if len(recovered) > 10 else "")
        src.notes.append(f"{len(recovered):,} line(s) were not UTF-8 and were read as Windows-1252: {shown}")
    elif src.encoding != "utf-8":
        src.notes.append(f"read as {src.encoding.upper()}")
    src.load_path, src.line_column, src.delimiter = out, True, ","
    return src


def jsonl_source(path: Path, out: Path) -> Source:
    """JSON lines -> UTF-8 CSV with `__line`; the columns are the keys of the first objects, in order; a line
    that is not a JSON object is a bad row named by its line."""
    src = Source(path=path, format="jsonl")
    rows: list[tuple[int, dict]] = []
    keys: dict[str, None] = {}
    fh_out, w = _writer(out)
    recovered: list[int] = []
    with open(path, "rb") as fh, fh_out:
        header_written = False
        for n, line in enumerate(decoded_lines(fh, "utf-8", recovered), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                src.bad.append((n, "", f"not valid JSON ({msg})", line.strip()[:60]))
                continue
            if not isinstance(obj, dict):
                src.bad.append((n, "", f"a JSON {type(obj).__name__}, not an object", line.strip()[:60]))
                continue
            if not header_written:
                for k in obj:
                    keys.setdefault(str(k))
                if len(rows) < SAMPLE_RECORDS and n < 10_000:
                    rows.append((n, obj))
                    continue
                header_written = _start(src, w, keys, rows)
            w.writerow([n, *(_cell(obj.get(k)) for k in src.columns)])
        if not header_written:
            if not rows:
                raise JanError(f"{src.name}: no JSON objects in the file; nothing imported")
            _start(src, w, keys, rows)
    if len(keys) > MAX_COLUMNS:
        raise JanError(f"{src.name}: {len(keys):,} different keys, over the limit of {MAX_COLUMNS}")
    if recovered:
        src.notes.append(f"{len(recovered):,} line(s) were not UTF-8 and were read as Windows-1252")
    src.load_path, src.line_column = out, True
    return src


def _start(src: Source, w, keys: dict[str, None], rows: list[tuple[int, dict]]) -> bool:
    src.columns = list(keys)[:MAX_COLUMNS]
    src.sample = [[_cell(o.get(k)) for k in src.columns] for _, o in rows]
    w.writerow(["__line", *src.columns])
    for n, o in rows:
        w.writerow([n, *(_cell(o.get(k)) for k in src.columns)])
    return True


def _cell(value) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def xlsx_source(path: Path, out: Path, sheet: str | None = None) -> Source:
    """The first sheet (or `sheet`) of a workbook -> UTF-8 CSV with `__line` = the sheet's row number. Cached
    formula values are read, never the formulas."""
    src = Source(path=path, format="xlsx")
    _check_zip(path, src.name)
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise JanError(f"{src.name}: reading XLSX needs openpyxl; pip install openpyxl") from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise JanError(f"{src.name}: not a readable XLSX workbook ({type(exc).__name__}: "
                       f"{one_line(str(exc))[:120]})") from None
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise JanError(f"{src.name}: no sheet {one_line(sheet)!r} (sheets: {', '.join(wb.sheetnames)})")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        fh_out, w = _writer(out)
        with fh_out:
            width = 0
            for n, values in enumerate(ws.iter_rows(values_only=True), 1):
                cells = [_cell(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                if not width:
                    if not looks_like_header(cells, []):
                        raise JanError(f"{src.name}: row {n}: the first row should hold the column names")
                    while cells and not cells[-1].strip():
                        cells.pop()
                    width = len(cells)
                    src.columns = unique_names([c.strip() or f"column {i + 1}" for i, c in enumerate(cells)])
                    w.writerow(["__line", *src.columns])
                    continue
                row = fit_row(cells, width)
                if len(src.sample) < SAMPLE_RECORDS:
                    src.sample.append(row)
                w.writerow([n, *row])
    except JanError:
        raise
    except Exception as exc:
        raise JanError(f"{src.name}: cannot read the workbook ({type(exc).__name__}: {one_line(str(exc))[:120]})") \
            from None
    finally:
        wb.close()
    if not src.columns:
        raise JanError(f"{src.name}: the sheet is empty; nothing imported")
    if not src.sample:
        raise JanError(f"{src.name}: has column names but no rows; nothing imported")
    src.load_path, src.line_column = out, True
    return src


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(i.file_size for i in z.infolist())
            if "xl/workbook.xml" not in z.namelist():
                raise JanError(f"{name}: a zip file, but not an Excel workbook (no xl/workbook.xml)")
    except zipfile.BadZipFile as exc:
        raise JanError(f"{name}: not a readable XLSX workbook ({exc})") from None
    except OSError as exc:
        raise JanError(f"{name}: cannot read ({exc.strerror})") from None
    if total > MAX_XLSX_XML_BYTES:
        raise JanError(f"{name}: {total:,} bytes uncompressed, over the {MAX_XLSX_XML_BYTES:,}-byte limit")
