"""Naming a bad record by the line it starts on in the export. DuckDB numbers nothing, but it keeps the file's
order, so a record's number is known. When every record is one line, its line follows from counting
newlines; otherwise (quoted newlines, blank lines) from one pass with numpy: where every newline is, and
which end a record (those outside quotes: an even number of quote characters before them). Blank lines,
skipped comment lines, the header and DuckDB's rejected records are not data records. Only run when a load
has bad rows."""

from __future__ import annotations

from .sniff import Source


def _newlines(path):
    """(byte offsets of all newlines, for each whether it ends a record, size of the file, its last byte)."""
    import numpy as np

    offsets, ends = [], []
    pos = odd = 0
    last = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 23):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(arr == 10)
            quotes = np.flatnonzero(arr == 34)
            ends.append(((np.searchsorted(quotes, nl) + odd) & 1) == 0)  # quotes before each newline, mod 2
            offsets.append(nl + pos)
            odd = (odd + len(quotes)) & 1
            pos, last = pos + len(chunk), chunk[-1:]
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate(offsets) if offsets else empty,
            np.concatenate(ends) if ends else empty.astype(bool), pos, last)


def line_numbers(src: Source, recs: list[int], reject_offsets: list[int], n_records: int
                 ) -> tuple[list[int], dict[int, int]]:
    """(the line of each rejected record, {record number: line} for `recs`). Only for a CSV DuckDB read as it
    is; a converted source carries its lines in `__line`."""
    if src.line_column or (not recs and not reject_offsets):
        return [0] * len(reject_offsets), {}
    rejected, total_lines = lines_at(src.path, sorted(reject_offsets))
    first = src.skip + (1 if src.header else 0)
    if total_lines == first + n_records + len(rejected):  # one line per record: count
        out, j = {}, 0
        for rec in sorted(recs):
            line = rec + first + j
            while j < len(rejected) and rejected[j] <= line:
                j += 1
                line = rec + first + j
            out[rec] = line
        return rejected, out
    nl, ends, size, _ = _newlines(src.path)  # quoted newlines or blank lines: find where records end
    return rejected, _records(src, nl, ends, size, set(recs), set(rejected))


def lines_at(path, offsets: list[int]) -> tuple[list[int], int]:
    """The line (1-based) holding each byte offset (offsets sorted), and the number of lines in the file: one
    cheap pass counting newlines."""
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


def _records(src: Source, nl, ends, size: int, wanted: set[int], rejected: set[int]) -> dict[int, int]:
    import numpy as np

    end = nl[ends]
    end_line = np.flatnonzero(ends) + 1  # the line each record-ending newline closes
    if size and (not len(nl) or nl[-1] != size - 1):  # a last record without a newline
        end, end_line = np.append(end, size), np.append(end_line, len(nl) + 1)
    start = np.concatenate([[0], end[:-1] + 1])
    start_line = np.concatenate([[1], end_line[:-1] + 1])
    length = end - start
    blank = length == 0
    one = np.flatnonzero(length == 1)
    if one.size:  # a lone carriage return is a blank line too
        import mmap

        with open(src.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            view = np.frombuffer(mm, dtype=np.uint8)
            blank[one] = view[start[one]] == 13
            del view
    keep = ~blank & (start_line > src.skip) & ~np.isin(start_line, np.fromiter(rejected, dtype=np.int64))
    lines = start_line[keep][1 if src.header else 0:]
    return {r: int(lines[r - 1]) if 0 < r <= len(lines) else 0 for r in wanted}
