"""One form of citation in the TUI (the markdown export's mark, in the thread and the panel), and a streamed
answer that never shows the line format's markers."""

from __future__ import annotations

import re

import pytest

from jan.answer.critique import mark, to_markdown
from jan.core.config import load_settings
from jan.core.types import Citation, Critique, Point
from jan.tui.app import make_app
from jan.tui.render import cite_mark, critique_text
from jan.tui.stream import StreamView

LOCAL_ANSWER = (
    "VERDICT: opposes\n"
    "SUMMARY: I'm against hiding the number: I want to reach a person.\n"
    '- [evidence] I read that boards wanted the number off the website. [E1: "Two boards wanted to remove the '
    'phone number from the website"]\n'
    "- [inference] I would switch to a provider I can call.\n"
    "? Why do people call you now?\n"
)
MARKERS = re.compile(r"VERDICT|SUMMARY|OORDEEL|SAMENVATTING|\[evidence|\[inference|\[bewijs|\[afleiding|^- \[|"
                     r"\(E\d\)|\[E\d", re.M)


def _crit() -> Critique:
    return Critique(persona="tester", question="q", language="en", verdict="opposes", summary="I'm against it.",
                    points=[Point("Boards wanted it.", "evidence", [Citation("E1", "Two boards", True, True)]),
                            Point("Not found.", "evidence", [Citation("E2", "nowhere", False, None)])])


def test_thread_and_export_write_the_same_mark():
    crit = _crit()
    thread = critique_text(crit, "Test Customer").plain
    export = to_markdown(crit)
    for cite in (p.citations[0] for p in crit.points):
        assert mark(cite) in thread and mark(cite) in export
    assert "[E1 ✓ quote verified · supports the point]" in thread
    assert "[E2 ✗ quote not found in the item]" in thread
    assert "(E1)" not in thread and "(E2)" not in thread


def test_cite_mark_is_the_export_mark_coloured():
    ok, bad = Citation("E1", "q", True, True), Citation("E3", "q", False)
    assert cite_mark(ok).plain == mark(ok) and "green" in str(cite_mark(ok).style)
    assert cite_mark(bad, "nl").plain == mark(bad, "nl") and "red" in str(cite_mark(bad).style)
    assert "@click" in cite_mark(ok).style.meta and not cite_mark(ok, clickable=False).style.meta


@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_streamed_answer_never_shows_the_markers(step):
    """Token by token (one character, or a few at a time), no frame shows a marker of the line format."""
    view = StreamView("Test Customer")
    frames = [view.feed(LOCAL_ANSWER[i:i + step]).plain for i in range(0, len(LOCAL_ANSWER), step)]
    for frame in frames:
        assert not MARKERS.search(frame), frame
    last = frames[-1]
    assert last.startswith("Test Customer [opposes]\nI'm against hiding the number: I want to reach a person.")
    assert "● evidence  I read that boards wanted the number off the website." in last
    assert "○ inference I would switch to a provider I can call." in last
    assert "I would ask you:\n  ? Why do people call you now?" in last
    assert view.raw.startswith("VERDICT: opposes")  # the stream itself is kept (a broken answer shows it)


def test_streamed_dutch_and_decorated_markers():
    view = StreamView("Jan", "nl")
    text = view.feed("**OORDEEL:** opposes\n**SAMENVATTING:** Ik ben tegen.\n- [bewijs] Ik lees dat. [E2.1]\n").plain
    assert not MARKERS.search(text), text
    assert text.startswith("Jan [tegen]\nIk ben tegen.") and "● bewijs  Ik lees dat." in text


def test_a_partial_marker_is_held_back_and_plain_text_passes():
    view = StreamView()
    assert view.feed("VERD").plain == ""
    assert view.feed("ICT: mix").plain == ""
    assert view.feed("ed\nSUMMARY: I am").plain == "[mixed]\nI am"
    plain = StreamView()
    assert plain.feed("Just a summary from the extractive mode.").plain == "Just a summary from the extractive mode."


async def test_the_app_streams_without_markers(jan_env):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(400):
            await pilot.pause(0.05)
            if app.engine is not None and app.ready.is_set():
                break
        msg = app.add_message("…", "answer")
        msg.start_stream(*app.stream_labels("tester", "Should we remove the phone number?"))
        for i in range(0, len(LOCAL_ANSWER), 4):
            msg.stream(LOCAL_ANSWER[i:i + 4])
            await pilot.pause()
            assert not MARKERS.search(str(msg.render())), str(msg.render())
        assert str(msg.render()).startswith("Test Customer [opposes]")
