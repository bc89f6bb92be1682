"""Hybrid retrieval: dense (Chroma) + lexical BM25 (bm25s, Dutch stemming, English→Dutch expansion),
fused by reciprocal rank, filtered by tag, boosted by the persona's evidence tags, de-duplicated."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .glossary import expand
from .store import Store
from .textclean import normalize_for_match
from .types import Chunk, Evidence

RRF_K = 60


def _stopwords() -> set[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return set(STOPWORDS_DUTCH) | set(STOPWORDS_EN)


class Tokenizer:
    def __init__(self) -> None:
        import Stemmer

        self.stem = Stemmer.Stemmer("dutch").stemWord
        self.stop = _stopwords()

    def __call__(self, text: str) -> list[str]:
        words = re.findall(r"\w+", normalize_for_match(text))
        return [self.stem(w) for w in words if w not in self.stop and len(w) > 1]


@dataclass
class _Lexical:
    generation: int
    tags: tuple
    ids: list[str]
    index: object


class Retriever:
    def __init__(self, store: Store):
        self.store = store
        self._tok: Tokenizer | None = None
        self._lex: _Lexical | None = None

    @property
    def tokenizer(self) -> Tokenizer:
        if self._tok is None:
            self._tok = Tokenizer()
        return self._tok

    # ---------------------------------------------------------------- lexical
    def _lexical_index(self, tags: list[str] | None) -> _Lexical:
        key = tuple(sorted(tags or []))
        gen = self.store.generation
        if self._lex is None or self._lex.generation != gen or self._lex.tags != key:
            import bm25s

            chunks = self.store.chunks(list(key) or None)
            tokens = [self.tokenizer(c.embed_text()) or ["∅"] for c in chunks]
            index = bm25s.BM25()
            if tokens:
                index.index(tokens, show_progress=False)
            self._lex = _Lexical(gen, key, [c.id for c in chunks], index)
        return self._lex

    def lexical(self, query: str, n: int, tags: list[str] | None = None) -> list[tuple[str, float]]:
        lex = self._lexical_index(tags)
        q = self.tokenizer(expand(query))
        if not lex.ids or not q:
            return []
        docs, scores = lex.index.retrieve([q], k=min(n, len(lex.ids)), show_progress=False)
        return [(lex.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    # ---------------------------------------------------------------- dense
    def dense(self, query: str, n: int, tags: list[str] | None = None) -> list[tuple[Chunk, float]]:
        vec = self.store.embedder.embed_queries([query])[0]
        return self.store.dense(vec, n, tags)

    # ---------------------------------------------------------------- hybrid
    def search(self, query: str, k: int = 6, tags: list[str] | None = None, persona=None,
               mode: str = "hybrid", pool: int = 30) -> list[Evidence]:
        """Top-k evidence for a question. mode: hybrid | dense | bm25."""
        scores: dict[str, float] = {}
        dense_score: dict[str, float] = {}
        chunks: dict[str, Chunk] = {}
        if mode in ("hybrid", "dense"):
            for rank, (chunk, sim) in enumerate(self.dense(query, pool, tags)):
                chunks[chunk.id] = chunk
                dense_score[chunk.id] = sim
                scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (RRF_K + rank + 1)
        if mode in ("hybrid", "bm25"):
            for rank, (cid, _) in enumerate(self.lexical(query, pool, tags)):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
            missing = [c for c in scores if c not in chunks]
            chunks.update(self.store.get_chunks(missing))
        if persona is not None:
            wanted = set(persona.evidence_tags)
            for cid in scores:
                topics = set(filter(None, chunks[cid].topics.split(","))) if cid in chunks else set()
                if topics & wanted:
                    scores[cid] += 0.1 / RRF_K
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


def top_similarity(evidence: list[Evidence]) -> float:
    vals = [e.similarity for e in evidence if e.similarity is not None]
    return float(np.max(vals)) if vals else 0.0
