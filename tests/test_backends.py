"""One backend interface chosen by the model string: extractive, litellm (hosted) or the local model."""

from __future__ import annotations

from jan.answer import backends
from jan.answer.backends import Extractive, Litellm, Local, backend_for, resolve
from jan.core.types import Critique


def test_the_model_string_chooses_the_backend():
    assert type(backend_for("none")) is Extractive
    assert type(backend_for("openai/gpt-4o-mini")) is Litellm
    assert type(backend_for("ollama/qwen2.5")) is Litellm
    assert type(backend_for("local/qwen2.5-1.5b")) is Local
    assert backend_for("openai/gpt-4o-mini").model == "openai/gpt-4o-mini"


def test_what_each_backend_brings():
    hosted, local, none = backend_for("openai/x"), backend_for("local/x"), backend_for("none")
    assert not none.generates and hosted.generates and local.generates
    assert (hosted.budget, local.budget) == (backends.HOSTED_BUDGET, backends.LOCAL_BUDGET)
    assert local.budget < hosted.budget
    assert local.steered and not hosted.steered  # only the small model gets a stance hint
    assert local.temperature == 0.0 and hosted.temperature == 0.2
    none.prepare()  # nothing to load


def test_auto_is_the_local_model_when_installed(monkeypatch):
    from jan.answer.backends import local

    monkeypatch.setattr(local, "available", lambda: True)
    assert resolve("auto") == local.MODEL_NAME and type(backend_for("auto")) is Local
    monkeypatch.setattr(local, "available", lambda: False)
    assert resolve("auto") == "none" and type(backend_for("auto")) is Extractive
    assert resolve("openai/x") == "openai/x"


def test_only_the_local_backend_mends_cut_text(monkeypatch):
    from jan.answer.backends import local

    seen = []
    monkeypatch.setattr(local, "mend_cuts", seen.append)
    crit = Critique(persona="jan", question="q", language="en", verdict="mixed", summary="s")
    backend_for("openai/x").mend(crit)
    backend_for("none").mend(crit)
    assert seen == []
    backend_for("local/x").mend(crit)
    assert seen == [crit]


def test_prepare_walks_litellms_streaming_path_without_a_model_or_the_network(monkeypatch):
    """The app's background warm-up streams one reply through litellm, so its first-use imports do not freeze
    the screen during the first answer; the local provider answers that walk without loading the model, a
    hosted one with litellm's mock response."""
    import sys

    from jan.answer.backends import generate, local

    seen: list[tuple] = []
    real = generate.stream
    monkeypatch.setattr(generate, "stream", lambda model, messages, **kw: seen.append((model, kw)) or real(model, messages, **kw))
    monkeypatch.setattr(local, "runner", lambda *a, **k: (_ for _ in ()).throw(AssertionError("model loaded")))
    monkeypatch.setattr(local, "available", lambda *a: False)
    Local("local/qwen2.5-coder-1.5b").prepare()
    Litellm("openai/gpt-4o-mini").prepare()
    assert [m for m, _ in seen] == [f"local/{local.WARM_UP}", f"openai/{local.WARM_UP}"]
    assert seen[1][1]["mock_response"] == "ok"
    assert "litellm.litellm_core_utils.streaming_handler" in sys.modules
    assert real(f"local/{local.WARM_UP}", [{"role": "user", "content": "x"}], timeout=5) == "ok"
