"""Contact exports into a real DuckDB file under tmp_path: every count compared with plain Python over the file,
bad rows named by their line, one transaction, idempotent re-adds, remove."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from jan.contacts import add_file, contact_count, list_files, remove_file, summary
from jan.contacts.generate import generate_export
from jan.contacts.phrases import CHANNELS

RAW_CHANNEL = {name: canon for lang in CHANNELS.values() for canon, name in lang.items()}
FORMATS = {"iso": "%Y-%m-%d", "dmy": "%d-%m-%Y", "mdy": "%m/%d/%Y"}


def plain_counts(path: Path, delimiter: str = ",", date_style: str = "iso", encoding: str = "utf-8-sig"):
    """The counts an export should give, computed with the csv module alone: (rows, by channel, by category,
    by month, by segment, bad lines)."""
    by = {k: Counter() for k in ("channel", "category", "month", "segment")}
    rows, bad = 0, []
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header, end = None, 0
        for rec in reader:
            start, end = end + 1, reader.line_num
            if not rec or rec[0].startswith("#"):
                continue
            if header is None:
                header = [h.lower() for h in rec]
                continue
            if len(rec) != len(header):
                bad.append(start)
                continue
            row = dict(zip(header, rec, strict=True))
            date_key = next(k for k in row if k in ("date", "datum"))
            try:
                d = datetime.strptime(row[date_key], FORMATS[date_style])
            except ValueError:
                bad.append(start)
                continue
            text = row.get("description", row.get("omschrijving", "")).strip()
            cat = row.get("category", row.get("categorie", "")).strip()
            if not text and not cat:
                bad.append(start)
                continue
            rows += 1
            by["month"][d.strftime("%Y-%m")] += 1
            by["channel"][RAW_CHANNEL[row.get("channel", row.get("kanaal"))]] += 1
            if cat:
                by["category"][cat] += 1
            seg = row.get("segment", row.get("klantsegment", ""))
            if seg:
                by["segment"][seg] += 1
    return rows, by, bad


def _texts(home: Path) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(home / "contacts" / "contacts.duckdb"), read_only=True)
    try:
        return [{"value": r[0]} for r in con.execute("SELECT text FROM contacts").fetchall()]
    finally:
        con.close()


def db_counts(home: Path, by: str) -> Counter:
    return Counter({v: n for v, n in summary(home, by).rows})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.mark.parametrize("lang,delimiter,style", [("nl", ",", "iso"), ("en", ";", "dmy"), ("nl", "\t", "mdy")])
def test_counts_match_plain_python(home, tmp_path, lang, delimiter, style):
    path = tmp_path / "export.csv"
    truth = generate_export(path, 3000, seed=1, lang=lang, delimiter=delimiter, date_style=style, bad=40,
                            mixed=0.3, newlines=True)
    report = add_file(home, path)
    rows, by, bad = plain_counts(path, delimiter, style)
    assert report.rows == rows == truth.rows
    assert report.bad == len(bad) == len(truth.bad_lines) == 40
    assert sorted(r[0] for r in report.bad_rows) == bad == truth.bad_lines
    for dim in ("channel", "category", "month", "segment"):
        assert db_counts(home, dim) == by[dim], dim
    assert contact_count(home) == rows


def test_bad_rows_named_by_line_in_a_large_file_read_in_parallel(home, tmp_path):
    """DuckDB reads a large file with several threads: record numbers (and so lines) must still be right,
    with quoted newlines before the bad rows."""
    path = tmp_path / "big.csv"
    truth = generate_export(path, 150_000, seed=7, bad=25, newlines=True)
    report = add_file(home, path)
    assert [r[0] for r in report.bad_rows] == truth.bad_lines
    assert report.rows == truth.rows
    lines = path.read_text(encoding="utf-8").split("\n")
    for line, field, _why, value in report.bad_rows:
        if field == "date":
            assert lines[line - 1].startswith(value)


def test_one_record_per_line_needs_no_second_read(home, tmp_path):
    path = tmp_path / "plain.csv"
    truth = generate_export(path, 2000, seed=3, bad=12)
    report = add_file(home, path)
    assert [r[0] for r in report.bad_rows] == truth.bad_lines


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl", ".tsv"])
def test_other_formats_give_the_same_counts(home, tmp_path, suffix):
    path = tmp_path / f"export{suffix}"
    truth = generate_export(path, 800, seed=2, lang="en", bad=9)
    report = add_file(home, path)
    assert report.rows == truth.rows
    assert sorted(r[0] for r in report.bad_rows) == truth.bad_lines
    assert db_counts(home, "channel") == truth.by_channel
    assert db_counts(home, "category") == truth.by_category
    assert db_counts(home, "month") == truth.by_month


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252", "utf-16"])
def test_encodings(home, tmp_path, encoding):
    path = tmp_path / "export.csv"
    truth = generate_export(path, 500, seed=4, encoding=encoding)
    with open(path, "a", encoding=encoding if encoding != "utf-16" else "utf-16-le", newline="") as fh:
        fh.write("2024-05-05,Telefoon,Factuur,Caf\u00e9 r\u00e9kening te hoog,Zakelijk\n")
    report = add_file(home, path)
    assert report.rows == truth.rows + 1
    truth.by_channel["phone"] += 1
    assert db_counts(home, "channel") == truth.by_channel
    assert "Café rékening te hoog" in [r["value"] for r in _texts(home)]
    assert report.mapping.column("date") == "Datum"  # a BOM does not stick to the first column's name


def test_mixed_encodings_beyond_the_sample_are_read_line_by_line(home, tmp_path):
    """A UTF-8 file whose later lines are Windows-1252 (two exports pasted together): DuckDB rejects them,
    the file is read line by line, and no row is lost."""
    path = tmp_path / "mixed.csv"
    truth = generate_export(path, 20_000, seed=5)
    raw = path.read_bytes()
    cut = raw.rfind(b"\n", 0, len(raw) - 2000) + 1
    tail = raw[cut:].decode("utf-8").replace("Omschrijving", "x") + "2024-05-05,Telefoon,Factuur,Caf\u00e9 r\u00e9kening,Zakelijk\n"
    path.write_bytes(raw[:cut] + tail.encode("cp1252"))
    report = add_file(home, path)
    assert report.rows == truth.rows + 1
    assert any("Windows-1252" in n for n in report.notes)
    assert summary(home, "category").total == truth.rows + 1


def test_readding_the_same_file_changes_nothing(home, tmp_path):
    path = tmp_path / "export.csv"
    generate_export(path, 300, seed=1)
    first = add_file(home, path)
    copy = tmp_path / "copy-with-another-name.csv"
    copy.write_bytes(path.read_bytes())
    again, other = add_file(home, path), add_file(home, copy)
    assert again.already and other.already and again.file_id == first.file_id
    assert contact_count(home) == first.rows and len(list_files(home)) == 1


def test_remove_and_add_again(home, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    ta, tb = generate_export(a, 300, seed=1), generate_export(b, 200, seed=2)
    add_file(home, a)
    add_file(home, b)
    assert contact_count(home) == ta.rows + tb.rows
    removed = remove_file(home, str(a))
    assert removed.name == "a.csv" and contact_count(home) == tb.rows
    a.unlink()  # a file no longer on disk is found by its name or sha256
    assert remove_file(home, "b.csv").rows == tb.rows and contact_count(home) == 0
    generate_export(a, 300, seed=1)
    assert add_file(home, a).rows == ta.rows


def test_a_failure_mid_import_leaves_nothing(home, tmp_path, monkeypatch):
    import jan.contacts.load as load

    path = tmp_path / "export.csv"
    generate_export(path, 500, seed=1, bad=3)

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load, "_bad_rows", boom)
    with pytest.raises(RuntimeError):
        add_file(home, path)
    assert contact_count(home) == 0 and list_files(home) == []
    monkeypatch.undo()
    assert add_file(home, path).rows == 497


def test_a_killed_import_leaves_nothing(home, tmp_path):
    """The process dies inside the transaction (after the rows went in): the next open sees none of them."""
    path = tmp_path / "export.csv"
    generate_export(path, 5000, seed=1, bad=2)
    script = (
        "import os, signal, sys\n"
        "import jan.contacts.load as load\n"
        "def die(*a, **k):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "load._bad_rows = die\n"
        f"load.add_file({str(home)!r}, {str(path)!r})\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == -9
    assert contact_count(home) == 0 and list_files(home) == []
    assert add_file(home, path).rows == 4998


def test_mapping_is_shown_before_anything_is_stored(home, tmp_path):
    path = tmp_path / "export.csv"
    generate_export(path, 100, seed=1)
    seen = []

    def stop(src, mapping):
        seen.append(mapping.describe())
        raise KeyboardInterrupt  # the user says no

    with pytest.raises(KeyboardInterrupt):
        add_file(home, path, on_mapping=stop)
    assert seen and "date      <- 'Datum' (by name, written ISO)" in seen[0]
    assert contact_count(home) == 0 and list_files(home) == []
    report = add_file(home, path, dry_run=True)
    assert report.dry_run and report.mapping and contact_count(home) == 0


def test_columns_by_content_and_by_map(home, tmp_path):
    path = tmp_path / "odd.csv"
    rows = [["k1", "k2", "k3", "k4"]]
    for i in range(60):
        rows.append([f"{i + 1:02d}/03/2024"[-10:] if i < 28 else "15/03/2024", ["chat", "telefoon", "mail"][i % 3],
                     f"row {i}", f"The router keeps dropping the connection every evening, case {i}"])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    report = add_file(home, path, maps={"k3": "ignore"}, dry_run=True)
    m = report.mapping
    assert (m.column("date"), m.column("channel"), m.column("text"), m.column("category")) == ("k1", "k2", "k4", None)
    assert m.how["date"] == "content" and m.date_order == "dmy"
    report = add_file(home, path, maps={"k3": "category", "k4": "ignore"})
    assert report.mapping.column("category") == "k3" and report.mapping.column("text") is None
    assert report.rows == 60 and db_counts(home, "channel") == Counter({"chat": 20, "phone": 20, "email": 20})


def test_file_record_keeps_mapping_and_notes(home, tmp_path):
    path = tmp_path / "export.csv"
    generate_export(path, 50, seed=1, comment="invented\nfor a test")
    add_file(home, path)
    (info,) = list_files(home)
    assert info.mapping["roles"]["text"] == "Omschrijving" and info.rows == 50
    assert json.dumps(info.to_dict())
    assert os.path.exists(home / "contacts" / "contacts.duckdb")


def test_a_subject_column_of_free_text_is_text_not_category(home, tmp_path):
    path = tmp_path / "mail.csv"
    rows = [["Received", "Subject"]] + [[f"2024-04-{d:02d}", f"My invoice number {d} shows a charge I do not know about"]
                                        for d in range(1, 29)]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    m = add_file(home, path, dry_run=True).mapping
    assert m.column("text") == "Subject" and m.column("category") is None and m.column("date") == "Received"
