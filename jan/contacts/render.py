"""Counts as sentences, in English or Dutch: "38 % of the 3,877 contacts in Q3 2024 (1,473) were about
outages" / "38 % van de 3.877 contacten in Q3 2024 (1.473) ging over storingen"."""

from __future__ import annotations

from datetime import date, timedelta

from ..core.sanitize import display, one_line
from .lexicon import channel_label, word_label

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
}


def number(n: int, language: str = "en") -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if language == "nl" else text


def _lang(language: str) -> str:
    return "nl" if language == "nl" else "en"


def month_name(ym: str, language: str = "en") -> str:
    """'2024-07' -> 'July 2024' / 'juli 2024'."""
    y, m = ym.split("-")[:2]
    return f"{MONTHS[_lang(language)][int(m) - 1]} {y}"


def period_text(period: tuple[str, str] | None, language: str = "en") -> str:
    """'in Q3 2024', 'in July 2024', 'in 2024', 'from January to June 2024', or 'from 3 January 2024 to …'."""
    nl = _lang(language) == "nl"
    if not period:
        return ""
    start, end = date.fromisoformat(period[0]), date.fromisoformat(period[1])
    last = end - timedelta(days=1)
    months = (end.year - start.year) * 12 + end.month - start.month
    whole = start.day == 1 and end.day == 1
    names = MONTHS[_lang(language)]
    if whole and months == 12 and start.month == 1:
        return f"in {start.year}"
    if whole and months == 3 and start.month % 3 == 1:
        return f"in Q{start.month // 3 + 1} {start.year}"
    if whole and months == 1:
        return f"in {names[start.month - 1]} {start.year}"
    if whole:
        first = names[start.month - 1] + ("" if start.year == last.year else f" {start.year}")
        return (f"van {first} tot en met {names[last.month - 1]} {last.year}" if nl else
                f"from {first} to {names[last.month - 1]} {last.year}")
    a = f"{start.day} {names[start.month - 1]} {start.year}"
    b = f"{last.day} {names[last.month - 1]} {last.year}"
    return f"van {a} tot en met {b}" if nl else f"from {a} to {b}"


def shown(value: str) -> str:
    """A value from the team's export as it may stand in a sentence: one line, no control characters and
    none of the marks only the citation gate may draw (a category named '[E1 ✓]' forges nothing)."""
    return one_line(display(str(value)))[:80]


def reason_label(label: str, source: str, language: str = "en") -> str:
    """A reason as shown: a category as the export writes it; a topic by its words in the asked language."""
    if source == "topic":
        return " / ".join(word_label(w.strip(), language) for w in label.split(",") if w.strip())
    return shown(label)


def count_text(c, language: str = "en") -> str:
    nl = _lang(language) == "nl"
    n, total = number(c.value, language), number(c.total or 0, language)
    when = period_text(c.period, language)
    pct = f"{c.percent} %"
    of_all = (f"{pct} van de {total} contacten {when} ({n})" if nl else
              f"{pct} of the {total} contacts {when} ({n})").replace("  ", " ")
    if c.kind == "total":
        return f"{n} contacten {when}".strip() if nl else f"{n} contacts {when}".strip()
    if c.kind == "reason":
        what = reason_label(c.label, c.source, language)
        return f"{of_all} ging over ‘{what}’" if nl else f"{of_all} were about ‘{what}’"
    if c.kind == "channel":
        ch = shown(channel_label(c.label, language))
        return f"{of_all} kwam binnen via {ch}" if nl else f"{of_all} came in by {ch}"
    if c.kind == "segment":
        return f"{of_all} kwam van klanten in segment ‘{shown(c.label)}’" if nl else \
            f"{of_all} came from customers in segment ‘{shown(c.label)}’"
    if c.kind == "trend":
        first, last = c.extra.get("first", ""), c.extra.get("last", "")
        who = (f"Contacten via {channel_label(c.label, language)}" if nl else
               f"{channel_label(c.label, language).capitalize()} contacts") if c.label else \
            ("Contacten" if nl else "Contacts")
        moved = f" ({change(c.total or 0, c.value)})" if c.total else ""
        return (f"{who} gingen van {total} in {month_name(first, 'nl')} naar {n} in {month_name(last, 'nl')}"
                f"{moved}" if nl else
                f"{who} went from {total} in {month_name(first)} to {n} in {month_name(last)}{moved}")
    return f"{n}"


def change(before: int, after: int) -> str:
    """'−35 %': the change from `before` to `after`, as a trend sentence writes it."""
    pct = round(100 * (after - before) / before)
    return f"{'+' if pct > 0 else '−' if pct < 0 else '±'}{abs(pct)} %"
