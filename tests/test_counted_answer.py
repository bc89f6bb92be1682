"""Counted evidence in an answer (issue 30): a proposal about contacts gets the team's counts, verified, and
the numbers are those plain Python counts over the same CSV; a proposal about something else gets none."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

from helpers import run_jan

ROWS = [(f"2024-03-0{1 + i % 9}", ch, cat, f"Question {i} about {cat}")
        for i, (ch, cat) in enumerate([("phone", "outage")] * 30 + [("phone", "invoice")] * 12 +
                                      [("chat", "outage")] * 8 + [("email", "website")] * 4)]


def write_export(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "channel", "category", "text"])
        w.writerows(ROWS)
    return path


def test_a_proposal_about_complaints_carries_verified_counts(shipped_env, tmp_path, capsys):
    export = write_export(tmp_path / "contacts.csv")
    code, out, err = run_jan(capsys, "contacts", "add", str(export))
    assert code == 0, err
    code, out, err = run_jan(capsys, "ask", "Should we remove the phone number from the website because of too many "
                                            "complaints?", "--json")
    assert code == 0, err
    answer = json.loads(out)
    counts = answer["counts"]
    assert counts and all(c["verified"] for c in counts)
    total = len(ROWS)
    by_cat = Counter(r[2] for r in ROWS)
    reasons = [c for c in counts if c["kind"] == "reason"]
    assert reasons
    for c in reasons:  # each counted reason is what plain Python counts over the CSV
        assert c["total"] == total and c["value"] in by_cat.values()
        assert str(c["value"]) in c["text"]
    assert {c["value"] for c in reasons} <= set(by_cat.values())
    assert max(c["value"] for c in reasons) == by_cat["outage"]
    code, out, err = run_jan(capsys, "ask", "Should we remove the phone number from the website because of too many "
                                            "complaints?")
    assert "✓ counted]" in out and "Counted in your own contacts" in out


def test_a_proposal_that_does_not_touch_contacts_gets_no_counts(shipped_env, tmp_path, capsys):
    export = write_export(tmp_path / "contacts.csv")
    assert run_jan(capsys, "contacts", "add", str(export))[0] == 0
    code, out, err = run_jan(capsys, "ask", "Should we send donors honest updates on what their gift achieved?",
                             "--persona", "donor", "--json")
    assert code == 0, err
    assert json.loads(out)["counts"] == []
