"""Focus rules (F1 lists them): after any dialog or persona switch the focus is back in the input; a letter
typed in the evidence panel goes to the input unless it is one of the panel's keys; Tab goes input →
evidence panel → thread. Plus the fresh-data-dir wait and the 80×24 layout."""

from __future__ import annotations

from pathlib import Path

from jan.core.config import load_settings
from jan.tui.app import make_app
from jan.tui.screens import EvidenceScreen, HelpScreen, NoteScreen, PersonaPicker
from jan.tui.widgets import EvidencePanel, QuestionInput


async def _until(pilot, cond, what: str, steps: int = 1200):
    for _ in range(steps):
        await pilot.pause(0.05)
        if cond():
            return
    raise AssertionError(f"not reached: {what}; status: {pilot.app.query_one('#status').render()}")


async def _answered(app, pilot, question="Should we remove the phone number from the website?"):
    await _until(pilot, lambda: app.ready.is_set() and "ready" in str(app.query_one("#status").render()), "ready")
    app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    await _until(pilot, lambda: not app.busy and app.history, "answer")


def _second(jan_env) -> None:
    folder = Path(jan_env["JAN_PERSONAS_DIR"])
    text = (folder / "tester.yaml").read_text(encoding="utf-8")
    (folder / "second.yaml").write_text(text.replace("id: tester", "id: second")
                                        .replace("Test Customer", "Second Customer"), encoding="utf-8")


async def test_focus_after_dialogs_persona_switch_and_in_the_evidence_panel(jan_env):
    _second(jan_env)
    app = make_app(load_settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await _answered(app, pilot)
        box, panel, thread = app.query_one(QuestionInput), app.query_one(EvidencePanel), app.query_one("#thread")
        assert app.focused is box
        # Tab order: input → evidence panel → thread → input; Shift+Tab back
        await pilot.press("tab")
        assert app.focused is panel
        await pilot.press("tab")
        assert app.focused is thread
        await pilot.press("tab")
        assert app.focused is box
        await pilot.press("shift+tab")
        assert app.focused is thread
        # the panel's own keys act on the panel; other letters go to the input
        panel.focus()
        await pilot.press("2")
        assert panel.selected == 1 and app.focused is panel
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is box  # Esc on a dialog: back in the input
        panel.focus()
        await pilot.press("W", "h", "y")
        assert app.focused is box and box.value == "Why"
        assert not isinstance(app.screen, EvidenceScreen)
        box.value = ""
        # F2 from the evidence panel: afterwards the input has the focus and typing reaches it
        panel.focus()
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PersonaPicker)
        target = 1 - [p.id for p in app.engine.registry.all()].index("tester")
        await pilot.press("down" if target == 1 else "up", "enter")
        await pilot.pause()
        assert app.persona_id == "second" and app.focused is box
        assert "Second Customer" in box.placeholder and "Second Customer" in app.sub_title
        await pilot.press("o", "k")
        assert box.value == "ok" and not isinstance(app.screen, EvidenceScreen)
        # F6, F1, F8 and Esc: each closes back into the input
        for key, screen in (("f6", EvidenceScreen), ("f1", HelpScreen), ("f8", NoteScreen)):
            thread.focus()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, screen), key
            await pilot.press("escape")
            await pilot.pause()
            assert app.focused is box, key


async def test_help_and_footer_fit_80x24(jan_env):
    app = make_app(load_settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, lambda: app.ready.is_set(), "ready")
        keys = {k.key: k for k in app.query("FooterKey")}
        assert "f10" in keys and keys["f10"].region.right <= 80 and keys["f10"].region.width > 0
        await pilot.press("f1")
        await pilot.pause()
        body = app.screen.query_one("#help-body")
        assert body.region.right <= 80 and body.region.bottom <= 24  # the whole box, borders included
        assert body.border_subtitle == "Esc closes"


async def test_a_fresh_data_dir_shows_indexing_progress_and_the_first_question_waits(jan_env, monkeypatch):
    import threading

    from jan import services

    # the mini corpus indexes in a blink: the index is held back until the question has been asked
    asked, real_open = threading.Event(), services.open_store

    def slow_open(*args, **kwargs):
        asked.wait(60)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(services, "open_store", slow_open)
    app = make_app(load_settings())
    seen: list[str] = []
    async with app.run_test(size=(120, 36)) as pilot:
        real = app.set_status

        def spy(text=None):  # records what the status line said, then says it
            if text:
                seen.append(text)
            real(text)

        app.set_status = spy
        app.query_one(QuestionInput).value = "Should we remove the phone number from the website?"
        await pilot.press("enter")  # before the index is there
        answer = list(app.query(".msg.answer"))[-1]
        assert not app.ready.is_set() and "waiting for the evidence index" in answer.raw
        asked.set()
        await _until(pilot, lambda: not app.busy and app.history, "answer after the index")
        assert any(s.startswith("indexing the built-in corpus: ") and s.endswith("2/2 cards…") for s in seen), seen
        assert app.history[-1].critique.verdict == "opposes"
