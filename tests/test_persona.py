from __future__ import annotations

from pathlib import Path

import pytest

from jan.cli import main
from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS
from jan.evidence.cards import load_cards
from jan.personas.persona import Registry, lint_file, parse_persona, write_template

REQUIRED_IDS = {"jan", "donor", "resident", "citizen"}


def test_registry_loads_and_profiles(persona_dir):
    reg = Registry([persona_dir])
    assert reg.ids() == ["tester"]
    p = reg.get("tester")
    assert "Trust over price." in p.profile()
    assert p.cited_cards() == {"t-phone", "t-price"}


def test_template_fails_lint_until_filled(tmp_path, mini_corpus, persona_dir):
    path = write_template("newbie", tmp_path / "p")
    ids = {c.id for c in load_cards(mini_corpus)}
    problems = lint_file(path, ids)
    assert any("TODO" in p for p in problems)
    assert any("no provenance" in p for p in problems)
    # fill it in the way a person would: replace placeholders and provenance
    filled = (persona_dir / "tester.yaml").read_text().replace("id: tester", "id: newbie")
    path.write_text(filled, encoding="utf-8")
    assert lint_file(path, ids) == []


def test_template_never_overwrites(tmp_path):
    path = write_template("keep", tmp_path)
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="already exists"):
        write_template("keep", tmp_path)
    assert path.read_text() == "mine"


def test_shipped_personas_lint_clean():
    cards = load_cards(BUILTIN_CORPUS)
    ids = {c.id for c in cards}
    tags = {t for c in cards for t in c.tags}
    files = sorted(BUILTIN_PERSONAS.glob("*.yaml"))
    assert {f.stem for f in files} >= REQUIRED_IDS
    assert len(files) >= 5
    for f in files:
        assert lint_file(f, ids, tags) == [], f


def test_shipped_personas_differ():
    reg = Registry([BUILTIN_PERSONAS])
    summaries = {p.summary for p in reg.all()}
    assert len(summaries) == len(reg.all())
    refused = [frozenset(t.text for t in p.channels.refuses) for p in reg.all()]
    assert len(set(refused)) == len(refused)


def test_cli_list_and_show(jan_env, capsys):
    assert main(["personas", "list"]) == 0
    assert "tester" in capsys.readouterr().out
    assert main(["personas", "show", "tester", "--json"]) == 0
    assert '"decision_style"' in capsys.readouterr().out


def test_parse_keeps_lines(persona_dir):
    _, lines = parse_persona(persona_dir / "tester.yaml")
    assert lines[("voice", "tone")] == Path(persona_dir / "tester.yaml").read_text().splitlines().index(
        "  tone: Plain and direct.") + 1
