"""The contacts in the CLI's documents: `jan brief` (HTML charts, markdown tables), `jan meetings export`, and
`jan contacts example`, which `make run` calls to load the invented example export once per home."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from helpers import run_jan

from jan.contacts import add_file, contact_count
from jan.contacts.generate import generate_export
from jan.core.config import BUILTIN_CORPUS

PROPOSAL = "Remove the phone number from the website because of too many complaints"


@pytest.fixture
def with_contacts(jan_env, tmp_path):
    path = tmp_path / "export.csv"
    generate_export(path, 1500, seed=3, lang="en")
    add_file(Path(jan_env["JAN_HOME"]), path)
    with open(path, encoding="utf-8", newline="") as fh:
        return Counter(row["Category"] for row in csv.DictReader(fh))


def test_brief_html_and_markdown_carry_the_contacts(with_contacts, tmp_path, capsys):
    total = sum(with_contacts.values())
    page = tmp_path / "brief.html"
    code, out, err = run_jan(capsys, "brief", PROPOSAL, "--personas", "tester", "--model", "none", "-o", page)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "<script" not in html
    assert f"{total:,} contacts in 2024" in html
    name, n = with_contacts.most_common(1)[0]
    assert f">{name}</text>" in html and f">{n:,} (" in html
    md = tmp_path / "brief.md"
    code, out, err = run_jan(capsys, "brief", PROPOSAL, "--personas", "tester", "--model", "none", "-o", md)
    assert code == 0, err
    text = md.read_text(encoding="utf-8")
    assert "## What our own customers contact us about" in text
    assert f"| {name} | {n:,} | {round(100 * n / total)} % |" in text and "| month |" in text


def test_brief_without_contacts_has_no_section(jan_env, tmp_path, capsys):
    page = tmp_path / "brief.html"
    code, out, err = run_jan(capsys, "brief", PROPOSAL, "--personas", "tester", "--model", "none", "-o", page)
    assert code == 0, err
    html = page.read_text(encoding="utf-8")
    assert "<svg" not in html and "contact us about" not in html and "warning" not in err


def test_meeting_export_ends_with_the_contact_tables(with_contacts, tmp_path, capsys):
    code, out, err = run_jan(capsys, "meetings", "new", "Contacts", "sync")
    assert code == 0, err
    mid = out.split()[1].rstrip(":")
    code, out, err = run_jan(capsys, "ask", PROPOSAL, "--persona", "tester", "--model", "none", "--meeting", mid)
    assert code == 0, err
    target = tmp_path / "meeting.md"
    code, out, err = run_jan(capsys, "meetings", "export", mid, "-o", target)
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    name, n = with_contacts.most_common(1)[0]
    assert text.index("## Thread") < text.index("## What our own customers contact us about")
    assert f"| {name} | {n:,} |" in text
    code, out, err = run_jan(capsys, "meetings", "show", mid)  # reading it on screen stays the thread alone
    assert code == 0 and "contact us about" not in out


def test_contacts_example_loads_once(jan_env, capsys):
    home = Path(jan_env["JAN_HOME"])
    shipped = BUILTIN_CORPUS / "contacts_example.csv"
    rows = [line for line in shipped.read_text(encoding="utf-8").splitlines()[2:] if line.strip()]
    code, out, err = run_jan(capsys, "contacts", "example")
    assert code == 0, err
    assert "invented example export" in out and f"{len(rows):,} contacts" in out
    assert contact_count(home) == len(rows)
    db = home / "contacts" / "contacts.duckdb"
    before = db.stat().st_mtime_ns
    code, out, err = run_jan(capsys, "contacts", "example")  # `make run` again: nothing changes
    assert code == 0 and "nothing changed" in out
    assert contact_count(home) == len(rows) and db.stat().st_mtime_ns == before
    code, out, err = run_jan(capsys, "contacts", "add", shipped)  # adding the same file by hand: nothing either
    assert code == 0 and "already loaded" in out and contact_count(home) == len(rows)
    assert run_jan(capsys, "contacts", "remove", "contacts_example.csv")[0] == 0
    code, out, err = run_jan(capsys, "contacts", "example")  # removed on purpose: `make run` leaves it removed
    assert code == 0 and "nothing changed" in out and contact_count(home) == 0
    code, out, err = run_jan(capsys, "contacts", "example", "--again")
    assert code == 0 and contact_count(home) == len(rows)
