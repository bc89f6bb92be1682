"""Which column is the date, the channel, the category, the free text and the customer segment: by name (Dutch
or English) and by content, with `--map COLUMN=ROLE` overrides; and how the dates are written."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.errors import JanError
from ..core.sanitize import one_line
from .lexicon import ROLE_NAMES, ROLES, SEGMENT_WORDS, channel_of, norm_name, norm_value

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
DATE_ORDERS = ("iso", "dmy", "mdy")
IGNORE = ("ignore", "none", "-")


def is_date_like(value: str) -> bool:
    v = value.strip()
    return bool(_ISO.match(v) or _YMD.match(v) or _DMY.match(v))


def date_order(values: list[str]) -> str:
    """iso (year first), dmy or mdy for the written dates; day-month-year when nothing tells them apart."""
    values = [v.strip() for v in values if v and v.strip()]
    iso = sum(bool(_ISO.match(v) or _YMD.match(v)) for v in values)
    dmy = [m for v in values if (m := _DMY.match(v))]
    if iso >= len(dmy):
        return "iso"
    day_first = sum(int(m.group(1)) > 12 for m in dmy)  # a stray bad date must not decide it
    month_first = sum(int(m.group(2)) > 12 for m in dmy)
    return "mdy" if month_first > day_first else "dmy"


def date_sql(column: str, order: str) -> str:
    """A DuckDB expression turning the text column into a DATE (NULL when it does not parse). The trimmed
    value is tried only when the value as written does not parse (coalesce evaluates lazily)."""
    if order == "iso":
        fmts = [f"%Y{s}%m{s}%d{t}" for s in "/." for t in ("", " %H:%M", " %H:%M:%S")]
        return (f"coalesce(try_cast({column} AS DATE), try_cast({column} AS TIMESTAMP)::DATE, "
                f"try_strptime(trim({column}), {fmts!r})::DATE)")
    parts = "%d{s}%m{s}{y}" if order == "dmy" else "%m{s}%d{s}{y}"
    fmts = [parts.format(s=s, y=y) + t for y in ("%Y", "%y") for s in "-/." for t in ("", " %H:%M", " %H:%M:%S",
                                                                                       "T%H:%M:%S")]
    return f"coalesce(try_strptime({column}, {fmts!r}), try_strptime(trim({column}), {fmts!r}))::DATE"


@dataclass
class Mapping:
    """columns: the export's column names; roles: role -> column index; how: role -> 'name', 'content' or
    '--map'; date_order: iso | dmy | mdy."""

    columns: list[str]
    roles: dict[str, int] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)
    date_order: str = "iso"

    def column(self, role: str) -> str | None:
        i = self.roles.get(role)
        return None if i is None else self.columns[i]

    def describe(self) -> list[str]:
        lines = []
        for role in ROLES:
            if role in self.roles:
                extra = f", written {self.date_order.upper()}" if role == "date" else ""
                lines.append(f"{role:<9} <- {one_line(self.column(role))!r} (by {self.how[role]}{extra})")
            else:
                lines.append(f"{role:<9} <- (none)")
        unused = [one_line(c) for i, c in enumerate(self.columns) if i not in self.roles.values()]
        if unused:
            lines.append(f"not used: {', '.join(repr(c) for c in unused)}")
        return lines

    def to_dict(self) -> dict:
        return {"roles": {r: self.column(r) for r in self.roles}, "how": dict(self.how),
                "date_order": self.date_order}


def parse_maps(items: list[str] | None) -> dict[str, str]:
    """`--map COLUMN=ROLE` flags -> {column: role}; ROLE may be 'ignore'."""
    out: dict[str, str] = {}
    for item in items or []:
        col, sep, role = item.rpartition("=")
        role = role.strip().lower()
        if not sep or not col.strip():
            raise JanError(f"--map {one_line(item)!r}: write COLUMN=ROLE, e.g. --map Omschrijving=text")
        if role not in ROLES and role not in IGNORE:
            raise JanError(f"--map {one_line(item)!r}: unknown role {one_line(role)!r}; "
                           f"use one of {', '.join(ROLES)} or ignore")
        out[col.strip()] = role
    return out


def _content_scores(values: list[str]) -> dict[str, float]:
    vals = [v.strip() for v in values[:500] if v and v.strip()]
    if not vals:
        return {}
    n = len(vals)
    distinct = len(set(vals))
    mean_len = sum(map(len, vals)) / n
    spaced = sum(" " in v for v in vals) / n
    scores = {
        "date": sum(map(is_date_like, vals)) / n,
        "channel": sum(channel_of(v) is not None for v in vals) / n,
        "segment": sum(norm_value(v) in SEGMENT_WORDS for v in vals) / n,
    }
    numeric = sum(v.replace(".", "").replace(",", "").replace("-", "").isdigit() for v in vals) / n
    scores["text"] = 1.0 if mean_len >= 25 and spaced > 0.5 and distinct / n > 0.3 else 0.0
    scores["category"] = 1.0 if 2 <= distinct <= max(60, n // 20) and mean_len < 40 and numeric < 0.5 else 0.0
    return scores


def recognise(columns: list[str], sample: list[list[str]], maps: dict[str, str] | None = None,
              order: str | None = None, where: str = "") -> Mapping:
    """The mapping of roles to columns: `--map` first, then names, then content. Raises JanError naming the file
    when a --map column does not exist or the date, or both the text and the category, are missing."""
    mapping = Mapping(columns=list(columns))
    by_norm = {norm_name(c): i for i, c in enumerate(columns)}
    taken: set[int] = set()
    for col, role in (maps or {}).items():
        i = columns.index(col) if col in columns else by_norm.get(norm_name(col))
        if i is None:
            raise JanError(f"{where}: --map {one_line(col)!r}: no such column "
                           f"(columns: {', '.join(repr(one_line(c)) for c in columns)})")
        taken.add(i)
        if role in ROLES:
            mapping.roles[role], mapping.how[role] = i, "--map"
    cols = [[row[i] if i < len(row) else "" for row in sample] for i in range(len(columns))]
    scores = [_content_scores(v) for v in cols]
    for role in ROLES:  # by name, unless the content clearly says otherwise
        if role in mapping.roles:
            continue
        for i, c in enumerate(columns):
            if i in taken or norm_name(c) not in ROLE_NAMES[role]:
                continue
            if role == "date" and scores[i] and scores[i].get("date", 0) < 0.5:
                continue
            if role == "category" and scores[i].get("text") and not scores[i].get("category"):
                continue  # named like a category ('Subject'), written like free text: content decides
            mapping.roles[role], mapping.how[role] = i, "name"
            taken.add(i)
            break
    for role in ("date", "channel", "text", "segment", "category"):  # by content
        if role in mapping.roles:
            continue
        best = max((i for i in range(len(columns)) if i not in taken), default=None,
                   key=lambda i: scores[i].get(role, 0))
        if best is not None and scores[best].get(role, 0) >= (0.8 if role in ("date", "text", "category") else 0.6):
            mapping.roles[role], mapping.how[role] = best, "content"
            taken.add(best)
    if "date" not in mapping.roles:  # a column named as a date whose values do not parse: its rows say so
        named = [i for i, c in enumerate(columns) if i not in taken and norm_name(c) in ROLE_NAMES["date"]]
        if named:
            mapping.roles["date"], mapping.how["date"] = named[0], "name"
    names = ", ".join(repr(one_line(c)) for c in columns)
    if "date" not in mapping.roles:
        raise JanError(f"{where}: no date column found (columns: {names}); name it with --map COLUMN=date")
    if "text" not in mapping.roles and "category" not in mapping.roles:
        raise JanError(f"{where}: no text or category column found (columns: {names}); "
                       "name one with --map COLUMN=text or --map COLUMN=category")
    mapping.date_order = order or date_order(cols[mapping.roles["date"]])
    if mapping.date_order not in DATE_ORDERS:
        raise JanError(f"--date-order {one_line(mapping.date_order)!r}: use one of {', '.join(DATE_ORDERS)}")
    return mapping


def channel_sql(column: str, seen: list[str]) -> str:
    """A DuckDB expression for the canonical channel ('Telefonisch' -> 'phone'; unknown values lowercased).
    Only the raw values `seen` in the sample are written out (a short CASE is cheap over a million rows);
    values that first appear later are mapped afterwards by `channel_fixes`."""
    known = {v: c for v in sorted({x for x in seen if x})[:200] if (c := channel_of(v))}
    cases = " ".join(f"WHEN {_quote(v)} THEN '{c}'" for v, c in known.items())
    fallback = f"nullif(lower(trim({column})), '')"
    return f"CASE {column} {cases} ELSE {fallback} END" if cases else fallback


def channel_fixes(values: list[str]) -> dict[str, str]:
    """{stored value: canonical channel} for stored channel values that are not canonical yet."""
    from .lexicon import CHANNEL_LABELS

    return {v: c for v in values if v and v not in CHANNEL_LABELS and (c := channel_of(v)) and c != v}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
