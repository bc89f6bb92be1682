"""Citations by sentence number for small local models: the prompt numbers the evidence sentences
([E1.2] before the second sentence of E1), the model cites a number, and the number is replaced by the exact
sentence before anything reads the answer — so the citation gate verifies it like any quote, and the
grammar need not spell out every sentence (which made each decoding step slow)."""

from __future__ import annotations

import re

BLOCK = re.compile(r"<<evidence-([0-9a-f]+)>> \[(E\d+)\][^\n]*\n(.*?)\n<</evidence-\1>>", re.S)
# the prompt line that hands the stance model's summary to the local backend (local.py takes it out of the
# prompt and writes it as the answer's start: the model neither reads it twice nor spends time writing it)
SUMMARY_KEY = "Your summary:"
BLOCK_OPEN = re.compile(r"<<evidence-[0-9a-f]+>> \[E\d+\]")
_NUMBERED = re.compile(r"\[(E\d+)\.(\d+)\] ")


def mark(label: str, number: int, sentence: str) -> str:
    """A numbered evidence sentence as the prompt shows it."""
    return f"[{label}.{number}] {sentence}"


MIN_WORDS = 3  # the citation gate's minimum quote length


def citeable(messages: list[dict]) -> dict[str, dict[int, str]]:
    """The numbered evidence sentences of a prompt a citation may name: {'E1': {1: 'sentence', …}, …}
    (sentences under the citation gate's minimum length are left out)."""
    text = "\n".join(m.get("content") or "" for m in messages)
    out: dict[str, dict[int, str]] = {}
    for _, label, body in BLOCK.findall(text):
        marks = list(_NUMBERED.finditer(body))
        for m, nxt in zip(marks, [*marks[1:], None], strict=True):
            if m.group(1) != label:
                continue
            sentence = body[m.end():nxt.start() if nxt else len(body)].strip()
            if len(sentence.split()) >= MIN_WORDS:
                out.setdefault(label, {})[int(m.group(2))] = sentence
    return out


_NUM_CITE = re.compile(r"\[(E\d+)\.(\d+)\]")


def expand_citations(text: str, table: dict[str, dict[int, str]]) -> str:
    """[E1.2] → [E1: "the exact second sentence of E1"]; a number the prompt did not give stays as it was
    (the citation gate then marks it unverified)."""
    def one(m: re.Match) -> str:
        sentence = table.get(m.group(1), {}).get(int(m.group(2)))
        return f'[{m.group(1)}: "{sentence}"]' if sentence else m.group(0)

    return _NUM_CITE.sub(one, text)


def expanding(pieces, table):
    """expand_citations on a token stream: text is passed on as it comes, a bracket is held until it closes."""
    held = ""
    for piece in pieces:
        held += piece
        cut = held.rfind("[")
        if cut == -1 or "]" in held[cut:]:
            out, held = held, ""
        else:
            out, held = held[:cut], held[cut:]
        if out:
            yield expand_citations(out, table)
    if held:
        yield expand_citations(held, table)


