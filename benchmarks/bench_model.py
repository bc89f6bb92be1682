"""Local-model measurements for `make bench`, run in their own process so peak memory is the model's:
time to evidence and to the first streamed token against a floor (retrieval + prompt tokens / measured
prefill speed), decode tokens/s, peak resident memory with the model loaded."""

from __future__ import annotations

import json
import resource
import sys
import time

QUESTION = "What would Jan think of removing the phone number from the website?"


def measure(settings) -> dict:
    from jan.answer.backends import local as localmodel

    if not localmodel.available():
        return {"skipped": "local model not installed (run `make model`)"}
    from jan import services
    from jan.answer import prompt
    from jan.answer.engine import LOCAL_BUDGET

    t = time.perf_counter()
    llm = localmodel.load()
    load_s = time.perf_counter() - t
    engine = services.engine(settings)
    engine.warm_up()

    # prefill speed of this machine, on this question's own prompt, from an empty KV cache
    persona = engine.registry.get("jan")
    judgment, evidence = engine.judge(QUESTION, persona, engine.retrieve(QUESTION, persona, []), "en")
    myths = engine.myths.check(QUESTION, "en")
    messages, _ = prompt.build(persona, QUESTION, evidence, "en", myths, budget=LOCAL_BUDGET, stance=judgment)
    # Qwen's chat template (ChatML), as create_chat_completion applies it to a prompt with a system message
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"
    prompt_tokens = len(llm.tokenize(text.encode("utf-8"), special=True))
    llm.reset()
    t = time.perf_counter()
    llm.create_completion(text, max_tokens=1, temperature=0.0)
    prefill_s = time.perf_counter() - t
    prefill_tps = prompt_tokens / prefill_s
    llm.reset()  # the timed answer below starts from an empty cache too

    marks: dict[str, float] = {}
    pieces: list[str] = []

    def on_evidence(_ev) -> None:
        marks.setdefault("evidence", time.perf_counter())

    def on_token(tok: str) -> None:
        marks.setdefault("first_token", time.perf_counter())
        pieces.append(tok)

    t0 = time.perf_counter()
    crit = engine.ask(QUESTION, "jan", model=localmodel.MODEL_NAME, on_evidence=on_evidence, on_token=on_token)
    end = time.perf_counter()
    answer_tokens = len(llm.tokenize("".join(pieces).encode("utf-8"), add_bos=False))
    to_evidence = marks["evidence"] - t0
    to_first = marks["first_token"] - t0
    floor = to_evidence + prompt_tokens / prefill_tps
    verified, total = crit.citation_counts()
    return {
        "model_load_s": round(load_s, 2),
        "prompt_tokens": prompt_tokens,
        "prefill_tokens_per_s": round(prefill_tps, 1),
        "time_to_evidence_s": round(to_evidence, 3),
        "time_to_first_token_s": round(to_first, 2),
        "first_token_floor_s": round(floor, 2),
        "ratio_first_token_vs_floor": round(to_first / floor, 2),
        "decode_tokens_per_s": round(answer_tokens / max(1e-6, end - marks["first_token"]), 1),
        "answer_tokens": answer_tokens,
        "answer_s": round(end - t0, 1),
        "verdict": crit.verdict,
        "citations_verified": f"{verified}/{total}",
        "notes": crit.notes,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    from jan.services import settings

    print(json.dumps(measure(settings())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
