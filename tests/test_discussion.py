"""The proposal under discussion, read from the stance model and the embedder (not from push-back words), with
the shipped corpus and personas; the meeting store keeps it; `jan brief --meeting ID` and the export use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run_jan

from jan.answer.engine import Engine
from jan.core.config import load_settings
from jan.core.types import Turn
from jan.meetings.discussion import BRINGS_NEW, REFERS_BACK, Discussion
from jan.meetings.store import MeetingStore, export_markdown

PHONE = "Should we remove the phone number from the website because of too many complaints?"
PUSH = "Are you sure? The CFO disagrees."


@pytest.fixture
def shipped(shipped_env):
    """An engine over the shipped corpus and personas."""
    return Engine(load_settings())


# (message, what it does to the phone-number proposal, the persona it names); none of these sentences is
# among the example messages the embedder compares with
CASES = [
    (PUSH, "refers", None),
    ("Weet je het zeker? De directie ziet het anders.", "refers", None),
    ("Really?", "refers", None),
    ("What do you mean by that?", "refers", None),
    ("Why?", "refers", None),
    ("and for the donor?", "refers", "donor"),
    ("En wat vindt Geert ervan?", "refers", "resident"),
    ("What would the donor think of removing the phone number from the website?", "same", None),
    ("Should we hide the phone number on the website?", "same", None),
    ("Should we replace the phone line with a chatbot?", "new", None),
    ("What about adding a callback option instead?", "new", None),
    ("Should we launch a loyalty app with points?", "new", None),
]


def test_the_examples_are_not_the_cases():
    assert not {c[0] for c in CASES} & (set(REFERS_BACK) | set(BRINGS_NEW))


def test_what_a_message_does_to_the_proposal_on_the_table(shipped):
    d = Discussion(shipped)
    assert d.read(PHONE, None, "jan").kind == "new"  # the first question sets it
    got = [(m, d.read(m, PHONE, "jan")) for m, _, _ in CASES]
    assert [(m, r.kind, r.persona) for m, r in got] == CASES, [r.why for _, r in got]
    for m, r in got:
        assert r.proposal == (m if r.kind == "new" else PHONE)


def test_push_back_on_the_proposal_points_back_instead_of_repeating(shipped):
    first = shipped.ask(PHONE, "jan", topic=PHONE)
    again = shipped.ask(PUSH, "jan", history=[Turn(PHONE, first)], topic=PHONE)
    assert again.verdict == first.verdict == "opposes"
    assert again.summary.startswith("I still think the same") and f"“{PHONE}”" in again.summary
    assert not again.points and not again.questions_back and len(again.summary) < 200
    # a follow-up on the proposal for a persona that has not answered yet: a full answer on the proposal
    donor = shipped.ask("and for the donor?", "donor", topic=PHONE)
    assert donor.question == PHONE and donor.points
    # an earlier answer on another proposal is no "previous answer" to compare with
    other = shipped.ask("Should we replace the phone line with a chatbot?", "jan",
                        history=[Turn(PHONE, first)], topic="Should we replace the phone line with a chatbot?")
    assert not any("what changed" in n for n in other.notes)


def test_store_keeps_the_proposal_and_brief_and_export_use_it(shipped, capsys, tmp_path):
    home = Path(shipped.settings.home)
    store = MeetingStore(home)
    m = store.create("Phone number")
    first = shipped.ask(PHONE, "jan", topic=PHONE)
    e1 = store.add(m.id, first, proposal=PHONE)
    store.add(m.id, shipped.ask(PUSH, "jan", history=[Turn(PHONE, first)], topic=PHONE), proposal=PHONE)
    panel = store.start_panel(m.id, PHONE)
    for pid in ("donor", "resident"):
        store.add(m.id, shipped.ask(PHONE, pid, topic=PHONE), proposal=PHONE, panel_id=panel)
    store.set_state(m.id, persona="resident")
    again = MeetingStore(home)
    assert again.get(m.id).proposal == PHONE and again.get(m.id).persona == "resident"
    about = again.about(m.id)
    assert [c.persona for c in about] == ["jan", "donor", "resident"]
    assert about[0].summary == first.summary  # the push-back answer only pointed back: the first one counts
    assert [e.id for e in again.entries(m.id)][0] == e1.id and again.panels(m.id) == {panel: PHONE}
    md = export_markdown(again, m.id, {"jan": "Jan", "donor": "Sanne", "resident": "Geert"})
    assert f"**Proposal under discussion:** {PHONE}" in md
    assert f"### Panel on “{PHONE}”" in md and "| | Jan | Sanne | Geert |" in md and "| Verdict |" in md
    out = tmp_path / "brief.md"
    code, _, err = run_jan(capsys, "brief", "--meeting", str(m.id), "-o", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Boardroom brief: {PHONE}") and PUSH not in text
    code, _, err = run_jan(capsys, "brief", "--meeting", "999")
    assert code != 0 and "meeting 999 not found" in err
    code, _, err = run_jan(capsys, "brief")
    assert code != 0 and "give the proposal" in err
