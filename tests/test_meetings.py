"""Meetings, decisions, panels and the boardroom brief, on the shipped corpus and personas (extractive)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from jan.answer.engine import Engine
from jan.cli import main
from jan.core.config import load_settings
from jan.core.errors import JanError
from jan.meetings.brief import build, to_html, to_markdown
from jan.meetings.store import MeetingStore

PROPOSAL = "Remove the phone number from the website because of too many complaints"


@pytest.fixture
def shipped(shipped_env):
    return shipped_env


@pytest.fixture
def engine(shipped):
    return Engine(load_settings())


def test_session_round_trip(engine, shipped):
    store = MeetingStore(Path(shipped["JAN_HOME"]))
    m = store.create("Product sync")
    crit = engine.ask(PROPOSAL, "jan", model="none")
    entry = store.add(m.id, crit)
    d = store.decide(m.id, "Keep the phone number; fix the cause of the calls", "decision")
    assert d.entry_id == entry.id
    again = MeetingStore(Path(shipped["JAN_HOME"]))
    [back] = again.entries(m.id)
    assert back.critique.verdict == crit.verdict
    assert back.critique.to_dict() == crit.to_dict()
    assert again.decisions(m.id)[0].note.startswith("Keep the phone number")


def test_export_lists_decisions_with_their_evidence(engine, shipped, capsys):
    store = MeetingStore(Path(shipped["JAN_HOME"]))
    m = store.create("Board prep")
    store.add(m.id, engine.ask(PROPOSAL, "jan", model="none"))
    assert main(["meetings", "decide", str(m.id), "Keep", "the", "number", "--kind", "action"]) == 0
    capsys.readouterr()
    assert main(["meetings", "export", str(m.id)]) == 0
    out = capsys.readouterr().out
    assert "**action:** Keep the number" in out
    assert "rests on [E1]" in out and "cf-boardroom-phone-number" in out


def test_kill_during_meeting_writes_keeps_earlier_answers(shipped, tmp_path):
    home = Path(shipped["JAN_HOME"])
    store = MeetingStore(home)
    m = store.create("Killed meeting")
    store.close()
    script = (
        "import sys, time\n"
        "from jan.core.config import load_settings\n"
        "from jan.answer.engine import Engine\n"
        "from jan.meetings.store import MeetingStore\n"
        "e = Engine(load_settings()); s = MeetingStore(load_settings().home)\n"
        "crit = e.ask('Remove the phone number from the website', 'jan', model='none')\n"
        "for i in range(100000):\n"
        "    crit.question = f'question {i}'\n"
        "    s.add(int(sys.argv[1]), crit)\n"
        "    print(i, flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(m.id)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    written = 0
    deadline = time.time() + 120
    while written < 30 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        written = int(line.split()[0]) + 1
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert written >= 30, "writer did not get going"
    entries = MeetingStore(home).entries(m.id)
    assert len(entries) >= written  # every answer reported as written survived the kill
    assert [e.question for e in entries[:written]] == [f"question {i}" for i in range(written)]


def test_corrupt_and_newer_databases_are_reported_not_overwritten(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    db = home / "meetings.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    with pytest.raises(JanError, match="damaged"):
        MeetingStore(home)
    assert db.read_bytes() == before
    db.unlink()
    con = sqlite3.connect(db)
    con.execute("PRAGMA user_version=99")
    con.commit()
    con.close()
    with pytest.raises(JanError, match="newer jan"):
        MeetingStore(home)


def test_brief_for_the_phone_number(engine, tmp_path):
    critiques = [engine.ask(PROPOSAL, pid, model="none") for pid in ("jan", "smallbiz")]
    b = build(PROPOSAL, critiques, {p.id: p.name for p in engine.registry.all()})
    md = to_markdown(b)
    assert "| Side | Point | Quoted | Source |" in md
    against = [r for r in b.case_against]
    assert against and all("✓" in md for _ in against)
    assert any(r.card_id == "cf-boardroom-phone-number" for r in against)
    assert any(m.card_id == "myth-fewer-channels-fewer-complaints" for m in b.myths)
    assert "## Likely counter-arguments and rebuttals" in md and "## Appendix: sources" in md
    # every quotation in the brief passed the citation gate
    verified = {c.quote for cr in critiques for p in cr.points for c in p.citations if c.verified}
    assert {r.quote for r in b.case_for + b.case_against} <= verified

    class Checker(HTMLParser):
        VOID = {"meta", "br", "img", "link", "hr", "input"}

        def __init__(self):
            super().__init__()
            self.stack = []

        def handle_starttag(self, tag, attrs):
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
            self.stack.pop()

    page = to_html(b)
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert "<table>" in page and "cf-boardroom-phone-number" in page


def test_brief_cli_files_and_bad_input(shipped, tmp_path, capsys):
    out = tmp_path / "brief.html"
    assert main(["brief", PROPOSAL, "--personas", "jan,donor", "--model", "none", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    capsys.readouterr()
    assert main(["brief", PROPOSAL, "--personas", "jan", "--model", "none", "-o", str(out)]) != 0
    assert "already exists; use --force" in capsys.readouterr().err
    assert main(["brief", PROPOSAL, "--personas", "jan", "--model", "none", "-o", str(out), "--force"]) == 0
    capsys.readouterr()
    assert main(["brief", PROPOSAL, "--personas", "jan,ghost", "--model", "none"]) != 0
    assert "unknown persona(s) ghost" in capsys.readouterr().err
    assert main(["brief", PROPOSAL, "--personas", "jan", "--model", "none", "-o", str(tmp_path / "no" / "dir" / "b.md")]) != 0
    assert "cannot write" in capsys.readouterr().err


def test_meeting_bad_input(shipped, capsys):
    assert main(["meetings", "show", "4242"]) != 0
    assert "meeting 4242 not found" in capsys.readouterr().err
    assert main(["meetings", "show", "abc"]) != 0
    assert "is not a number" in capsys.readouterr().err
    assert main(["meetings", "decide", "1"]) != 0
    assert "usage" in capsys.readouterr().err


def test_panel_answers_differ_by_persona(shipped, capsys):
    assert main(["ask", "--panel", "jan,donor,resident", PROPOSAL, "--model", "none", "--json"]) == 0
    answers = json.loads(capsys.readouterr().out)
    assert [a["persona"] for a in answers] == ["jan", "donor", "resident"]
    assert len({a["summary"] for a in answers}) == 3
    for a in answers:
        assert all(c["verified"] for p in a["points"] for c in p["citations"])


def test_brief_with_five_personas_has_a_for_case_and_grammatical_rebuttals(engine):
    """Issue 15: a fair case for the proposal, no placeholder cells, each myth's text once, rebuttals that
    agree in number, questions in the board's voice, date and proposal in the HTML, card ids only in the
    appendix."""
    import html as html_mod
    import re

    pids = ["jan", "donor", "citizen", "resident", "smallbiz"]
    critiques = [engine.ask(PROPOSAL, pid, model="none") for pid in pids]
    names = {p.id: p.name for p in engine.registry.all()}
    b = build(PROPOSAL, critiques, names)
    md = to_markdown(b)
    assert "(the source's own words)" not in md
    # the case for states the proposers' motive in a sentence of its own, not the proposal again
    assert "\nWhy the proposers want it: because of too many complaints.\n" in md
    assert f"| For | {PROPOSAL}" not in md
    # one row per evidence item, and the "one anecdote" rebuttal never quotes the row it answers
    rows = [r for r in b.case_for + b.case_against]
    assert len({r.item for r in rows}) == len(rows)
    anecdote = next(r for c, r in b.counters if "anecdote" in c)
    if b.case_against:
        assert b.case_against[0].quote.rstrip(" .;,") not in anecdote
    assert "”." + "”" not in md and ".”." not in md
    for m in b.myths:
        assert md.count(m.instead) == 1, m.card_id
    body = md.split("## Appendix")[0]
    assert "(card " not in body and "cf-" not in body.split("## What our customers would say")[1]
    for _counter, rebuttal in b.counters:
        for who, verb in re.findall(r"^(.+?) (points? to|is|are) ", rebuttal):
            several = " and " in who or ", " in who
            assert verb in (("point to", "are") if several else ("points to", "is")), rebuttal
    questions = md.split("## Questions to ask before deciding")[1].split("## Appendix")[0]
    assert "like me" not in questions and " I " not in questions and questions.count("\n- ") >= 2
    page = to_html(b)
    assert b.date in page and f"<p>{html_mod.escape(PROPOSAL)}</p>" in page
    # the rebuttals argue with evidence, they do not count who is against
    assert not any(" are against it" in r or " is against it" in r for _, r in b.counters)


def test_dutch_brief_has_dutch_headings(engine):
    proposal = "Het telefoonnummer van de website halen omdat er te veel klachten binnenkomen"
    critiques = [engine.ask(proposal, pid, model="none") for pid in ("jan", "citizen")]
    b = build(proposal, critiques, {p.id: p.name for p in engine.registry.all()})
    md = to_markdown(b)
    for heading in ("# Notitie voor de directie", "## Wat onze klanten zouden zeggen", "## Bijlage: bronnen",
                    "\nWaarom de indieners het willen: omdat er te veel klachten binnenkomen.\n",
                    "## Vragen om te stellen"):
        assert heading in md, heading
    for english in ("## The case", "Rebuttal", "Board:", "Appendix", "What the proposers", "| opposes |",
                    "paragraph", "(card "):
        assert english not in md, english
    assert "alinea" in md and "(kaart " in md  # the appendix's references are said in Dutch too
    assert 'lang="nl"' in to_html(b)


def test_a_brief_names_an_undone_practice_by_what_the_research_says_of_it():
    """'Stop sending donors updates' matched on the practice 'Send donors updates' (research for it): the
    brief says the research is for that practice, which the proposal undoes — never 'against' it."""
    from jan.core.types import Reason
    from jan.meetings.brief import _reason_text

    r = Reason("against", "Send donors a regular update on results", "", 0.9, undoes=True)
    assert _reason_text(r, "en", []) == ("The research is for “Send donors a regular update on results”, which "
                                         "this proposal undoes")
    r = Reason("against", "Donateurs regelmatig laten weten wat hun gift deed", "", 0.9, undoes=True)
    assert _reason_text(r, "nl", []).startswith("Het onderzoek is vóór “Donateurs")
    plain = Reason("against", "Take the phone number off the website", "", 0.9)
    assert _reason_text(plain, "en", []) == "The research is against “Take the phone number off the website”"
