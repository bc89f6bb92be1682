"""What the board reads beyond the personas' answers (answer/board.py) and how the brief shows it: the team's
strongest document on the proposal, the research on the proposers' goal, each persona's reason in their own
words, and rebuttals that argue from evidence. Shipped corpus and personas, a real store in a temp home."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SURVEY, run_jan

from jan.answer import board
from jan.answer.engine import Engine
from jan.core.config import load_settings
from jan.core.textclean import normalize_for_match
from jan.evidence.chunking import card_parts
from jan.meetings.brief import build, to_html, to_markdown

PROPOSAL = "Remove the phone number from the website because of too many complaints"
PIDS = ["jan", "donor", "citizen", "resident", "smallbiz"]

PARKING = """# Parking permits for the new office

The facilities team counted the bicycles and cars at the Utrecht office for three weeks in May.
Staff asked for eleven more bicycle racks and two charging points for electric cars.
"""


@pytest.fixture
def engine(shipped_env):
    return Engine(load_settings())


def _names(engine) -> dict[str, str]:
    return engine.registry.names()


def test_the_research_on_the_goal_answers_the_proposers_motive(engine):
    critiques = [engine.ask(PROPOSAL, pid, model="none") for pid in PIDS]
    read = board.read(engine, PROPOSAL, critiques)
    goal = [i for i in read.items if i.side == "goal"]
    assert goal, read.items
    item = goal[0]
    # a practice the research is for, from a card, quoted word for word from that card
    assert item.chunk.card_id and item.chunk.tag == "builtin"
    assert normalize_for_match(item.quote) in normalize_for_match(item.chunk.text)
    assert item.point.startswith("On that goal the research is for “")
    b = build(PROPOSAL, critiques, _names(engine), read)
    md = to_markdown(b)
    # the goal is a sentence of its own, not a table row
    assert "\nWhy the proposers want it: because of too many complaints.\n" in md
    motive_counter = next(r for c, r in b.counters if "worth it" in c)
    # the rebuttal argues with the research on the goal, it does not count who is against
    assert item.quote.rstrip(" .;,") in motive_counter
    assert " are against it" not in motive_counter and " is against it" not in motive_counter
    assert "<p>Why the proposers want it: because of too many complaints.</p>" in to_html(b)


def test_no_motive_no_goal_and_the_brief_asks_for_one(engine):
    proposal = "Remove the phone number from the website"
    critiques = [engine.ask(proposal, pid, model="none") for pid in ("jan", "smallbiz")]
    read = board.read(engine, proposal, critiques)
    assert not [i for i in read.items if i.side == "goal"]
    md = to_markdown(build(proposal, critiques, _names(engine), read))
    assert "The proposal does not say what it should achieve" in md


def test_each_persona_gives_a_reason_once_and_in_their_own_words_where_they_have_one(engine):
    critiques = [engine.ask(PROPOSAL, pid, model="none") for pid in PIDS]
    read = board.read(engine, PROPOSAL, critiques)
    # Jan's own red line is about exactly this: his reason is that trait, in his words
    jan = engine.registry.get("jan")
    traits = {" ".join(t.text.split()) for t in jan.goals + jan.frustrations + jan.red_lines}
    assert read.why.get("jan") in traits
    b = build(PROPOSAL, critiques, _names(engine), read)
    table = to_markdown(b).split("## What our customers would say")[1].split("## The case")[0]
    rows = [line.strip("| ").split(" | ") for line in table.splitlines()
            if line.startswith("| ") and not line.startswith(("| Personas", "|---"))]
    # every persona is in exactly one row; personas with the same verdict for the same reason share it, so no
    # reason is said twice
    listed = [n for r in rows for n in r[0].replace(" and ", ", ").split(", ")]
    assert sorted(listed) == sorted(engine.registry.get(pid).name for pid in PIDS)
    reasons = [(r[1], r[2]) for r in rows]
    assert len(set(reasons)) == len(reasons) and all(r[2] and r[2] != "–" for r in rows)
    jan_row = next(r for r in rows if "Jan" in r[0].replace(" and ", ", ").split(", "))
    assert jan_row[2] == read.why["jan"]


def test_dutch_reasons_in_their_own_words_are_dutch(engine):
    proposal = "Zullen we de telefonische klantenservice vervangen door een chatbot om kosten te besparen?"
    critiques = [engine.ask(proposal, pid, model="none") for pid in ("jan", "smallbiz")]
    read = board.read(engine, proposal, critiques)
    assert read.why["jan"].startswith(("Wat ik niet wil: ", "Wat ik wil: "))
    md = to_markdown(build(proposal, critiques, _names(engine), read))
    assert "Waarom de indieners het willen: om kosten te besparen." in md
    assert "geeft een reden ertegen" not in md


def test_a_dutch_brief_quotes_the_cards_dutch_summary(engine):
    proposal = "Zullen we de telefonische klantenservice vervangen door een chatbot om kosten te besparen?"
    critiques = [engine.ask(proposal, pid, model="none") for pid in ("jan", "smallbiz")]
    read = board.read(engine, proposal, critiques)
    cards = [i for i in read.items if i.chunk.tag == "builtin" and card_parts(i.chunk.text)[1]]
    assert cards, read.items
    for item in cards:  # a sentence of the card's own Dutch summary, so still checked word for word
        assert normalize_for_match(item.quote) in normalize_for_match(card_parts(item.chunk.text)[1]), item


def test_an_extractive_brief_makes_points_not_template_lines(engine):
    proposal = "Stop sending donors updates on results to save on postage"
    critiques = [engine.ask(proposal, pid, model="none") for pid in ("jan", "donor")]
    b = build(proposal, critiques, _names(engine), board.read(engine, proposal, critiques))
    rows = b.case_for + b.case_against + b.goal
    assert rows
    for r in rows:  # a point of its own: not the quote again, not a first-person template, never cut off
        assert r.claim and not r.claim.endswith("…") and not r.claim.startswith(("I'm ", "I am ")), r
        assert normalize_for_match(r.quote) not in normalize_for_match(r.claim), r


def test_the_teams_document_on_the_proposal_reaches_the_brief(shipped_env, tmp_path, capsys):
    """The personas decide the phone number on the built-in practices and need not cite the team's survey; the
    brief still shows it, quoted word for word under its title, on the side the reader reads it."""
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "survey.md").write_text(SURVEY, encoding="utf-8")
    code, _, err = run_jan(capsys, "ingest", str(folder), "--tag", "research")
    assert code == 0, err
    out = tmp_path / "brief.md"
    code, _, err = run_jan(capsys, "brief", PROPOSAL, "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    rows = [r.strip("| ").split(" | ") for r in text.splitlines() if r.startswith(("| For |", "| Against |"))]
    ours = [r for r in rows if "Contact survey 2026" in r[3]]
    assert ours, rows
    quote = ours[0][2].split("✓ “", 1)[1].rsplit("”", 1)[0]
    assert normalize_for_match(quote) in normalize_for_match(SURVEY)
    assert "Contact survey 2026" in text.split("## Appendix")[1]


def test_an_unrelated_team_document_stays_out_of_the_brief(shipped_env, tmp_path, capsys):
    folder = tmp_path / "facilities"
    folder.mkdir()
    (folder / "parking.md").write_text(PARKING, encoding="utf-8")
    code, _, err = run_jan(capsys, "ingest", str(folder), "--tag", "facilities")
    assert code == 0, err
    engine = Engine(load_settings())
    critiques = [engine.ask(PROPOSAL, "jan", model="none")]
    assert not [i for i in board.read(engine, PROPOSAL, critiques).items if i.own]


def test_the_brief_is_built_from_the_evidence_unless_a_model_is_named(shipped_env, tmp_path, capsys, monkeypatch):
    """A board document carries no model prose by default: the persona answers are the extractive ones, also
    when a local model is the configured default (that is what keeps a five-persona brief within seconds)."""
    from jan.cli import meetings as cli_meetings

    asked: list[str | None] = []
    real = cli_meetings.panel

    def recording(engine, question, ids, model=None):
        asked.append(model)
        return real(engine, question, ids, "none")

    monkeypatch.setattr(cli_meetings, "panel", recording)
    monkeypatch.setenv("JAN_MODEL", "local/qwen2.5-coder-1.5b")
    code, _, err = run_jan(capsys, "brief", PROPOSAL, "--personas", "jan", "-o", str(tmp_path / "a.md"))
    assert code == 0, err
    code, _, err = run_jan(capsys, "brief", PROPOSAL, "--personas", "jan", "--model", "local/qwen2.5-coder-1.5b",
                           "-o", str(tmp_path / "b.md"))
    assert code == 0, err
    assert asked == ["none", "local/qwen2.5-coder-1.5b"]
    assert Path(tmp_path / "a.md").read_text(encoding="utf-8").startswith("# Boardroom brief")
