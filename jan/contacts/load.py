"""`add_file`: an export into the contacts database in one transaction. DuckDB reads the file itself (a UTF-8
CSV/TSV directly; anything else after `convert`); every row is parsed in SQL; rows with a bad date or with
nothing to say what they are about are counted, named by line and kept out; re-adding the same content
(same sha256) changes nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..core.errors import JanError
from .columns import Mapping, channel_fixes, channel_sql, date_sql, recognise
from .convert import jsonl_source, transcode_csv, xlsx_source
from .lines import line_numbers
from .sniff import Source, check_file, detect_encoding, detect_format, read_head, sniff_csv
from .store import connect, refresh_views, rows_table, sha256_file

MAX_LINE_BYTES = 2 << 20  # DuckDB's default; a larger one makes it write the table again at close
KEEP_BAD = 10_000  # bad rows named in the database; all are counted


@dataclass
class AddReport:
    path: Path
    sha256: str
    file_id: int | None = None
    rows: int = 0
    bad: int = 0
    bad_rows: list[tuple[int, str, str, str]] = field(default_factory=list)  # first ones: line, field, reason, value
    mapping: Mapping | None = None
    source: Source | None = None
    already: bool = False
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def notes(self) -> list[str]:
        return list(self.source.notes) if self.source else []


def prepare(path: Path, head: bytes, tmp: Path, sheet: str | None = None) -> Source:
    """The export sniffed and, when DuckDB should not read it as it is, converted into `tmp`."""
    fmt = detect_format(path, head)
    if fmt == "xlsx":
        return xlsx_source(path, tmp / "converted.csv", sheet)
    if fmt == "jsonl":
        return jsonl_source(path, tmp / "converted.csv")
    encoding = detect_encoding(head)
    src = sniff_csv(path, head, encoding)
    if encoding != "utf-8":
        return transcode_csv(src, tmp / "converted.csv")
    src.load_path = path
    return src


def add_file(home: Path, path: Path | str, *, maps: dict[str, str] | None = None, sheet: str | None = None,
             date_order: str | None = None, on_mapping: Callable[[Source, Mapping], None] | None = None,
             dry_run: bool = False) -> AddReport:
    """Load one export. `on_mapping(source, mapping)` is called before anything is stored (the CLI prints it).
    Raises JanError with one line naming the file (and field or line) for anything it cannot load."""
    started = time.perf_counter()
    path = Path(path)
    size = check_file(path).st_size
    head = read_head(path)
    detect_format(path, head)  # refuse binaries and the like before hashing a large file
    report = AddReport(path=path, sha256="", dry_run=dry_run)
    with ThreadPoolExecutor(1) as pool, connect(home, write=True) as con:
        # the content's sha256 is computed while DuckDB loads; only a file of a size already loaded can be
        # a re-add, and that one is hashed before anything else happens
        digest = pool.submit(sha256_file, path)
        if con.execute("SELECT count(*) FROM files WHERE size = ?", [size]).fetchone()[0]:
            report.sha256 = digest.result()
            hit = con.execute("SELECT file_id, rows, bad FROM files WHERE sha256 = ?", [report.sha256]).fetchone()
            if hit:
                report.file_id, report.rows, report.bad, report.already = int(hit[0]), int(hit[1]), int(hit[2]), True
                return report
        tmp = Path(tempfile.mkdtemp(prefix="import-", dir=Path(home) / "contacts"))
        try:
            src = report.source = prepare(path, head, tmp, sheet)
            mapping = report.mapping = recognise(src.columns, src.sample, maps, date_order, where=src.name)
            if on_mapping:
                on_mapping(src, mapping)
            if dry_run:
                report.sha256 = digest.result()
                return report
            _load(con, src, mapping, report, tmp, digest)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _read_csv(src: Source) -> tuple[str, list[str]]:
    """The read_csv(...) call for the load file and the internal column names (c0, c1 …)."""
    names = (["__line"] if src.line_column else []) + [f"c{i}" for i in range(len(src.columns))]
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    delim = src.delimiter.replace("'", "''")
    path = str(src.load_path).replace("'", "''")
    header = "true" if (src.header or src.line_column) else "false"
    skip = 0 if src.line_column else src.skip
    return (f"read_csv('{path}', delim='{delim}', header={header}, skip={skip}, quote='\"', escape='\"', "
            f"auto_detect=false, columns={columns}, store_rejects=true, rejects_table='jan_rejects', "
            f"rejects_scan='jan_rejects_scan')"), names


def _select(src: Source, mapping: Mapping) -> str:
    """The SELECT that parses every record in the file's order; `problem` says why a record is bad
    ('field<TAB>why<TAB>value').
    Kept lean (the reader gives NULL for empty fields; no trim over a million values): the whole-row check is
    cheap and the detail is built only for bad rows; stray spaces are tidied after the load (`_tidy`)."""
    reader, _ = _read_csv(src)

    def col(role: str) -> str:
        i = mapping.roles.get(role)
        return "NULL::VARCHAR" if i is None else f"c{i}"

    line = "TRY_CAST(__line AS BIGINT)" if src.line_column else "NULL::BIGINT"
    raw = f"c{mapping.roles['date']}"
    about = [f"({r} IS NULL OR (strlen({r}) < 16 AND trim({r}) = ''))" for r, role in (("txt", "text"),
             ("cat", "category")) if role in mapping.roles]
    what = "text" if "text" in mapping.roles else "category"
    ch = mapping.roles.get("channel")
    channel = "NULL::VARCHAR" if ch is None else channel_sql(f"c{ch}", [r[ch] for r in src.sample if ch < len(r)])
    bad_date = "d IS NULL OR d < DATE '1970-01-01' OR d > DATE '2100-12-31'"
    keep = ["line"] if src.line_column else []
    keep += [f"{c} AS {name}" for c, name in (("d", "date"), ("ch", "channel"), ("cat", "category"),
                                              ("txt", "text"), ("seg", "segment"))
             if name == "date" or name in mapping.roles]
    return f"""
      SELECT {', '.join(keep)},
        CASE WHEN {bad_date} OR ({' AND '.join(about)}) THEN
          CASE WHEN trim(coalesce(raw_date, '')) = '' THEN 'date' || chr(9) || 'empty date' || chr(9)
               WHEN d IS NULL THEN 'date' || chr(9) || 'not a date' || chr(9) || left(trim(raw_date), 60)
               WHEN {bad_date} THEN 'date' || chr(9) || 'date out of range' || chr(9) || left(trim(raw_date), 60)
               ELSE '{what}' || chr(9) || 'empty {what}' || chr(9) END END AS problem
      FROM (SELECT {line} AS line, {raw} AS raw_date,
                   {date_sql(raw, mapping.date_order)} AS d, {channel} AS ch,
                   {col('category')} AS cat, {col('text')} AS txt, {col('segment')} AS seg
            FROM {reader})"""


def _tidy(con, table: str, mapping: Mapping) -> None:
    """After the load, from the distinct values only (one scan): channel values that first appeared after the
    sample mapped to their canonical name, and category or segment values with stray spaces trimmed."""
    columns = [c for c in ("channel", "category", "segment") if c in mapping.roles]
    if not columns:
        return
    found = con.execute("SELECT " + ", ".join(f"list(DISTINCT {c})" for c in columns) + f" FROM {table}").fetchone()
    for column, values in zip(columns, found, strict=True):
        values = values or []
        fixes = channel_fixes(values) if column == "channel" else {}
        for v in values:
            if v is not None and v != v.strip():
                fixes.setdefault(v, v.strip() or None)
        for raw, new in fixes.items():
            con.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", [new, raw])


def _load(con, src: Source, mapping: Mapping, report: AddReport, tmp: Path, digest: Future) -> None:
    """Everything in one transaction: contacts, bad rows, the file's row; a failure rolls all of it back. A CSV
    whose lines mix encodings is read line by line instead (`convert.transcode_csv`) and loaded again."""
    import duckdb

    file_id = int(con.execute("SELECT coalesce(max(file_id), 0) + 1 FROM files").fetchone()[0])
    table = rows_table(file_id)
    for attempt in (1, 2):
        con.execute("BEGIN TRANSACTION")
        try:
            try:
                con.execute(f"CREATE OR REPLACE TABLE {table} AS " + _select(src, mapping))
            except duckdb.Error as exc:
                raise JanError(f"{src.name}: cannot be read as {src.format.upper()} "
                               f"({str(exc).splitlines()[0][:200]})") from None
            rejects = _rejects(con)
            if attempt == 1 and not src.line_column and any(kind == "INVALID ENCODING" for _, kind, _ in rejects):
                con.execute("ROLLBACK")
                transcode_csv(src, tmp / "converted.csv")
                continue
            total, parsed_bad = con.execute(f"SELECT count(*), count(problem) FROM {table}").fetchone()
            _bad_rows(con, src, file_id, rejects, int(total), int(parsed_bad), report)
            # bad rows stay in the table, marked: the contacts view leaves them out
            _tidy(con, table, mapping)
            rows = total - parsed_bad
            if rows == 0:
                first = "; ".join(f"{src.line_word} {ln}: {f or 'row'}: {why}" for ln, f, why, _ in report.bad_rows[:2])
                raise JanError(f"{src.name}: no usable rows ({report.bad:,} bad{': ' + first if first else ''}); "
                               "nothing imported")
            report.sha256 = digest.result()
            con.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                        [file_id, report.sha256, str(src.path.resolve()), src.path.name, src.path.stat().st_size,
                         src.format, rows, report.bad, json.dumps(mapping.to_dict()), json.dumps(src.notes),
                         datetime.now().replace(microsecond=0)])
            refresh_views(con)
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # nothing open
            raise
        finally:
            con.execute("DROP TABLE IF EXISTS jan_rejects; DROP TABLE IF EXISTS jan_rejects_scan")
        report.file_id, report.rows = file_id, rows
        return


def _rejects(con) -> list[tuple[int, str, str]]:
    """DuckDB's rejected records of this load: (byte offset, error type, message)."""
    try:
        rows = con.execute("SELECT line_byte_position, arg_min(error_type::VARCHAR, column_idx), "
                           "arg_min(error_message, column_idx) FROM jan_rejects GROUP BY line_byte_position "
                           "ORDER BY line_byte_position").fetchall()  # one row per record, not per column
    except Exception:  # no table: nothing was rejected
        return []
    return [(int(r[0] or 0), r[1], r[2]) for r in rows]


_REJECT_WHY = {"TOO MANY COLUMNS": "more fields than the header", "MISSING COLUMNS": "fewer fields than the header",
               "LINE SIZE OVER MAXIMUM": f"line longer than {MAX_LINE_BYTES:,} bytes",
               "UNQUOTED VALUE": "a quote inside an unquoted field", "INVALID STATE": "broken quoting",
               "INVALID ENCODING": "not UTF-8"}


def _bad_rows(con, src: Source, file_id: int, rejects: list[tuple[int, str, str]], total: int, parsed_bad: int,
              report: AddReport) -> None:
    """Name the bad rows by their line: those parsed but unusable (problem set), DuckDB's rejects, and those the
    conversion found. At most KEEP_BAD are stored; all are counted."""
    report.bad = parsed_bad + len(rejects) + len(src.bad)
    # rows keep the file's order in their table (DuckDB preserves insertion order), so a record's number is its
    # rowid's distance from the first (rowids inside a transaction start high): no row_number(), which would
    # make the load sequential
    line = "line" if src.line_column else "NULL"
    table = rows_table(file_id)
    recs = con.execute(f"SELECT rowid - (SELECT min(rowid) FROM {table}) + 1, {line}, problem FROM {table} "
                       "WHERE problem IS NOT NULL ORDER BY rowid LIMIT ?", [KEEP_BAD]).fetchall() if parsed_bad else []
    reject_lines, lines = line_numbers(src, [r[0] for r in recs if r[1] is None], [b for b, _, _ in rejects], total)
    named = list(src.bad)
    for (_, kind, msg), ln in zip(rejects, reject_lines, strict=True):
        named.append((ln, "", _REJECT_WHY.get(kind, msg.split(".")[0]), ""))
    for rec, line, problem in recs:
        fld, why, value = (problem.split("\t") + ["", ""])[:3]
        named.append((line if line is not None else lines[rec], fld, why, value))
    named.sort(key=lambda r: r[0])
    report.bad_rows = named[:KEEP_BAD]
    if named:
        con.executemany("INSERT INTO bad_rows VALUES (?, ?, ?, ?, ?)",
                        [[file_id, ln, f, why, v] for ln, f, why, v in named[:KEEP_BAD]])
