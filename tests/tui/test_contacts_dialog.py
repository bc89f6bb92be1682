"""The team's contacts in the app: the status line says how many are loaded (nothing when none), F12 (in the
footer and the F1 help) opens the dialog with the top contact reasons and contacts per channel per month, whose
numbers are the ones plain Python counts in the export; without contacts it says how to add them; F10's
export carries them. Snapshot at 120×40."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from jan.contacts import add_file
from jan.contacts.generate import generate_export
from jan.contacts.lexicon import channel_label
from jan.contacts.phrases import CHANNELS
from jan.contacts.render import number
from jan.core.config import load_settings
from jan.tui.app import make_app
from jan.tui.contacts import ContactsScreen, month_ticks
from jan.tui.screens import HelpScreen

RAW_CHANNEL = {name: canon for lang in CHANNELS.values() for canon, name in lang.items()}


def plain(path: Path) -> tuple[Counter, Counter]:
    """Rows per category and per (channel, month), by the csv module alone."""
    by_category, by_channel_month = Counter(), Counter()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            by_category[row["Category"]] += 1
            by_channel_month[(RAW_CHANNEL[row["Channel"]], row["Date"][:7])] += 1
    return by_category, by_channel_month


@pytest.fixture
def export(jan_env, tmp_path) -> Path:
    path = tmp_path / "export.csv"
    generate_export(path, 2500, seed=9, lang="en", chat_opens=5)
    add_file(Path(jan_env["JAN_HOME"]), path)
    return path


def status(app) -> str:
    return str(app.query_one("#status").render())


async def _ready(app, pilot, contacts: bool):
    for _ in range(1200):  # a shared, loaded machine: up to 60 s
        await pilot.pause(0.05)
        if app.engine is not None and app.engine._myths is not None and "ready" in status(app) \
                and (not contacts or "contacts loaded" in status(app)):
            await app.workers.wait_for_complete()
            return
    raise AssertionError(f"not ready: {status(app)}")


async def _open(app, pilot) -> ContactsScreen:
    await pilot.press("f12")
    for _ in range(400):
        await pilot.pause(0.05)
        screen = app.screen
        if isinstance(screen, ContactsScreen) and "counting" not in str(screen.query_one("#contacts-note").render()):
            await pilot.pause(0.2)
            return screen
    raise AssertionError("the contacts dialog did not fill")


async def test_status_line_and_the_dialog_show_the_counted_contacts(export):
    by_category, by_channel_month = plain(export)
    total = sum(by_category.values())
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=True)
        assert f"{total:,} contacts loaded" in status(app)
        assert any(k.key == "f12" and k.description == "contacts" for k in app.query(FooterKey))
        screen = await _open(app, pilot)
        assert f"{total:,} contacts loaded in 2024, from 1 export" in str(screen.query_one("#contacts-note").render())
        bars = str(screen.query_one("#contacts-bars", Static).render()).splitlines()
        assert bars[0] == "Top contact reasons (in 2024)"
        top = by_category.most_common(8)
        assert len(bars) == 1 + len(top)
        for line, (name, n) in zip(bars[1:], top, strict=True):  # in order, each bar on its label's row
            assert line.startswith(name) and f" {n:,} " in line and f"{100 * n / total:.1f} %" in line
            assert line.count("█") == max(1, round(36 * n / top[0][1]))  # bar length ∝ count
        legend = str(screen.query_one("#contacts-legend").render())
        assert legend.startswith("Contacts per channel per month")
        channels = {ch for ch, _ in by_channel_month}
        assert all(channel_label(ch, "en") in legend for ch in channels)
        # the lines drawn are the counts per channel per month
        data = screen.data
        assert set(data.series) == channels and data.months == sorted({m for _, m in by_channel_month})
        for ch, counts in data.series.items():
            assert counts == [by_channel_month[(ch, m)] for m in data.months]
        plot = str(screen.query_one("#contacts-lines").render())
        assert all(tick in plot for tick in month_ticks(data.months, "en"))
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ContactsScreen)
        assert app.focused is app.query_one("#question")


async def test_f1_help_lists_the_contacts_key(jan_env):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause(0.2)
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query(Static).first().content  # the keys, as a rich Table
        console = Console(width=110, record=True, file=io.StringIO())
        console.print(table)
        keys = console.export_text()
        assert "F12" in keys and "the top contact reasons and contacts per channel per month" in keys


async def test_without_contacts_the_dialog_says_how_to_add_them(jan_env):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=False)
        assert "contacts" not in status(app)
        screen = await _open(app, pilot)
        note = str(screen.query_one("#contacts-note").render())
        assert "No contacts are loaded" in note and "jan contacts add FILE" in note and "jan contacts example" in note
        assert not screen.query("#contacts-lines") and not screen.query("#contacts-bars")
        await pilot.press("f12")  # the key that opened it closes it too
        await pilot.pause(0.2)
        assert not isinstance(app.screen, ContactsScreen)
        assert "contacts" not in status(app)


async def test_closing_the_dialog_before_the_counts_come_back(export):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=True)
        await pilot.press("f12", "escape")  # closed at once: the worker's answer finds no dialog
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert not isinstance(app.screen, ContactsScreen) and app.is_running
        screen = await _open(app, pilot)  # and it opens again as usual
        assert screen.data is not None


async def test_a_contact_export_added_meanwhile_is_counted_when_the_dialog_opens(jan_env, tmp_path):
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=False)
        path = tmp_path / "later.csv"
        truth = generate_export(path, 300, seed=2, lang="nl")  # `jan contacts add` in another terminal
        add_file(Path(jan_env["JAN_HOME"]), path)
        await _open(app, pilot)
        assert f"{truth.rows:,} contacts loaded" in status(app)


async def test_dutch_titles_after_a_dutch_answer(export):
    by_category, _ = plain(export)
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=True)
        app.query_one("#question").value = "Moeten we het telefoonnummer van de website halen?"
        await pilot.press("enter")
        for _ in range(600):
            await pilot.pause(0.05)
            if not app.busy:
                break
        assert app.history and app.history[-1].critique.language == "nl"
        screen = await _open(app, pilot)
        bars = str(screen.query_one("#contacts-bars").render())
        name, n = by_category.most_common(1)[0]
        assert bars.startswith("Belangrijkste contactredenen (in 2024)") and f" {number(n, 'nl')} " in bars
        assert str(screen.query_one("#contacts-legend").render()).startswith("Contacten per kanaal per maand")


async def test_f10_export_carries_the_contacts(export, jan_env):
    by_category, _ = plain(export)
    total = sum(by_category.values())
    name, n = by_category.most_common(1)[0]
    app = make_app(load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        await _ready(app, pilot, contacts=True)
        app.query_one("#question").value = "Should we remove the phone number from the website?"
        await pilot.press("enter")
        for _ in range(600):
            await pilot.pause(0.05)
            if not app.busy and app.meeting_id is not None:
                break
        await pilot.press("f10")
        exports = Path(jan_env["JAN_HOME"]) / "exports"
        for _ in range(600):
            await pilot.pause(0.05)
            if exports.is_dir() and len(list(exports.iterdir())) >= 2:
                break
        md = next(exports.glob("meeting-*.md")).read_text(encoding="utf-8")
        assert f"| {name} | {n:,} | {round(100 * n / total)} % |" in md
        page = next(exports.glob("brief-*.html")).read_text(encoding="utf-8")
        assert page.count("<svg") == 2 and f"{total:,} contacts in 2024" in page and "<script" not in page


async def _dialog(pilot):
    app = pilot.app
    app.query_one("#question").cursor_blink = False  # a blinking cursor makes screenshots differ
    await _ready(app, pilot, contacts=True)
    await _open(app, pilot)
    await pilot.pause(0.3)


def test_snapshot_of_the_dialog(snap_compare, export):
    assert snap_compare(make_app(load_settings()), terminal_size=(120, 40), run_before=_dialog)
