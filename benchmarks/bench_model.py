"""Local-model measurements for `make bench` (issue 17's targets), run in their own process so peak memory is
the model's. One run, ratios within it (2 shared cores are noisy; the load average is printed with them):

- questions: the persona prefix warmed as the app does at start, then a first question and the phone-number
  question after it (with the first as history, as in the app): time to evidence, to the first streamed
  token and to the whole answer; tokens in the prompt, reused from the cache, prefilled;
- decoding on the phone-number prompt: raw (no grammar), under the answer grammar as decoded here, and under
  llama.cpp's own grammar sampler (the whole vocabulary checked at every step, as before issue 17).

`python benchmarks/bench_model.py [local/NAME]` measures another local model."""

from __future__ import annotations

import json
import os
import resource
import sys
import time

FIRST = "We want to replace the phone line with a chatbot. What would Jan think?"
QUESTION = "What would Jan think of removing the phone number from the website?"
DECODE_TOKENS = 32


def _ask(engine, model: str, question: str, history: list) -> tuple[dict, object]:
    from jan.answer.backends import local as localmodel

    marks: dict[str, float] = {}
    pieces: list[str] = []

    def on_evidence(_ev) -> None:
        marks.setdefault("evidence", time.perf_counter())

    def on_token(tok: str) -> None:
        now = time.perf_counter()
        marks.setdefault("first_token", now)  # the verdict and summary the stance model decided
        if pieces:
            marks.setdefault("first_model_token", now)  # the first piece the model itself decoded
        pieces.append(tok)

    t0 = time.perf_counter()
    crit = engine.ask(question, "jan", model=model, history=history, on_evidence=on_evidence, on_token=on_token)
    end = time.perf_counter()
    stats = localmodel.runner(model).stats
    per_question = stats.prompt_tokens - stats.prefix_tokens
    verified, total = crit.citation_counts()
    return {
        "time_to_evidence_s": round(marks["evidence"] - t0, 2),
        "time_to_first_token_s": round(marks["first_token"] - t0, 2),
        "time_to_first_model_token_s": round(marks.get("first_model_token", end) - t0, 2),
        "decoded_tokens": stats.decoded_tokens,
        "answer_s": round(end - t0, 2),
        "prompt_tokens": stats.prompt_tokens,
        "prefix_tokens": stats.prefix_tokens,
        "reused_tokens": stats.reused_tokens,
        "prefilled_tokens": stats.prefilled_tokens,
        "per_question_tokens": per_question,
        "ratio_prefilled_vs_per_question": round(stats.prefilled_tokens / max(1, per_question), 2),
        "answer_chars": len("".join(pieces)),
        "verdict": crit.verdict,
        "points": len(crit.points),
        "questions_back": len(crit.questions_back),
        "citations_verified": f"{verified}/{total}",
        "parsed": not any("not in the expected format" in n for n in crit.notes),
        "notes": crit.notes,
    }, crit


def _decode_rates(engine, model: str) -> dict:
    """Tokens/s decoding the phone-number prompt: raw, under the grammar here, under llama.cpp's sampler."""
    from llama_cpp import LlamaGrammar

    from jan.answer import prompt
    from jan.answer.backends import local as localmodel

    runner = localmodel.runner(model)
    persona = engine.registry.get("jan")
    judgment, evidence = engine.judge(QUESTION, persona, engine.retrieve(QUESTION, persona, []), "en")
    messages, _ = prompt.build(persona, QUESTION, evidence, "en", engine.myths.check(QUESTION, "en"),
                               budget=engine_budget(), stance=judgment)
    head = localmodel.head_for(messages)
    grammar = localmodel.grammar_for(messages, head)

    def rate(pieces) -> float:
        it = iter(pieces)
        next(it)  # the first token carries the prefill: decode is what follows
        t, n = time.perf_counter(), 0
        for _ in it:
            n += 1
        return n / max(1e-6, time.perf_counter() - t)

    out = {"grammar_chars": len(grammar)}
    out["raw_decode_tokens_per_s"] = round(rate(runner.generate(messages, None, head=head,
                                                                max_tokens=DECODE_TOKENS)), 1)
    out["constrained_decode_tokens_per_s"] = round(rate(runner.generate(
        messages, grammar, head=head, max_tokens=DECODE_TOKENS, repeat_penalty=localmodel.REPEAT_PENALTY)), 1)
    text, bos = runner.format(messages)
    with runner.exclusive() as llm:  # llama.cpp's own grammar sampler over the whole vocabulary, as before
        stream = llm.create_completion(text + head, grammar=LlamaGrammar.from_string(grammar, verbose=False),
                                       max_tokens=DECODE_TOKENS, temperature=0.0, stream=True,
                                       repeat_penalty=localmodel.REPEAT_PENALTY)
        out["full_vocab_grammar_decode_tokens_per_s"] = round(rate(stream), 1)
    out["ratio_constrained_vs_raw"] = round(out["constrained_decode_tokens_per_s"]
                                            / max(1e-6, out["raw_decode_tokens_per_s"]), 2)
    out["ratio_full_vocab_grammar_vs_raw"] = round(out["full_vocab_grammar_decode_tokens_per_s"]
                                                   / max(1e-6, out["raw_decode_tokens_per_s"]), 2)
    return out


def engine_budget() -> int:
    from jan.answer.backends import LOCAL_BUDGET

    return LOCAL_BUDGET


def measure(settings, model: str | None = None) -> dict:
    from jan.answer.backends import local as localmodel

    model = model or localmodel.MODEL_NAME
    if not localmodel.available(model):
        return {"skipped": f"{model} not installed (run `make model`)"}
    from jan import services
    from jan.core.types import Turn

    load_before = os.getloadavg()
    engine = services.engine(settings)
    engine.warm_up()
    t = time.perf_counter()
    localmodel.load(model)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    engine.prepare_model("jan")  # what the app does at start, in the background
    warm_s = time.perf_counter() - t
    first, crit = _ask(engine, model, FIRST, [])
    later, _ = _ask(engine, model, QUESTION, [Turn(FIRST, crit)])
    result = {
        "model": model,
        "model_label": localmodel.spec(model).label,
        "load_average_1m": round(load_before[0], 1),
        "cores": os.cpu_count(),
        "model_load_s": round(load_s, 2),
        "prefix_warm_s": round(warm_s, 2),
        "first_question": first,
        "later_question": later,
        "targets": {"later_first_token_s": 4.0, "later_answer_s": 12.0, "first_question_first_token_s": 6.0,
                    "ratio_constrained_vs_raw": 0.8, "ratio_prefilled_vs_per_question": 1.2},
    }
    result["decode"] = _decode_rates(engine, model)
    result["load_average_1m_after"] = round(os.getloadavg()[0], 1)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result


def main(argv: list[str]) -> int:
    from jan.services import settings

    print(json.dumps(measure(settings(), argv[0] if argv else None)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
