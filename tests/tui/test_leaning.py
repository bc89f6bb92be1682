"""A verdict the reader is not confident of is shown as leaning, on screen (issue 27), through the app."""

from __future__ import annotations

import dataclasses

import pytest

from jan.answer.reader import HEAD_PATH, Head, Reader
from jan.core.config import load_settings
from jan.tui.app import make_app

pytestmark = pytest.mark.skipif(not HEAD_PATH.is_file(), reason="the reader's head is not trained")


async def test_a_verdict_below_the_confident_bar_reads_leans(shipped_env):
    from test_app import _ask, _ready

    app = make_app(load_settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await _ready(app, pilot)
        head = Head.load()
        # the reader decides (not the practices first), with a bar no verdict reaches: every verdict leans
        unsure = dataclasses.replace(head, calibration={**head.calibration, "confident": 1.01, "prior_first": 0.0})
        app.engine.reader = Reader(app.engine.retriever.store.embedder, unsure, app.engine.cards)
        await _ask(app, pilot, "Should we remove the phone number from the website because of complaints?")
        texts = [m.raw for m in app.query(".msg")]
        assert any("leans opposes" in t and "confidence" in t for t in texts), texts
        assert "leans opposes" in str(app.query_one("#status").render())
        # the same head with a bar every verdict reaches: the verdict is stated plainly
        sure = dataclasses.replace(head, calibration={**head.calibration, "confident": 0.0, "prior_first": 0.0})
        app.engine.reader = Reader(app.engine.retriever.store.embedder, sure, app.engine.cards)
        await _ask(app, pilot, "Should we remove the phone number from the website because of complaints?")
        last = [m.raw for m in app.query(".msg")][-1]
        assert "verdict: **opposes**" in last and "leans" not in last.split("\n")[0]
