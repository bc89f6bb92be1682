"""`jan eval answers`: citation validity, abstention, false refusals and stance flips on a small JSONL file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from engine_helpers import block_network, litellm

from jan.answer.engine import Engine
from jan.cli import main
from jan.core.config import load_settings
from jan.core.errors import JanError
from jan.eval.evaluate import eval_answers, format_answers

LINES = [
    {"q": "We want to remove the phone number from the website because of too many complaints.",
     "persona": "tester", "lang": "en", "in_scope": True, "pushback": "Are you sure? The CFO disagrees."},
    {"q": "What is the best database for our backend?", "persona": "tester", "lang": "en", "in_scope": False},
    {"q": "Wat vind je ervan als we het telefoonnummer van de website halen?", "persona": "tester", "lang": "nl",
     "in_scope": True, "pushback": "Weet je het zeker? De directie ziet het anders."},
    {"q": "Should donors get a thank-you call?", "persona": "ghost", "lang": "en", "in_scope": True,
     "pushback": "Really?"},
]


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    block_network(monkeypatch)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.fixture
def eval_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in LINES) + "\n", encoding="utf-8")
    return path


def test_eval_answers_extractive(jan_env, eval_file):
    result = eval_answers(Engine(load_settings()), eval_file, "none")
    assert result["model"] == "none" and result["lines"] == 4
    assert result["skipped"] == ["persona 'ghost' not found; its lines were skipped"]
    assert result["errors"] == []
    g = result["groups"]["all"]
    assert g["answered"] == 3 and g["in_scope"] == 2 and g["off_evidence"] == 1 and g["pushback"] == 2
    assert g["citations"] > 0 and g["citation_validity"] == 1.0
    assert g["abstention"] == 1.0
    assert g["false_refusal"] == 0.0
    assert g["stance_flips"] == 0.0
    assert g["first_person"] == 1.0  # the templates speak as the persona
    assert result["groups"]["nl"]["abstention"] is None  # no off-evidence Dutch line in this file
    table = format_answers(result)
    assert "note: persona 'ghost' not found" in table
    assert table.splitlines()[3].split()[0] == "all"
    assert "— (0)" in table


def test_cli_eval_answers_table_and_json(jan_env, eval_file, capsys):
    assert main(["eval", "answers", str(eval_file), "--model", "none"]) == 0
    out = capsys.readouterr().out
    assert "false refusal" in out and "stance flips" in out and "ghost" in out
    assert main(["eval", "answers", str(eval_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["groups"]["all"]["citation_validity"] == 1.0


def test_eval_answers_with_a_model_that_invents_citations(jan_env, eval_file):
    fake = 'VERDICT: opposes\nSUMMARY: No.\n- [evidence] made up [E9: "customers never call about anything"]\n'
    engine = Engine(load_settings(), extra={"mock_response": fake})
    g = eval_answers(engine, eval_file, "openai/gpt-4o-mini")["groups"]["all"]
    # one made-up citation per in-scope or off-topic answer; a push-back without new evidence points back
    # to the earlier answer instead of repeating its points
    assert g["citation_validity"] == 0.0 and g["citations"] == 3
    assert g["false_refusal"] == 1.0  # nothing survived the gate, so every in-scope answer became no-evidence
    assert g["abstention"] == 1.0


def test_eval_answers_records_provider_errors_and_goes_on(jan_env, eval_file, capsys):
    exc = litellm().RateLimitError(message="rate", llm_provider="openai", model="gpt-4o-mini")
    engine = Engine(load_settings(), extra={"mock_response": exc})
    result = eval_answers(engine, eval_file, "openai/gpt-4o-mini")
    assert len(result["errors"]) == 3 and all("rate limited" in e for e in result["errors"])
    assert result["errors"][0].startswith(f"{eval_file}:1: ")
    assert result["groups"]["all"]["errors"] == 3


@pytest.mark.parametrize("content, pattern", [
    ('{"q": "x", "persona": "tester"}\n', r"answers\.jsonl:1: missing field\(s\) in_scope"),
    ("not json\n", r"answers\.jsonl:1: invalid JSON"),
    ("\n\n", r"answers\.jsonl: no questions"),
])
def test_eval_answers_bad_file(jan_env, tmp_path, content, pattern):
    path = tmp_path / "answers.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(JanError, match=pattern):
        eval_answers(Engine(load_settings()), path, "none")


def test_cli_eval_answers_missing_file(jan_env, tmp_path, capsys):
    assert main(["eval", "answers", str(tmp_path / "nope.jsonl")]) != 0
    err = capsys.readouterr().err
    assert err.strip().endswith("nope.jsonl: file not found") and err.count("\n") == 1


def test_first_person_metric_counts_an_answer_about_the_persona(jan_env, tmp_path):
    # a summary is shown only when a verified citation carries the verdict, so the answer quotes the card
    quote = "Two boards wanted to remove the phone number from the website because of too many complaints."
    third = ('VERDICT: opposes\nSUMMARY: Test would think this is a bad idea for the customers.\n'
             f'- [evidence] Boards wanted it gone [E1: "{quote}"]\n')
    path = tmp_path / "in_scope.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in LINES if r["in_scope"] and r["persona"] == "tester") + "\n",
                    encoding="utf-8")
    g = eval_answers(Engine(load_settings(), extra={"mock_response": third}), path, "openai/gpt-4o-mini")
    assert g["groups"]["all"]["citation_validity"] == 1.0  # the summary was shown, not replaced
    assert g["groups"]["all"]["first_person"] == 0.0


@pytest.mark.parametrize("summary, ok", [
    ("I would leave if I could not call you.", True),
    ("Ik wil iemand aan de lijn.", True),
    ("Jan would oppose this.", False),
    ("I think Jan would oppose this.", False),
    ("Customers leave.", False),
])
def test_in_voice(summary, ok):
    from jan.eval.evaluate import in_voice

    assert in_voice(summary, "Jan") is ok
