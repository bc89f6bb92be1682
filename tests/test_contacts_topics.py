"""Topics for free text: every row with words lands in one topic, the sizes are the database's counts, Dutch and
English rows about the same thing share a topic, the result is cached per file and removed with it."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from jan.contacts import add_file, contact_topics, counted_evidence, remove_file, summary
from jan.contacts.generate import generate_export, generate_rows
from jan.contacts.lexicon import tokens


@pytest.fixture
def free_text(tmp_path: Path):
    """A bilingual export without a category column; the generator's reason of each row is kept aside."""
    path = tmp_path / "free.csv"
    kw = dict(seed=21, lang="nl", mixed=0.4, columns=("date", "channel", "text"))
    generate_export(path, 3000, **kw)
    reasons = [meta["reason"] for _, _, meta in generate_rows(3000, **kw)]
    home = tmp_path / "home"
    add_file(home, path)
    return home, path, reasons


def _rows(home: Path):
    import duckdb

    con = duckdb.connect(str(home / "contacts" / "contacts.duckdb"), read_only=True)
    try:
        return con.execute("SELECT rowid, topic, topic_label, text FROM rows_1 WHERE problem IS NULL ORDER BY rowid").fetchall()
    finally:
        con.close()


def test_topics_cover_every_row_and_sizes_are_counts(free_text):
    home, _, _ = free_text
    found = contact_topics(home)
    assert 2 <= len(found) <= 10
    rows = _rows(home)
    assert sum(t.size for t in found) == sum(1 for r in rows if r[1] is not None and r[1] >= 0)
    per_topic = Counter(r[2] for r in rows if r[2])
    for t in found:
        assert per_topic[t.label] >= t.size  # two topics may share a label; never fewer rows than the topic
        assert t.words and t.label == ", ".join(t.words[:3])
        texts = {r[3] for r in rows if r[1] == t.topic}
        assert t.examples and all(any(e == " ".join(x.split())[:160] for x in texts) for e in t.examples)
    assert summary(home, "reason").total == len(rows)


def test_topics_group_by_reason_across_languages(free_text):
    """Purity: most rows of a topic share the generator's reason; and a reason's Dutch and English rows
    mostly land in the same topic (the bilingual concepts at work)."""
    home, _, reasons = free_text
    contact_topics(home)
    rows = _rows(home)
    by_topic: dict[int, Counter] = defaultdict(Counter)
    for (_, topic, _, _), reason in zip(rows, reasons, strict=True):
        by_topic[topic][reason] += 1
    pure = sum(c.most_common(1)[0][1] for c in by_topic.values()) / len(rows)
    assert pure >= 0.6, pure
    # 'factuur' and 'bill' are one concept
    assert tokens("Factuur te hoog")[0] == tokens("my bill is wrong")[0] == "invoice"


def test_topics_are_cached_per_file(free_text, monkeypatch):
    import jan.contacts.topics as topics_mod

    home, path, _ = free_text
    first = contact_topics(home)

    def fail(*a, **k):
        raise AssertionError("computed again")

    monkeypatch.setattr(topics_mod, "_compute", fail)
    assert [t.to_dict() for t in contact_topics(home)] == [t.to_dict() for t in first]
    monkeypatch.undo()
    assert len(contact_topics(home, force=True)) == len(first)
    remove_file(home, str(path))
    assert contact_topics(home) == []


def test_topic_names_in_both_languages(free_text):
    home, _, _ = free_text
    found = contact_topics(home)
    names = {t.name("nl") for t in found} | {t.name("en") for t in found}
    assert any("storing" in n or "factuur" in n for n in names)
    assert any("outage" in n or "invoice" in n for n in names)
    data = json.loads(json.dumps([t.to_dict("nl") for t in found]))
    assert all(d["size"] > 0 and d["words"] for d in data)


def test_counted_evidence_cites_topics(free_text):
    home, _, _ = free_text
    contact_topics(home)
    counts = counted_evidence(home, ["storingen"], "nl")
    reasons = [c for c in counts if c.kind == "reason"]
    assert reasons and reasons[0].source == "topic" and all(c.verified for c in counts)
    assert "storing" in reasons[0].text("nl") or "internet" in reasons[0].text("nl")


def test_export_with_a_category_needs_no_topics(tmp_path):
    path = tmp_path / "cat.csv"
    generate_export(path, 200, seed=1)
    home = tmp_path / "home"
    add_file(home, path)
    assert contact_topics(home) == []
