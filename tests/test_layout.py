"""The house rules that import-linter cannot see: no `_private` name crosses a subpackage (each exports its
API), the benchmarks use public names only, and modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(line, imported module, names) for each `from X import names`, with relative imports resolved."""
    mod = _module(path)
    pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, [a.name for a in node.names]


def _area(module: str) -> str:
    """The subpackage a module belongs to: jan.evidence.store → jan.evidence; jan.services → jan.services."""
    return ".".join(module.split(".")[:2])


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_name_crosses_a_subpackage():
    problems = []
    for path in sorted((ROOT / "jan").rglob("*.py")):
        here = _area(_module(path))
        for line, target, names in _imports(path):
            if not target.startswith("jan") or _area(target) == here:
                continue
            for name in names:
                if _private(name) or any(_private(p) for p in target.split(".")):
                    problems.append(f"{path.relative_to(ROOT)}:{line}: imports {target}.{name}")
    assert not problems, "\n".join(problems)


def test_benchmarks_use_public_names_only():
    problems = []
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for line, target, names in _imports(path):
            if target.startswith("jan") and (any(map(_private, names)) or any(map(_private, target.split(".")))):
                problems.append(f"{path.name}:{line}: imports {target}.{names}")
        for node in ast.walk(ast.parse(text)):
            # reaching into jan objects' privates (engine._myths, store._client) is not public API
            if isinstance(node, ast.Attribute) and _private(node.attr) and not (
                    isinstance(node.value, ast.Name) and node.value.id == "self"):
                problems.append(f"{path.name}:{node.lineno}: uses .{node.attr}")
        assert '"shared"' not in text, f"{path.name}: the seeds folder is an argument (--seeds), not a path into ../shared"
    assert not problems, "\n".join(problems)


def test_modules_stay_small():
    big = [f"{p.relative_to(ROOT)}: {n} lines" for p in sorted((ROOT / "jan").rglob("*.py"))
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, "\n".join(big)


def test_the_wheel_layout_has_the_subpackages():
    for name in ("core", "evidence", "personas", "answer", "answer/backends", "meetings", "cli", "tui", "eval"):
        assert (ROOT / "jan" / name / "__init__.py").is_file(), name
    assert (ROOT / "jan" / "services.py").is_file()
    assert not list((ROOT / "jan").glob("bench*.py")), "benchmarks live outside the package"


def test_every_subpackage_is_listed_for_the_wheel():
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {_module(p) for p in (ROOT / "jan").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
