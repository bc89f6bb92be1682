"""Scoring continuations with a llama.cpp model: how likely the model finds a text after a context, token by
token. The stance model's reader (stance_llm.read) asks which of the practices closest in meaning a proposal
*means*: a small model reads a sentence's direction ("close the helpdesk on Saturdays" vs "staff it on
Saturdays") much better by likelihood than by answering a question about it.

A scorer is its own llama.cpp context on the same weights (the file is memory-mapped once), small and with
logits for every token, so it never disturbs the answering context's persona prefix. The context is
evaluated once per call; each continuation is evaluated after it, reusing the context's KV cells.
"""

from __future__ import annotations

import threading

import numpy as np

N_CTX = 256  # a proposal (≤ 120 tokens here) and one practice
MAX_CONTEXT_TOKENS = 160


class Scorer:
    def __init__(self, llm):
        self.llm = llm
        self.lock = threading.Lock()

    def _tokens(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def logprobs(self, context: str, continuations: list[str]) -> list[tuple[float, int]]:
        """(summed log-probability, token count) of each continuation right after the context."""
        llm = self.llm
        ctx = self._tokens(context)[-MAX_CONTEXT_TOKENS:]
        out = []
        with self.lock:
            llm.reset()
            llm.eval(ctx)
            for text in continuations:
                cont = self._tokens(text)[: N_CTX - len(ctx) - 1]
                if not cont:
                    out.append((0.0, 0))
                    continue
                llm.n_tokens = len(ctx)  # keep the context's cells, drop the last continuation's
                llm.eval(cont)
                rows = np.asarray(llm.scores[len(ctx) - 1: len(ctx) + len(cont) - 1], dtype=np.float64)
                top = rows.max(axis=1, keepdims=True)
                norm = top[:, 0] + np.log(np.exp(rows - top).sum(axis=1))
                out.append((float((rows[np.arange(len(cont)), cont] - norm).sum()), len(cont)))
        return out
