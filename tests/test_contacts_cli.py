"""`jan contacts …` end to end on a real DuckDB file: the mapping before the result, summary (text, JSON, file),
remove, topics, cite and chart; and the invented example export in corpus/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jan.cli import main
from jan.contacts.generate import EXAMPLE_NOTE, generate_export, write_example

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpus" / "contacts_example.csv"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    for var in list(os.environ):
        if var.startswith("JAN_"):
            monkeypatch.delenv(var)
    home = tmp_path / "home"
    monkeypatch.setenv("JAN_HOME", str(home))
    return home


def run(capsys, *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in out + err
    return out


def test_add_summary_remove(home, tmp_path, capsys):
    path = tmp_path / "export.csv"
    truth = generate_export(path, 1200, seed=3, lang="en", bad=4)
    out = run(capsys, "contacts", "add", str(path))
    lines = out.splitlines()
    assert lines[0].startswith("export.csv: CSV, comma-delimited, UTF-8")
    assert lines[1] == "  date      <- 'Date' (by name, written ISO)"
    assert lines.index(next(ln for ln in lines if ln.startswith("added "))) > 5  # the mapping comes first
    assert f"added {truth.rows:,} contacts from export.csv (4 bad row(s) skipped)" in out
    assert out.count("  skipped line ") == 4
    out = run(capsys, "contacts", "add", str(path))
    assert "already loaded (same content" in out and "nothing changed" in out
    data = json.loads(run(capsys, "contacts", "summary", "--by", "channel", "--json"))
    assert data["total"] == truth.rows and data["files"] == 1
    assert {r["value"]: r["count"] for r in data["rows"]} == {
        {"phone": "phone", "chat": "chat", "email": "email", "webform": "web form", "social": "social media",
         "store": "shop"}[k]: v for k, v in truth.by_channel.items()}
    out = run(capsys, "contacts", "summary", "--by", "month")
    assert f"{truth.rows:,} contacts in 2024 from 1 export(s)" in out and "2024-06" in out
    out = run(capsys, "contacts", "summary", "--bad", "export.csv")
    assert out.count("  line ") == 4
    assert "removed export.csv" in run(capsys, "contacts", "remove", str(path))
    assert "no contacts loaded" in run(capsys, "contacts", "summary")
    assert main(["contacts", "remove", str(path)]) == 2
    assert "not among the loaded contact exports" in capsys.readouterr().err


def test_map_and_dry_run(home, tmp_path, capsys):
    path = tmp_path / "odd.csv"
    path.write_text("when,how,what\n" + "".join(f"2024-02-{d:02d},chat,my modem keeps restarting {d}\n"
                                                 for d in range(1, 21)), encoding="utf-8")
    out = run(capsys, "contacts", "add", str(path), "--map", "when=date", "--map", "what=text", "--dry-run")
    assert "date      <- 'when' (by --map" in out and "text      <- 'what' (by --map)" in out
    assert "dry run: nothing stored" in out
    assert "no contacts loaded" in run(capsys, "contacts", "summary")
    out = run(capsys, "contacts", "add", str(path), "--map", "when=date", "--map", "what=text", "--no-topics")
    assert "added 20 contacts" in out


def test_the_example_export_is_labelled_and_loads(home, tmp_path, capsys):
    assert EXAMPLE.is_file(), "corpus/contacts_example.csv: python -m jan.contacts.generate --example"
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# {EXAMPLE_NOTE}" and "INVENTED" in first
    fresh = tmp_path / "example.csv"
    truth = write_example(fresh)
    assert fresh.read_bytes() == EXAMPLE.read_bytes(), "the example is regenerated exactly by its generator"
    assert 2000 <= truth.rows <= 5000
    out = run(capsys, "contacts", "add", str(EXAMPLE))
    assert "semicolon-delimited" in out and "1 comment line(s) skipped" in out
    assert f"added {truth.rows:,} contacts" in out and "topic(s) found" in out
    topics = json.loads(run(capsys, "contacts", "topics", "--json", "--lang", "nl"))
    assert sum(t["size"] for t in topics) == truth.rows
    out = run(capsys, "contacts", "cite", "telefoonnummer", "klachten", "--lang", "nl")
    assert "[C1 ✓ counted]" in out and "Contacten via telefoon gingen van" in out and "kwam binnen via telefoon" in out
    svg = tmp_path / "chart.svg"
    assert "wrote" in run(capsys, "contacts", "chart", "-o", str(svg))
    assert svg.read_text(encoding="utf-8").startswith("<svg")
    md = tmp_path / "chart.md"
    run(capsys, "contacts", "chart", "-o", str(md), "--lang", "nl")
    assert "**Contacten per kanaal per maand**" in md.read_text(encoding="utf-8")
    cites = json.loads(run(capsys, "contacts", "cite", "phone", "--json"))
    assert all(c["verified"] and c["query"] for c in cites)
