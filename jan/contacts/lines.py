"""Naming a bad record by the line it starts on in the export. DuckDB numbers the records it reads; when every
record is one line (no quoted newlines, no blank lines) the line follows from the record number and the
rejected lines before it; otherwise the file is read once more with Python's csv module, only for the records
that need a name."""

from __future__ import annotations

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
    """{record: start line} for the records in `wanted`, found by where the records end: a newline outside
    quotes (an even number of quote characters before it). Vectorised with numpy, chunk by chunk; blank
    lines, the skipped comment lines, the header and DuckDB's rejected records are not data records."""
    if not wanted:
        return {}
    import numpy as np

    ends, end_lines = [], []  # byte offset and line number of every newline that ends a record
    seen_lines = pos = 0
    odd = 0  # quotes so far, mod 2
    with open(src.path, "rb") as fh:
        while chunk := fh.read(1 << 23):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            nl = np.flatnonzero(arr == 10)
            quotes = np.flatnonzero(arr == 34)
            outside = ((np.searchsorted(quotes, nl) + odd) & 1) == 0  # quotes before each newline, mod 2
            ends.append(nl[outside] + pos)
            end_lines.append(np.flatnonzero(outside) + seen_lines + 1)
            odd = (odd + len(quotes)) & 1
            seen_lines += len(nl)
            pos += len(chunk)
    end = np.concatenate(ends) if ends else np.zeros(0, dtype=np.int64)
    end_line = np.concatenate(end_lines) if end_lines else np.zeros(0, dtype=np.int64)
    if pos and (not len(end) or end[-1] != pos - 1):  # a last record without a newline
        end, end_line = np.append(end, pos), np.append(end_line, seen_lines + 1)
    start = np.concatenate([[0], end[:-1] + 1])
    start_line = np.concatenate([[1], end_line[:-1] + 1])
    length = end - start
    blank = length == 0
    one = np.flatnonzero(length == 1)
    if one.size:  # a lone carriage return is a blank line too
        import mmap

        with open(src.path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            blank[one] = np.frombuffer(mm, dtype=np.uint8)[start[one]] == 13
    keep = ~blank & (start_line > src.skip) & ~np.isin(start_line, np.fromiter(rejected, dtype=np.int64))
    lines = start_line[keep][1 if src.header else 0:]
    return {r: int(lines[r - 1]) if 0 < r <= len(lines) else 0 for r in wanted}
