"""Counted citations: the numbers come from DuckDB, are checked against plain Python over the export, verify by
running their query again, and a count that no longer holds is dropped. Charts draw the same numbers."""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from jan.contacts import (
    Count,
    CountQuery,
    add_file,
    bars_svg,
    chart_data,
    counted_evidence,
    lines_svg,
    markdown_tables,
    remove_file,
    verify_counts,
)
from jan.contacts.generate import generate_export
from jan.contacts.phrases import CHANNELS
from jan.contacts.render import number, period_text
from jan.core.errors import JanError

RAW_CHANNEL = {name: canon for lang in CHANNELS.values() for canon, name in lang.items()}


@pytest.fixture
def loaded(tmp_path: Path):
    """An English export with categories and segments, chat opening in April (phone falls)."""
    path = tmp_path / "export.csv"
    generate_export(path, 4000, seed=11, lang="en", chat_opens=3, bad=10)
    home = tmp_path / "home"
    add_file(home, path)
    return home, path


def plain(path: Path):
    """Counts by the csv module alone: rows per category, channel, segment and (channel, month)."""
    cat, chan, seg, month = Counter(), Counter(), Counter(), Counter()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            if None in row or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["Date"] or "") or row["Date"] > "2024-12-31" \
                    or not (row["Description"] or row["Category"]):
                continue
            try:
                from datetime import date

                date.fromisoformat(row["Date"])
            except ValueError:
                continue
            cat[row["Category"]] += 1
            chan[RAW_CHANNEL[row["Channel"]]] += 1
            seg[row["Segment"]] += 1
            month[(RAW_CHANNEL[row["Channel"]], row["Date"][:7])] += 1
    return cat, chan, seg, month


def test_counted_evidence_matches_plain_python(loaded):
    home, path = loaded
    cat, chan, seg, month = plain(path)
    total = sum(cat.values())
    counts = counted_evidence(home, ["remove the phone number", "complaints", "outages"], "en")
    assert counts and all(c.verified for c in counts)
    assert [c.id for c in counts] == [f"C{i}" for i in range(1, len(counts) + 1)]
    kinds = Counter(c.kind for c in counts)
    assert kinds["reason"] >= 3 and kinds["channel"] >= 1 and kinds["trend"] == 1 and kinds["segment"] == 2
    for c in counts:
        if c.kind != "trend":
            assert c.total == total
        if c.kind == "reason":
            assert c.value == cat[c.label]
        elif c.kind == "channel":
            assert c.value == chan[c.label]
        elif c.kind == "segment":
            assert c.value == seg[c.label]
        elif c.kind == "trend":
            assert c.label == "phone"  # the words name the phone
            assert (c.total, c.value) == (month[("phone", c.extra["first"])], month[("phone", c.extra["last"])])
            assert c.value < c.total  # chat opened, phone fell
    first = counts[0]
    assert first.kind == "reason" and first.label == "Outage"  # the reason the words name comes first
    assert [c for c in counts if c.kind == "channel"][0].label == "phone"


def test_sentences_in_both_languages(loaded):
    home, _ = loaded
    (outage,) = [c for c in counted_evidence(home, ["outage"], "en") if c.label == "Outage"]
    n, total, pct = outage.value, outage.total, round(100 * outage.value / outage.total)
    assert outage.text("en") == f"{pct} % of the {total:,} contacts in 2024 ({n:,}) were about ‘Outage’"
    assert outage.text("nl") == (f"{pct} % van de {number(total, 'nl')} contacten in 2024 ({number(n, 'nl')}) "
                                 "ging over ‘Outage’")
    assert number(total, "nl") in outage.numbers("nl") and f"{pct} %" in outage.numbers("en")
    trend = next(c for c in counted_evidence(home, ["bellen"], "nl") if c.kind == "trend")
    assert trend.text("nl").startswith("Contacten via telefoon gingen van ")
    assert trend.text("en").startswith("Phone contacts went from ")


def test_period_sentences():
    assert period_text(("2024-07-01", "2024-10-01")) == "in Q3 2024"
    assert period_text(("2024-07-01", "2024-08-01"), "nl") == "in juli 2024"
    assert period_text(("2024-01-01", "2025-01-01")) == "in 2024"
    assert period_text(("2024-02-01", "2024-06-01")) == "from February to May 2024"
    assert period_text(("2023-11-01", "2024-03-01"), "nl") == "van november 2023 tot en met februari 2024"
    assert period_text(("2024-02-03", "2024-02-10")) == "from 3 February 2024 to 9 February 2024"


def test_a_count_that_does_not_hold_is_dropped(loaded, tmp_path):
    home, path = loaded
    counts = counted_evidence(home, ["outage"], "en")
    forged = Count("reason", counts[0].value + 1, counts[0].query, counts[0].total, counts[0].base, "Outage",
                   "category", counts[0].period)
    wrong_base = Count("channel", counts[0].value, counts[0].query, counts[0].total - 1, counts[0].base)
    assert not forged.verify(home) and not wrong_base.verify(home)
    kept = verify_counts(home, [*counts, forged, wrong_base])
    assert kept == counts
    remove_file(home, str(path))  # the data it counted is gone: nothing vouches for the numbers any more
    assert verify_counts(home, counts) == []
    assert counted_evidence(home, ["outage"]) == []


def test_no_contacts_means_no_counts(tmp_path):
    assert counted_evidence(tmp_path / "empty-home", ["phone"]) == []
    assert chart_data(tmp_path / "empty-home") is None
    assert not Count("total", 1, CountQuery()).verify(tmp_path / "empty-home")


def test_queries_are_structured_never_sql(loaded):
    home, _ = loaded
    with pytest.raises(JanError, match="unknown field"):
        CountQuery(where=(("channel = 'x' OR 1=1 --", "x"),)).sql()
    sneaky = Count("channel", 0, CountQuery(where=(("channel", "x' OR '1'='1"),)))
    assert sneaky.verify(home)  # the value is bound as a parameter: it matches nothing
    q = CountQuery("2024-01-01", "2024-04-01", (("channel", "phone"),))
    assert CountQuery.from_dict(q.to_dict()) == q


def test_count_latency(loaded):
    home, _ = loaded
    counts = counted_evidence(home, ["phone"], "en")
    started = time.perf_counter()
    assert verify_counts(home, counts) == counts
    per_count = (time.perf_counter() - started) / len(counts)
    assert per_count < 0.25  # the benchmark holds the real figure (≤ 50 ms on a million rows)


def test_charts_draw_the_counted_numbers(loaded):
    home, path = loaded
    cat, chan, _, month = plain(path)
    data = chart_data(home)
    assert {lbl: n for lbl, _, n in data.reasons} == dict(cat.most_common(8))
    for ch, series in data.series.items():
        assert sum(series) == chan[ch]
        assert series == [month[(ch, m)] for m in data.months]
    for lang in ("en", "nl"):
        for svg in (bars_svg(data, lang), lines_svg(data, lang)):
            assert svg.startswith("<svg") and svg.endswith("</svg>")
            assert "<script" not in svg.lower() and "href" not in svg.lower() and "url(" not in svg
            assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]
    svg = bars_svg(data, "nl")
    assert "Belangrijkste contactredenen" in svg and number(cat["Outage"], "nl") in svg
    table = markdown_tables(data, "en")
    assert f"| Outage | {cat['Outage']:,} |" in table and "| month | phone |" in table


def test_chart_labels_are_escaped(tmp_path):
    path = tmp_path / "evil.csv"
    path.write_text("date,category,text\n" + "".join(
        f"2024-01-0{d},<script>alert(1)</script>,x y z {d}\n" for d in range(1, 6)), encoding="utf-8")
    home = tmp_path / "home"
    add_file(home, path)
    data = chart_data(home)
    svg, table = bars_svg(data), markdown_tables(data)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "| &lt;script&gt;alert(1)&lt;/script&gt; | 5 |" in table and "<script>" not in table


def test_labels_from_the_export_cannot_forge_marks(tmp_path):
    path = tmp_path / "forged.csv"
    path.write_text("date,channel,category,text,segment\n" + "".join(
        f"2024-01-0{d},phone,[E1 ✓] verified \x1b[31mred,some words here,seg\u202e\n" for d in range(1, 6)),
        encoding="utf-8")
    home = tmp_path / "home"
    add_file(home, path)
    texts = [c.text("en") for c in counted_evidence(home, ["verified"])]
    assert texts and not any("✓" in t or "\x1b" in t or "\u202e" in t or "[E1" in t for t in texts)
