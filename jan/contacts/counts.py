"""Counting contacts. A count is asked as a `CountQuery` (structured parameters: a period and equality filters
on known fields, never SQL from a user) and cited as a `Count`: the number, the query that gave it, and the
base it is a share of. `Count.verify()` runs both queries again; a count whose numbers differ is not cited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.errors import JanError
from .store import connect

# filterable and groupable fields -> their SQL over the contacts table (identifiers are ours, values are bound)
FIELDS = {
    "channel": "channel",
    "category": "category",
    "segment": "segment",
    "reason": "coalesce(category, topic_label)",
    "topic": "topic_label",
    "file": "file_id",
    "month": "strftime(date, '%Y-%m')",
}
DIMENSIONS = ("channel", "category", "month", "segment", "reason", "file")


@dataclass(frozen=True)
class CountQuery:
    """Contacts dated in [start, end) (ISO dates; None = open) where each (field, value) holds."""

    start: str | None = None
    end: str | None = None
    where: tuple[tuple[str, str], ...] = ()

    def sql(self, select: str = "count(*)", group: str | None = None) -> tuple[str, list]:
        conds, params = [], []
        if self.start:
            conds.append("date >= ?")
            params.append(date.fromisoformat(self.start))
        if self.end:
            conds.append("date < ?")
            params.append(date.fromisoformat(self.end))
        for name, value in self.where:
            if name not in FIELDS:
                raise JanError(f"count: unknown field {name!r} (known: {', '.join(FIELDS)})")
            if value is None:
                conds.append(f"{FIELDS[name]} IS NULL")
            else:
                conds.append(f"{FIELDS[name]} = ?")
                params.append(int(value) if name == "file" else str(value))
        sql = f"SELECT {select} FROM contacts" + (" WHERE " + " AND ".join(conds) if conds else "")
        if group:
            sql += " GROUP BY ALL ORDER BY 2 DESC, 1 NULLS LAST"
        return sql, params

    def run(self, con) -> int:
        sql, params = self.sql()
        return int(con.execute(sql, params).fetchone()[0])

    def narrowed(self, name: str, value) -> CountQuery:
        return CountQuery(self.start, self.end, (*self.where, (name, value)))

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "where": [list(w) for w in self.where]}

    @classmethod
    def from_dict(cls, d: dict) -> CountQuery:
        return cls(d.get("start"), d.get("end"), tuple((str(a), b) for a, b in d.get("where") or ()))


def grouped(con, by: str, query: CountQuery = CountQuery(), limit: int | None = None) -> list[tuple[str, int]]:
    """(value, count) per value of a field, most first; the values are as stored (None when missing)."""
    if by not in FIELDS:
        raise JanError(f"--by {by!r}: use one of {', '.join(DIMENSIONS)}")
    sql, params = query.sql(f"{FIELDS[by]} AS value, count(*) AS n", group=by)
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [(r[0], int(r[1])) for r in con.execute(sql, params).fetchall()]


@dataclass
class Count:
    """One counted fact: `value` contacts match `query`; `total` match `base` (the whole it is a share of).
    kind: total | reason | channel | segment | trend (a trend's base is its first month, query its last)."""

    kind: str
    value: int
    query: CountQuery
    total: int | None = None
    base: CountQuery | None = None
    label: str = ""
    source: str = ""  # for a reason: category | topic
    period: tuple[str, str] | None = None  # what the sentence names: [start, end)
    id: str = ""
    verified: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def percent(self) -> int | None:
        if not self.total or self.kind == "trend":
            return None
        return round(100 * self.value / self.total)

    def text(self, language: str = "en") -> str:
        from .render import count_text

        return count_text(self, language)

    def numbers(self, language: str = "en") -> list[str]:
        """The numbers its sentence shows, as written (for a gate that removes numbers no count vouches for)."""
        from .render import number

        out = [number(self.value, language)]
        if self.total is not None:
            out.append(number(self.total, language))
        if self.percent is not None:
            out.append(f"{self.percent} %")
        if self.kind == "trend" and self.total:
            from .render import change

            out.append(change(self.total, self.value))
        return out

    def verify(self, home: Path | None = None, con=None) -> bool:
        """Run the query (and the base) again; True only when both give the numbers cited."""
        if con is None:
            with connect(home) as c:
                return False if c is None else self.verify(con=c)
        try:
            ok = self.query.run(con) == self.value and (self.base is None or self.base.run(con) == self.total)
        except Exception:  # a query that no longer runs (file removed, schema changed) vouches for nothing
            ok = False
        self.verified = ok
        return ok

    def to_dict(self, language: str = "en") -> dict:
        return {"id": self.id, "kind": self.kind, "value": self.value, "total": self.total,
                "percent": self.percent, "label": self.label, "source": self.source,
                "query": self.query.to_dict(), "base": self.base.to_dict() if self.base else None,
                "period": list(self.period) if self.period else None, "verified": self.verified,
                "text": self.text(language)}


def verify_counts(home: Path, counts: list[Count]) -> list[Count]:
    """The counts whose queries, run again, give the numbers they cite (one connection for all)."""
    with connect(home) as con:
        if con is None:
            return []
        return [c for c in counts if c.verify(con=con)]


def data_period(con) -> tuple[str, str] | None:
    """The months the contacts cover: [first day of the first month, first day after the last month)."""
    lo, hi = con.execute("SELECT min(date), max(date) FROM contacts").fetchone()
    if lo is None:
        return None
    end = date(hi.year + (hi.month == 12), hi.month % 12 + 1, 1)
    return date(lo.year, lo.month, 1).isoformat(), end.isoformat()


@dataclass
class Summary:
    by: str | None
    total: int
    rows: list[tuple[str, int]]
    period: tuple[str, str] | None
    files: int

    def to_dict(self) -> dict:
        return {"by": self.by, "total": self.total, "files": self.files,
                "period": list(self.period) if self.period else None,
                "rows": [{"value": v, "count": n, "percent": round(100 * n / self.total, 1) if self.total else 0}
                         for v, n in self.rows]}


def summary(home: Path, by: str | None = None, query: CountQuery = CountQuery()) -> Summary:
    """The total and, with `by`, the count per channel, category, month, segment, reason or file."""
    if by is not None and by not in DIMENSIONS:
        raise JanError(f"--by {by!r}: use one of {', '.join(DIMENSIONS)}")
    with connect(home) as con:
        if con is None:
            return Summary(by, 0, [], None, 0)
        total = query.run(con)
        files = int(con.execute("SELECT count(*) FROM files").fetchone()[0])
        rows = grouped(con, by, query) if by else []
        if by == "month":
            rows.sort(key=lambda r: r[0] or "")
        if by == "file":
            names = dict(con.execute("SELECT file_id, name FROM files").fetchall())
            rows = [(names.get(v, str(v)), n) for v, n in rows]
        return Summary(by, total, rows, data_period(con), files)
