"""Drive the real app in tmux as a person would: type, press Enter, read the screen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.e2e


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, text: str, seconds: float = 120) -> str:
    deadline = time.time() + seconds
    screen = ""
    while time.time() < deadline:
        screen = _screen(session)
        if text in screen:
            return screen
        time.sleep(0.3)
    raise AssertionError(f"{text!r} not on screen:\n{screen}")


def _escape(session: str, shown: str) -> None:
    """Press Escape and wait until `shown` is gone: keys sent straight after a lone ESC would reach the
    terminal as one escape sequence (Alt+key), as they would for a person typing that fast."""
    _tmux("send-keys", "-t", session, "Escape")
    deadline = time.time() + 30
    while time.time() < deadline and shown in _screen(session):
        time.sleep(0.2)
    assert shown not in _screen(session), _screen(session)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed on this machine")
def test_real_app_in_tmux(jan_env):
    from jan.core.config import BUILTIN_CORPUS, BUILTIN_PERSONAS

    session = f"jan-e2e-{uuid.uuid4().hex[:8]}"
    real = {**jan_env, "JAN_CORPUS_DIR": str(BUILTIN_CORPUS), "JAN_PERSONAS_DIR": str(BUILTIN_PERSONAS),
            "JAN_PERSONA": "jan"}
    env = " ".join(f"{k}={v}" for k, v in real.items())
    # the app is a user's, not a test's: variables the test run sets (COLUMNS=80 LINES=24, which Textual
    # takes over the real pane size, and PYTEST_*) stay out of it
    unset = "-u COLUMNS -u LINES -u PYTEST_VERSION -u PYTEST_CURRENT_TEST"
    cmd = f"env {unset} {env} TERM=xterm-256color {sys.executable} -m jan"
    _tmux("new-session", "-d", "-s", session, "-x", "140", "-y", "40", cmd)
    # with no client attached tmux sizes the window by its own rules (80x24 on some versions): fix it
    _tmux("set-option", "-t", session, "window-size", "manual")
    _tmux("resize-window", "-t", session, "-x", "140", "-y", "40")
    try:
        _wait_for(session, "ready", seconds=400)  # first run indexes the built-in corpus
        # the README walkthrough: ask, evidence, persona, push back, panel, decision, export, help
        _tmux("send-keys", "-t", session, "What would Jan think of removing the phone number?", "Enter")
        _wait_for(session, "citations verified")
        time.sleep(1.0)  # let the last frame settle before reading the whole screen
        screen = _screen(session)
        assert "opposes" in screen, screen
        assert "[E1]" in screen  # the evidence panel
        assert "on: What would Jan think of removing the phone number?" in screen
        _tmux("send-keys", "-t", session, "F6")
        _wait_for(session, "Esc closes")
        _escape(session, "Esc closes")
        _tmux("send-keys", "-t", session, "Are you sure? The CFO disagrees.", "Enter")  # typed into the input
        _wait_for(session, "see it above")
        _tmux("send-keys", "-t", session, "F9")
        _wait_for(session, "Panel side by side", seconds=300)
        _escape(session, "Panel side by side")
        _wait_for(session, "F9 shows it again")  # the status line no longer says Esc closes the panel
        assert "Esc closes the side-by-side view" not in _screen(session)
        _tmux("send-keys", "-t", session, "F8")
        _wait_for(session, "Decision on “What would Jan think")
        _tmux("send-keys", "-t", session, "Keep the number", "Enter")
        _wait_for(session, "decision on “What would Jan think")
        _tmux("send-keys", "-t", session, "F10")
        _wait_for(session, "exported")
        # the brief is about the proposal the meeting discussed, not the push-back typed last
        from pathlib import Path

        briefs = list((Path(jan_env["JAN_HOME"]) / "exports").glob("brief-*.html"))
        assert len(briefs) == 1, briefs
        html = briefs[0].read_text(encoding="utf-8")
        assert "removing the phone number" in html and "The CFO disagrees" not in html
        _tmux("send-keys", "-t", session, "F1")
        _wait_for(session, "Jan in the room — keys")
        _escape(session, "Jan in the room — keys")
        _tmux("send-keys", "-t", session, "C-q")
        deadline = time.time() + 20
        while time.time() < deadline and session in _tmux("ls"):
            time.sleep(0.3)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert os.environ.get("JAN_HOME")
