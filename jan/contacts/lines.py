"""Naming a bad record by the line it starts on in the export. DuckDB numbers the records it reads; when every
record is one line (no quoted newlines, no blank lines) the line follows from the record number and the
rejected lines before it; otherwise the file is read once more with Python's csv module, only for the records
that need a name."""

from __future__ import annotations

import csv

from .sniff import Source


def lines_at(path, offsets: list[int]) -> tuple[list[int], int]:
    """The line (1-based) holding each byte offset (offsets sorted), and the number of lines in the file."""
    out: list[int] = []
    i = seen = pos = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            end = pos + len(chunk)
            while i < len(offsets) and offsets[i] < end:
                out.append(seen + chunk.count(b"\n", 0, max(0, offsets[i] - pos)) + 1)
                i += 1
            seen += chunk.count(b"\n")
            pos, last = end, chunk[-1:]
    out += [seen + 1] * (len(offsets) - i)
    return out, seen + (1 if last and last != b"\n" else 0)


def line_numbers(src: Source, recs: list[int], reject_offsets: list[int], n_records: int
                 ) -> tuple[list[int], dict[int, int]]:
    """(the line of each rejected record, {record number: line} for `recs`). Only for a CSV DuckDB read as it
    is; a converted source carries its lines in `__line`."""
    if src.line_column or (not recs and not reject_offsets):
        return [0] * len(reject_offsets), {}
    reject_lines, total_lines = lines_at(src.path, sorted(reject_offsets))
    first = src.skip + (1 if src.header else 0)
    if total_lines == first + n_records + len(reject_lines):  # one line per record: count
        out, j = {}, 0
        for rec in sorted(recs):
            line = rec + first + j
            while j < len(reject_lines) and reject_lines[j] <= line:
                j += 1
                line = rec + first + j
            out[rec] = line
        return reject_lines, out
    return reject_lines, _scan(src, set(recs), set(reject_lines))


def _scan(src: Source, wanted: set[int], rejected: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    if not wanted:
        return out
    with open(src.path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=src.delimiter)
        end = rec = 0
        header = src.header
        try:
            for row in reader:
                start, end = end + 1, reader.line_num
                if start <= src.skip or not any(row):
                    continue
                if header:
                    header = False
                    continue
                if start in rejected:
                    continue
                rec += 1
                if rec in wanted:
                    out[rec] = start
                    if len(out) == len(wanted):
                        break
        except csv.Error:
            pass
    return {r: out.get(r, 0) for r in wanted}
