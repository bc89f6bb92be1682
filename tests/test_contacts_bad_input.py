"""Malformed contact exports: each gives one clear line naming the file (and field or line), or a named skip;
never a traceback, never a half-loaded file."""

from __future__ import annotations

import csv
import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jan.cli import main
from jan.contacts import contact_count, list_files
from jan.contacts.generate import generate_export

HEAD = "date,channel,category,text,segment\n"
ROW = "2024-03-0{d},phone,Outage,The internet has been down since this morning,consumer\n"
GOOD = HEAD + "".join(ROW.format(d=d) for d in range(1, 8))


def _write(name: str, content: str | bytes):
    def setup(tmp: Path) -> list[str]:
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return ["contacts", "add", str(path)]
    return setup


def _sparse_2gb(tmp: Path) -> list[str]:
    path = tmp / "huge.csv"
    with open(path, "wb") as fh:
        fh.write(GOOD.encode())
        fh.truncate(2 * 1024**3)  # sparse: no disk used
    return ["contacts", "add", str(path)]


def _fifo(tmp: Path) -> list[str]:
    path = tmp / "pipe.csv"
    os.mkfifo(path)
    return ["contacts", "add", str(path)]


def _xlsx_garbage(tmp: Path) -> list[str]:
    import zipfile

    path = tmp / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<not really a workbook")
    return ["contacts", "add", str(path)]


def _args(*argv: str, content: str = GOOD):
    def setup(tmp: Path) -> list[str]:
        path = tmp / "export.csv"
        path.write_text(content, encoding="utf-8")
        return ["contacts", "add", str(path), *argv]
    return setup


# name -> (setup, expected message, exit code)
ERRORS = {
    "nonexistent-file": (lambda tmp: ["contacts", "add", str(tmp / "ghost.csv")], r"ghost\.csv: no such file", 2),
    "directory": (lambda tmp: ["contacts", "add", str(tmp)], r": is a folder; give an export file", 2),
    "empty-file": (_write("empty.csv", ""), r"empty\.csv: is empty; nothing imported", 2),
    "file-over-size-cap": (_sparse_2gb, r"huge\.csv: 2,147,483,648 bytes, over the 1,073,741,824-byte limit", 2),
    "binary-file": (_write("blob.csv", bytes(range(256)) * 40), r"blob\.csv: looks like a binary file", 2),
    "old-xls": (_write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), r"old\.xls: an old Excel", 2),
    "gzip": (_write("export.csv.gz", gzip.compress(GOOD.encode())), r"a compressed file; unpack it first", 2),
    "pdf": (_write("report.pdf", b"%PDF-1.7\n..."), r"report\.pdf: a PDF, not an export", 2),
    "fifo": (_fifo, r"pipe\.csv: not a regular file", 2),
    "header-only": (_write("head.csv", HEAD), r"head\.csv: has column names but no rows", 2),
    "only-comments": (_write("notes.csv", "# nothing here\n# at all\n"), r"notes\.csv: holds no rows", 2),
    "one-column": (_write("list.csv", "text\n" + "hello there\n" * 20), r"list\.csv: only one column found", 2),
    "missing-date-column": (_write("nodate.csv", "channel,text\n" + "phone,the line is dead again today\n" * 9),
                            r"nodate\.csv: no date column found \(columns: 'channel', 'text'\); name it with --map", 2),
    "missing-text-column": (_write("notext.csv", "date,channel\n" + "2024-01-01,phone\n" * 9),
                            r"notext\.csv: no text or category column found", 2),
    "all-dates-unparsable": (_write("dates.csv", HEAD + "yesterday,phone,Outage,down again,consumer\n" * 5),
                             r"dates\.csv: no usable rows \(5 bad: line 2: date: not a date", 2),
    "map-unknown-column": (_args("--map", "Kolom=text"), r"--map 'Kolom': no such column \(columns: 'date',", 2),
    "map-unknown-role": (_args("--map", "text=sentiment"), r"--map 'text=sentiment': unknown role 'sentiment'", 2),
    "map-without-role": (_args("--map", "text"), r"--map 'text': write COLUMN=ROLE", 2),
    "xlsx-not-a-zip": (_write("fake.xlsx", "date,text\n2024-01-01,hello\n"), r"fake\.xlsx: not an XLSX file", 2),
    "xlsx-damaged": (_xlsx_garbage, r"broken\.xlsx: not a readable XLSX workbook", 2),
    "json-array": (_write("array.json", '[{"date": "2024-01-01"}]'), r"array\.json: a JSON array; write one JSON", 2),
    "jsonl-no-objects": (_write("nums.jsonl", "1\n2\n3\n"), r"nums\.jsonl: no JSON objects", 2),
    "xlsx-unknown-sheet": (None, r"book\.xlsx: no sheet 'Missing' \(sheets: contacts\)", 2),
}


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    for var in list(os.environ):
        if var.startswith("JAN_"):
            monkeypatch.delenv(var)
    home = tmp_path / "home"
    monkeypatch.setenv("JAN_HOME", str(home))
    return home


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_export_gives_one_clear_line(case, home, tmp_path, capsys):
    setup, pattern, code = ERRORS[case]
    if setup is None:  # needs a real workbook
        generate_export(tmp_path / "book.xlsx", 20)
        argv = ["contacts", "add", str(tmp_path / "book.xlsx"), "--sheet", "Missing"]
    else:
        argv = setup(tmp_path)
    assert main(argv) == code
    out, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("jan: error: ") and re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in out + err
    assert contact_count(home) == 0 and list_files(home) == []


def _add(argv: list[str], capsys) -> tuple[int, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def test_wrong_delimiter_is_detected_and_said(home, tmp_path, capsys):
    path = tmp_path / "semicolons.csv"  # a .csv that is really semicolon- (or tab-) separated
    path.write_text(GOOD.replace(",", ";"), encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "semicolon-delimited" in out and "added 7 contacts" in out
    tsv = tmp_path / "tabs.csv"
    tsv.write_text(GOOD.replace(",", "\t"), encoding="utf-8")
    code, out = _add(["contacts", "add", str(tsv)], capsys)
    assert code == 0 and "tab-delimited" in out


def test_bom_does_not_hide_the_date_column(home, tmp_path, capsys):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "date      <- 'date' (by name" in out and "added 7 contacts" in out


def test_rows_with_too_many_or_too_few_fields_are_named(home, tmp_path, capsys):
    path = tmp_path / "ragged.csv"
    path.write_text(GOOD + "2024-03-09,phone,Outage,extra,field,here\n2024-03-10,phone\n" + ROW.format(d=9),
                    encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "added 8 contacts" in out and "(2 bad row(s) skipped)" in out
    assert "skipped line 9: more fields than the header" in out
    assert "skipped line 10: fewer fields than the header" in out


def test_quoted_newlines_keep_line_numbers_right(home, tmp_path, capsys):
    path = tmp_path / "multiline.csv"
    path.write_text(HEAD + '2024-03-01,chat,Outage,"first line\nsecond line\nthird",consumer\n'
                    + "not-a-date,chat,Outage,hello there,consumer\n" + ROW.format(d=2), encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "skipped line 5: date: not a date 'not-a-date'" in out


def test_empty_text_and_out_of_range_dates_are_named(home, tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    path.write_text(GOOD + "2024-03-09,phone,,,consumer\n1899-12-31,phone,Outage,old,consumer\n"
                    + ",phone,Outage,no date,consumer\n", encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "added 7 contacts" in out
    assert "skipped line 9: text: empty text" in out
    assert "skipped line 10: date: date out of range '1899-12-31'" in out
    assert "skipped line 11: date: empty date" in out


def test_jsonl_broken_lines_are_named(home, tmp_path, capsys):
    path = tmp_path / "export.jsonl"
    path.write_text('{"date": "2024-01-02", "channel": "chat", "text": "the app crashes on login again"}\n'
                    '{"date": "2024-01-03", "channel": "chat", "text": "broken\n'
                    '["not", "an", "object"]\n'
                    '{"date": "2024-01-04", "channel": "mail", "text": "my invoice is wrong this month"}\n',
                    encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "added 2 contacts" in out
    assert "skipped line 2: not valid JSON" in out and "skipped line 3: a JSON list, not an object" in out


def test_mixed_encodings_are_read_and_said(home, tmp_path, capsys):
    path = tmp_path / "mixed.csv"
    path.write_bytes(GOOD.encode() + "2024-03-09,phone,Outage,caf\u00e9 kapot,consumer\n".encode("cp1252"))
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "added 8 contacts" in out and "Windows-1252" in out


def test_formula_cells_are_stored_but_never_written_back_as_formulas(home, tmp_path, capsys):
    path = tmp_path / "formula.csv"
    evil = '=HYPERLINK("http://example.invalid/x","click")'
    rows = [["date", "channel", "category", "text"]] + [
        ["2024-01-0" + str(d), "phone", evil if d % 2 else "+SUM(A1:A9)", "@cmd|' /C calc'!A0 and some words"]
        for d in range(1, 9)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert _add(["contacts", "add", str(path)], capsys)[0] == 0
    out_csv, out_xlsx = tmp_path / "by-category.csv", tmp_path / "by-category.xlsx"
    assert _add(["contacts", "summary", "--by", "category", "-o", str(out_csv)], capsys)[0] == 0
    written = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert {r[0] for r in written[1:]} == {"'" + evil, "'+SUM(A1:A9)"}
    assert _add(["contacts", "summary", "--by", "category", "-o", str(out_xlsx)], capsys)[0] == 0
    from openpyxl import load_workbook

    ws = load_workbook(out_xlsx).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row[:1]]
    assert cells and all(c.data_type == "s" and c.value.startswith("'") for c in cells)
    assert _add(["contacts", "summary", "--by", "category", "-o", str(out_csv)], capsys)[0] == 2  # no overwrite


def test_escape_sequences_in_data_never_reach_the_terminal(home, tmp_path, capsys):
    path = tmp_path / "esc\x1b[31mred.csv"
    path.write_text(HEAD + "2024-01-01,phone,\x1b]8;;http://x\x07Outage\x1b[0m,text here,consumer\n"
                    + ROW.format(d=2), encoding="utf-8")
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "\x1b" not in out
    code, out = _add(["contacts", "summary", "--by", "category"], capsys)
    assert "\x1b" not in out and "\x07" not in out


def test_database_in_use_by_another_process(home, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert _add(["contacts", "add", str(path)], capsys)[0] == 0
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"c = duckdb.connect({str(home / 'contacts' / 'contacts.duckdb')!r})\n"
                               "print('held', flush=True)\ntime.sleep(60)\n"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        other = tmp_path / "other.csv"
        other.write_text(GOOD.replace("Outage", "Invoice"), encoding="utf-8")
        assert main(["contacts", "add", str(other)]) == 2
        err = capsys.readouterr().err
        assert "in use by another jan process" in err and "Traceback" not in err
    finally:
        holder.kill()
        holder.wait()


def test_damaged_database_is_one_line(home, tmp_path, capsys):
    db = home / "contacts" / "contacts.duckdb"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    path = tmp_path / "export.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert main(["contacts", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "the contacts database cannot be opened" in err and "move it aside" in err


def test_windows_line_ends_and_blank_lines_keep_line_numbers_right(home, tmp_path, capsys):
    path = tmp_path / "windows.csv"
    body = (HEAD + '2024-03-01,chat,Outage,"two\r\nlines",consumer\n\n' + "31-31-2024,chat,Outage,bad,consumer\n"
            + "\r\n" + ROW.format(d=2) + "2024-03-03,phone,,,consumer\n")
    path.write_bytes(body.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode())
    code, out = _add(["contacts", "add", str(path)], capsys)
    assert code == 0 and "added 2 contacts" in out
    assert "skipped line 5: date: not a date '31-31-2024'" in out and "skipped line 8: text: empty text" in out
