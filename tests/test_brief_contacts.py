"""The brief's contacts section: the numbers in its markdown tables and inline SVG charts are the counts plain
Python finds in a generated export; no section when no contacts are loaded; the HTML stays self-contained."""

from __future__ import annotations

import csv
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jan.contacts import add_file, chart_data
from jan.contacts.generate import generate_export
from jan.contacts.lexicon import channel_label
from jan.contacts.phrases import CHANNELS
from jan.contacts.render import number
from jan.meetings.brief import Brief, contacts_markdown, to_html, to_markdown

RAW_CHANNEL = {name: canon for lang in CHANNELS.values() for canon, name in lang.items()}


def plain(path: Path) -> tuple[Counter, Counter]:
    """Rows per category and per (channel, month), by the csv module alone."""
    by_category, by_channel_month = Counter(), Counter()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_category[row["Category"]] += 1
            by_channel_month[(RAW_CHANNEL[row["Channel"]], row["Date"][:7])] += 1
    return by_category, by_channel_month


@pytest.fixture
def loaded(tmp_path: Path):
    path = tmp_path / "export.csv"
    generate_export(path, 3000, seed=5, lang="en", chat_opens=4)
    home = tmp_path / "home"
    add_file(home, path)
    return home, path


def brief(language: str = "en", contacts=None) -> Brief:
    proposal = ("Remove the phone number from the website" if language == "en" else
                "Het telefoonnummer van de website halen")
    return Brief(proposal, [], {}, language, "2026-01-01", hope="–", contacts=contacts)


def table_rows(md: str, first_cell: str) -> list[list[str]]:
    """The rows of the markdown table whose header starts with `first_cell` (header included)."""
    lines = md.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def as_int(text: str) -> int:
    return int(text.replace(",", "").replace(".", ""))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_markdown_tables_hold_the_plain_python_counts(loaded, language):
    home, path = loaded
    by_category, by_channel_month = plain(path)
    total = sum(by_category.values())
    md = to_markdown(brief(language, chart_data(home)))
    heading = "What our own customers contact us about" if language == "en" else \
        "Waarover onze eigen klanten contact opnemen"
    assert f"## {heading}" in md
    assert number(total, language) in md.split(f"## {heading}")[1].split("\n\n")[1]  # the line under the heading
    reasons = table_rows(md, "reason" if language == "en" else "reden")[1:]
    top = by_category.most_common()
    assert len(reasons) == 8 and top[7][1] > top[8][1]  # no tie at the cut: the eight are well defined
    assert {r[0]: as_int(r[1]) for r in reasons} == dict(top[:8])
    assert [as_int(r[1]) for r in reasons] == sorted((n for _, n in top[:8]), reverse=True)
    for name, _n, share in reasons:
        assert share == f"{round(100 * by_category[name] / total)} %"
    months = table_rows(md, "month" if language == "en" else "maand")
    labels = months[0][1:]
    canon = {channel_label(ch, language): ch for ch in RAW_CHANNEL.values()}
    assert sorted(canon[lbl] for lbl in labels) == sorted({ch for ch, _ in by_channel_month})
    assert len(months) - 1 == len({m for _, m in by_channel_month}) == 12
    for row in months[1:]:
        for lbl, cell in zip(labels, row[1:], strict=True):
            assert as_int(cell) == by_channel_month[(canon[lbl], row[0])], (lbl, row[0])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_brief_has_both_charts_inline_and_self_contained(loaded):
    home, path = loaded
    by_category, by_channel_month = plain(path)
    page = to_html(brief("en", chart_data(home)))
    parser = _Tags()
    parser.feed(page)
    assert parser.tags.count("svg") == 2 and parser.tags.count("figure") == 2
    assert "script" not in parser.tags and "<script" not in page.lower()
    assert not re.search(r"\b(href|src)\s*=", page) and "url(" not in page and "@import" not in page
    assert re.findall(r"https?://[^\"' )]+", page) == ["http://www.w3.org/2000/svg"] * 2
    # the section sits after the case for and against and before the myths
    assert page.index("The case for and against") < page.index("What our own customers contact us about") \
        < page.index("Myths this proposal rests on")
    bars = page[page.index("<svg"):page.index("</svg>")]
    for name, n in by_category.most_common(8):
        assert f">{name}</text>" in bars
        assert f">{n:,} ({round(100 * n / sum(by_category.values()))} %)</text>" in bars
    lines = page[page.rindex("<svg"):page.rindex("</svg>")]
    channels = sorted({ch for ch, _ in by_channel_month}, key=lambda c: -sum(
        n for (ch, _), n in by_channel_month.items() if ch == c))
    assert len(re.findall("<polyline", lines)) == len(channels)
    top = max(by_channel_month.values())
    assert f">{top:,}</text>" in lines  # the y axis is labelled with the largest monthly count
    for ch in channels:
        assert f">{channel_label(ch, 'en')}</text>" in lines


def test_no_contacts_no_section(tmp_path):
    assert chart_data(tmp_path / "empty-home") is None
    for language in ("en", "nl"):
        b = brief(language, None)
        md, page = to_markdown(b), to_html(b)
        assert "contact us about" not in md and "contact opnemen" not in md
        assert "<svg" not in page and "<figure" not in page


def test_labels_from_the_export_stay_text(tmp_path):
    """A category written as HTML or a markdown table cell stays text in both renderings."""
    path = tmp_path / "evil.csv"
    path.write_text("date,channel,category,text\n" + "".join(
        f"2024-01-0{d},phone,<img src=x onerror=alert(1)> | x,some words {d}\n" for d in range(1, 6)),
        encoding="utf-8")
    home = tmp_path / "home"
    add_file(home, path)
    b = brief("en", chart_data(home))
    page, md = to_html(b), to_markdown(b)
    assert "<img" not in page and "&lt;img" in page
    assert "<img" not in md
    section = contacts_markdown(b.contacts, "en")
    reasons = table_rows(section, "reason")[1:]
    assert len(reasons) == 1 and reasons[0][1] == "5"  # the pipe did not split the row
