"""The embedded local model, end to end: as the litellm provider `local/...`, and served by llama-cpp-python's
OpenAI-compatible server on loopback reached through litellm's `openai/` provider with `api_base` (the path
users of Ollama, vLLM or LM Studio take). Runs whenever `make model` installed the model; the test summary
says whether these tests ran."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from jan.answer.backends.local import MODEL_NAME, available, model_path
from jan.answer.engine import Engine
from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS, load_settings
from jan.core.textclean import normalize_for_match

pytestmark = [pytest.mark.localmodel,
              pytest.mark.skipif(not available(), reason="local model not installed (run `make model`)")]
QUESTION = "What would Jan think of removing the phone number from the website?"


@pytest.fixture
def engine(jan_env, monkeypatch):
    monkeypatch.setenv("JAN_CORPUS_DIR", str(BUILTIN_CORPUS))
    monkeypatch.setenv("JAN_PERSONAS_DIR", str(BUILTIN_PERSONAS))
    monkeypatch.setenv("JAN_PERSONA", "jan")
    return Engine(load_settings())


def _check(crit):
    assert crit.verdict in ("supports", "opposes", "mixed", "no-evidence")
    assert crit.summary
    shown = {e.label: normalize_for_match(e.chunk.text) for e in crit.evidence}
    for p in crit.points:
        for c in p.citations:
            if c.verified:  # the gate never shows a citation as verified unless the quote is in the evidence
                assert normalize_for_match(c.quote) in shown[c.evidence_id]


def test_local_provider_answers_with_verified_citations(engine, record_property):
    tokens = []
    crit = engine.ask(QUESTION, "jan", model=MODEL_NAME, on_token=tokens.append)
    _check(crit)
    assert len(tokens) > 5  # it streamed
    verified, total = crit.citation_counts()
    assert crit.verdict == "no-evidence" or verified >= 1  # grammar makes evidence points cite real sentences
    assert verified == total
    record_property("local_model", "ran")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_openai_compatible_server_on_loopback(engine, monkeypatch):
    port = _free_port()
    env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",  # the hosted prompt (no budget) is ≈ 2,400 tokens
                             "--n_threads", str(os.cpu_count() or 2),  # the server's default is half the cores
                             "--model_alias", "jan-local"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("llama-cpp-python server did not start within 180 s")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-local-test")
        engine.settings.api_base = f"http://127.0.0.1:{port}/v1"
        # this path sends the full hosted prompt (≈ 2,400 tokens): on 2 busy cores its prefill alone can pass
        # the default 120 s, and what is tested here is the path, not the speed (make bench measures that)
        engine.settings.timeout = 900.0
        crit = engine.ask(QUESTION, "jan", model="openai/jan-local")
        _check(crit)
        assert crit.model == "openai/jan-local"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


# ------------------------------------------------------------------ prefix reuse (issue 17)


def _prompt(engine, persona_id: str, question: str, history=None):
    from jan.answer import prompt
    from jan.answer.backends import LOCAL_BUDGET

    persona = engine.registry.get(persona_id)
    judgment, evidence = engine.judge(question, persona, engine.retrieve(question, persona, []), "en")
    return prompt.build(persona, question, evidence, "en", [], history, budget=LOCAL_BUDGET, stance=judgment)[0]


def _prefill_cost(runner, messages) -> int:
    """Tokens handed to the bindings' Llama.eval (what llama.cpp runs through the model) up to the answer's
    first piece, less the one generated token."""
    from jan.answer.backends import local

    llm, seen = runner.llm, []
    real = type(llm).eval
    llm.eval = lambda tokens: (seen.append(len(tokens)), real(llm, tokens))[1]  # counts, then the real eval
    try:
        pieces = local.answer(messages)
        assert next(pieces).startswith("VERDICT:")  # the verdict line comes first, before the prefill
        assert not seen  # nothing has run through the model yet
        next(pieces)  # the first generated piece: the prompt has been prefilled
        pieces.close()
    finally:
        del llm.eval
    return sum(seen) - 1


def test_a_second_question_prefills_only_its_own_part(engine):
    from jan.answer.backends import local

    runner = local.runner()
    runner.prefixes.clear()
    runner.llm.n_tokens = 0  # nothing cached: the first question prefills everything
    first = _prompt(engine, "jan", QUESTION)
    cost1 = _prefill_cost(runner, first)
    assert cost1 == runner.stats.prompt_tokens and runner.stats.reused_tokens == 0
    second = _prompt(engine, "jan", "We want to replace the phone line with a chatbot.", [(QUESTION, "I'd leave.")])
    cost2 = _prefill_cost(runner, second)
    own_part = runner.stats.prompt_tokens - runner.stats.prefix_tokens
    assert runner.stats.prefix_tokens > 200 and runner.stats.reused_tokens >= runner.stats.prefix_tokens
    assert cost2 < cost1 - 200 and cost2 <= 1.2 * own_part


def test_another_persona_gets_its_own_prefix_and_the_first_one_is_restored(engine):
    from jan.answer.backends import local

    runner = local.runner()
    _prefill_cost(runner, _prompt(engine, "jan", QUESTION))
    jan_prefix = runner.stats.prefix_tokens
    saved = len(runner.prefixes)
    cost = _prefill_cost(runner, _prompt(engine, "donor", QUESTION))
    assert len(runner.prefixes) == saved + 1 or len(runner.prefixes) == local.MAX_PREFIXES  # a new prefix saved
    assert runner.stats.reused_tokens < runner.stats.prefix_tokens and cost > runner.stats.prefix_tokens
    back = _prefill_cost(runner, _prompt(engine, "jan", "We want to replace the phone line with a chatbot."))
    assert runner.stats.restored and runner.stats.prefix_tokens == jan_prefix  # jan's prefix came back from RAM
    assert back <= 1.2 * (runner.stats.prompt_tokens - jan_prefix)


def test_the_old_model_string_still_answers(engine):
    crit = engine.ask(QUESTION, "jan", model="local/qwen2.5-1.5b")
    _check(crit)
    assert crit.model == MODEL_NAME
