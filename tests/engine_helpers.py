"""Shared pieces for the engine tests: a network guard, litellm loaded the way jan loads it, a stream that
breaks mid-answer, and the built-in corpus with a persona."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

from conftest import PERSONA

from jan.answer.engine import Engine
from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS, Settings


def block_network(monkeypatch) -> None:
    """Any attempt to open a network connection or resolve a name fails the call (local sockets still work)."""
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)
        raise OSError(f"network use in a test: connect to {address!r}")

    def resolve(*args, **kwargs):
        raise OSError(f"network use in a test: resolve {args[:1]!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: resolve(*a))


def litellm():
    """litellm configured by jan (local cost map, quiet): importing it directly would fetch from the network."""
    from jan.answer.backends.generate import _litellm

    return _litellm()


def break_stream_after(monkeypatch, n_chunks: int, exc: Exception) -> None:
    """Make litellm's mock stream raise `exc` after n_chunks chunks: a connection dropping mid-answer."""
    import litellm.main as lm

    real = lm.mock_completion_streaming_obj

    def breaking(*args, **kwargs):
        for i, chunk in enumerate(real(*args, **kwargs)):
            if i == n_chunks:
                raise exc
            yield chunk

    monkeypatch.setattr(lm, "mock_completion_streaming_obj", breaking)


def shipped_settings(home: Path, personas: Path) -> Settings:
    """The shipped corpus and the shipped Jan (the test persona under the id jan while it is not written yet)."""
    personas.mkdir(parents=True, exist_ok=True)
    src = BUILTIN_PERSONAS / "jan.yaml"
    if src.is_file():
        shutil.copy(src, personas / "jan.yaml")
    else:
        (personas / "jan.yaml").write_text(PERSONA.format(pid="jan"), encoding="utf-8")
    return Settings(home=home, corpus_dir=BUILTIN_CORPUS, personas_dir=personas, persona="jan", model="none",
                    timeout=30.0)


def builtin_settings(home: Path, persona: str = "jan") -> Settings:
    """The shipped corpus and personas, extractive mode, a data dir in tmp."""
    return Settings(home=home, corpus_dir=BUILTIN_CORPUS, personas_dir=BUILTIN_PERSONAS, persona=persona,
                    model="none", timeout=30.0)


NO_MOCK = object()


def with_model(engine: Engine, response=NO_MOCK) -> Engine:
    """Same settings, store and indexes, with litellm's mock_response (a string streams; an exception is
    raised); without a response the engine calls litellm for real (tests block the network)."""
    extra = {} if response is NO_MOCK else {"mock_response": response}
    model_engine = Engine(engine.settings, store=engine.store, extra=extra)
    model_engine._retriever, model_engine._myths = engine.retriever, engine.myths  # reuse the built indexes
    return model_engine
