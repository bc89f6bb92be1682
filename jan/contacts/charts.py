"""Pictures of the contacts, as data first: the top contact reasons (bars) and contacts per channel per month
(lines); drawn as inline SVG (no script, no link, no font or file fetched), as markdown tables and as text
bars for a terminal. Every number drawn comes from the same counts the answers cite."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..core.sanitize import one_line
from .counts import CountQuery, data_period, grouped
from .lexicon import channel_label
from .render import MONTHS, number, period_text, reason_label
from .store import connect

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TITLES = {"en": ("Top contact reasons", "Contacts per channel per month", "reason", "contacts", "month"),
          "nl": ("Belangrijkste contactredenen", "Contacten per kanaal per maand", "reden", "contacten", "maand")}


@dataclass
class ChartData:
    total: int
    period: tuple[str, str] | None
    reasons: list[tuple[str, str, int]] = field(default_factory=list)  # (label, source, count)
    months: list[str] = field(default_factory=list)  # 'YYYY-MM'
    series: dict[str, list[int]] = field(default_factory=dict)  # channel -> count per month

    def to_dict(self) -> dict:
        return {"total": self.total, "period": list(self.period) if self.period else None,
                "reasons": [{"label": lbl, "source": s, "count": n} for lbl, s, n in self.reasons],
                "months": self.months, "series": self.series}


def chart_data(home: Path, period: tuple[str, str] | None = None, top: int = 8) -> ChartData | None:
    """The numbers behind both charts; None when no contacts are loaded."""
    with connect(home) as con:
        if con is None:
            return None
        period = period or data_period(con)
        if period is None:
            return None
        q = CountQuery(*period)
        topics = {r[0] for r in con.execute("SELECT DISTINCT label FROM topics").fetchall()}
        reasons = [(v, "topic" if v in topics else "category", n) for v, n in grouped(con, "reason", q)
                   if v is not None][:top]
        sql, params = q.sql("strftime(date, '%Y-%m') AS m, coalesce(channel, '?') AS ch, count(*)")
        cells = con.execute(sql + " GROUP BY ALL", params).fetchall()
        data = ChartData(q.run(con), period, reasons)
    data.months = sorted({m for m, _, _ in cells})
    at = {m: i for i, m in enumerate(data.months)}
    totals: dict[str, int] = {}
    for m, ch, n in cells:
        data.series.setdefault(ch, [0] * len(data.months))[at[m]] = int(n)
        totals[ch] = totals.get(ch, 0) + int(n)
    data.series = {ch: data.series[ch] for ch in sorted(data.series, key=lambda c: -totals[c])}
    return data


def _lang(language: str) -> str:
    return "nl" if language == "nl" else "en"


def _text(value: str, limit: int = 40) -> str:
    value = one_line(value)
    return escape(value if len(value) <= limit else value[: limit - 1] + "…")


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'style="font-family:sans-serif;font-size:12px">'
            f"<title>{escape(title)}</title>" + "".join(body) + "</svg>")


def bars_svg(data: ChartData, language: str = "en") -> str:
    """Horizontal bars, one per reason, with the count and share written beside each."""
    lang = _lang(language)
    title = f"{TITLES[lang][0]} ({period_text(data.period, lang)})"
    left, bar_w, row = 220, 260, 24
    height = 40 + row * max(1, len(data.reasons))
    body = [f'<text x="8" y="20" font-weight="bold">{escape(title)}</text>']
    top = max((n for _, _, n in data.reasons), default=1) or 1
    for i, (label, source, n) in enumerate(data.reasons):
        y = 32 + i * row
        w = max(1, round(bar_w * n / top))
        share = round(100 * n / data.total) if data.total else 0
        body.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">'
                    f"{_text(reason_label(label, source, lang), 34)}</text>")
        body.append(f'<rect x="{left}" y="{y + 2}" width="{w}" height="{row - 8}" fill="{PALETTE[0]}"/>')
        body.append(f'<text x="{left + w + 6}" y="{y + 14}">{number(n, lang)} ({share} %)</text>')
    return _svg(left + bar_w + 110, height, title, body)


def lines_svg(data: ChartData, language: str = "en") -> str:
    """One line per channel over the months, with a legend and the month names under the axis."""
    lang = _lang(language)
    title = TITLES[lang][1]
    x0, y0, w, h = 50, 36, 420, 180
    top = max((n for s in data.series.values() for n in s), default=1) or 1
    months = data.months or [""]
    step = w / max(1, len(months) - 1)
    body = [f'<text x="8" y="20" font-weight="bold">{escape(title)}</text>',
            f'<line x1="{x0}" y1="{y0 + h}" x2="{x0 + w}" y2="{y0 + h}" stroke="#888"/>',
            f'<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y0 + h}" stroke="#888"/>',
            f'<text x="{x0 - 6}" y="{y0 + 4}" text-anchor="end">{number(top, lang)}</text>',
            f'<text x="{x0 - 6}" y="{y0 + h}" text-anchor="end">0</text>']
    every = max(1, len(months) // 12)
    for i, m in enumerate(months):
        if m and i % every == 0:
            short = MONTHS[lang][int(m[5:7]) - 1][:3]
            body.append(f'<text x="{x0 + i * step:.1f}" y="{y0 + h + 16}" text-anchor="middle">{escape(short)}</text>')
    for j, (ch, counts) in enumerate(data.series.items()):
        color = PALETTE[j % len(PALETTE)]
        pts = " ".join(f"{x0 + i * step:.1f},{y0 + h - h * n / top:.1f}" for i, n in enumerate(counts))
        body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        ly = y0 + 12 + j * 18
        body.append(f'<rect x="{x0 + w + 16}" y="{ly - 9}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x0 + w + 30}" y="{ly}">{_text(channel_label(ch, lang), 18)}</text>')
    return _svg(x0 + w + 140, y0 + h + 30, title, body)


def _cell(text: str) -> str:
    """A table cell: one line, no pipe, and no HTML (a markdown viewer would render a <script> in a cell)."""
    return escape(one_line(text).replace("|", "/"), quote=False)


def markdown_tables(data: ChartData, language: str = "en") -> str:
    """Both charts as small markdown tables (reason, count, share; month by channel)."""
    lang = _lang(language)
    t = TITLES[lang]
    share = "aandeel" if lang == "nl" else "share"
    lines = [f"**{t[0]}** ({period_text(data.period, lang)}, {number(data.total, lang)} {t[3]})", "",
             f"| {t[2]} | {t[3]} | {share} |", "|---|---:|---:|"]
    for label, source, n in data.reasons:
        pct = round(100 * n / data.total) if data.total else 0
        lines.append(f"| {_cell(reason_label(label, source, lang))} | {number(n, lang)} | {pct} % |")
    chans = list(data.series)
    lines += ["", f"**{t[1]}**", "", f"| {t[4]} | " + " | ".join(_cell(channel_label(c, lang)) for c in chans) + " |",
              "|---|" + "---:|" * len(chans)]
    for i, m in enumerate(data.months):
        lines.append(f"| {m} | " + " | ".join(number(data.series[c][i], lang) for c in chans) + " |")
    return "\n".join(lines)


def text_bars(rows: list[tuple[str, int]], total: int, language: str = "en", width: int = 30) -> list[str]:
    """Rows as terminal bars: label, bar, count and share."""
    top = max((n for _, n in rows), default=1) or 1
    wide = min(32, max((len(one_line(str(lbl))) for lbl, _ in rows), default=4))
    out = []
    for label, n in rows:
        bar = "█" * max(1 if n else 0, round(width * n / top))
        pct = f"{100 * n / total:.1f} %" if total else ""
        out.append(f"{one_line(str(label))[:wide]:<{wide}}  {bar:<{width}}  {number(n, language):>9}  {pct:>7}")
    return out
