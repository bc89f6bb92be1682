"""Generation through litellm only: any provider string, streaming, timeouts, retries, clear errors.

The embedded local model is registered as the litellm custom provider `local` (see localmodel.py), so it is
just another model string. API keys come from the providers' usual environment variables and are never
logged (litellm's verbose logging stays off)."""

from __future__ import annotations

import os
import re
import time
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


def warm_stream(local: bool) -> None:
    """Stream one short reply through litellm so its first-use imports (response types built by pydantic,
    its utils, the tokenizer table; ≈ 0.1–0.3 s each, holding the GIL) happen in the background warm-up and
    not while an answer streams into the app. The embedded model's provider answers `WARM_UP` without the
    model; a hosted one gets litellm's `mock_response`, so nothing leaves the machine."""
    from .local import WARM_UP

    messages = [{"role": "user", "content": "ok"}]
    if local:
        stream(f"local/{WARM_UP}", messages, timeout=30, max_tokens=1)
    else:
        stream("openai/" + WARM_UP, messages, timeout=30, max_tokens=1, mock_response="ok")


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


RETRIES = 2  # for a refused or failed request (429, 5xx, connection), while the time allows
_POLL = 0.1  # seconds between looks at the deadline and the cancel flag


class _Incomplete(Exception):
    """The provider's reply was empty or malformed, or ended without a finish: never an answer."""


def stream(model: str, messages: list[dict], *, timeout: float, on_token: Callable[[str], None] | None = None,
           api_base: str | None = None, max_tokens: int = 400, cancel: Callable[[], bool] | None = None,
           temperature: float = 0.2, **extra) -> str:
    """Stream a completion; returns the full text. Raises GenerationError (with .partial) on failure.

    `timeout` bounds the whole answer for a provider (retries included): the request runs in a worker
    thread and the caller stops waiting at the deadline. The embedded model (`local/…`) runs in-process
    and is bounded by max_tokens. An empty, malformed or unfinished reply is an error, never an answer."""
    litellm = _litellm()
    partial: list[str] = []
    # the backend sets the temperature: the embedded model answers greedily, hosted ones at 0.2
    kwargs = dict(model=model, messages=messages, stream=True, timeout=timeout, max_tokens=max_tokens,
                  temperature=temperature, num_retries=0, max_retries=0)
    if api_base:
        kwargs["api_base"] = api_base
    kwargs.update(extra)
    deadline = None if model.startswith("local/") else time.monotonic() + timeout
    retryable = (litellm.RateLimitError, litellm.InternalServerError, litellm.ServiceUnavailableError,
                 litellm.APIConnectionError)
    attempt = 0
    while True:
        try:
            _consume(litellm, kwargs, deadline, on_token, cancel, partial)
            return "".join(partial)
        except GenerationError:
            raise
        except retryable as exc:
            left = deadline - time.monotonic() if deadline else 1.0
            if partial or attempt >= RETRIES or left < 1.0 or isinstance(exc, litellm.Timeout):
                raise _explain(exc, model, "".join(partial)) from None
            attempt += 1
            time.sleep(min(0.5 * attempt, left / 4))
        except _Incomplete as exc:
            got = "".join(partial)
            if got:
                raise GenerationError(f"{model}: the answer broke off after {len(got):,} characters ({exc})", got,
                                      "ask again") from None
            raise GenerationError(f"{model}: the provider's reply was empty or malformed ({exc})", "",
                                  "ask again, or check the model string and api_base") from None
        except Exception as exc:  # provider errors come in many classes; map them to one clear message
            raise _explain(exc, model, "".join(partial)) from None


def _consume(litellm, kwargs: dict, deadline: float | None, on_token, cancel, partial: list[str]) -> None:
    """One request: chunks are read in a worker thread, handed over here, where the deadline and the
    cancel flag are watched."""
    import queue
    import threading

    q: queue.Queue = queue.Queue()
    stop = threading.Event()

    def work() -> None:
        finished = False
        try:
            response = litellm.completion(**kwargs)
            for chunk in response:
                if stop.is_set():
                    return
                try:
                    choice = chunk.choices[0]
                except (AttributeError, IndexError):
                    continue
                delta = getattr(getattr(choice, "delta", None), "content", None) or ""
                finished = finished or bool(getattr(choice, "finish_reason", None))
                if delta:
                    q.put(("text", delta))
            q.put(("end", finished))
        except BaseException as exc:  # handed to the caller's thread
            q.put(("error", exc))

    threading.Thread(target=work, daemon=True, name="jan-generate").start()
    model = kwargs["model"]
    while True:
        wait = _POLL if deadline is None else max(0.0, min(_POLL, deadline - time.monotonic()))
        try:
            kind, value = q.get(timeout=wait)
        except queue.Empty:
            if cancel and cancel():
                stop.set()
                return
            if deadline is not None and time.monotonic() >= deadline:
                stop.set()
                raise GenerationError(f"{model}: no answer within the timeout ({kwargs['timeout']:g} s)",
                                      "".join(partial), "ask again, raise JAN_TIMEOUT, or use a faster model") from None
            continue
        if kind == "text":
            if cancel and cancel():
                stop.set()
                return
            partial.append(value)
            if on_token:
                on_token(value)
        elif kind == "error":
            raise value
        else:
            if not value and not (cancel and cancel()):
                raise _Incomplete("no end of answer" if partial else "no text in it")
            if not partial:
                raise _Incomplete("no text in it")
            return
