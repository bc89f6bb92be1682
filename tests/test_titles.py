"""An ingested document's title is its heading (or the file name), never a metadata line such as
"Source: https://…"; and `jan personas new ID --from FILE` never changes an ingested document's tag."""

from __future__ import annotations

import json

import pytest
from helpers import make_docx

from jan.cli import main
from jan.evidence.readers import is_metadata, markdown_title, read_document

BODY = "A national survey found that most telecom customers prefer the phone when their connection is down."


def _title(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path).title


@pytest.mark.parametrize("name, text, title", [
    ("article.md", f"Source: https://example.com/survey\nAuthor: Kel Koenen\n\n# Most customers prefer the phone\n\n"
                   f"{BODY}\n", "Most customers prefer the phone"),
    ("article.md", f"<https://example.com/survey>\n\nMost customers prefer the phone\n===\n\n{BODY}\n",
     "Most customers prefer the phone"),
    ("article.md", f"---\ntitle: \"Front matter title\"\nsource: https://example.com\n---\n\n{BODY}\n",
     "Front matter title"),
    ("article.md", f"```\n# not a heading: code\n```\n\n## The real heading ##\n\n{BODY}\n", "The real heading"),
    ("article.md", f"# Bron: https://example.com/enquete\n\n# De klant belt liever\n\n{BODY}\n", "De klant belt liever"),
    ("article.md", f"Source: https://example.com/survey\n\n{BODY}\n", "article.md"),  # no heading: the file name
    ("notes.txt", f"Source: https://example.com/survey\nRetrieved: 2025-07-11\n\nMost customers prefer the phone\n\n"
                  f"{BODY}\n", "Most customers prefer the phone"),
    ("notes.txt", f"www.example.com/survey\n\n{BODY}\n", "A national survey found that most telecom customers prefer the phone when …"),
])
def test_title_is_the_heading_never_a_metadata_line(tmp_path, name, text, title):
    assert _title(tmp_path, name, text) == title


def test_html_title_is_the_first_h1_and_the_title_tag_is_not_body_text(tmp_path):
    page = ("<html><head><title>Survey | Example site</title></head><body>"
            "<p>Source: https://example.com/survey</p><h2>Menu</h2><h1>Most customers prefer the phone</h1>"
            f"<p>{BODY}</p></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert doc.title == "Most customers prefer the phone"
    assert not any("Example site" in b.text for b in doc.blocks)
    no_h1 = tmp_path / "no-h1.html"
    no_h1.write_text(f"<html><head><title>Survey | Example site</title></head><body><p>{BODY}</p></body></html>",
                     encoding="utf-8")
    assert read_document(no_h1).title == "Survey | Example site"
    bare = tmp_path / "bare.html"
    bare.write_text(f"<p>Source: https://example.com</p><p>{BODY}</p>", encoding="utf-8")
    assert read_document(bare).title == "bare.html"


def test_docx_title_is_its_heading_else_the_file_name(tmp_path):
    headed = make_docx(tmp_path / "report.docx", [("p", "Source: https://example.com/survey"),
                                                   ("h1", "Most customers prefer the phone"), ("p", BODY)])
    assert read_document(headed).title == "Most customers prefer the phone"
    plain = make_docx(tmp_path / "plain.docx", [("p", "Source: https://example.com/survey"), ("p", BODY)])
    assert read_document(plain).title == "plain.docx"


def test_metadata_lines():
    for line in ("Source: https://example.com/a", "Bron: KPN", "Author: Kel Koenen", "tekst: Maricken Hengeveld",
                 "https://example.com", "See www.example.com", "**Date:** 11 July 2025"):
        assert is_metadata(line), line
    for line in ("PvKO: Van picknicktafel tot purpose", "Most customers prefer the phone", "Inleiding"):
        assert not is_metadata(line), line
    assert markdown_title("no heading here\n") == ""


def test_ingested_title_in_the_index(jan_env, tmp_path, capsys):
    path = tmp_path / "survey.md"
    path.write_text(f"Source: https://example.com/survey\n\n# Most customers prefer the phone\n\n{BODY}\n",
                    encoding="utf-8")
    assert main(["ingest", str(path), "--tag", "research"]) == 0
    capsys.readouterr()
    assert main(["sources", "--json"]) == 0
    (doc,) = [d for d in json.loads(capsys.readouterr().out) if d["tag"] == "research"]
    assert doc["title"] == "Most customers prefer the phone"


ARTICLE = """# Interviews with bakery owners

Bakery owners told us they want one person who knows their account and solves an outage at the first call.

They complain about phone menus that send them from department to department while the card terminal is down.

Most of them phone when something is urgent and use e-mail for invoices and paperwork.

They avoid chatbots for outages because a chatbot cannot send a technician.

They choose a supplier on reliability and total cost, not on the lowest monthly price.

Several owners said they switched supplier after a weekend without card payments.
"""

OTHER = """# Notes from the shop floor

One owner put it like this: just tell me yes or no, and when the technician comes.
"""


def _sources(capsys) -> dict[str, str]:
    capsys.readouterr()
    assert main(["sources", "--json"]) == 0
    return {d["path"]: d["tag"] for d in json.loads(capsys.readouterr().out) if d["tag"] != "builtin"}


def test_a_persona_draft_never_changes_an_ingested_documents_tag(jan_env, tmp_path, capsys):
    research = tmp_path / "research"
    research.mkdir()
    article = research / "article.md"
    article.write_text(ARTICLE, encoding="utf-8")
    (research / "survey.md").write_text(f"# Survey\n\n{BODY}\n", encoding="utf-8")
    assert main(["ingest", str(research), "--tag", "research"]) == 0
    before = _sources(capsys)
    assert set(before.values()) == {"research"} and len(before) == 2
    notes = tmp_path / "notes.md"
    notes.write_text(OTHER, encoding="utf-8")
    out = tmp_path / "drafts"
    assert main(["personas", "new", "mycustomer", "--from", str(article), str(notes), "--dir", str(out)]) == 0
    after = _sources(capsys)
    assert {p: t for p, t in after.items() if p in before} == before  # the team's documents keep their tag
    assert after[str(notes.resolve())] == "persona-mycustomer"  # only the new document gets the draft's tag
    draft = (out / "mycustomer.yaml").read_text(encoding="utf-8")
    assert f"doc:{article.resolve()}#" in draft  # the article was still read for the draft
    assert "first call" in draft or "card terminal" in draft
    assert str(research / "survey.md") not in draft  # only the given documents, not the rest of their tag
    assert "keeps its tag \"research\"" in draft
    # a folder given to --from: the documents in it already ingested keep their tag too
    assert main(["personas", "new", "second", "--from", str(research), "--dir", str(out)]) == 0
    assert {p: t for p, t in _sources(capsys).items() if p in before} == before
