"""The local model as the index-time enricher (issue 20): it loads the model through the local backend
(jan.answer.backends.local) and writes, for one chunk, the three lines jan.evidence.enrich asks for
(EN question, NL question, key phrases)."""

from __future__ import annotations

from ...core.types import Chunk
from ...evidence.enrich import MAX_TOKENS, PROMPT_VERSION, prompt_for
from . import local

STOP = ["\n", "<|im_end|>", "<|endoftext|>"]


class LocalEnricher:
    """Three greedy one-line completions (EN, NL, KEY), each begun by us, so the format holds without a
    grammar (a grammar over Qwen's 151k-token vocabulary cost ~7x the model's own time here); llama.cpp
    reuses the evaluated prompt between them and the instructions between chunks."""

    key = f"{local.FILE_NAME}:p{PROMPT_VERSION}"

    def available(self) -> bool:
        return local.available()

    def generate(self, chunk: Chunk) -> str:
        llm = local.load()
        start = prompt_for(chunk)
        text = start
        for n, nxt in enumerate(("\nNL: ", "\nKEY: ", "")):
            out = llm.create_completion(text, max_tokens=MAX_TOKENS if n < 2 else MAX_TOKENS - 4, temperature=0.0,
                                        repeat_penalty=1.1, stop=STOP)
            text += (out["choices"][0]["text"] or "").strip() + nxt
        return "EN: " + text[len(start):]
