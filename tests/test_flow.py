"""The flow reads intent, not words (issue 29, item 2), on the shipped corpus and personas in extractive mode:
a follow-up naming a persona is asked to that persona about the proposal under discussion, push-back is only
a message that contests the last answer without new content, and a decision is credited to the verdicts on
screen when it was taken — after a panel, the panel's, in the store and in the export."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from jan.answer.engine import Engine
from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS, load_settings
from jan.core.types import Turn
from jan.meetings.discussion import EXAMPLES, Discussion
from jan.meetings.store import Credit, MeetingStore, export_markdown

PHONE = "Should we remove the phone number from the website because of too many complaints?"
STILL = "I still think the same"
# (message, the persona in use, its intent, the persona asked); none of these is among the example messages
FOLLOW_UPS = [
    ("and for the resident?", "donor", "resident"),
    ("wat vindt de donateur ervan?", "jan", "donor"),
    ("what would Sanne say?", "jan", "donor"),
    ("What does the bakery owner think?", "citizen", "smallbiz"),
    ("And the homeowner in Groningen?", "jan", "resident"),
]
PUSHBACKS = ["Are you sure? The CFO disagrees.", "Weet je het zeker? De directie ziet het anders.", "Really?",
             "I disagree."]
NEW_CONTENT = [
    "Are you sure? Our own survey of 2,000 customers shows 70% of callers only ask about their bill.",
    "But 80% of the calls we get are about billing, which the website already answers.",
    "Weet je dat zeker? Vorig jaar belden 40.000 klanten alleen om hun factuur op te vragen.",
]


@pytest.fixture(scope="module")
def flow(tmp_path_factory, built_index):
    """One engine over the shipped corpus and personas for the module (an isolated JAN_HOME in tmp)."""
    home = tmp_path_factory.mktemp("flow-home")
    shutil.copytree(built_index, home, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        for var in list(os.environ):
            if var.startswith("JAN_"):
                mp.delenv(var)
        for k, v in {"JAN_HOME": str(home), "JAN_CORPUS_DIR": str(BUILTIN_CORPUS), "JAN_PERSONAS_DIR":
                     str(BUILTIN_PERSONAS), "JAN_PERSONA": "jan", "JAN_MODEL": "none", "JAN_ENRICH": "0"}.items():
            mp.setenv(k, v)
        engine = Engine(load_settings())
        first = engine.ask(PHONE, "jan", topic=PHONE)
        panel = [engine.ask(PHONE, pid, topic=PHONE) for pid in engine.registry.ids() if pid != "jan"]
        yield engine, Discussion(engine), [Turn(PHONE, c) for c in [first, *panel]]


def test_the_examples_are_not_the_cases():
    cases = {m for m, _, _ in FOLLOW_UPS} | set(PUSHBACKS) | set(NEW_CONTENT)
    assert not cases & {m for examples in EXAMPLES.values() for m in examples}


def test_a_follow_up_naming_a_persona_is_asked_to_it_about_the_proposal(flow):
    engine, d, history = flow
    for message, in_use, who in FOLLOW_UPS:
        r = d.read(message, PHONE, in_use)
        assert (r.kind, r.intent, r.named, r.proposal) == ("refers", "followup", who, PHONE), (message, r.why)
        assert not r.pushback
        req = r.request(message, in_use, speaking=in_use)
        assert (req.persona, req.question, req.topic) == (who, PHONE, PHONE)
    # after the panel every persona has answered the proposal: the follow-up is a full answer on it, not the
    # "nothing new was brought in" of a push-back (the bug of issue 29)
    req = d.read("and for the resident?", PHONE, "donor").request("and for the resident?", "donor")
    panel_answer = next(t.critique for t in history if t.critique.persona == "resident")
    crit = engine.ask(req.question, req.persona, history=history, topic=req.topic)
    assert crit.persona == "resident" and crit.question == PHONE
    assert not crit.summary.startswith(STILL) and crit.points
    assert crit.verdict == panel_answer.verdict


def test_a_message_naming_no_persona_is_not_given_one(flow):
    _, d, _ = flow
    for message in PUSHBACKS + ["Why?", "What do you mean by that?"]:
        r = d.read(message, PHONE, "jan")
        assert r.named is None and r.request(message, "jan", "donor").persona == "donor", (message, r.why)
    others = d.read("En wat vinden de anderen ervan?", PHONE, "jan")
    assert others.intent == "others" and others.named is None  # asks the panel


def test_push_back_without_new_content_keeps_the_stance(flow):
    engine, d, history = flow
    for message in PUSHBACKS:
        r = d.read(message, PHONE, "jan")
        assert (r.kind, r.intent, r.proposal) == ("refers", "pushback", PHONE), (message, r.why)
        assert r.pushback
    req = d.read(PUSHBACKS[0], PHONE, "jan").request(PUSHBACKS[0], "jan", speaking="jan")
    assert (req.persona, req.question, req.topic) == ("jan", PUSHBACKS[0], PHONE)
    again = engine.ask(req.question, req.persona, history=history, topic=req.topic)
    assert again.verdict == history[0].critique.verdict == "opposes"
    assert again.summary.startswith(STILL) and not again.points


def test_a_message_with_new_content_is_not_push_back(flow):
    engine, d, history = flow
    for message in NEW_CONTENT:
        r = d.read(message, PHONE, "jan")
        assert (r.kind, r.intent, r.proposal) == ("refers", "argument", PHONE), (message, r.why)
        assert not r.pushback
    req = d.read(NEW_CONTENT[0], PHONE, "jan").request(NEW_CONTENT[0], "jan", speaking="jan")
    assert (req.persona, req.topic, req.saved_as) == ("jan", PHONE, NEW_CONTENT[0])
    crit = engine.ask(req.question, req.persona, history=history, topic=req.topic)
    assert not crit.summary.startswith(STILL) and crit.points  # answered in full, never "nothing new"


def test_a_decision_after_a_panel_is_credited_to_the_panel_in_the_export(flow, tmp_path):
    engine, _, history = flow
    names = {p.id: p.name for p in engine.registry.all()}
    store = MeetingStore(tmp_path)
    m = store.create("Phone number")
    jan = store.add(m.id, history[0].critique, proposal=PHONE)
    # a single answer on screen: the decision is that persona's
    single = store.decide(m.id, "Ask the call centre why people call", "action")
    assert single.entry_id == jan.id and single.panel_id is None
    assert single.credit == [Credit("jan", "opposes", jan.id)]
    panel = store.start_panel(m.id, PHONE)
    for t in history[1:]:
        store.add(m.id, t.critique, proposal=PHONE, panel_id=panel)
    store.set_state(m.id, persona="donor")  # the donor in use, as in the issue
    # the latest answer belongs to a panel (`jan meetings decide` after a panel): every persona's verdict
    after = store.decide(m.id, "Keep the phone number on the website")
    assert after.panel_id == panel
    assert sorted(c.persona for c in after.credit) == sorted(names)
    assert {c.verdict for c in after.credit} == {t.critique.verdict for t in history}
    # the app hands in what was on screen; saved and read back as given
    shown = [Credit(t.critique.persona, t.critique.verdict, None) for t in history]
    store.decide(m.id, "Brief the board", "decision", jan.id, panel_id=panel, credit=shown)
    back = MeetingStore(tmp_path).decisions(m.id)
    assert [d.credit for d in back] == [single.credit, after.credit, shown]
    assert back[1].panel_id == back[2].panel_id == panel

    md = export_markdown(MeetingStore(tmp_path), m.id, names)
    decisions = md.split("## Decisions and actions")[1].split("## Thread")[0]
    blocks = decisions.split("\n- **")
    action = next(b for b in blocks if "Ask the call centre" in b)
    assert f"on: “{PHONE}” (Jan: opposes)" in action and "(panel —" not in action
    kept = next(b for b in blocks if "Keep the phone number on the website" in b)
    verdicts = "; ".join(f"{names[c.persona]}: {c.verdict}" for c in after.credit)
    assert f"on: “{PHONE}” (panel — {verdicts})" in kept
    assert "(Marieke: opposes)" not in kept and "(smallbiz: opposes)" not in kept
    # the quotes it rests on come from the panel's answers, each with the personas that cite it
    rests = [line for line in kept.splitlines() if "rests on [" in line]
    assert rests and "rests on [E1]" in kept
    cited = {n for line in rests for n in line.rsplit(") — ", 1)[1].split(", ")}
    assert cited == {names[t.critique.persona] for t in history if any(c.verified for p in t.critique.points
                                                                      for c in p.citations)}


def test_an_old_decision_without_credit_names_its_answer(flow, tmp_path):
    _, _, history = flow
    store = MeetingStore(tmp_path)
    m = store.create("Before credits were kept")
    e = store.add(m.id, history[0].critique, proposal=PHONE)
    d = store.decide(m.id, "Keep the number")
    with store.db:  # as a database of the previous schema version left it
        store.db.execute("UPDATE decisions SET credit=NULL WHERE id=?", (d.id,))
    assert store.decisions(m.id)[0].credit == []
    md = export_markdown(store, m.id, {"jan": "Jan"})
    assert f"on: “{PHONE}” (Jan: opposes)" in md and e.critique.verdict == "opposes"
    with store.db:  # a damaged credit reads as none
        store.db.execute("UPDATE decisions SET credit='{not json' WHERE id=?", (d.id,))
    assert store.decisions(m.id)[0].credit == [] and "(Jan: opposes)" in export_markdown(store, m.id, {"jan": "Jan"})


def test_the_credit_is_part_of_the_schema(tmp_path):
    store = MeetingStore(Path(tmp_path))
    cols = {r[1] for r in store.db.execute("PRAGMA table_info(decisions)")}
    assert {"panel_id", "credit"} <= cols
