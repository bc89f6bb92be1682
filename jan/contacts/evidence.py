"""`counted_evidence`: what the answer engine cites beside the research when a proposal touches why customers get
in touch: the top contact reasons (and those the proposal's words name), the split by channel, the trend of
the channel it names, the split by segment. Every count is verified (its query run again) before it is
returned."""

from __future__ import annotations

import re
from pathlib import Path

from .counts import Count, CountQuery, data_period, grouped
from .lexicon import CHANNELS, channel_of, concept, tokens
from .store import connect

_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9\-]+")


def wanted_concepts(words: list[str]) -> set[str]:
    """The concepts a list of words (or phrases) names, in either language ('klachten' -> 'complaint')."""
    out: set[str] = set()
    for phrase in words:
        for w in _WORD.findall(str(phrase).lower()):
            out.add(concept(w))
    return out


def wanted_channels(words: list[str]) -> list[str]:
    """The channels the words name ('telefoonnummer', 'bellen', 'chat' -> phone, phone, chat), in order."""
    out: list[str] = []
    for phrase in words:
        for w in _WORD.findall(str(phrase).lower()):
            ch = channel_of(w) or next((c for k, c in CHANNELS.items() if len(k) >= 4 and " " not in k and
                                        w.startswith(k)), None)
            if ch and ch not in out:
                out.append(ch)
    return out


def _matches(label: str, wanted: set[str]) -> bool:
    parts = [p.strip() for p in str(label).split(",")]
    return any(t in wanted for p in parts for t in tokens(p) + [concept(p.lower())])


def counted_evidence(home: Path, topic_words: list[str], language: str = "en", *,
                     period: tuple[str, str] | None = None, top: int = 3, verify: bool = True) -> list[Count]:
    """Counted items for an answer: reasons the words name, the `top` reasons, the channel split (the channel the
    words name first), that channel's trend from the first to the last month, and the segment split. Each
    Count has an id (C1 …) and its sentence in `language` via `.text(language)`. Only counts that verify are
    returned; [] when no contacts are loaded."""
    with connect(home) as con:
        if con is None:
            return []
        period = period or data_period(con)
        if period is None:
            return []
        base = CountQuery(*period)
        total = base.run(con)
        if not total:
            return []
        counts: list[Count] = []

        def add(kind: str, label, n: int, query: CountQuery, source: str = "", **kw) -> None:
            counts.append(Count(kind, n, query, total, base, label=str(label), source=source, period=period, **kw))

        topic_labels = {r[0] for r in con.execute("SELECT DISTINCT label FROM topics").fetchall()}
        wanted = wanted_concepts(topic_words)
        reasons = [(v, n) for v, n in grouped(con, "reason", base) if v is not None]
        picked = [r for r in reasons if _matches(r[0], wanted)][:2]  # a topic by its name (first three words)
        picked += [r for r in reasons if r not in picked][:top]
        for label, n in picked:
            add("reason", label, n, base.narrowed("reason", label), "topic" if label in topic_labels else "category")
        channels = [(v, n) for v, n in grouped(con, "channel", base) if v is not None]
        named = wanted_channels(topic_words)
        order = sorted(channels, key=lambda r: (r[0] not in named, -r[1]))[:3]
        for label, n in order:
            add("channel", label, n, base.narrowed("channel", label), "channel")
        trend_channel = next((c for c in named if c in dict(channels)), None)
        months = sorted((m, n) for m, n in grouped(con, "month", base.narrowed("channel", trend_channel)
                                                     if trend_channel else base) if m)
        if len(months) >= 2:
            (m0, n0), (m1, n1) = months[0], months[-1]
            q0, q1 = _month_query(m0, trend_channel), _month_query(m1, trend_channel)
            counts.append(Count("trend", n1, q1, n0, q0, label=trend_channel or "", source="month",
                                period=period, extra={"first": m0, "last": m1}))
        segments = [(v, n) for v, n in grouped(con, "segment", base) if v is not None][:2]
        for label, n in segments:
            add("segment", label, n, base.narrowed("segment", label), "segment")
        if verify:
            counts = [c for c in counts if c.verify(con=con)]
    for i, c in enumerate(counts, 1):
        c.id = f"C{i}"
    return counts


def _month_query(ym: str, channel: str | None) -> CountQuery:
    y, m = map(int, ym.split("-"))
    end = f"{y + (m == 12):04d}-{m % 12 + 1:02d}-01"
    return CountQuery(f"{y:04d}-{m:02d}-01", end, (("channel", channel),) if channel else ())
