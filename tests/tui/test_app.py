"""The meeting app driven with Textual's Pilot, extractive mode behind it (real store, real corpus)."""

from __future__ import annotations

import pytest
from rich.text import Text

from jan.answer.engine import Engine
from jan.core.config import load_settings
from jan.tui.app import make_app
from jan.tui.screens import EvidenceScreen, HelpScreen, PersonaPicker
from jan.tui.widgets import EvidencePanel


async def _ready(app, pilot, tries: int = 1200):  # a shared, loaded machine: up to 60 s
    for _ in range(tries):
        await pilot.pause(0.05)
        if app.engine is not None and app.engine._myths is not None and "ready" in str(app.query_one("#status").render()):
            return
    raise AssertionError(f"engine did not become ready: {app.query_one('#status').render()}")


async def _ask(app, pilot, question: str, tries: int = 400):
    app.query_one("#question").value = question
    app.query_one("#question").focus()
    await pilot.press("enter")
    for _ in range(tries):
        await pilot.pause(0.05)
        if not app.busy:
            return
    raise AssertionError("answer did not finish")


@pytest.fixture
def app(jan_env):
    return make_app(load_settings())


async def test_ask_shows_answer_and_evidence(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(app, pilot)
        await _ask(app, pilot, "Should we remove the phone number from the website because of complaints?")
        texts = [m.raw for m in app.query(".msg")]
        assert any("verdict: **opposes**" in t for t in texts), texts
        panel = app.query_one(EvidencePanel)
        assert panel.items and panel.items[0].label == "E1"
        assert "verified" in str(app.query_one("#status").render())
        # evidence navigation and opening the full text
        await pilot.press("f4")
        assert panel.selected == 0
        await pilot.press("f4")
        assert panel.selected == 1
        await pilot.press("f6")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("escape")
        # input history
        await pilot.press("up")
        assert "phone number" in app.query_one("#question").value


async def test_help_persona_switch_and_theme(app, jan_env, tmp_path):
    import shutil
    from pathlib import Path

    src = Path(jan_env["JAN_PERSONAS_DIR"]) / "tester.yaml"
    shutil.copy(src, Path(jan_env["JAN_PERSONAS_DIR"]) / "second.yaml")
    text = (Path(jan_env["JAN_PERSONAS_DIR"]) / "second.yaml").read_text().replace("id: tester", "id: second")
    (Path(jan_env["JAN_PERSONAS_DIR"]) / "second.yaml").write_text(text.replace("Test Customer", "Second Customer"))
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PersonaPicker)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.persona_id == "tester" or app.persona_id == "second"
        assert any("now speaking" in m.raw for m in app.query(".msg")) or app.persona_id == "tester"
        await pilot.press("f3")
        assert app.theme == "projector"
        await pilot.press("f3")
        assert app.theme != "projector"


async def test_markup_and_escapes_render_literally(app, jan_env):
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        msg = app.add_message(Text("[bold red]not markup[/] \x1b[31m"), "user")
        await pilot.pause()
        assert "[bold red]not markup[/]" in msg.raw


async def test_provider_error_is_a_notice_and_app_keeps_running(jan_env):
    import litellm

    settings = load_settings()
    err = litellm.RateLimitError(message="slow down", llm_provider="openai", model="gpt-4o-mini")
    engine = Engine(settings, extra={"mock_response": err})
    settings.model = "openai/gpt-4o-mini"
    app = make_app(settings, engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await _ask(app, pilot, "Should we remove the phone number from the website?")
        errors = [m.raw for m in app.query(".msg.error")]
        assert errors and "rate limited" in errors[0] and "retry" in errors[0]
        # the app still answers once the provider is back
        quote = "Two boards wanted to remove the phone number from the website because of too many complaints."
        engine.extra = {"mock_response": "VERDICT: opposes\nSUMMARY: I want to call you.\n"
                                         f'- [evidence] Boards wanted it gone [E1: "{quote}"]'}
        await _ask(app, pilot, "And now?")
        assert any("I want to call you." in m.raw for m in app.query(".msg.answer"))


async def test_timeout_notice_and_markup_in_evidence_render_literally(jan_env, tmp_path):
    import litellm

    from jan.cli import main

    doc = tmp_path / "odd.md"
    doc.write_text("# Odd\n\nCustomers want the phone number [bold red]kept[/] on the website \x1b[31m now.\n",
                   encoding="utf-8")
    assert main(["ingest", str(doc), "--tag", "odd"]) == 0
    settings = load_settings()
    settings.model = "openai/gpt-4o-mini"
    err = litellm.Timeout(message="took too long", model="gpt-4o-mini", llm_provider="openai")
    engine = Engine(settings, extra={"mock_response": err})
    app = make_app(settings, engine)
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(app, pilot)
        await _ask(app, pilot, "Should we keep the phone number on the website?")
        errors = [m.raw for m in app.query(".msg.error")]
        assert errors and "timeout" in errors[0].lower() and "retry" in errors[0]
        panel = app.query_one(EvidencePanel)
        odd = [e for e in panel.items if "[bold red]kept[/]" in e.chunk.text]
        assert odd, [e.chunk.text for e in panel.items]
        assert "\x1b" not in odd[0].chunk.text
        rendered = [str(w.render()) for w in panel.query(".ev")]
        assert any("[bold red]kept[/]" in r for r in rendered)


async def test_citation_click_and_digit_keys_select_evidence(app):
    """[E#] in an answer is clickable, and 1-9 in the evidence panel jump to that item."""
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(app, pilot)
        await _ask(app, pilot, "Should we remove the phone number from the website because of complaints?")
        panel = app.query_one(EvidencePanel)
        assert len(panel.items) >= 2
        panel.focus()
        await pilot.press("2")
        assert panel.selected == 1 and panel.query(".ev")[1].has_class("selected")
        await pilot.press("1")
        assert panel.selected == 0
        # find a citation on screen by its click action, and click it
        width, height = app.size
        spot = None
        for y in range(height):
            for x in range(width):
                meta = app.screen.get_style_at(x, y).meta
                if str(meta.get("@click", "")).startswith("app.show_evidence("):
                    spot = (x, y, meta["@click"])
                    break
            if spot:
                break
        assert spot, "no clickable citation on screen"
        label = spot[2].split("'")[1]
        panel.select(len(panel.items) - 1 if label == "E1" else 0)
        await pilot.click(offset=(spot[0], spot[1]))
        await pilot.pause()
        assert panel.items[panel.selected].label == label


async def test_dutch_question_gets_dutch_headings_in_the_app(app):
    """Asked in Dutch, the answer's headings, marks and the status line are Dutch (issue 15)."""
    async with app.run_test(size=(140, 60)) as pilot:
        await _ready(app, pilot, tries=2400)
        await _ask(app, pilot, "Wat zou Jan ervan vinden als we het telefoonnummer van de website halen?", tries=2400)
        await pilot.pause(0.2)
        screen = app.export_screenshot().replace("&#160;", " ")
        status = str(app.query_one("#status").render())
        assert "citaten gecontroleerd" in status, status
        answer = [m for m in app.query(".msg") if "answer" in m.classes][-1]
        raw = answer.raw
        assert "oordeel:" in raw and "Vragen terug aan het team" in raw
        for english in ("I would ask you", "verdict", "citations verified", "Evidence", "Myths this"):
            assert english not in raw and english not in screen, english
        assert "Ik zou jullie vragen" in screen or "citaat gecontroleerd" in screen
