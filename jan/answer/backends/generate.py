"""Generation through litellm only: any provider string, streaming, timeouts, retries, clear errors.

The embedded local model is registered as the litellm custom provider `local` (see localmodel.py), so it is
just another model string. API keys come from the providers' usual environment variables and are never
logged (litellm's verbose logging stays off)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from ...core.errors import JanError


class GenerationError(JanError):
    """A provider failure; `partial` holds any text streamed before it happened; `hint` says what to do."""

    def __init__(self, message: str, partial: str = "", hint: str = ""):
        super().__init__(message + (f" — {hint}" if hint else ""))
        self.partial = partial
        self.hint = hint


def _litellm():
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    import litellm

    litellm.suppress_debug_info = True
    litellm.set_verbose = False
    litellm.drop_params = True
    from .local import register

    register(litellm)
    return litellm


def prepare(model: str) -> None:
    """Import litellm (≈1.5 s of GIL-bound import) and, for the embedded model, load it: done in the
    background when the app starts, so the first question does not pay for it."""
    from . import backend_for

    backend_for(model).prepare()


def _explain(exc: Exception, model: str, partial: str) -> GenerationError:
    err = _classify(exc, model, partial)
    if partial:  # the stream started and then broke: say so, keep what arrived
        return GenerationError(f"{err.args[0].split(' — ')[0]}; the answer broke off after {len(partial):,} "
                               "characters", partial, err.hint or "ask again")
    return err


_NO_KEY = re.compile(r"missing credentials|missing .{0,40}api.?key|api.?key .{0,40}(not set|missing|required)", re.I)


def _classify(exc: Exception, model: str, partial: str) -> GenerationError:
    import litellm

    name = type(exc).__name__
    provider = model.split("/", 1)[0]
    text = str(exc)
    for secret in (v for k, v in os.environ.items() if "KEY" in k or "TOKEN" in k):
        if secret and len(secret) > 6:
            text = text.replace(secret, "***")
    text = text.splitlines()[0][:200] if text else name
    if isinstance(exc, litellm.AuthenticationError) or _NO_KEY.search(str(exc)):
        what = "no API key is set for the provider" if _NO_KEY.search(str(exc)) else "the provider refused the API key"
        return GenerationError(f"{model}: {what}", partial,
                               f"set the key for {provider} (e.g. {provider.upper()}_API_KEY) or use JAN_MODEL=none")
    if isinstance(exc, litellm.RateLimitError):
        return GenerationError(f"{model}: rate limited by the provider (429)", partial,
                               "wait a moment and ask again, or switch model")
    if isinstance(exc, litellm.Timeout):
        return GenerationError(f"{model}: no answer within the timeout", partial,
                               "ask again, raise JAN_TIMEOUT, or use a faster model")
    if isinstance(exc, litellm.APIConnectionError):
        return GenerationError(f"{model}: cannot reach the provider ({text})", partial,
                               "check the network / api_base, or use JAN_MODEL=none")
    if isinstance(exc, litellm.NotFoundError | litellm.BadRequestError) and "provider" in text.lower():
        return GenerationError(f"{model}: litellm does not know this model string ({text})", partial,
                               "use provider/model, e.g. openai/gpt-4o-mini or ollama/qwen2.5")
    if isinstance(exc, litellm.InternalServerError | litellm.ServiceUnavailableError | litellm.APIError):
        return GenerationError(f"{model}: the provider failed ({name})", partial, "ask again in a moment")
    if isinstance(exc, JanError):
        return GenerationError(str(exc), partial)
    return GenerationError(f"{model}: generation failed ({name}: {text})", partial, "ask again or switch model")


def stream(model: str, messages: list[dict], *, timeout: float, on_token: Callable[[str], None] | None = None,
           api_base: str | None = None, max_tokens: int = 400, cancel: Callable[[], bool] | None = None,
           temperature: float = 0.2, **extra) -> str:
    """Stream a completion; returns the full text. Raises GenerationError (with .partial) on failure."""
    litellm = _litellm()
    partial: list[str] = []
    # the backend sets the temperature: the embedded model answers greedily, hosted ones at 0.2
    kwargs = dict(model=model, messages=messages, stream=True, timeout=timeout, max_tokens=max_tokens,
                  temperature=temperature, num_retries=2)
    if api_base:
        kwargs["api_base"] = api_base
    kwargs.update(extra)
    try:
        response = litellm.completion(**kwargs)
        for chunk in response:
            if cancel and cancel():
                break
            try:
                delta = chunk.choices[0].delta.content or ""
            except (AttributeError, IndexError):
                delta = ""
            if delta:
                partial.append(delta)
                if on_token:
                    on_token(delta)
    except Exception as exc:  # provider errors come in many classes; map them to one clear message
        raise _explain(exc, model, "".join(partial)) from None
    return "".join(partial)
