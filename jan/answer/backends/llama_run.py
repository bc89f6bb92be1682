"""Running a llama.cpp model for answers: a KV prefix kept per persona, and grammar-checked greedy decoding
that costs what the model costs.

Prefix reuse: a prompt is `prefix + per-question part`, where the prefix (instructions, persona profile,
output format) is identical for every question to one persona. The live KV cache is reused as far as it
matches the new prompt; besides that, the KV state of each persona's prefix is saved (only sequence 0's
cells, ≈ 28 KB a token for the 1.5B model) so that switching back to a persona restores it instead of
prefilling it again.

Decoding: llama.cpp's grammar sampler, run over the whole vocabulary (151,936 tokens for Qwen) at every step,
costs more than the model's own forward pass. Greedy decoding under a grammar picks the highest-scoring
token the grammar accepts, so the candidates are checked in order of score, a few at a time: almost always
the first one is accepted. Same tokens as the full check, at a fraction of the cost.

Concurrency: one generation at a time owns the model; each step takes the lock, so a background warm-up waits
between steps, and a generation its reader abandoned (a cancelled answer) is taken over by the next one.
"""

from __future__ import annotations

import codecs
import ctypes
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ...core.errors import JanError

TIERS = (16, 512)  # candidates checked against the grammar, best first, before the whole vocabulary
PENALTY_LAST_N = 64  # as llama.cpp's default: the repeat penalty looks at the last 64 generated tokens
MAX_PREFIXES = 8  # persona prefixes kept (each ≈ 10-20 MB)
STALE_S = 1.0  # a generation that took no step for this long was abandoned by its reader
# for a GGUF without a chat template: Gemma's turn format (system text goes into the first user turn)
GEMMA_TURNS = ("{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set sys = messages[0]['content'] %}"
               "{% set turns = messages[1:] %}{% else %}{% set sys = '' %}{% set turns = messages %}{% endif %}"
               "{% for m in turns %}<start_of_turn>{{ 'model' if m['role'] == 'assistant' else 'user' }}\n"
               "{% if loop.first and sys %}{{ sys }}\n\n{% endif %}{{ m['content'] }}<end_of_turn>\n"
               "{% endfor %}{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}")


@dataclass
class Stats:
    """What the last prompt cost: tokens in it, reused from the KV cache, prefilled now."""
    prompt_tokens: int = 0
    reused_tokens: int = 0
    prefilled_tokens: int = 0
    prefix_tokens: int = 0  # the persona prefix's length (0 when the prompt had none)
    restored: bool = False  # the prefix came from a saved state (another persona had the cache)
    decoded_tokens: int = 0  # tokens the model generated for the answer


class Runner:
    def __init__(self, llm):
        self.llm = llm
        self.lock = threading.Lock()
        self.prefixes: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.stats = Stats()
        self._owner: object | None = None
        self._last_step = 0.0
        self._formatter = None

    # ------------------------------------------------------------ prompts
    def format(self, messages: list[dict]) -> tuple[str, bool]:
        """The chat template applied (the GGUF's own); returns (text, whether it holds the BOS token)."""
        if self._formatter is None:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            llm = self.llm
            template = llm.metadata.get("tokenizer.chat_template")
            if not template and llm.metadata.get("general.architecture", "").startswith("gemma"):
                template = GEMMA_TURNS
            if not template:
                raise JanError(f"{llm.model_path}: the GGUF carries no chat template")

            def text(tid: int) -> str:
                return llm.detokenize([tid], special=True).decode("utf-8", "ignore") if tid >= 0 else ""

            self._formatter = Jinja2ChatFormatter(template=template, eos_token=text(llm.token_eos()),
                                                  bos_token=text(llm.token_bos()), add_generation_prompt=True)
        out = self._formatter(messages=messages)
        return out.prompt, bool(getattr(out, "added_special", False))

    def prefix_text(self, messages: list[dict]) -> str:
        """The part of the formatted prompt before the user's message: system prompt + template."""
        marker = "\ue000\ue001"
        probe = [messages[0], {"role": "user", "content": marker}]
        text, _ = self.format(probe)
        return text.split(marker, 1)[0]

    def tokenize(self, text: str, bos_in_text: bool = False) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=not bos_in_text, special=True)

    # ------------------------------------------------------------ KV cache
    def _live(self) -> list[int]:
        return list(self.llm.input_ids[: self.llm.n_tokens])

    @staticmethod
    def _common(a, b) -> int:
        n = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            n += 1
        return n

    def _save_prefix(self, tokens: list[int]) -> None:
        import llama_cpp

        ctx = self.llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = llama_cpp.llama_state_seq_get_data(ctx, buf, size, 0)
        key = tuple(tokens)
        self.prefixes[key] = bytes(buf)[:n]
        self.prefixes.move_to_end(key)
        while len(self.prefixes) > MAX_PREFIXES:
            self.prefixes.popitem(last=False)

    def _restore(self, key: tuple[int, ...]) -> bool:
        import llama_cpp

        data = self.prefixes[key]
        llm = self.llm
        llm._ctx.kv_cache_seq_rm(0, 0, -1)
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if llama_cpp.llama_state_seq_set_data(llm._ctx.ctx, buf, len(data), 0) != len(data):
            llm._ctx.kv_cache_seq_rm(0, 0, -1)
            llm.n_tokens = 0
            return False
        llm.input_ids[: len(key)] = key
        llm.n_tokens = len(key)
        self.prefixes.move_to_end(key)
        return True

    def _prefill(self, tokens: list[int], prefix_len: int) -> None:
        """Bring the KV cache to `tokens` (all but the logits of the last one are kept), prefilling only what
        neither the live cache nor a saved prefix holds. The prefix's state is saved the first time."""
        llm = self.llm
        reuse = self._common(self._live(), tokens)
        restored = False
        saved = [k for k in self.prefixes if reuse < len(k) <= len(tokens) and tuple(tokens[: len(k)]) == k]
        if saved and self._restore(max(saved, key=len)):
            reuse, restored = max(len(k) for k in saved), True
        reuse = min(reuse, len(tokens) - 1)  # at least one token is evaluated: its logits start the answer
        llm.n_tokens = reuse
        todo = 0
        if prefix_len and reuse < prefix_len:  # prefill the prefix first and save it for this persona
            llm.eval(tokens[reuse:prefix_len])
            self._save_prefix(tokens[:prefix_len])
            todo += prefix_len - reuse
            reuse = prefix_len
        if reuse < len(tokens):
            llm.eval(tokens[reuse:])
            todo += len(tokens) - reuse
        self.stats = Stats(len(tokens), len(tokens) - todo, todo, prefix_len, restored)

    def _claim(self) -> object:
        token = object()
        self._owner, self._last_step = token, time.monotonic()
        return token

    def _wait_idle(self) -> None:
        """Called with the lock held: wait while a live generation is running (it releases between steps)."""
        while self._owner is not None and time.monotonic() - self._last_step < STALE_S:
            self.lock.release()
            time.sleep(0.05)
            self.lock.acquire()

    @contextmanager
    def exclusive(self):
        """The bare llama.cpp object for a caller's own completion (the bench's comparisons): waits for a running
        answer, and afterwards forgets the KV bookkeeping, since a foreign completion leaves it unknown."""
        with self.lock:
            self._wait_idle()
            self._owner = None
            try:
                yield self.llm
            finally:
                self.llm.n_tokens = 0

    def warm(self, messages: list[dict]) -> Stats:
        """Prefill and save the prefix of this prompt (its system message), waiting for a running answer."""
        text = self.prefix_text(messages)
        with self.lock:
            self._wait_idle()
            self._owner = None
            tokens = self.tokenize(text, text.startswith(self._bos_text()))
            reuse = self._common(self._live(), tokens)
            if reuse < len(tokens) and tuple(tokens) in self.prefixes and self._restore(tuple(tokens)):
                reuse = len(tokens)
            todo = len(tokens) - reuse
            if todo:
                self.llm.n_tokens = reuse
                self.llm.eval(tokens[reuse:])
            if tuple(tokens) not in self.prefixes:
                self.llm._ctx.kv_cache_seq_rm(0, len(tokens), -1)  # save the prefix alone
                self.llm.n_tokens = len(tokens)
                self._save_prefix(tokens)
            return Stats(len(tokens), reuse, todo, len(tokens))

    def _bos_text(self) -> str:
        tid = self.llm.token_bos()
        return self.llm.detokenize([tid], special=True).decode("utf-8", "ignore") if tid >= 0 else "\0"

    def prompt_tokens(self, messages: list[dict], head: str = "") -> tuple[list[int], int]:
        """The prompt's tokens (with `head`, the start of the answer, already written) and the length of
        the persona prefix within them (0 when the prompt has no system message)."""
        text, bos = self.format(messages)
        tokens = self.tokenize(text + head, bos)
        if messages[0].get("role") != "system" or len(messages) < 2:
            return tokens, 0
        prefix = self.tokenize(self.prefix_text(messages), bos)
        return tokens, self._common(prefix, tokens)

    # ------------------------------------------------------------ decoding
    def generate(self, messages: list[dict], grammar: str | None, *, head: str = "", max_tokens: int = 400,
                 repeat_penalty: float = 1.0) -> Iterator[str]:
        """Greedy decoding, streamed as text. `head` is written into the prompt as the answer's start and
        yielded first, before the prompt is prefilled (it is known already: the verdict and summary the stance
        model decided are on screen at once). `grammar` (GBNF) constrains what follows."""
        import llama_cpp
        import numpy as np

        llm = self.llm
        vocab = llm._model.vocab
        n_vocab = llm.n_vocab()
        tokens, prefix_len = self.prompt_tokens(messages, head)
        if len(tokens) + max_tokens > llm.n_ctx():
            max_tokens = max(0, llm.n_ctx() - len(tokens))
            if not max_tokens:
                raise JanError(f"the prompt is {len(tokens)} tokens, more than the model's context ({llm.n_ctx()})")
        smpl = None
        if grammar:
            smpl = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
            if not smpl:
                raise JanError("the answer grammar did not parse (a bug: please report it)")
        full = np.zeros(n_vocab, dtype=np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)]))
        full["id"] = np.arange(n_vocab, dtype=np.int32)
        small = (llama_cpp.llama_token_data * TIERS[-1])()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        recent: list[int] = []
        me = None
        try:
            if head:
                yield head
            with self.lock:
                self._wait_idle()
                me = self._claim()
                self._prefill(tokens, prefix_len)
            for _ in range(max_tokens):
                with self.lock:
                    if self._owner is not me:
                        return  # another answer or a warm-up took the model over: this one was abandoned
                    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1),
                                                   shape=(n_vocab,)).copy()
                    if repeat_penalty != 1.0 and recent:
                        seen = np.fromiter(set(recent[-PENALTY_LAST_N:]), dtype=np.int64)
                        v = logits[seen]
                        logits[seen] = np.where(v > 0, v / repeat_penalty, v * repeat_penalty)
                    tok = self._pick(smpl, logits, small, full)
                    if tok < 0 or llama_cpp.llama_vocab_is_eog(vocab, tok):
                        break
                    if smpl is not None:
                        llama_cpp.llama_sampler_accept(smpl, tok)
                    recent.append(tok)
                    self.stats.decoded_tokens = len(recent)
                    llm.eval([tok])
                    self._last_step = time.monotonic()
                piece = decoder.decode(llm.detokenize([tok]))
                if piece:
                    yield piece
            tail = decoder.decode(b"", final=True)
            if tail:
                yield tail
        finally:
            with self.lock:
                if me is not None and self._owner is me:
                    self._owner = None
            if smpl is not None:
                llama_cpp.llama_sampler_free(smpl)

    @staticmethod
    def _pick(smpl, logits, small, full) -> int:
        """The highest-scoring token the grammar accepts (-1 if it accepts none)."""
        import llama_cpp
        import numpy as np

        if smpl is None:
            return int(np.argmax(logits))
        order = np.argsort(-logits[(top := np.argpartition(-logits, TIERS[-1])[: TIERS[-1]])])
        top = top[order]
        arr = llama_cpp.llama_token_data_array(data=small, size=0, selected=-1, sorted=True)
        for n in TIERS:
            for i in range(n):
                small[i].id, small[i].logit, small[i].p = int(top[i]), float(logits[top[i]]), 0.0
            arr.size = n
            llama_cpp.llama_sampler_apply(smpl, ctypes.byref(arr))
            for i in range(n):
                if small[i].logit != float("-inf"):
                    return small[i].id
        full["logit"] = logits
        arr = llama_cpp.llama_token_data_array(
            data=full.ctypes.data_as(llama_cpp.llama_token_data_p), size=len(full), selected=-1, sorted=False)
        llama_cpp.llama_sampler_apply(smpl, ctypes.byref(arr))
        best = int(np.argmax(full["logit"]))
        return best if full["logit"][best] != -np.inf else -1

    def complete(self, messages: list[dict], grammar: str | None, max_tokens: int = 40) -> str:
        return "".join(self.generate(messages, grammar, max_tokens=max_tokens))
