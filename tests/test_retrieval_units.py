"""Pure parts of retrieval on real text: re-flowing hard-wrapped seed documents, chunking, the lexical
tokenizer (stopwords, Dutch compounds), weighted BM25, query expansion and score fusion."""

from __future__ import annotations

from pathlib import Path

import pytest

from jan.core.textclean import (
    continues,
    furniture_key,
    normalize_for_match,
    open_end,
    page_furniture,
    running_lines,
    sentences,
)
from jan.evidence.chunking import CHUNK_MAX, _pack, _questions_forward, _split_even, chunk_document
from jan.evidence.glossary import en_forms, lexicon, translate
from jan.evidence.lexical import BM25, Tokenizer, query_terms, split_compound
from jan.evidence.readers import Block, _is_heading, _text_blocks, make_title, read_document
from jan.evidence.retrieval import fuse, scale
from jan.evidence.thesaurus import build

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
BOOK = SEEDS / "001_26ada3de09e9ee0d.txt"  # a book chapter: hard wraps, tab indents, page headers, hyphenation
INTERVIEW = SEEDS / "003_20957891557789e6.txt"  # two-column PDF text: blank lines inside sentences, Q&A
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"{SEEDS} not present")

# the start of BOOK, as it is on disk (a page break with its running header in the middle of 'denkbeelden')
WRAPPED = (
    " Inleiding\n\n"
    "\t Helaas niet. Bedrijven vinden zichzelf vaak wel klant-\n"
    "gericht, maar hun klanten niet. Het is hoog tijd om die denk-\n"
    " 10 Customer experience in de praktijk\n\n"
    "beelden eens te toetsen aan de werkelijkheid.\n"
    "\t De belangrijkste reden om dit boek te willen schrijven was \n"
    "mijn verbazing over het feit dat veel bedrijven zo slecht met \n"
    "hun klanten omgaan.\n"
)


# ------------------------------------------------------------------ textclean


def test_open_end_and_continues():
    assert open_end("die klanten die niet kloppen, en") and not open_end("die klanten die niet kloppen.")
    assert not open_end("‘Het is hoog tijd.’")
    assert continues("om die denk-", "beelden eens te toetsen")  # hyphenation
    assert continues("Daarom ben ik ook een groot voorstander", "van een heel eenvoudige eerste stap:")
    assert not continues("die klanten die niet kloppen.", "daarna")  # a closed sentence
    assert not continues("Helaas niet", "Bedrijven vinden")  # capital: a new sentence or paragraph


def test_running_headers_are_found():
    lines = WRAPPED.split("\n")
    assert [lines[i] for i in sorted(running_lines(lines))] == [" 10 Customer experience in de praktijk"]
    # a number inside a sentence, a numbered heading and a dated byline stay
    keep = ["In 2012 begon ik bij KPN", "", "1. Wat is customer experience?", "", "• 11 juli 2025"]
    assert running_lines(keep) == set()


@needs_seeds
def test_running_headers_of_a_real_chapter():
    lines = BOOK.read_text(encoding="utf-8").split("\n")
    dropped = sorted(lines[i].strip() for i in running_lines(lines))
    assert dropped == ["10 Customer experience in de praktijk", "Inleiding 11", "Inleiding 13"]


def test_page_furniture_of_a_paged_document():
    pages = [f"Customer experience in de praktijk {n}\nTekst van pagina {n} over klanten.\nMeer tekst.\n{n}"
             for n in range(10, 14)]  # short pages: the body lines are at the edge too, but they are sentences
    assert page_furniture(pages) == {furniture_key("Customer experience in de praktijk 10"), "#"}
    assert page_furniture(pages[:2]) == set()  # two pages prove nothing


@pytest.mark.parametrize("pages", [4])
def test_pdf_running_headers_are_dropped(tmp_path, pages):
    from helpers import make_pdf

    body = ["Klanten willen iemand kunnen bellen als er iets misgaat met hun levering of factuur.",
            "Een bestuur dat het telefoonnummer van de website haalt, maakt het probleem groter."]
    path = make_pdf(tmp_path / "boek.pdf", [[f"Customer experience in de praktijk {10 + n}", *body, str(10 + n)]
                                           for n in range(pages)])
    doc = read_document(path)
    text = " ".join(b.text for b in doc.blocks)
    assert "Customer experience in de praktijk" not in text and text.count("Klanten willen iemand") == pages
    assert all(b.locator.startswith("page ") and "praktijk" not in b.locator for b in doc.blocks)  # nor a heading


# ------------------------------------------------------------------ reading and chunking


def test_is_heading():
    assert _is_heading("Hart en ziel", "De drie hebben elk hun eigen achtergrond")
    assert _is_heading("# Bereikbaarheid", "")
    assert _is_heading("NEDERLAND KLANTGERICHTER, OM TE BEGINNEN IN DE VERENIGING", "")
    # the first line of a hard-wrapped paragraph is not a heading, nor is a photo caption
    assert not _is_heading("\t Je zou daarom verwachten dat bedrijven en instellingen", "perfect weten hoe")
    assert not _is_heading("Dat hangt uiteraard af van wat we onder", "de term klanten begrijpen.")
    assert not _is_heading("Karoline Wiegerink", "")
    assert not _is_heading("Dit is een zin.", "")


def test_wrapped_text_becomes_paragraphs():
    blocks = _text_blocks(WRAPPED)
    assert [b.text.replace("\n", " ") for b in blocks][0].startswith("Helaas niet.")
    assert len(blocks) == 2 and all(b.heading == "Inleiding" for b in blocks)
    first = normalize_for_match(blocks[0].text)
    assert "denkbeelden eens te toetsen" in first and "customer experience in de praktijk" not in first
    assert blocks[1].text.startswith("De belangrijkste reden") and blocks[1].locator == "lines 8-10 (Inleiding)"


@needs_seeds
def test_two_column_pdf_text_keeps_sentences_whole():
    doc = read_document(INTERVIEW)
    text = " ".join(b.text for b in doc.blocks)
    # 'Kies\n\nde juiste mensen' and 'stap:\n\nbegroet elke klant' were split by blank lines on disk
    assert "Kies de juiste mensen, leid ze goed op" in text
    assert "een heel eenvoudige eerste stap: begroet elke klant" in text
    assert not any(b.text[:1].islower() for b in doc.blocks)  # no block starts mid-sentence
    assert doc.title == "Dat in zorg, welzijn, onderwijs, lokaal beleid ... de *klant’ centraal staat …"


def test_make_title():
    assert make_title("De vereniging **voor en door leden**: projecten") == "De vereniging voor en door leden: projecten"
    long = "Dat in zorg, welzijn, onderwijs, lokaal beleid ... de klant centraal staat, lijkt een evidentie. Toch."
    title = make_title(long)
    assert len(title) <= 80 and title.endswith(" …") and long.startswith(title[:-2])


def test_split_even_makes_balanced_pieces():
    sents = [f"Zin nummer {i} gaat over klanten en hun ervaringen met de dienstverlening." for i in range(12)]
    pieces = _split_even(sents, 300)
    sizes = [len(" ".join(p)) for p in pieces]
    assert [s for p in pieces for s in p] == sents
    assert len(pieces) == -(-len(" ".join(sents)) // 300) and max(sizes) - min(sizes) <= 80


def test_pack_respects_the_cap_and_overlaps_inside_a_paragraph():
    long = " ".join(f"Dit is zin {i} over de klant die belt en niemand bereikt." for i in range(40))
    group = [Block("Korte aanloop over bellen.", "lines 1-1"), Block(long, "lines 3-20"),
             Block("Een nieuwe alinea over de prijs.", "lines 22-22")]
    out = _pack(group, 500)
    assert all(len(text) <= 500 for text, _ in out) and len(out) >= 5
    assert out[0][0].startswith("Korte aanloop over bellen. Dit is zin 0") and out[0][1] == ["lines 1-1", "lines 3-20"]
    for (a, _), (b, _) in zip(out, out[1:], strict=False):
        assert b.startswith(sentences(a)[-1])  # one sentence of overlap between pieces of the long paragraph
    assert out[-1][0].endswith("Een nieuwe alinea over de prijs.") and out[-1][1] == ["lines 3-20", "lines 22-22"]
    text = " ".join(t for t, _ in out)
    assert all(f"zin {i} " in text for i in range(40))


def test_interview_question_joins_its_answer():
    group = [Block("Een eerder antwoord.", "lines 1-1"), Block("VIEWZ: Hoe belangrijk zijn medewerkers?", "lines 3-3"),
             Block("Uitermate belangrijk.", "lines 5-9")]
    out = _questions_forward(group)
    assert [b.text for b in out] == ["Een eerder antwoord.", "VIEWZ: Hoe belangrijk zijn medewerkers? Uitermate belangrijk."]
    assert out[1].locator == "lines 3-9"


@needs_seeds
def test_seed_chunks_are_capped_and_keep_questions_with_answers():
    for path in sorted(SEEDS.glob("*.txt")):
        chunks = chunk_document(read_document(path), "hash", "seeds")
        assert chunks and all(len(c.text) <= CHUNK_MAX for c in chunks), path.name
    chunks = chunk_document(read_document(INTERVIEW), "hash", "seeds")
    # every interviewer's question opens the chunk holding its answer (in the text it is 'VIEWZ: …?')
    for c in chunks:
        assert "VIEWZ:" not in c.text or c.text.startswith("VIEWZ:") or not c.text.rstrip().endswith("?"), c.text
    qa = next(c for c in chunks if "Hoe belangrijk zijn medewerkers in dit verhaal?" in c.text)
    assert qa.text.startswith("VIEWZ: Hoe belangrijk") and "Uitermate belangrijk." in qa.text


# ------------------------------------------------------------------ lexical


def test_stopwords_and_stems():
    tok = Tokenizer()
    assert tok.words("How do we get the customer to call us?") == ["customer", "call"]
    assert tok.words("Moeten we elke klantwens honoreren?") == ["klantwens", "honoreren"]
    assert tok("klanten klant") == [tok.stem("klant")] * 2


def test_split_compound_against_known_words():
    tok = Tokenizer()
    tok.learn(["De klant en zijn wensen.", "Waarde voor de bedrijven en de economie."])
    assert split_compound("klantwens", tok.known, tok.stem) == [tok.stem("klant"), tok.stem("wensen")]
    assert split_compound("bedrijfseconomie", tok.known, tok.stem) == [tok.stem("bedrijf"), tok.stem("economie")]
    assert split_compound("klantwaarde", tok.known, tok.stem) == [tok.stem("klant"), tok.stem("waarde")]
    assert split_compound("vergadering", tok.known, tok.stem) == []  # no known parts
    assert split_compound("klant", tok.known, tok.stem) == []  # too short to be a compound
    assert tok("klantwens")[1:] == [tok.stem("klant"), tok.stem("wensen")]


def test_bm25_matches_bm25s_and_weights_terms():
    import bm25s

    tok = Tokenizer()
    docs = ["Klanten bellen als er iets misgaat met de levering.", "De prijs is voor klanten minder belangrijk dan "
            "de ervaring.", "Vrijwilligers organiseren een open dag voor nieuwe leden."]
    tokens = [tok(d) for d in docs]
    ref = bm25s.BM25()
    ref.index(tokens, show_progress=False)
    ours = BM25(tokens)
    query = tok("klanten prijs ervaring")
    assert ours.scores({t: 1.0 for t in query}) == pytest.approx(ref.get_scores(query), rel=1e-5)
    half = ours.scores({tok.stem("prijs"): 0.5})
    assert half == pytest.approx(0.5 * ours.scores({tok.stem("prijs"): 1.0}))
    assert list(ours.scores({"onbekend": 1.0})) == [0.0, 0.0, 0.0]


def test_query_terms_weights():
    tok = Tokenizer()
    tok.learn(["De klant en de medewerker.", "Wensen van klanten."])
    groups = build(tok.stem)
    terms = query_terms(tok, "Gaat dit ten koste van ons personeel en de klantwens?", part_w=0.8, syn_w=0.5,
                        thesaurus=groups)
    assert terms[tok.stem("personeel")] == 1.0 and terms[tok.stem("klantwens")] == 1.0
    assert terms[tok.stem("medewerker")] == 0.5  # same vocabulary group as 'personeel'
    assert terms[tok.stem("klant")] == 0.8  # compound part (not lowered by the group it also belongs to)
    assert tok.stem("ten") not in terms and tok.stem("ons") not in terms
    english = query_terms(tok, "Will empowering support agents make them happier?", thesaurus=groups, syn_w=0.5)
    assert english[tok.stem("mandaat")] == 1.0  # glossary translation of 'empower'
    assert english[tok.stem("medewerkers")] == 0.5 and english[tok.stem("tevreden")] == 0.5


def curated(query: str, skip=frozenset()) -> list[str]:
    """The curated glossary's translations alone."""
    return [nl for nl, _ in translate(query, skip, general=False)]


def test_general_word_list_parses_and_comes_after_the_glossary():
    words = lexicon()
    assert len(words) > 1000
    path = Path(__file__).resolve().parents[1] / "jan" / "evidence" / "en_nl_lexicon.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    heads = [ln.split("\t")[0] for ln in lines]
    assert all(ln.count("\t") == 1 for ln in lines) and len(set(heads)) == len(heads) == len(words)
    # 'repairs' is only in the general list (base form found); 'complaints' is in the curated glossary
    assert translate("repairs to complaints") == [(words["repair"], False), ("klachten klacht", True)]
    assert curated("repairs to complaints") == ["klachten klacht"]  # the glossary alone


def test_general_translations_weigh_less_than_the_glossary():
    tok = Tokenizer()
    terms = query_terms(tok, "Can we repair the complaints?", general_w=0.75)
    assert terms[tok.stem("klachten")] == 1.0  # curated glossary
    assert terms[tok.stem("herstellen")] == 0.75  # general word list ('repair')
    assert tok.stem("herstellen") not in query_terms(tok, "Can we repair the complaints?")  # off by default


def test_en_forms_and_translations():
    assert en_forms("agents")[:2] == ["agents", "agent"]
    assert "happy" in en_forms("happier") and "empower" in en_forms("empowering") and "stop" in en_forms("stopped")
    assert curated("The complaints while waiting for our phone") == ["klachten klacht", "wachten wachttijd",
                                                                          "telefoon telefoonnummer bellen"]
    assert curated("The complaints while waiting for our phone", skip={"waiting"}) == [
        "klachten klacht", "telefoon telefoonnummer bellen"]


def test_thesaurus_groups_match_inflections():
    tok = Tokenizer()
    groups = build(tok.stem)
    assert "medewerker" in groups[tok.stem("personeel")] and "klant" in groups[tok.stem("cliënten")]
    assert "koop" in groups[tok.stem("gekocht")]


# ------------------------------------------------------------------ fusion


def test_scale():
    assert scale([0.86, 0.84, 0.82]) == pytest.approx([1.0, 0.5, 0.0])
    assert scale([6.0, 3.0], floor=0.0) == pytest.approx([1.0, 0.5])
    assert scale([0.8]) == [1.0] and scale([]) == []


def test_fuse_lets_a_clear_winner_of_one_side_beat_a_mediocre_chunk_of_both():
    dense = [("a", 0.86), ("m", 0.84), ("c", 0.82), ("d", 0.80)]
    lexical = [("b", 9.0), ("e", 4.0), ("m", 3.0)]
    scores = fuse(dense, lexical)
    assert scores["b"] == pytest.approx(2.0) and scores["a"] == pytest.approx(1.0)
    assert max(scores, key=scores.get) == "b" and scores["m"] < scores["b"]
    assert fuse(dense, []) == pytest.approx({"a": 1.0, "m": 2 / 3, "c": 1 / 3, "d": 0.0})
