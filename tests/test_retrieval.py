"""Retrieval over real Dutch paragraphs in a real store: evidence labels, tags, de-duplication, cross-lingual
questions, and an end-to-end check on the shared seed documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_mini_corpus
from helpers import run_jan, search_json

from jan.core.config import load_settings
from jan.core.types import Chunk, Evidence
from jan.evidence.ingest import ensure_builtin, ingest_paths
from jan.evidence.retrieval import Retriever
from jan.evidence.store import Store
from jan.personas.persona import Registry

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

PARAGRAPHS = {
    "bellen.md": "# Bereikbaarheid\n\nKlanten worden boos als ze niemand kunnen bellen. Een bestuur dat het telefoonnummer "
                 "van de website wil halen omdat er te veel klachten binnenkomen, maakt het probleem alleen maar groter.\n",
    "prijs.md": "# Prijs en beleving\n\nNiet de laagste prijs bepaalt of klanten terugkomen. Een vriendelijke ontvangst "
                "en een medewerker die meedenkt wegen voor veel mensen zwaarder dan een paar euro korting.\n",
    # a near-duplicate of prijs.md (one character differs): must not fill two evidence slots
    "kopie.md": "# Prijs en beleving\n\nNiet de laagste prijs bepaalt of klanten terugkomen. Een vriendelijke ontvangst "
                "en een medewerker die meedenkt wegen voor veel mensen zwaarder dan een paar euro korting!\n",
    "wachten.txt": "Wie een storing meldt, wil weten wanneer die verholpen is. Lang wachten zonder bericht van de "
                   "monteur voelt voor klanten als genegeerd worden.\n",
    "vereniging.md": "# Vereniging\n\nVrijwilligers van de vereniging organiseren elk voorjaar een open dag voor nieuwe "
                     "leden. Ze koken, ruimen op en vertellen over de activiteiten.\n",
}


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    """One real store for the module: the two test cards, five Dutch documents (tag nl), one internal note."""
    tmp = tmp_path_factory.mktemp("retrieval")
    corpus = tmp / "corpus"
    corpus.mkdir()
    write_mini_corpus(corpus)
    folder = tmp / "nl"
    folder.mkdir()
    for name, text in PARAGRAPHS.items():
        (folder / name).write_text(text, encoding="utf-8")
    other = tmp / "other.md"
    other.write_text("# Kantine\n\nIn de kantine staat een nieuwe koffieautomaat met havermelk.\n", encoding="utf-8")
    store = Store(load_settings(env={"JAN_HOME": str(tmp / "home")}))
    ensure_builtin(store, corpus)
    report = ingest_paths(store, [folder], "nl")
    assert report.ok and len(report.added) == len(PARAGRAPHS)
    assert ingest_paths(store, [other], "intern").ok
    yield store
    store.close()


def _name(e: Evidence) -> str:
    return Path(e.chunk.doc).name


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_evidence_is_labelled_and_ranked(dutch, mode):
    hits = Retriever(dutch).search("klanten bellen telefoonnummer", k=3, tags=["nl"], mode=mode)
    assert 1 <= len(hits) <= 3
    assert [e.label for e in hits] == [f"E{i}" for i in range(1, len(hits) + 1)]
    assert [e.rank for e in hits] == list(range(1, len(hits) + 1))
    assert all(isinstance(e, Evidence) and isinstance(e.chunk, Chunk) for e in hits)
    assert [e.score for e in hits] == sorted((e.score for e in hits), reverse=True)
    assert _name(hits[0]) == "bellen.md"
    assert len({e.chunk.id for e in hits}) == len(hits)
    if mode == "bm25":
        assert all(e.similarity is None for e in hits)
    else:
        assert all(e.similarity is not None and -1.0 <= e.similarity <= 1.0 + 1e-6 for e in hits)
    d = hits[0].to_dict()
    assert d["label"] == "E1" and d["rank"] == 1 and d["locator"] == "lines 3-3 (Bereikbaarheid)"


def test_k_bounds_the_number_of_hits(dutch):
    r = Retriever(dutch)
    assert len(r.search("klanten", k=2, tags=["nl"])) == 2
    assert len(r.search("klanten", k=1)) == 1
    # five Dutch documents, two of them near-identical: at most four distinct pieces of evidence
    assert len(r.search("klanten", k=20, tags=["nl"])) == 4


def test_tag_filters(dutch):
    r = Retriever(dutch)
    for mode in ("hybrid", "dense", "bm25"):
        assert {e.chunk.tag for e in r.search("koffie kantine klanten", k=10, tags=["nl"], mode=mode)} == {"nl"}
        assert {e.chunk.tag for e in r.search("koffie kantine", k=10, tags=["intern"], mode=mode)} == {"intern"}
        both = r.search("koffieautomaat kantine klanten bellen", k=10, tags=["nl", "intern"], mode=mode)
        assert {e.chunk.tag for e in both} == {"nl", "intern"}
        assert r.search("koffie", k=5, tags=["no-such-tag"], mode=mode) == []
    builtin = r.search("phone number website", k=5, tags=["builtin"])
    assert {e.chunk.card_id for e in builtin} <= {"t-phone", "t-price"} and builtin[0].chunk.card_id == "t-phone"
    everything = {e.chunk.tag for e in r.search("klanten telefoon koffie prijs", k=20)}
    assert {"nl", "intern", "builtin"} <= everything


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_near_duplicates_are_collapsed(dutch, mode):
    r = Retriever(dutch)
    query = "laagste prijs korting vriendelijke ontvangst"
    pool = {Path(c.doc).name for c, _ in r.dense(query, 30, ["nl"])}
    assert {"prijs.md", "kopie.md"} <= pool  # both copies are in the store and found...
    hits = r.search(query, k=10, tags=["nl"], mode=mode)
    names = [_name(e) for e in hits]
    assert names[0] in ("prijs.md", "kopie.md")
    assert len({"prijs.md", "kopie.md"} & set(names)) == 1, names  # ...but only one is shown


@pytest.mark.parametrize("question, expected", [
    ("Why do customers get angry when they cannot call anyone?", "bellen.md"),
    ("Do customers only care about the lowest price?", "prijs.md|kopie.md"),
    ("waiting for the repair technician after an outage", "wachten.txt"),
    ("volunteers open day for new members", "vereniging.md"),
])
def test_english_question_finds_dutch_passage(dutch, question, expected):
    r = Retriever(dutch)
    for mode in ("hybrid", "dense"):
        top = r.search(question, k=3, tags=["nl"], mode=mode)[0]
        assert _name(top) in expected.split("|"), (mode, [_name(e) for e in r.search(question, k=3, tags=["nl"])])


def test_persona_boosts_its_evidence_tags(dutch, persona_dir):
    persona = Registry([persona_dir]).get("tester")
    assert "phone" in persona.evidence_tags
    r = Retriever(dutch)
    plain = {e.chunk.card_id: e.score for e in r.search("klanten", k=5, tags=["builtin"])}
    boosted = {e.chunk.card_id: e.score for e in r.search("klanten", k=5, tags=["builtin"], persona=persona)}
    assert set(plain) == set(boosted) == {"t-phone", "t-price"}
    assert boosted["t-phone"] > plain["t-phone"]  # card tagged 'phone'
    assert boosted["t-price"] == pytest.approx(plain["t-price"])  # card tagged 'price' only


def test_new_documents_are_searchable_by_an_existing_retriever(dutch, tmp_path):
    """Runs after the read-only tests of this module; leaves the store as it found it."""
    r = Retriever(dutch)
    assert all("parkeerplaats" not in e.chunk.text for e in r.search("parkeerplaats", k=5, mode="bm25"))
    extra = tmp_path / "parkeren.md"
    extra.write_text("# Parkeren\n\nBezoekers vinden geen parkeerplaats bij het kantoor.\n", encoding="utf-8")
    assert ingest_paths(dutch, [extra], "nl").ok
    for mode in ("bm25", "hybrid"):
        assert _name(r.search("parkeerplaats", k=3, mode=mode)[0]) == "parkeren.md"
    dutch.remove_document(str(extra.resolve()))
    assert all(_name(e) != "parkeren.md" for e in r.search("parkeerplaats", k=5, mode="bm25"))


def test_empty_query_is_refused(jan_env, capsys):
    code, out, err = run_jan(capsys, "search", "   ")
    assert code == 2 and "the search query is empty" in err


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} not present")
def test_seeds_end_to_end_boardroom_passage_in_top_3(jan_env, capsys):
    code, out, err = run_jan(capsys, "ingest", SEEDS, "--tag", "seeds")
    assert code == 0, err
    assert "0 failed" in out
    hits = search_json(capsys, "what would Jan think of removing the phone number", "--tag", "seeds")
    assert {h["tag"] for h in hits} == {"seeds"}
    top3 = [h["text"] for h in hits[:3]]
    assert any("telefoonnummer van de website" in t for t in top3), \
        "boardroom passage not in the top 3:\n" + "\n".join(f"{h['rank']}. {h['text'][:100]}" for h in hits)
