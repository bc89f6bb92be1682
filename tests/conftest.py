"""Shared fixtures: an isolated JAN_HOME, a small real corpus, a valid persona file."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CARD = """\
---
id: {id}
kind: {kind}
title: "{title}"
source: "Test source document"
locator: "paragraph 1"
tags: [{tags}]
lang: en
nl: "{nl}"
{practices}---
{body}
"""
# what the stance model matches proposals against (a card's research for / against an action)
PHONE_PRACTICES = """practices:
  - en: "Remove the phone number from the website to get fewer complaints"
    nl: "Het telefoonnummer van de website halen om minder klachten te krijgen"
    research: against
  - en: "Keep the phone number easy to find on the website"
    nl: "Het telefoonnummer goed vindbaar houden op de website"
    research: for
"""

PERSONA = textwrap.dedent("""\
    id: {pid}
    name: Test Customer
    summary: A customer used in tests who wants to be able to call.
    language: nl
    background:
      text: Lives in a test fixture and calls when things go wrong.
      provenance: [t-phone]
    goals:
      - text: Reach a human quickly.
        provenance: [t-phone]
    frustrations:
      - text: Hidden phone numbers.
        provenance: [t-phone]
    channels:
      uses:
        - text: Phone.
          provenance: [t-phone]
      refuses:
        - text: Chatbots.
          provenance: [t-price]
    decision_style:
      text: Trust over price.
      provenance: [t-price]
    voice:
      tone: Plain and direct.
      phrases: ["Just let me call you."]
      provenance: [t-phone]
    red_lines:
      - text: No way to reach a person.
        provenance: [t-phone]
    evidence_tags: [phone]
""")


def write_card(folder: Path, cid: str, *, kind: str = "research", title: str = "A card", tags: str = "phone",
               body: str = "Body text that is long enough to be a card body.", nl: str = "Nederlandse samenvatting.",
               practices: str = "") -> Path:
    path = folder / f"{cid}.md"
    path.write_text(CARD.format(id=cid, kind=kind, title=title, tags=tags, body=body, nl=nl, practices=practices),
                    encoding="utf-8")
    return path


def write_mini_corpus(folder: Path) -> Path:
    """The two test cards every test persona's provenance points at: t-phone (research), t-price (myth)."""
    write_card(folder, "t-phone", title="Boards wanted the phone number off the website",
               tags="phone, complaints", practices=PHONE_PRACTICES,
               body="Two boards wanted to remove the phone number from the website because of too many complaints.")
    write_card(folder, "t-price", kind="myth", title="Customers only care about price", tags="price",
               body="**Myth:** Customers only care about the lowest price.\n\n**What the research says instead:** "
                    "Experience matters as much as price for loyalty.")
    return folder


@pytest.fixture
def mini_corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return write_mini_corpus(folder)


@pytest.fixture
def persona_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "personas"
    folder.mkdir()
    (folder / "tester.yaml").write_text(PERSONA.format(pid="tester"), encoding="utf-8")
    return folder


@pytest.fixture
def jan_env(tmp_path: Path, mini_corpus: Path, persona_dir: Path, monkeypatch) -> dict[str, str]:
    """An isolated environment: JAN_HOME in tmp, the mini corpus and test personas."""
    home = tmp_path / "home"
    home.mkdir()
    for var in list(os.environ):
        if var.startswith("JAN_"):
            monkeypatch.delenv(var)
    env = {"JAN_HOME": str(home), "JAN_CORPUS_DIR": str(mini_corpus), "JAN_PERSONAS_DIR": str(persona_dir),
           "JAN_PERSONA": "tester", "JAN_MODEL": "none",
           "JAN_ENRICH": "0"}  # index-time enrichment runs the local model per chunk; its tests turn it on
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


@pytest.fixture(scope="session")
def tiny_st_model(tmp_path_factory) -> Path:
    """A real, tiny sentence-transformers model built offline (static word vectors, 16-d), saved to disk."""
    from helpers import make_tiny_st_model

    return make_tiny_st_model(tmp_path_factory.mktemp("tiny-st") / "model")


def pytest_terminal_summary(terminalreporter):
    """Say plainly whether the local-model tests ran (they are skipped when the model is not installed)."""
    ran = [r for r in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
           if "test_local_model.py" in r.nodeid]
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "test_local_model.py" in r.nodeid]
    if ran:
        terminalreporter.write_line(f"local model tests: ran {len(ran)} (embedded provider and OpenAI-compatible server)")
    elif skipped:
        terminalreporter.write_line("local model tests: skipped (model not installed; run `make model`)")


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """The shipped corpus indexed once per session (embedding is the slow part), copied into each test."""
    from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS, Settings
    from jan.services import open_store

    home = tmp_path_factory.mktemp("index-home")
    open_store(Settings(home=home, corpus_dir=BUILTIN_CORPUS, personas_dir=BUILTIN_PERSONAS)).close()
    return home


@pytest.fixture
def shipped_env(jan_env, monkeypatch, built_index):
    """jan_env with the shipped corpus and personas (index copied from `built_index`), Jan selected."""
    import shutil

    from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS

    shutil.copytree(built_index, jan_env["JAN_HOME"], dirs_exist_ok=True)
    monkeypatch.setenv("JAN_CORPUS_DIR", str(BUILTIN_CORPUS))
    monkeypatch.setenv("JAN_PERSONAS_DIR", str(BUILTIN_PERSONAS))
    monkeypatch.setenv("JAN_PERSONA", "jan")
    return jan_env
