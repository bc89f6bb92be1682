"""The backends that write an answer, behind one small interface chosen by the model string:

- `none`        extractive: no model, the answer is built from the evidence (backends/extractive.py)
- `local/...`   the embedded llama.cpp model (backends/local.py), a litellm custom provider
- anything else a litellm provider string such as `openai/gpt-4o-mini` (backends/generate.py)

`auto` is resolved first: the local model when it is installed, else extractive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

EXTRACTIVE = "none"
LOCAL_PREFIX = "local/"
HOSTED_BUDGET = 2500  # prompt tokens for a hosted model
LOCAL_BUDGET = 760  # prompt tokens for the embedded model: prefill (~90-110 tok/s) is most of its first-token time


class Backend(Protocol):
    model: str
    generates: bool  # False: the engine builds the answer from the evidence itself (extractive)
    budget: int  # prompt token budget
    steered: bool  # the prompt carries the stance model's verdict (a small model writes prose for it)
    temperature: float
    # the answer languages this model writes well enough to be shown (None: any); in another language the
    # engine builds the answer from the evidence itself, as in extractive mode
    writes: tuple[str, ...] | None

    def prepare(self) -> None:
        """Load what the first answer would otherwise wait for (litellm's import, the local model)."""

    def warm(self, messages: list[dict]) -> None:
        """Get ready for prompts that start like these messages (prompt.prefix_messages: a persona's fixed
        part); the local model prefills that prefix and keeps its KV state."""

    def stream(self, messages: list[dict], *, timeout: float, on_token: Callable[[str], None] | None = None,
               api_base: str | None = None, cancel: Callable[[], bool] | None = None, **extra) -> str:
        """The answer's text, streamed to on_token; raises GenerationError."""

    def mend(self, critique) -> None:
        """Repair what this backend is known to get wrong in a parsed critique."""


class Extractive:
    generates, budget, steered, temperature, writes = False, 0, False, 0.0, None

    def __init__(self, model: str = EXTRACTIVE):
        self.model = model

    def prepare(self) -> None:
        return None

    def warm(self, messages: list[dict]) -> None:
        return None

    def stream(self, messages, **kw) -> str:
        raise NotImplementedError("the extractive backend does not generate text")

    def mend(self, critique) -> None:
        return None


class Litellm:
    generates, budget, steered, temperature, writes = True, HOSTED_BUDGET, False, 0.2, None

    def __init__(self, model: str):
        self.model = model

    def prepare(self) -> None:
        from .generate import warm_stream

        warm_stream(local=self.model.startswith(LOCAL_PREFIX))  # litellm's import (≈1.5 s, GIL-bound) and
        # its streaming path's first-use imports, done before the first question needs them

    def warm(self, messages: list[dict]) -> None:
        return None  # a hosted provider caches prompt prefixes itself, if at all

    def stream(self, messages, **kw) -> str:
        from .generate import stream

        kw.setdefault("temperature", self.temperature)
        return stream(self.model, messages, **kw)

    def mend(self, critique) -> None:
        return None


class Local(Litellm):
    """The embedded model, reached through litellm as the custom provider `local`."""

    budget, steered, temperature = LOCAL_BUDGET, True, 0.0  # greedy: reproducible; the grammar keeps it on track
    # Read by hand, 5 of 10 of the 1.5B model's Dutch answers were grammatical Dutch with no English word
    # (held-out proposals, after its Dutch sentences with English words were already left out): in Dutch
    # it does not write; the answer is built from the research's own Dutch words (issue 15)
    writes = ("en",)

    def prepare(self) -> None:
        super().prepare()
        from .local import available, load

        if available(self.model):
            load(self.model)

    def warm(self, messages: list[dict]) -> None:
        """Prefill the persona's fixed prompt prefix and keep its KV state (≈ 5 s once per persona, in the
        background), so each question prefills only its own part."""
        from .local import available, warm

        if available(self.model):
            warm(messages, self.model)

    def mend(self, critique) -> None:
        from .local import mend_cuts

        mend_cuts(critique)


def resolve(model: str) -> str:
    """`auto` → the embedded local model when installed (`make model`), else extractive."""
    if model == "auto":
        from .local import MODEL_NAME, available

        return MODEL_NAME if available() else EXTRACTIVE
    return model


def backend_for(model: str) -> Backend:
    model = resolve(model)
    if model == EXTRACTIVE:
        return Extractive()
    if model.startswith(LOCAL_PREFIX):
        from .gguf import ALIASES

        name = model.removeprefix(LOCAL_PREFIX)  # an old name (alias) resolves to the model's own name;
        return Local(LOCAL_PREFIX + ALIASES.get(name, name))  # an unknown one fails, clearly, when it answers
    return Litellm(model)


__all__ = ["Backend", "EXTRACTIVE", "Extractive", "LOCAL_BUDGET", "Litellm", "Local", "backend_for", "resolve"]
