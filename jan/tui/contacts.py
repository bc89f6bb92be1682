"""The team's own contacts in the app: the status line says how many are loaded, and F12 opens a dialog with
the top contact reasons (bars) and contacts per channel per month (lines), drawn with textual-plotext from
`jan.contacts.chart_data`: the same counts the answers cite and the brief draws. DuckDB and plotext are
imported only when the dialog opens or the count runs (in a worker)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..core.errors import JanError

CONTACTS_BINDINGS = [Binding("f12", "contacts", "contacts")]
NONE_LOADED = [
    ("No contacts are loaded, so there is nothing to count yet.\n\n", "bold"),
    ("Add the team's own contact export from the helpdesk or CRM (CSV, TSV, XLSX or JSON lines, Dutch or "
     "English; a date, and a category or free text) in a terminal:\n", ""),
    ("  jan contacts add FILE\n\n", "bold"),
    ("or load the invented example export that ships with jan (`make run` does this once):\n", ""),
    ("  jan contacts example\n\n", "bold"),
    ("Then Jan's answers cite counted contacts beside the research when a proposal touches why customers "
     "get in touch, the status line counts them, this dialog draws them and the brief (F10) gets the charts.",
     ""),
]
HEADS = {"en": ("{total} contacts loaded {period}, from {files}. Every number here is counted from them.",
                "export", "exports"),
         "nl": ("{total} contacten geladen {period}, uit {files}. Elk getal hier is daaruit geteld.",
                "export", "exports")}


class ContactsMixin:
    """Needs: self.settings, set_status, open_modal, self.history (for the language of the charts)."""

    contacts_loaded: int = 0

    def contacts_note(self) -> Text:
        """The status line's part: how many contacts are loaded; nothing when none are."""
        if not self.contacts_loaded:
            return Text("")
        return Text(f"  ·  {self.contacts_loaded:,} contacts loaded", style="dim")

    @work(thread=True, exclusive=True, group="contacts")
    def count_contacts(self) -> None:
        """Worker side: how many contacts are loaded (DuckDB is imported only when a database exists)."""
        from ..contacts import contact_count

        try:
            n = contact_count(Path(self.settings.home))
        except JanError:  # in use by `jan contacts add` in another terminal: the dialog says so when opened
            return
        self.contacts_counted(n)

    def contacts_counted(self, n: int) -> None:
        if n != self.contacts_loaded:
            self.contacts_loaded = n
            self.call_from_thread(self.set_status)

    def contact_charts(self):
        """Worker side: the contacts' chart data for an export (None when none are loaded); a database held by
        another process is said in the thread and the export goes on without the charts."""
        from ..contacts import chart_data

        try:
            return chart_data(Path(self.settings.home))
        except JanError as exc:
            self.call_from_thread(self.add_message, f"⚠ the contact charts are left out: {exc}", "error")
            return None

    def action_contacts(self) -> None:
        lang = self.history[-1].critique.language if self.history else "en"
        self.open_modal(ContactsScreen(Path(self.settings.home), lang))


class ContactsScreen(ModalScreen):
    """Bars of the top contact reasons and a line per channel per month; a plain note when none are loaded."""

    BINDINGS = [Binding("escape,f12,q", "dismiss", "close")]

    def __init__(self, home: Path, language: str = "en"):
        super().__init__()
        self.home = home
        self.language = "nl" if language == "nl" else "en"
        self.data = None  # the ChartData drawn (None: nothing loaded, or not counted yet)
        self.files = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="contacts-box") as box:
            box.border_title = "The team's own contacts, counted"
            box.border_subtitle = "Esc closes"
            yield Static(Text("counting the contacts…"), id="contacts-note", markup=False)

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="contacts-chart")
    def load(self) -> None:
        from ..contacts import chart_data, list_files

        try:
            data = chart_data(self.home)
            files = len(list_files(self.home)) if data is not None else 0
        except JanError as exc:  # e.g. `jan contacts add` holds the database in another terminal
            self.app.call_from_thread(self.failed, str(exc))
            return
        self.app.call_from_thread(self.show, data, files)

    def failed(self, message: str) -> None:
        if self.is_attached:
            self.query_one("#contacts-note", Static).update(Text(f"⚠ {message}"))

    def show(self, data, files: int) -> None:
        if not self.is_attached:  # closed before the counts came back
            return
        self.data, self.files = data, files
        note = self.query_one("#contacts-note", Static)
        app = self.app
        if hasattr(app, "contacts_loaded"):  # the status line follows what was just counted
            app.contacts_loaded = data.total if data is not None else 0
            app.set_status()
        if data is None:
            note.update(Text.assemble(*NONE_LOADED))
            self.query_one("#contacts-box").add_class("contacts-none")
            return
        note.update(Text(head_line(data, files, self.language)))
        from textual_plotext import PlotextPlot

        lines = PlotextPlot(id="contacts-lines")
        draw_lines(lines.plt, data, self.language)
        bars = Static(bars_text(data, self.language), id="contacts-bars", markup=False)
        legend = Static(legend_text(data, self.language), id="contacts-legend", markup=False)
        self.query_one("#contacts-box").mount(bars, legend, lines)


def head_line(data, files: int, language: str) -> str:
    from ..contacts.render import number, period_text

    head, one, many = HEADS[language]
    return head.format(total=number(data.total, language), period=period_text(data.period, language),
                       files=f"{files} {one if files == 1 else many}").replace("  ", " ")


def bars_text(data, language: str, width: int = 36) -> Text:
    """The top contact reasons as text bars (the contacts package's own renderer), under their title: label,
    bar, count and share, each on the row of its label. (plotext 5.3 draws horizontal bars half a row off
    their labels, so a reader could take one reason's bar for the next one's.)"""
    from ..contacts.charts import PALETTE, TITLES, text_bars
    from ..contacts.render import period_text, reason_label, shown

    rows = [(shown(reason_label(label, source, language)), n) for label, source, n in data.reasons]
    text = Text()
    text.append(f"{TITLES[language][0]} ({period_text(data.period, language)})\n", style="bold")
    for line in text_bars(rows, data.total, language, width):
        text.append(line + "\n")
    text.highlight_regex("█+", style=PALETTE[0])
    text.rstrip()
    return text


def month_ticks(months: list[str], language: str) -> list[str]:
    """'Jan', 'Feb' … ('Jan 24' when the months span more than one year)."""
    from ..contacts.render import MONTHS

    years = len({m[:4] for m in months}) > 1
    return [MONTHS[language][int(m[5:7]) - 1][:3].capitalize() + (f" {m[2:4]}" if years else "") for m in months]


def channel_colors(data) -> list[tuple[str, str]]:
    """(channel, colour) in the order of the lines, in the colours the brief's SVG uses."""
    from ..contacts.charts import PALETTE

    return [(ch, PALETTE[j % len(PALETTE)]) for j, ch in enumerate(data.series)]


def legend_text(data, language: str) -> Text:
    """The line chart's title and legend, above it (plotext's own legend would cover the first months)."""
    from ..contacts.charts import TITLES
    from ..contacts.lexicon import channel_label
    from ..contacts.render import shown

    text = Text()
    text.append(TITLES[language][1], style="bold")
    for channel, color in channel_colors(data):
        text.append("   ")
        text.append("██", style=color)
        text.append(" ")
        text.append(shown(channel_label(channel, language))[:18])
    return text


def draw_lines(plt, data, language: str) -> None:
    """One line per channel over the months."""
    from ..contacts.render import number

    xs = list(range(1, len(data.months) + 1))
    for (_, color), counts in zip(channel_colors(data), data.series.values(), strict=True):
        hexa = color.lstrip("#")
        plt.plot(xs, counts, marker="hd", color=tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4)))
    every = max(1, -(-len(xs) // 12))
    plt.xticks(xs[::every], month_ticks(data.months, language)[::every])
    ys = count_ticks(max((n for s in data.series.values() for n in s), default=0))
    plt.yticks(ys, [number(y, language) for y in ys])  # whole contacts, never 99.2


def count_ticks(top: int, most: int = 6) -> list[int]:
    """0 … top in round steps (1, 2 or 5 times a power of ten), fewer than `most` ticks."""
    step = 1
    while True:
        for f in (1, 2, 5):
            if top // (step * f) < most:
                return list(range(0, top + 1, step * f))
        step *= 10
