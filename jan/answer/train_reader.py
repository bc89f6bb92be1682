"""Training the reader's head (reader.py): data and fitting. The command is `python -m jan.eval.reader train`.

Data, all written apart from the evaluation sets:
- jan/answer/reader_train/*.jsonl — (proposal, passage, for|against|neither) pairs written by helper sessions
  that saw no code and no evaluation set: customer-service domains, English and Dutch, reversals, negations;
- the hand-written practices as data: each card practice against the card's sentences closest to it (the
  research's direction is the label), each persona practice against its trait (the persona's stance), and
  each practice against a card that shares none of its card's tags (neither).
Validation holds out whole groups (a passage with all its proposals), so a figure is never on a passage seen
in training. Torch is needed only here (the shipped head runs in numpy). Seeded: the same data gives the same
weights on the same machine."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np

from .reader import LABELS, Head, pair_features

TRAIN_DIR = Path(__file__).with_name("reader_train")
SEED = 20261207


def helper_pairs(folder: Path = TRAIN_DIR) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                raise SystemExit(f"{path}:{n}: invalid JSON") from None
            if r.get("label") not in LABELS or not r.get("proposal") or not r.get("passage"):
                raise SystemExit(f"{path}:{n}: needs proposal, passage and a label in {LABELS}")
            rows.append({"proposal": r["proposal"], "passage": r["passage"], "label": r["label"],
                         "group": f"{path.stem}:{r.get('group', n)}"})
    return rows


def practice_pairs(cards, registry, reader) -> list[dict]:
    """The hand-written practices as (proposal, passage, label) pairs."""
    from .stance import trait_rows

    rows = []
    rng = random.Random(SEED)
    by_tags = [(c, set(c.tags)) for c in cards]
    for c in cards:
        for i, p in enumerate(c.practices):
            for text in (p.en, p.nl):
                q = reader.embedder.embed_queries([text])[0]
                rows.append({"proposal": text, "passage": reader.passage(c.text, q), "label": p.research,
                             "group": f"card:{c.id}"})
                others = [o for o, tags in by_tags if not tags & set(c.tags) and o.id != c.id]
                if others and i % 2 == 0:
                    o = rng.choice(others)
                    rows.append({"proposal": text, "passage": reader.passage(o.text, q), "label": "neither",
                                 "group": f"card:{c.id}"})
    tags_of = {c.id: set(c.tags) for c in cards}
    for persona in registry.all():
        for tid, trait in trait_rows(persona):
            passage = " ".join(trait.text.split())
            for p in getattr(trait, "practices", []):
                for text in (p.en, p.nl):
                    rows.append({"proposal": text, "passage": passage, "label": p.stance,
                                 "group": f"persona:{persona.id}:{tid}"})
            # a trait says nothing about a practice of research on other topics: neither (without these the
            # head read every first-person trait as a reason for or against anything)
            near = set().union(*(tags_of.get(c, set()) for c in trait.provenance)) if trait.provenance else set()
            far = [c for c in cards if c.practices and not set(c.tags) & near]
            for c in rng.sample(far, min(2, len(far))):
                pr = rng.choice(c.practices)
                for text in (pr.en, pr.nl):
                    rows.append({"proposal": text, "passage": passage, "label": "neither",
                                 "group": f"persona:{persona.id}:{tid}"})
    return rows


def featurize(embedder, rows: list[dict], design: str) -> np.ndarray:
    q = embedder.embed_queries([r["proposal"] for r in rows])
    p = embedder.embed_passages([r["passage"] for r in rows])
    joint = getattr(embedder, "embed_pairs", embedder.embed_passages)
    j = joint([f"{r['proposal']}\n{r['passage']}" for r in rows]) if not design.startswith("bi") else None
    return pair_features(design, q, p, j, [r["proposal"] for r in rows])


def validation_groups(groups: list[str], share: float = 0.12) -> set[str]:
    """The groups held out of training (whole passages with all their proposals), the same every run."""
    rng = random.Random(SEED)
    names = sorted(set(groups))
    rng.shuffle(names)
    return set(names[: int(len(names) * share)])


LLM_FRAME = ("Research: {passage}\nProposal: {proposal}\nQuestion: does the research give a reason for doing "
             "what the proposal proposes, a reason against doing it, or neither?\nAnswer:")
LLM_WORDS = (" for", " against", " neither")


def llm_read(logprobs, proposal: str, passage: str) -> np.ndarray:
    """Design B: the local model reads the pair; one answer word scored by likelihood (for, against, neither)."""
    scored = logprobs(LLM_FRAME.format(passage=passage, proposal=proposal), list(LLM_WORDS))
    lp = np.array([s for s, _ in scored], dtype=np.float64)
    e = np.exp(lp - lp.max())
    return e / e.sum()


def fit(x: np.ndarray, y: np.ndarray, groups: list[str], design: str, hidden: int = 256, epochs: int = 80,
        val_share: float = 0.12) -> tuple[Head, dict]:
    import torch

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    val_groups = validation_groups(groups, val_share)
    val = np.array([g in val_groups for g in groups])
    mu, sd = x[~val].mean(axis=0), x[~val].std(axis=0) + 1e-6
    xt = torch.tensor((x - mu) / sd, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.long)
    net = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(),
                              torch.nn.Dropout(0.3), torch.nn.Linear(hidden, 3))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
    train_idx = np.flatnonzero(~val)
    best, best_state, log = -1.0, None, []
    gen = torch.Generator().manual_seed(SEED)
    for _ in range(epochs):
        net.train()
        perm = train_idx[torch.randperm(len(train_idx), generator=gen).numpy()]
        for i in range(0, len(perm), 64):
            b = perm[i: i + 64]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(xt[b]), yt[b])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            pred = net(xt[val]).argmax(1).numpy() if val.any() else np.zeros(0)
        acc = float((pred == y[val]).mean()) if val.any() else 0.0
        log.append(round(acc, 4))
        if acc > best:
            best, best_state = acc, {k: v.clone() for k, v in net.state_dict().items()}
    net.load_state_dict(best_state)
    w = {k: v.numpy() for k, v in net.state_dict().items()}
    head = Head(w["1.weight"].T.copy(), w["1.bias"].copy(), w["4.weight"].T.copy(), w["4.bias"].copy(),
                mu.astype(np.float32), sd.astype(np.float32), design)
    probs = head.probs(x[val]) if val.any() else np.zeros((0, 3))
    report = {"design": design, "pairs": int(len(y)), "train": int((~val).sum()), "val": int(val.sum()),
              "val_groups": len(val_groups), "val_accuracy": round(float((probs.argmax(1) == y[val]).mean()), 4)
              if val.any() else None,
              "val_per_label": {lab: round(float((probs.argmax(1)[y[val] == i] == i).mean()), 4)
                                for i, lab in enumerate(LABELS) if (y[val] == i).any()},
              "epochs": epochs, "best_epoch": int(np.argmax(log)) + 1}
    return head, report


def data_hash(rows: list[dict]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(json.dumps(r, sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()[:16]
