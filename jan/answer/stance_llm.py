"""The local model as a second reader of the stance (design B of the stance measurements).

The stance model ranks practices by meaning; embeddings see a proposal's topic well but not always its
direction ("hide our contact details" and "stop hiding our contact details" sit close together). Design B
asks the small model one short constrained question: which of the top practices (both directions among
them) describes what the proposal does, or none? The chosen practice's direction is the verdict. A first
version asked for a +/0/- mark per practice; the 1.5B model marked every practice 0 (measured: verdict
accuracy 0.24 on the dev set)."""

from __future__ import annotations

from .stance import Judgment, StanceModel

CANDIDATES = 6  # practices shown to the model, best matches first

SYSTEM = "You match a proposal to the statement that describes what it does."


def messages(proposal: str, practices: list[str]) -> list[dict]:
    lines = "\n".join(f"{i}. {p}" for i, p in enumerate(practices, 1))
    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Proposal: {proposal}\n\nWhich statement describes what this proposal "
                                        f"does?\n{lines}\n0. None of them: the proposal is about something else."
                                        "\n\nAnswer with the number only."}]


def grammar(n: int) -> str:
    return f"root ::= [0-{n}]\n"


def judge(model: StanceModel, complete, text: str, persona, evidence, language: str,
          base: Judgment | None = None) -> Judgment:
    """`complete(messages, grammar) -> str` runs the model. The stance model's own judgment stands when it
    abstains; otherwise the model picks which of the top practices the proposal does (or none), and that
    practice's direction is the verdict."""
    import numpy as np

    from ..evidence.myths import proposal as strip_frame

    base = base or model.judge(text, persona, evidence, language)
    if base.verdict == "no-evidence":
        return base
    q = model.embed(text)
    practices, weighted, raw = model.scores(q, text, persona)
    ranked = [(practices[i], float(raw[i])) for i in np.argsort(-weighted, kind="stable")[:CANDIDATES]]
    answer = complete(messages(strip_frame(text), [p.text(language) for p, _ in ranked]), grammar(len(ranked)))
    pick = int(answer.strip()[:1]) if answer.strip()[:1].isdigit() else 0
    if not 1 <= pick <= len(ranked):
        return Judgment("no-evidence", best=base.best)
    p, sim = ranked[pick - 1]
    reason = model.reason(p, sim, persona, q, evidence, language)
    return Judgment("supports" if p.direction == "for" else "opposes", [reason], best=base.best)
