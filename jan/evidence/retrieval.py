"""Hybrid retrieval: dense (Chroma) + lexical BM25 (Dutch stemming and compound splitting, English→Dutch
translation by a curated CX glossary and a general word list, CX vocabulary groups), fused by normalised
scores, filtered by tag, boosted by the persona's evidence tags, de-duplicated.

Fusion: each side's scores over its pool are scaled to 0..1 (cosine: min..max of the pool; BM25: 0..max)
and summed with weights. Rank fusion (RRF, k=60) was measured worse here: on a corpus of ~100 chunks with
pools of 30-50 every chunk sits in both lists, and a chunk ranked 20th by both beat a clear first of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.textclean import normalize_for_match
from ..core.types import Chunk, Evidence
from . import enrich, thesaurus
from .lexical import BM25, Tokenizer, query_terms
from .store import Store

POOL = 50  # candidates taken from each side
W_DENSE = 1.0  # weights of the scaled scores (tuned on the dev half of tests/data/retrieval_eval.jsonl)
W_LEX = 2.0
PERSONA_BOOST = 0.15  # added for chunks carrying one of the persona's evidence tags (~5% of a top score)
SPLIT_COMPOUNDS = True
PART_W = 0.3  # weight of compound parts ('klantwens' -> 'klant', 'wens')
TRANS_W = 1.0  # weight of Dutch translations of English words
SYN_W = 0.5  # weight of other words of the same vocabulary group
GENERAL_W = 0.75  # weight of translations from the general English→Dutch word list
# Index-time enrichment (jan.evidence.enrich): which generated fields are added to a chunk's lexical text,
# and whether the extra vectors of its generated questions count on the dense side (best cosine of the
# chunk and its questions). Off: with 36 of the 101 seed chunks enriched neither raised the tuning set
# (recall@5 0.87 -> 0.85 lexical, 0.76 with vectors; CHANGELOG); turn on after a full measurement.
ENRICH_LEX_FIELDS: tuple[str, ...] = ()
ENRICH_DENSE = False


@dataclass
class _Lexical:
    generation: tuple
    ids: list[str]
    cards: list[str]  # each chunk's card id ("" for document chunks)
    index: BM25
    tok: Tokenizer


class Retriever:
    def __init__(self, store: Store):
        self.store = store
        self._tok: Tokenizer | None = None
        self._lex: dict[tuple, _Lexical] = {}
        self._thesaurus: dict[str, set[str]] | None = None

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tok is None:
            self._tok = Tokenizer()
        return self._tok

    # ---------------------------------------------------------------- lexical
    def _lexical_index(self, tags: list[str] | None) -> _Lexical:
        key = tuple(sorted(tags or []))
        gen = (self.store.generation, enrich.stamp(self.store) if ENRICH_LEX_FIELDS else None)
        lex = self._lex.get(key)
        if lex is None or lex.generation != gen:
            chunks = self.store.chunks(list(key) or None)
            texts = [c.embed_text() for c in chunks]  # header (title, section) included: measured better
            if ENRICH_LEX_FIELDS:  # what a reader would ask or call it, generated once at ingest
                extra = enrich.enrichments(self.store, chunks)
                texts = [t + "\n" + "\n".join(extra[c.id].items(ENRICH_LEX_FIELDS)) if c.id in extra else t
                         for c, t in zip(chunks, texts, strict=True)]
            tok = Tokenizer()
            if SPLIT_COMPOUNDS:
                tok.learn(texts)
            lex = _Lexical(gen, [c.id for c in chunks], [c.card_id for c in chunks],
                           BM25([tok(t) or ["∅"] for t in texts]), tok)
            self._lex = {k: v for k, v in self._lex.items() if v.generation == gen}
            self._lex[key] = lex
        return lex

    def query_terms(self, query: str, tags: list[str] | None = None) -> dict[str, float]:
        """The weighted lexical query (own words, compound parts, translations, vocabulary groups)."""
        lex = self._lexical_index(tags)
        if self._thesaurus is None:
            self._thesaurus = thesaurus.build(lex.tok.stem)
        return query_terms(lex.tok, query, part_w=PART_W, trans_w=TRANS_W, syn_w=SYN_W, general_w=GENERAL_W,
                           thesaurus=self._thesaurus)

    def lexical(self, query: str, n: int, tags: list[str] | None = None) -> list[tuple[str, float]]:
        """Best chunks by BM25 over the weighted lexical query: (chunk id, score), best first."""
        lex = self._lexical_index(tags)
        terms = self.query_terms(query, tags)
        if not lex.ids or not terms:
            return []
        scores = lex.index.scores(terms)
        top = np.argsort(-scores, kind="stable")[: max(0, n)]
        return [(lex.ids[int(i)], float(scores[i])) for i in top if scores[i] > 0]

    def card_ranks(self, query: str, tags: list[str] | None = None) -> dict[str, tuple[int, float]]:
        """Every card that shares a term with the query: (rank among cards, score / best card's score), by
        each card's best chunk under BM25 over the weighted lexical query."""
        lex = self._lexical_index(tags)
        terms = self.query_terms(query, tags)
        if not lex.ids or not terms:
            return {}
        scores = lex.index.scores(terms)
        best: dict[str, float] = {}
        for card, s in zip(lex.cards, scores.tolist(), strict=True):
            if card and s > 0 and s > best.get(card, 0.0):
                best[card] = s
        order = sorted(best, key=lambda c: -best[c])
        top = best[order[0]] if order else 1.0
        return {c: (i, best[c] / top) for i, c in enumerate(order, 1)}

    # ---------------------------------------------------------------- dense
    def dense(self, query: str, n: int, tags: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity of the question's embedding: (chunk, cosine), best first."""
        return self._dense(query, n, tags)[0]

    def _dense(self, query: str, n: int, tags: list[str] | None) -> tuple[list[tuple[Chunk, float]], dict[str, float]]:
        """Dense hits ranked by the best cosine of the chunk or one of its generated questions, and the
        chunks' own cosines (what Evidence.similarity reports)."""
        vec = self.store.embedder.embed_queries([query])[0]
        hits = self.store.dense(vec, n, tags)
        own = {c.id: sim for c, sim in hits}
        if not ENRICH_DENSE:
            return hits, own
        best = {c.id: (c, sim) for c, sim in hits}
        for c, sim in self.store.dense_extra(vec, n, tags):
            if c.id not in best or sim > best[c.id][1]:
                best[c.id] = (c, sim)
        return sorted(best.values(), key=lambda cs: -cs[1])[:n], own

    # ---------------------------------------------------------------- hybrid
    def search(self, query: str, k: int = 6, tags: list[str] | None = None, persona=None,
               mode: str = "hybrid", pool: int | None = None) -> list[Evidence]:
        """Top-k evidence for a question. mode: hybrid | dense | bm25."""
        pool = pool or POOL
        dense_hits: list[tuple[str, float]] = []
        lex_hits: list[tuple[str, float]] = []
        chunks: dict[str, Chunk] = {}
        own: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            hits, own = self._dense(query, pool, tags)
            for chunk, sim in hits:
                chunks[chunk.id] = chunk
                dense_hits.append((chunk.id, sim))
        if mode in ("hybrid", "bm25"):
            lex_hits = self.lexical(query, pool, tags)
            missing = [c for c, _ in lex_hits if c not in chunks]
            chunks.update(self.store.get_chunks(missing))
        scores = fuse(dense_hits, lex_hits)
        dense_score = own
        if persona is not None:
            wanted = set(persona.evidence_tags)
            for cid in scores:
                topics = set(filter(None, chunks[cid].topics.split(","))) if cid in chunks else set()
                if topics & wanted:
                    scores[cid] += PERSONA_BOOST
        ranked = sorted((c for c in scores if c in chunks), key=lambda c: -scores[c])
        out: list[Evidence] = []
        seen: list[set[str]] = []
        for cid in ranked:
            words = set(normalize_for_match(chunks[cid].text).split())
            if any(len(words & s) / max(1, len(words | s)) > 0.85 for s in seen):
                continue
            seen.append(words)
            out.append(Evidence(f"E{len(out) + 1}", chunks[cid], scores[cid], len(out) + 1, dense_score.get(cid)))
            if len(out) >= k:
                break
        return out


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]]) -> dict[str, float]:
    """One score per chunk id from the dense (cosine) and lexical (BM25) hit lists, each best first."""
    out: dict[str, float] = {}
    for w, hits, floor in ((W_DENSE, dense, None), (W_LEX, lexical, 0.0)):
        if not hits:
            continue
        for cid, s in zip((c for c, _ in hits), scale([s for _, s in hits], floor), strict=True):
            out[cid] = out.get(cid, 0.0) + w * s
    return out


def scale(values: list[float], floor: float | None = None) -> list[float]:
    """Scores mapped to 0..1: (v - lo) / (max - lo), lo = `floor` or the smallest value (0 for a single one)."""
    if not values:
        return []
    hi = max(values)
    lo = floor if floor is not None else (min(values) if len(values) > 1 else 0.0)
    span = (hi - lo) or 1.0
    return [(v - lo) / span for v in values]


def top_similarity(evidence: list[Evidence]) -> float:
    vals = [e.similarity for e in evidence if e.similarity is not None]
    return float(np.max(vals)) if vals else 0.0
