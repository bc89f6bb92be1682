"""Every kind of bad persona/config input gives one clear message naming file/field/line, exit != 0, no traceback."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import PERSONA

from jan.cli import main

GOOD = PERSONA.format(pid="tester")


def _persona(text: str | bytes):
    def setup(env, tmp):
        path = Path(env["JAN_PERSONAS_DIR"]) / "tester.yaml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return ["personas", "lint", str(path)]
    return setup


def _replace(old: str, new: str):
    assert old in GOOD, old
    return _persona(GOOD.replace(old, new, 1))


def _config(toml: str | None, *, as_dir: bool = False):
    def setup(env, tmp):
        path = Path(env["JAN_HOME"]) / "config.toml"
        if as_dir:
            path.mkdir()
        else:
            path.write_text(toml, encoding="utf-8")
        return ["config"]
    return setup


def _envvar(name: str, value: str, argv=("config",)):
    def setup(env, tmp):
        os.environ[name] = value
        return list(argv)
    return setup


def _second_file(env, tmp):
    (Path(env["JAN_PERSONAS_DIR"]) / "other.yaml").write_text(GOOD.replace("id: tester", "id: tester"), encoding="utf-8")
    return ["personas", "list"]


def _missing_dir(env, tmp):
    os.environ["JAN_PERSONAS_DIR"] = str(tmp / "nowhere")
    return ["personas", "list"]


def _existing_new(env, tmp):
    return ["personas", "new", "tester", "--dir", env["JAN_PERSONAS_DIR"]]


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"

CASES = {
    "malformed-yaml": (_persona("id: tester\nname: [unclosed\n"), r"tester\.yaml:\d+: invalid YAML"),
    "bad-indentation": (_persona("id: tester\n  name: x\n bad: y\n"), r"tester\.yaml:\d+: invalid YAML"),
    "tab-indent": (_persona("id: tester\n\tname: x\n"), r"tester\.yaml:\d+: invalid YAML"),
    "goals-wrong-type": (_replace("goals:\n  - text: Reach a human quickly.\n    provenance: [t-phone]", "goals: 12"),
                         r"tester\.yaml:\d+: goals: Input should be a valid list"),
    "name-wrong-type": (_replace("name: Test Customer", "name: [a, b]"), r"tester\.yaml:2: name: Input should be a valid string"),
    "unknown-top-key": (_persona(GOOD + "favourite_colour: blue\n"), r"tester\.yaml:\d+: favourite_colour: unknown field"),
    "unknown-trait-key": (_replace("  text: Trust over price.", "  text: Trust over price.\n  weight: 3"),
                          r"tester\.yaml:\d+: decision_style\.weight: unknown field"),
    "empty-file": (_persona(""), r"tester\.yaml:1: persona: the file is empty"),
    "only-comments": (_persona("# nothing here\n"), r"tester\.yaml:1: persona: the file is empty"),
    "ten-megabytes": (_persona("# " + "x" * (10 * 1024 * 1024) + "\n"), r"tester\.yaml: file is [\d,]+ bytes, over"),
    "alias-bomb": (_persona(BOMB), r"tester\.yaml:1: YAML anchors \(&a\) are not allowed"),
    "alias-reuse": (_persona(GOOD.replace("name: Test Customer", "name: &n Test Customer\nsummary2: *n")),
                    r"tester\.yaml:2: YAML anchors"),
    "python-tag": (_persona("id: !!python/object:os.system x\n"), r"tester\.yaml:1: custom YAML tag"),
    "custom-tag": (_persona("id: !jan tester\n"), r"tester\.yaml:1: custom YAML tag"),
    "non-utf8": (_persona(GOOD.encode() + b"name2: caf\xe9\n"), r"tester\.yaml:\d+: not valid UTF-8"),
    "top-level-list": (_persona("- id: tester\n"), r"tester\.yaml:1: persona: expected a mapping"),
    "top-level-scalar": (_persona("just a sentence\n"), r"tester\.yaml:1: persona: expected a mapping"),
    "missing-summary": (_replace("summary: A customer used in tests who wants to be able to call.\n", ""),
                        r"tester\.yaml:1: summary: Field required"),
    "bad-id-pattern": (_replace("id: tester", "id: Tester Two"), r"tester\.yaml:1: id: String should match"),
    "id-not-filename": (_replace("id: tester", "id: someone"), r"tester\.yaml:1: id: 'someone' differs from the file name"),
    "bad-language": (_replace("language: nl", "language: dutch"), r"tester\.yaml:4: language: String should match"),
    "no-provenance": (_replace("  text: Trust over price.\n  provenance: [t-price]", "  text: Trust over price."),
                      r"tester\.yaml:\d+: decision_style: trait has no provenance"),
    "dangling-provenance": (_replace("provenance: [t-price]", "provenance: [no-such-card]"),
                            r"tester\.yaml:\d+: channels\.refuses\.0: provenance 'no-such-card' is not a card"),
    "todo-left": (_replace("Plain and direct.", "TODO how they talk"), r"tester\.yaml:\d+: voice\.tone: still holds a TODO"),
    "empty-goals": (_replace("goals:\n  - text: Reach a human quickly.\n    provenance: [t-phone]", "goals: []"),
                    r"tester\.yaml:\d+: goals: List should have at least 1 item"),
    "duplicate-key": (_persona(GOOD + "name: Again\n"), r"tester\.yaml:\d+: name: duplicate key"),
    "unknown-evidence-tag": (_replace("evidence_tags: [phone]", "evidence_tags: [astrology]"),
                             r"tester\.yaml:\d+: evidence_tags\.0: no corpus card has tag 'astrology'"),
    "summary-too-long": (_replace("summary: A customer used in tests who wants to be able to call.", "summary: " + "x" * 300),
                         r"tester\.yaml:3: summary: String should have at most 160"),
    "empty-phrases": (_replace('phrases: ["Just let me call you."]', "phrases: []"),
                      r"tester\.yaml:\d+: voice\.phrases: List should have at least 1"),
    "duplicate-ids-across-files": (_second_file, r"(other|tester)\.yaml:1: id: duplicate persona id 'tester' \(also in .*(tester|other)\.yaml\)"),
    "missing-personas-dir": (_missing_dir, r"nowhere: personas folder not found"),
    "unreadable-config": (_config(None, as_dir=True), r"config\.toml: (not a regular file|cannot read)"),
    "invalid-toml": (_config("model = [unclosed\n"), r"config\.toml: invalid TOML"),
    "unknown-setting": (_config('colour = "red"\n'), r"config\.toml: unknown setting 'colour'"),
    "config-wrong-type": (_config("model = 5\n"), r"config\.toml: model: expected a string"),
    "invalid-jan-model": (_envvar("JAN_MODEL", "gpt 4 please"), r"JAN_MODEL: model: 'gpt 4 please' is not a model string"),
    "invalid-jan-embedder": (_envvar("JAN_EMBEDDER", "word2vec"), r"JAN_EMBEDDER: embedder: 'word2vec' is not an embedder"),
    "invalid-timeout": (_envvar("JAN_TIMEOUT", "soon"), r"JAN_TIMEOUT: timeout: expected a number"),
    "invalid-theme": (_envvar("JAN_THEME", "neon"), r"JAN_THEME: theme: 'neon' is not one of"),
    "invalid-chroma-url": (_envvar("JAN_CHROMA_URL", "chroma.local:8000"), r"JAN_CHROMA_URL: chroma_url: .* is not an http"),
    "unknown-persona-show": (lambda env, tmp: ["personas", "show", "nobody"], r"persona 'nobody' not found; known personas: tester"),
    "new-existing-file": (_existing_new, r"tester\.yaml: already exists; not overwriting"),
    "new-bad-id": (lambda env, tmp: ["personas", "new", "Bad Id"], r"persona id 'Bad Id': use 2-32 lowercase"),
    "lint-missing-file": (lambda env, tmp: ["personas", "lint", str(tmp / "ghost.yaml")], r"ghost\.yaml: file not found"),
    "lint-directory": (lambda env, tmp: ["personas", "lint", str(tmp)], r"is a folder"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_gives_one_clear_message(case, jan_env, tmp_path, capsys, monkeypatch):
    setup, pattern = CASES[case]
    argv = setup(jan_env, tmp_path)
    code = main(argv)
    out, err = capsys.readouterr()
    text = out + err
    assert code != 0, text
    assert "Traceback" not in text
    assert re.search(pattern, text), f"expected /{pattern}/ in:\n{text[:2000]}"


def test_good_persona_lints_clean(jan_env, capsys):
    assert main(["personas", "lint"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_lint_reports_every_problem_at_once(jan_env, capsys):
    path = Path(jan_env["JAN_PERSONAS_DIR"]) / "tester.yaml"
    path.write_text(GOOD.replace("provenance: [t-price]", "provenance: []").replace("language: nl", "language: x1"),
                    encoding="utf-8")
    assert main(["personas", "lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "language" in out
    # schema errors come first; once fixed, provenance problems are all listed together
    path.write_text(GOOD.replace("provenance: [t-price]", "provenance: []"), encoding="utf-8")
    assert main(["personas", "lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.count("trait has no provenance") == 2
