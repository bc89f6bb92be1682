"""`jan personas new ID --from FILE`: a draft with provenance that lints once a person fills the TODOs."""

from __future__ import annotations

from jan.cli import main

DOC = """# Interviews with bakery owners

Bakery owners told us they want one person who knows their account and solves an outage at the first call.

They complain about phone menus that send them from department to department while the card terminal is down.

Most of them phone when something is urgent and use e-mail for invoices and paperwork.

They avoid chatbots for outages because a chatbot cannot send a technician.

They choose a supplier on reliability and total cost, not on the lowest monthly price.

Several owners said they switched supplier after a weekend without card payments.

One owner put it like this: just tell me yes or no, and when the technician comes.
"""


def test_draft_from_research_lints_after_editing(jan_env, tmp_path, capsys):
    doc = tmp_path / "interviews.md"
    doc.write_text(DOC, encoding="utf-8")
    out = tmp_path / "drafts"
    assert main(["personas", "new", "baker", "--from", str(doc), "--dir", str(out)]) == 0
    path = out / "baker.yaml"
    text = path.read_text()
    assert f"doc:{doc.resolve()}#" in text  # provenance points at the passage it came from
    assert "first call" in text or "card terminal" in text
    capsys.readouterr()
    assert main(["personas", "lint", str(path)]) == 1  # TODOs left for a person
    assert "still holds a TODO" in capsys.readouterr().out
    edited = (text.replace("name: TODO display name", "name: Baker")
              .replace("summary: TODO one line - who this customer is", "summary: A baker who needs working payments.")
              .replace("tone: TODO how they talk", "tone: Short and practical.")
              .replace("evidence_tags: [TODO]", "evidence_tags: [phone]"))
    path.write_text(edited, encoding="utf-8")
    assert main(["personas", "lint", str(path)]) == 0, capsys.readouterr().out
    # a draft never overwrites
    before = path.read_text()
    assert main(["personas", "new", "baker", "--from", str(doc), "--dir", str(out)]) != 0
    assert "never overwrites" in capsys.readouterr().err
    assert path.read_text() == before
