"""The README's ten steps in order, in the app (Pilot), with the shipped personas and corpus: the panel, the
decision, the brief and the export are about the phone-number proposal, not the push-back; a reopened
meeting is whole."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from helpers import SURVEY
from pilot_steps import ask, messages, ready, until

from jan.cli import main
from jan.core.config import load_settings
from jan.meetings.store import MeetingStore
from jan.tui.app import make_app
from jan.tui.panel import PanelBody, PanelScreen
from jan.tui.screens import EvidenceScreen, HelpScreen, MeetingPicker, NoteScreen, PersonaPicker
from jan.tui.widgets import EvidencePanel, QuestionInput

PHONE = "Should we remove the phone number from the website because of too many complaints?"
PUSH = "Are you sure? The CFO disagrees."


@pytest.fixture
def shipped(shipped_env):
    return shipped_env


async def _type(pilot, text: str):
    """Type as a person does: into whatever has the focus."""
    await pilot.press(*[{" ": "space", "?": "question_mark", ".": "full_stop"}.get(ch, ch) for ch in text])


def _status(app) -> str:
    return str(app.query_one("#status").render())


async def test_readme_walkthrough_follows_the_proposal(shipped, tmp_path):
    home = Path(shipped["JAN_HOME"])
    # the team has ingested a folder of its own research first (README: "Your own research")
    folder = tmp_path / "research"
    folder.mkdir()
    (folder / "survey.md").write_text(SURVEY, encoding="utf-8")
    assert main(["ingest", str(folder), "--tag", "research"]) == 0
    app = make_app(load_settings())
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(app, pilot)
        box = app.query_one(QuestionInput)
        assert app.focused is box and "Jan" in box.placeholder and "Jan" in app.sub_title  # step 1
        # step 2: the proposal
        await ask(app, pilot, PHONE)
        assert app.history[-1].critique.verdict == "opposes"
        assert app.proposal == PHONE and "on: Should we remove the phone number" in _status(app)
        panel = app.query_one(EvidencePanel)
        assert panel.items and panel.items[0].label == "E1"
        # step 3: evidence; the full view has a title and says how to close it; focus comes back
        await pilot.press("f4", "f6")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert app.screen.query_one("#evidence-full").border_title.startswith("[E1]")
        assert "Esc closes" in app.screen.query_one("#evidence-full").border_subtitle
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is box
        # step 4: another persona, the same question; focus back in the input, header and placeholder follow
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, PersonaPicker)
        ids = [p.id for p in app.engine.registry.all()]
        step = ids.index("donor") - ids.index("jan")
        await pilot.press(*(["down"] * step if step > 0 else ["up"] * -step), "enter")
        await pilot.pause()
        assert app.persona_id == "donor" and app.focused is box
        assert "Sanne" in box.placeholder and "Sanne" in app.sub_title
        await _type(pilot, "What would Sanne think of removing the phone number from the website?")
        assert box.value.startswith("What would Sanne")  # every keystroke reached the input
        await pilot.press("enter")
        await until(pilot, lambda: not app.busy and len(app.history) == 2, "donor's answer")
        assert app.proposal == PHONE  # restates the proposal on the table
        # step 5: push back; the stance is kept in a sentence or two that points back
        before = app.history[-1].critique
        await ask(app, pilot, PUSH)
        again = app.history[-1].critique
        assert app.proposal == PHONE and app.proposals[-1] == PHONE
        assert again.verdict == before.verdict
        assert again.summary.startswith("I still think the same") and "see it above" in again.summary
        assert not again.points  # not the whole earlier answer again
        assert len(re.findall(r"[.;]\s", again.summary + " ")) <= 3
        # step 6: the panel is on the proposal, side by side
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PanelScreen) and app.screen.query(".panel-col"), "panel screen")
        cmp = app.screen.comparison
        assert cmp.proposal == PHONE
        assert {c.persona for c in cmp.columns} == set(ids)
        assert len(app.screen.query(".panel-col")) == len(ids)
        assert cmp.agree and (cmp.unanimous or cmp.differ)
        assert not any(PUSH in m for m in messages(app, "user") if m.startswith("Panel →"))
        # a projector reads all five at once, at 160×45 and at 120×40: nothing below the fold
        for size in ((160, 45), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.3)
            body = app.screen.query_one(PanelBody)
            assert body.max_scroll_y == 0 and len(app.screen.query(".panel-col")) == len(ids), size
        await pilot.resize_terminal(160, 45)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is box
        assert "Esc closes" not in _status(app)
        # step 7: the decision rests on an answer about the proposal
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen) and PHONE in str(app.screen.query_one("#note-label").render())
        app.screen.query_one("#note").value = "Keep the phone number; find out why people call"
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is box
        # step 9: export and brief
        await pilot.press("f10")
        exports = home / "exports"
        await until(pilot, lambda: exports.is_dir() and len(list(exports.iterdir())) >= 2, "exports")
        brief = next(exports.glob("brief-*.html")).read_text(encoding="utf-8")
        assert "Boardroom brief: Should we remove the phone number" in brief and PUSH not in brief
        # the team's research is in the brief, under its title, quoted word for word
        assert "Contact survey 2026" in brief
        quoted = re.findall(r"<td>✓ “(.+?)”</td><td>Contact survey 2026", html.unescape(brief).replace("&quot;", '"'))
        assert quoted and all(" ".join(q.split()) in " ".join(SURVEY.split()) for q in quoted), quoted
        md = next(exports.glob("meeting-*.md")).read_text(encoding="utf-8")
        assert f"Panel on “{PHONE}”" in md and "| Verdict |" in md and "Where they agree" in md
        # step 10: F5, F3, F1
        await pilot.press("f5")
        assert app.last_markdown
        await pilot.press("f3")
        assert app.theme == "projector"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is box
        meeting_id, persona = app.meeting_id, app.persona_id
    store = MeetingStore(home)
    (decision,) = store.decisions(meeting_id)
    on = next(e for e in store.entries(meeting_id) if e.id == decision.entry_id)
    assert on.proposal == PHONE and on.question != PUSH and on.critique.points
    assert store.get(meeting_id).persona == "donor" == persona

    # step 8: next time, F7 reopens the meeting, whole
    app2 = make_app(load_settings())
    async with app2.run_test(size=(160, 45)) as pilot:
        await ready(app2, pilot)
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app2.screen, MeetingPicker)
        await pilot.press("down", "enter")
        await until(pilot, lambda: app2.meeting_id == meeting_id, "reopened")
        assert app2.focused is app2.query_one(QuestionInput)
        assert app2.persona_id == "donor" and app2.proposal == PHONE
        users = messages(app2, "user")
        assert sum(m.startswith("Panel → ") for m in users) == len(ids) - 2  # jan and donor answered before
        assert any(m.startswith(f"Panel on “{PHONE}”") and "Where they agree" in m
                   for m in messages(app2, "panel-summary"))
        assert any("decision on “" + PHONE in m for m in messages(app2, "system"))
        assert app2.query_one(EvidencePanel).items  # the evidence of the last answer, not "No evidence"
        assert app2.last_markdown
        await pilot.press("f5")
        await pilot.pause()
        assert app2.clipboard == app2.last_markdown  # F5 copied the last answer straight away
        # the meeting goes on: a push-back still refers to the proposal
        await ask(app2, pilot, "Weet je het zeker? De directie ziet het anders.")
        assert app2.proposals[-1] == PHONE
        assert app2.history[-1].critique.summary.startswith("Ik blijf erbij")
