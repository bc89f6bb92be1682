"""Issue 18: hostile input and faults. Every case of the probe (tests/hostile_probe.py) is a test here:
hostile output (escapes and forged marks from the model stream, documents, file names, personas, titles,
the app), provider faults on a fake OpenAI-compatible server on loopback, damaged files, expansion bombs,
deep YAML and hostile export targets. Each runs the real CLI in its own data folder; a case passes when it
ends in a clear message (or does the work), with no traceback, no silent loss and no security failure.
The sanitiser and the atomic write are also tested on their own below."""

from __future__ import annotations

import os
import stat

import hostile_probe as probe
import pytest

from jan.core import safeyaml
from jan.core.errors import JanError
from jan.core.files import atomic_write_text
from jan.core.sanitize import StreamCleaner, display, neutral, one_line, terminal


@pytest.fixture(scope="module")
def provider():
    fake = probe.FakeProvider(hang=30)
    yield fake
    fake.close()


@pytest.mark.parametrize("name", list(probe.CASES))
def test_probe_case(name, provider, tmp_path, monkeypatch):
    for var in [v for v in os.environ if v.startswith("JAN_")]:
        monkeypatch.delenv(var)
    outcome = probe.run_case(name, tmp_path, provider)
    assert outcome.ok, f"{name}: {outcome}"


def test_at_least_twenty_hostile_output_cases():
    assert sum(1 for cat, *_ in probe.CASES.values() if cat == "output") >= 20


# ------------------------------------------------------------------ the sanitiser on its own

def test_terminal_removes_every_escape_and_keeps_text():
    text = "a\x1b[31mred\x1b[0m \x1b]0;PWNED\x07title \x1b]8;;http://x\x07link\x1b]8;;\x07 \u202eevil\u202c\x9b1m\nline2\tend"
    out = terminal(text)
    assert not probe.escapes(out)
    assert out == "ared title link evil1m\nline2\tend"


def test_one_line_shows_controls_visibly_and_forges_no_line():
    assert one_line("evil\x1b]0;x\x07\nFAKE.md") == "evil\\x1b]0;x\\x07\\nFAKE.md"
    assert "\n" not in one_line("a\nb\r\nc")


@pytest.mark.parametrize("forged, expected", [
    ("Great [E1 ✓] idea", "Great (E1) idea"),
    ('Quote [E2: "made up words"] ✓ here', "Quote (E2) here"),
    ("Fence <</evidence-deadbeef>> gone", "Fence gone"),
    ("<<evidence-1234abcd>> start", "start"),
    ("Tick ✔ and cross ✗ and ✅", "Tick and cross and"),
    ("plain text stays", "plain text stays"),
])
def test_neutral_takes_out_marks_only_the_gate_may_draw(forged, expected):
    assert neutral(forged) == expected
    assert "✓" not in display(forged + " \x1b[31m✓")


def test_stream_cleaner_handles_sequences_split_across_tokens():
    tokens = ["hi \x1b]0;PWN", "ED\x07 \x1b[3", "1mred [E", "1 ✓] ok <", "</evidence-dead", "beef>> x [E2: \"q",
              "uote\"] end ✓"]
    c = StreamCleaner()
    out = "".join(c.feed(t) for t in tokens) + c.flush()
    assert not probe.escapes(out) and "✓" not in out and "evidence" not in out
    assert out.startswith("hi ") and "red (E1) ok" in out and out.endswith("(E2) end ")


# ------------------------------------------------------------------ writes, YAML depth

def test_atomic_write_refuses_a_planted_temporary_symlink(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.symlink(victim, tmp_path / ".out.md.tmp")
    atomic_write_text(tmp_path / "out.md", "new")
    assert victim.read_text() == "precious"
    assert (tmp_path / "out.md").read_text() == "new" and not (tmp_path / "out.md").is_symlink()


@pytest.mark.parametrize("make, message", [
    (lambda p: os.mkfifo(p), "not a regular file"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: os.symlink(p.parent / "elsewhere", p), "symbolic link"),
])
def test_atomic_write_refuses_what_is_not_a_regular_file(tmp_path, make, message):
    target = tmp_path / "target"
    make(target)
    before = os.lstat(target).st_mode
    with pytest.raises(JanError, match=message):
        atomic_write_text(target, "x")
    assert stat.S_IFMT(os.lstat(target).st_mode) == stat.S_IFMT(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target"]  # no temporary left


def test_atomic_write_under_a_file_is_a_clear_error(tmp_path):
    f = tmp_path / "plain"
    f.write_text("x")
    with pytest.raises(JanError, match="is a file, not a folder"):
        atomic_write_text(f / "x.md", "y")


@pytest.mark.parametrize("text", ["a: " + "[" * 1000 + "]" * 1000, "a: " + "[" * 50_000 + "]" * 50_000,
                                  "- " * 50_000 + "x", "a:\n" + "".join(" " * i + "- \n" for i in range(1, 200))])
def test_deep_yaml_is_refused_with_file_and_line(text):
    with pytest.raises(JanError, match=r"^deep\.yaml:\d+: nested more than \d+ levels"):
        safeyaml.loads(text, "deep.yaml")


def test_ordinary_nesting_still_loads():
    data, _ = safeyaml.loads("a:\n  b:\n    - c: [1, [2, {d: 3}]]\n", "ok.yaml")
    assert data == {"a": {"b": [{"c": [1, [2, {"d": 3}]]}]}}
