"""Invented contact exports with known counts: for tests (the counts are returned beside the file), the
benchmark (a million rows) and the example export in corpus/ (`python -m jan.contacts.generate --example`).
No row is real: every text comes from `phrases`."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .phrases import CHANNEL_WEIGHTS, CHANNELS, CLOSERS, OPENERS, REASONS, SEGMENTS, WEIGHTS

HEADERS = {"nl": {"date": "Datum", "channel": "Kanaal", "category": "Categorie", "text": "Omschrijving",
                  "segment": "Klantsegment", "id": "Nummer"},
           "en": {"date": "Date", "channel": "Channel", "category": "Category", "text": "Description",
                  "segment": "Segment", "id": "Id"}}
BAD_KINDS = ("date", "empty", "columns")
EXAMPLE_NOTE = ("INVENTED EXAMPLE DATA - not real customer contacts. Written for Jan in the room "
                "(jan/contacts/generate.py) to show the contacts feature; every row is made up.")


@dataclass
class Truth:
    """What an export holds: good rows and their counts, and the line (or sheet row) of each bad row."""

    rows: int = 0
    by_channel: Counter = field(default_factory=Counter)  # canonical channel
    by_category: Counter = field(default_factory=Counter)  # category as written
    by_reason: Counter = field(default_factory=Counter)  # reason key (outage, invoice …)
    by_month: Counter = field(default_factory=Counter)  # 'YYYY-MM'
    by_segment: Counter = field(default_factory=Counter)
    bad_lines: list[int] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def _date_text(d: date, style: str) -> str:
    if style == "dmy":
        return f"{d.day:02d}-{d.month:02d}-{d.year}"
    if style == "mdy":
        return f"{d.month}/{d.day}/{d.year}"
    if style == "datetime":
        return f"{d.isoformat()} {d.toordinal() % 24:02d}:{d.toordinal() % 60:02d}:00"
    return d.isoformat()


def generate_rows(n: int, *, seed: int = 0, lang: str = "nl", mixed: float = 0.0, start: str = "2024-01-01",
                  months: int = 12, chat_opens: int | None = None, columns=("date", "channel", "category", "text",
                                                                             "segment"),
                  date_style: str = "iso", bad: int = 0, newlines: bool = False):
    """Yield (record: list[str] | None, kind) per row; kind is 'good' or a bad kind; a None record means a
    record with a missing column (written short). `mixed` is the share of rows in the other language."""
    rng = random.Random(seed)
    first = date.fromisoformat(start)
    days = (date(first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1)
            - first).days
    reasons, rweights = list(WEIGHTS), list(WEIGHTS.values())
    channels = list(CHANNEL_WEIGHTS)
    bad_at = set(rng.sample(range(n), min(bad, n))) if bad else set()
    for i in range(n):
        row_lang = lang if rng.random() >= mixed else ("en" if lang == "nl" else "nl")
        d = first + timedelta(days=rng.randrange(days))
        month_index = (d.year - first.year) * 12 + d.month - first.month
        cw = [w if not (ch == "chat" and chat_opens is not None and month_index < chat_opens) else 0
              for ch, w in zip(channels, CHANNEL_WEIGHTS.values(), strict=True)]
        if chat_opens is not None and month_index >= chat_opens:
            cw[channels.index("phone")] = CHANNEL_WEIGHTS["phone"] - 12
        ch = rng.choices(channels, cw)[0]
        reason = rng.choices(reasons, rweights)[0]
        nl_cat, en_cat, nl_texts, en_texts = REASONS[reason]
        opener, body, closer = (rng.choice(OPENERS[row_lang]), rng.choice(nl_texts if row_lang == "nl" else en_texts),
                                rng.choice(CLOSERS[row_lang]))
        if opener and not body.startswith("I "):
            body = body[0].lower() + body[1:]
        text = opener + body + ("." if closer and body[-1] not in ".?!" else "") + closer
        if newlines and rng.random() < 0.05:
            text = text.replace(", ", ",\n", 1)
        values = {"date": _date_text(d, date_style), "channel": CHANNELS[row_lang][ch],
                  "category": nl_cat if lang == "nl" else en_cat, "text": text,
                  "segment": rng.choice(SEGMENTS[lang]), "id": f"EX-{i + 1:07d}"}
        kind = "good"
        if i in bad_at:
            kind = BAD_KINDS[len([b for b in bad_at if b < i]) % 3] if len(bad_at) < 5000 else \
                BAD_KINDS[i % 3]
            if kind == "date":
                values["date"] = rng.choice(["gisteren", "31-13-2024", "n/a", "2024-02-30", "soon"])
            elif kind == "empty":
                values["text"] = values["category"] = ""
                if "text" not in columns or "category" not in columns:
                    values["text" if "text" in columns else "category"] = ""
        record = [values[c] for c in columns]
        yield (None if kind == "columns" else record), kind, {"channel": ch, "reason": reason, "date": d,
                                                             "values": values}


def generate_export(path: Path | str, n: int = 1000, *, fmt: str | None = None, delimiter: str = ",",
                    header_lang: str | None = None, comment: str | None = None, encoding: str = "utf-8",
                    **kw) -> Truth:
    """Write an export of `n` rows (csv/tsv, jsonl or xlsx by `fmt` or suffix) and return its known counts.
    Keyword arguments go to `generate_rows` (seed, lang, mixed, columns, date_style, bad, newlines …)."""
    path = Path(path)
    fmt = fmt or {".jsonl": "jsonl", ".xlsx": "xlsx", ".tsv": "csv"}.get(path.suffix.lower(), "csv")
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    columns = tuple(kw.pop("columns", ("date", "channel", "category", "text", "segment")))
    lang = kw.get("lang", "nl")
    names = [HEADERS[header_lang or lang][c] for c in columns]
    truth = Truth(columns=names)
    rows = generate_rows(n, columns=columns, **kw)
    if fmt == "xlsx":
        _write_xlsx(path, names, rows, truth)
    elif fmt == "jsonl":
        _write_jsonl(path, names, columns, rows, truth)
    else:
        _write_csv(path, names, rows, truth, delimiter, comment, encoding)
    return truth


def _count(truth: Truth, kind: str, line: int, meta: dict) -> None:
    if kind != "good":
        truth.bad_lines.append(line)
        return
    v = meta["values"]
    truth.rows += 1
    truth.by_channel[meta["channel"]] += 1
    truth.by_category[v["category"]] += 1
    truth.by_reason[meta["reason"]] += 1
    truth.by_month[meta["date"].strftime("%Y-%m")] += 1
    truth.by_segment[v["segment"]] += 1


def _write_csv(path, names, rows, truth, delimiter, comment, encoding) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    line = 1  # the line the next record starts on

    def take() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    with open(path, "w", encoding=encoding, newline="") as fh:
        for c in (comment or "").splitlines():
            fh.write(f"# {c}\n")
            line += 1
        w.writerow(names)
        fh.write(take())
        line += 1
        for record, kind, meta in rows:
            w.writerow(record if record is not None else [meta["values"]["date"]])
            text = take()
            fh.write(text)
            _count(truth, kind, line, meta)
            line += text.count("\n")


def _write_jsonl(path, names, columns, rows, truth) -> None:
    """One object per line; a 'columns' bad row is a line that is not valid JSON."""
    with open(path, "w", encoding="utf-8") as fh:
        for line, (record, kind, meta) in enumerate(rows, 1):
            if record is None:
                fh.write('{"broken": \n')
            else:
                fh.write(json.dumps(dict(zip(names, record, strict=True)), ensure_ascii=False) + "\n")
            _count(truth, kind, line, meta)


def _write_xlsx(path, names, rows, truth) -> None:
    """A workbook with one sheet; the header on row 1; a 'columns' bad row has only its date."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("contacts")
    ws.append(names)
    for row, (record, kind, meta) in enumerate(rows, 2):
        ws.append(record if record is not None else [meta["values"]["date"]])
        _count(truth, kind if record is not None else "date", row, meta)
    wb.save(path)


def write_example(path: Path | str, n: int = 3877) -> Truth:
    """The invented example export shipped in corpus/: Dutch headers, semicolons and day-month-year dates as a
    Dutch helpdesk tool writes them, about one row in three in English, no category column (so the topics
    are found from the free text), and chat opening in April."""
    return generate_export(path, n, seed=30, lang="nl", mixed=0.35, delimiter=";", date_style="dmy",
                           columns=("id", "date", "channel", "segment", "text"), chat_opens=3,
                           comment=EXAMPLE_NOTE)


if __name__ == "__main__":  # python -m jan.contacts.generate [--example PATH] | [PATH N]
    import sys

    args = sys.argv[1:]
    if args[:1] == ["--example"]:
        target = Path(args[1] if len(args) > 1 else "corpus/contacts_example.csv")
        t = write_example(target)
    else:
        target = Path(args[0])
        t = generate_export(target, int(args[1]) if len(args) > 1 else 1000)
    print(f"wrote {target}: {t.rows:,} rows, {len(t.bad_lines):,} bad")
