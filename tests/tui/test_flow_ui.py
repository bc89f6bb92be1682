"""The flow in the app (Pilot), as issue 29 found it: with the donor in use, the panel, then a decision, a
follow-up naming the resident and a push-back. The decision is credited to the panel's verdicts (on screen,
in the store, in the export and when the meeting reopens); the follow-up is the resident's full answer on
the proposal; the push-back goes to the resident, who keeps the stance."""

from __future__ import annotations

from pathlib import Path

from pilot_steps import ask, messages, ready, until

from jan.core.config import load_settings
from jan.meetings.store import MeetingStore
from jan.tui.app import make_app
from jan.tui.panel import PanelScreen
from jan.tui.screens import MeetingPicker, NoteScreen, PersonaPicker
from jan.tui.widgets import QuestionInput

PHONE = "Should we remove the phone number from the website because of too many complaints?"


async def test_after_a_panel_a_decision_is_the_panels_and_a_follow_up_goes_to_the_named_persona(shipped_env):
    home = Path(shipped_env["JAN_HOME"])
    app = make_app(load_settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(app, pilot)
        await ask(app, pilot, PHONE)
        # the donor in use, as in the issue
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PersonaPicker)
        ids = [p.id for p in app.engine.registry.all()]
        names = {p.id: p.name for p in app.engine.registry.all()}
        step = ids.index("donor") - ids.index("jan")
        await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step), "enter")
        await pilot.pause()
        assert app.persona_id == "donor"
        # the panel: every persona on the proposal, side by side
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PanelScreen) and app.screen.query(".panel-col"), "panel")
        await pilot.press("escape")
        await pilot.pause()
        verdicts = {pid: crit.verdict for pid, crit in app.latest_on(PHONE).items()}
        assert set(verdicts) == set(ids)
        # a decision now is the panel's: all five verdicts, not the last persona asked
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        label = str(app.screen.query_one("#note-label").render())
        assert "panel — " in label and all(names[p] in label for p in ids)
        app.screen.query_one("#note").value = "Keep the phone number on the website"
        await pilot.press("enter")
        await pilot.pause()
        line = next(m for m in messages(app, "system") if m.startswith("✔ decision"))
        assert line.startswith(f"✔ decision on “{PHONE}” (panel — ") and line.endswith(": Keep the phone number on the website")
        assert all(f"{names[p]}: {v}" in line for p, v in verdicts.items())
        # a follow-up naming the resident: asked to the resident, on the proposal, answered in full
        await ask(app, pilot, "and for the resident?")
        crit = app.history[-1].critique
        assert crit.persona == "resident" and app.proposals[-1] == PHONE
        assert crit.points and not crit.summary.startswith("I still think the same")
        assert any(m.startswith("You → resident: and for the resident?") for m in messages(app, "user"))
        assert app.persona_id == "donor"  # the persona in use stays; only this answer is the resident's
        # push-back on that answer: the resident keeps the stance and points back
        await ask(app, pilot, "Are you sure? The CFO disagrees.")
        again = app.history[-1].critique
        assert again.persona == "resident" and again.verdict == crit.verdict
        assert again.summary.startswith("I still think the same") and not again.points
        # export: the decision credited to the panel's verdicts
        await pilot.press("f10")
        exports = home / "exports"
        await until(pilot, lambda: exports.is_dir() and len(list(exports.glob("meeting-*.md"))) >= 1, "export")
        md = next(exports.glob("meeting-*.md")).read_text(encoding="utf-8")
        meeting_id = app.meeting_id
    decided = md.split("## Decisions and actions")[1].split("## Thread")[0]
    assert f"on: “{PHONE}” (panel — " in decided
    assert all(f"{names[p]}: {v}" in decided for p, v in verdicts.items())
    assert f"({names['smallbiz']}: " not in decided and "(smallbiz: " not in decided
    (decision,) = MeetingStore(home).decisions(meeting_id)
    assert decision.panel_id is not None and {c.persona for c in decision.credit} == set(ids)

    # reopened, the decision still names the panel's verdicts; a push-back goes to the persona in use
    app2 = make_app(load_settings())
    async with app2.run_test(size=(160, 45)) as pilot:
        await ready(app2, pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app2.screen, MeetingPicker)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app2.meeting_id == meeting_id, "reopened")
        assert any(m.startswith(f"✔ decision on “{PHONE}” (panel — ") for m in messages(app2, "system"))
        assert app2.speaking() == "resident"  # the last answer on screen is the resident's push-back answer


async def test_asking_what_the_others_say_asks_the_panel(shipped_env):
    app = make_app(load_settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(app, pilot)
        await ask(app, pilot, PHONE)
        app.query_one(QuestionInput).value = "En wat vinden de anderen ervan?"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PanelScreen) and app.screen.query(".panel-col"), "panel")
        assert not app.busy and app.proposal == PHONE
        assert {c.persona for c in app.screen.comparison.columns} == set(app.engine.registry.ids())
        assert all(p == PHONE for p in app.proposals)  # asked the proposal, not the message
        await pilot.press("escape")
        await pilot.pause()
        assert app.on_screen[0] == "panel"  # a decision now would be the panel's


async def test_the_panel_shows_every_verdict_before_any_prose(shipped_env):
    """Issue 28: with five personas the verdicts reach the screen first (one line), then the answers; each
    verdict in that line is the one the persona's full answer gives."""
    app = make_app(load_settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(app, pilot)
        await ask(app, pilot, PHONE)
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PanelScreen) and app.screen.query(".panel-col"), "panel")
        order = [(m.raw, set(m.classes)) for m in app.query(".msg")]
        first_verdicts = next(i for i, (_, c) in enumerate(order) if "panel-verdicts" in c)
        first_answer = next(i for i, (raw, _) in enumerate(order) if raw.startswith("Panel → "))
        assert first_verdicts < first_answer
        line = order[first_verdicts][0]
        names = {p.id: p.name for p in app.engine.registry.all()}
        others = [t.critique for t in app.history[1:]]
        assert len(others) == len(names) - 1
        for crit in others:
            word = ("leans " if crit.leaning else "") + crit.verdict
            assert f"{names[crit.persona]} {word}" in line, (line, crit.persona, word)
