"""Real test documents and small real models, built on the spot (no fixtures checked in, no network)."""

from __future__ import annotations

import json
from pathlib import Path

from jan.cli import main

# a team's own research document (written for the tests): the brief must show it on the phone-number proposal
SURVEY = """# Contact survey 2026: how our customers want to reach us

We asked 1,240 customers in March 2026 how they want to reach our customer service.
Seven in ten said they want to be able to call us when something goes wrong with their bill or connection.
Customers who could not find our phone number on the website rated their contact 2.1 points lower.
Most of the complaints by phone were about the same two billing errors, which were fixed in April.
"""


def run_jan(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the real CLI in-process; return (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sources_json(capsys) -> dict[str, dict]:
    code, out, err = run_jan(capsys, "sources", "--json")
    assert code == 0, err
    return {d["path"]: d for d in json.loads(out)}


def search_json(capsys, query: str, *extra: str) -> list[dict]:
    code, out, err = run_jan(capsys, "search", query, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real, minimal PDF: one Helvetica text line per entry, one page per list."""
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
         + f"] /Count {len(pages)} >>").encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        body = "BT /F1 11 Tf 14 TL 72 760 Td " + " ".join(f"({_pdf_escape(ln)}) Tj T*" for ln in lines) + " ET"
        stream = body.encode("cp1252")
        objs.append((f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                     f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>").encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_encrypted_pdf(path: Path, source: Path, password: str = "geheim") -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def make_docx(path: Path, items: list[tuple[str, str]]) -> Path:
    """items: ("h1" | "p", text)."""
    import docx

    d = docx.Document()
    for kind, text in items:
        if kind == "h1":
            d.add_heading(text, level=1)
        else:
            d.add_paragraph(text)
    d.save(str(path))
    return path


TINY_WORDS = ["[UNK]", "klant", "klanten", "telefoon", "telefoonnummer", "website", "bellen", "prijs", "service",
              "wachten", "phone", "number", "price", "call", "wait", "de", "het", "een", "van", "op"]


def make_tiny_st_model(folder: Path, dim: int = 16, seed: int = 0) -> Path:
    """A real sentence-transformers model (static word embeddings over a WordLevel tokenizer), saved to disk."""
    import numpy as np
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    tok = Tokenizer(models.WordLevel(vocab={w: i for i, w in enumerate(TINY_WORDS)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    weights = np.random.default_rng(seed).standard_normal((len(TINY_WORDS), dim)).astype("float32")
    model = SentenceTransformer(modules=[StaticEmbedding(tok, embedding_weights=weights)], device="cpu")
    model.save(str(folder))
    return folder
