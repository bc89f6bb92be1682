"""The local model as a second reader of the stance.

Design D, `read` (selectable: `--stance-design read`): the model reads which of the practices closest in
meaning the proposal *means*, by likelihood. For each candidate practice it scores how much more likely
the practice's words become after "Proposal: <the proposal>\nIn other words:" than after the same frame
with no proposal (pointwise mutual information, so a short or common practice is not favoured). The best
one's direction is the verdict; the model reads the proposal as written, negations included, so nothing is
turned. Abstention and "mixed" stay the stance model's. Measured (verdict accuracy, stance → read): dev
0.738 → 0.762, held-out 0.68 → 0.66, 0.70 → 0.70, 0.55 → 0.625, at a median 4.6-7 s of model time per
question: too little for its cost, so the stance model alone stays the default.

Design B, `judge`:

The stance model ranks practices by meaning; embeddings see a proposal's topic well but not always its
direction ("hide our contact details" and "stop hiding our contact details" sit close together). Design B
asks the small model one short constrained question: which of the top practices (both directions among
them) describes what the proposal does, or none? The chosen practice's direction is the verdict. A first
version asked for a +/0/- mark per practice; the 1.5B model marked every practice 0 (measured: verdict
accuracy 0.24 on the dev set)."""

from __future__ import annotations

import threading

from .stance import Judgment, StanceModel

CANDIDATES = 6  # practices shown to the model, best matches first
READ_FRAME = {"en": ("Proposal", "In other words"), "nl": ("Voorstel", "Dit betekent")}
_PRIOR: dict[tuple[str, str, str], float] = {}  # (model, frame, practice) → log-probability with no proposal
_PRIOR_LOCK = threading.Lock()

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


def read(model: StanceModel, logprobs, text: str, persona, evidence, language: str,
         base: Judgment | None = None, model_key: str = "") -> Judgment:
    """Design D. `logprobs(context, continuations) -> [(log-probability, tokens)]` runs the model named by
    `model_key` (the likelihoods with no proposal are remembered per model)."""
    import numpy as np

    from ..evidence.myths import proposal as strip_frame

    base = base or model.judge(text, persona, evidence, language)
    if base.verdict in ("no-evidence", "mixed"):
        return base
    q = model.embed(text)
    practices, weighted, raw = model.scores(q, text, persona)
    order = [int(i) for i in np.argsort(-weighted, kind="stable")[:CANDIDATES]]
    head, gloss = READ_FRAME["nl" if language == "nl" else "en"]
    texts = [" " + practices[i].text(language) for i in order]
    given = logprobs(f"{head}: {strip_frame(text)}\n{gloss}:", texts)
    frame = f"{head}:\n{gloss}:"
    with _PRIOR_LOCK:
        missing = [t for t in dict.fromkeys(texts) if (model_key, frame, t) not in _PRIOR]
    if missing:
        scored = logprobs(frame, missing)
        with _PRIOR_LOCK:
            _PRIOR.update({(model_key, frame, t): lp for t, (lp, _) in zip(missing, scored, strict=True)})
    gain = [lp - _PRIOR[(model_key, frame, t)] for (lp, _), t in zip(given, texts, strict=True)]
    k = order[int(np.argmax(gain))]
    p = practices[k]
    reason = model.reason(p, float(raw[k]), persona, q, evidence, language)
    return Judgment("supports" if p.direction == "for" else "opposes", [reason], best=base.best)
