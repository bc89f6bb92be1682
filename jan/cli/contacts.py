"""`jan contacts add | summary | remove | topics | cite | chart`: the team's own contact exports, counted."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.errors import JanError
from ..core.sanitize import one_line
from .common import err as _err
from .common import out as _out
from .common import settings as _settings

NONE_LOADED = "no contacts loaded; add an export with: jan contacts add FILE"


def _show_mapping(src, mapping) -> None:
    from ..contacts.sniff import describe_delimiter

    how = src.format.upper()
    if src.format == "csv":
        how += f", {describe_delimiter(src.delimiter)}-delimited, {src.encoding.upper()}"
        how += ", first row holds the column names" if src.header else ", no header row (columns by position)"
        if src.skip:
            how += f", {src.skip} comment line(s) skipped"
    _out(f"{src.name}: {how}")
    for line in mapping.describe():
        _out(f"  {line}")


def cmd_add(args) -> int:
    from ..contacts.columns import parse_maps
    from ..contacts.load import add_file

    s = _settings(args)
    report = add_file(s.home, Path(args.file), maps=parse_maps(args.map), sheet=args.sheet,
                      date_order=args.date_order, on_mapping=_show_mapping, dry_run=args.dry_run)
    name = one_line(report.path.name)
    if report.already:
        _out(f"{name}: already loaded (same content, sha256 {report.sha256[:12]}…, {report.rows:,} contacts); "
             "nothing changed")
        return 0
    if report.dry_run:
        _out("dry run: nothing stored")
        return 0
    for note in report.notes:
        _out(f"  note: {one_line(note)}")
    word = report.source.line_word if report.source else "line"
    _out(f"added {report.rows:,} contacts from {name} ({report.bad:,} bad row(s) skipped) in {report.seconds:.1f} s")
    for line, field, why, value in report.bad_rows[:10]:
        shown = f" {one_line(value)!r}" if value else ""
        _out(f"  skipped {word} {line}: {field + ': ' if field else ''}{why}{shown}")
    if report.bad > 10:
        _out(f"  … and {report.bad - 10:,} more (jan contacts summary --bad {name})")
    if not args.no_topics and report.mapping and "text" in report.mapping.roles and \
            "category" not in report.mapping.roles:
        from ..contacts.topics import contact_topics

        _err("grouping the free text into topics …")
        found = [t for t in contact_topics(s.home) if t.file_id == report.file_id]
        _out(f"{len(found)} topic(s) found in the free text: jan contacts topics")
    return 0


EXAMPLE = "contacts_example.csv"  # the invented example export shipped with the built-in corpus


def cmd_example(args) -> int:
    """Load the invented example export once per home (`make run` calls this): re-adding the same file changes
    nothing, and once loaded a `jan contacts remove` sticks, since a marker in the home says it was offered."""
    from ..contacts.load import add_file
    from ..contacts.store import db_path
    from ..core.config import BUILTIN_CORPUS
    from ..core.files import atomic_write_text

    s = _settings(args)
    marker = db_path(s.home).parent / "example-loaded"
    path = Path(BUILTIN_CORPUS) / EXAMPLE
    if marker.exists() and not args.again:
        _out("the invented example export was loaded into this home before; nothing changed "
             "(jan contacts example --again loads it again)")
        return 0
    if not path.is_file():
        raise JanError(f"{one_line(str(path))}: the example export is not there (a damaged install?)")
    report = add_file(s.home, path)
    if report.mapping and "text" in report.mapping.roles and "category" not in report.mapping.roles:
        from ..contacts.topics import contact_topics

        contact_topics(s.home)  # the free text grouped now, not on the first question
    atomic_write_text(marker, f"{report.sha256}\n")
    if report.already:
        _out(f"{EXAMPLE}: already loaded ({report.rows:,} contacts); nothing changed")
    else:
        _out(f"loaded the invented example export {EXAMPLE}: {report.rows:,} contacts (not real customers; "
             f"remove it with: jan contacts remove {EXAMPLE})")
    return 0


def cmd_summary(args) -> int:
    from ..contacts.charts import text_bars
    from ..contacts.counts import summary
    from ..contacts.lexicon import channel_label
    from ..contacts.render import period_text
    from ..contacts.store import list_files

    s = _settings(args)
    files = list_files(s.home)
    if args.bad:
        return _show_bad(s.home, files, args.bad)
    result = summary(s.home, args.by)
    rows = result.rows
    if args.by == "channel":
        rows = [(channel_label(v, args.lang) if v else "(none)", n) for v, n in rows]
    if args.by == "reason":
        from ..contacts.render import reason_label
        from ..contacts.topics import topic_labels

        topics = topic_labels(s.home)
        rows = [(reason_label(v, "topic" if v in topics else "category", args.lang) if v else None, n)
                for v, n in rows]
    rows = [(v if v is not None else "(none)", n) for v, n in rows]
    if args.output:
        from ..contacts.export import write_table

        headers = [args.by or "total", "contacts", "percent"]
        table = [[v, n, round(100 * n / result.total, 1) if result.total else 0] for v, n in rows] or \
            [["total", result.total, 100.0]]
        _out(f"wrote {write_table(args.output, headers, table, force=args.force)}")
        return 0
    if args.json:
        data = result.to_dict()
        data["rows"] = [{**r, "value": v} for r, (v, _) in zip(data["rows"], rows, strict=True)]
        data["exports"] = [f.to_dict() for f in files]
        _out(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    if not files:
        _out(NONE_LOADED)
        return 0
    _out(f"{result.total:,} contacts {period_text(result.period, args.lang)} from {len(files)} export(s):")
    for f in files:
        _out(f"  {one_line(f.name)}  {f.rows:,} contacts, {f.bad:,} bad  (added {f.added_at}, "
             f"sha256 {f.sha256[:12]}…)")
    if args.by:
        _out("")
        for line in text_bars(rows, result.total, args.lang):
            _out(line)
    return 0


def _show_bad(home, files, target: str) -> int:
    from ..contacts.store import bad_rows

    hits = [f for f in files if target in (f.name, f.path, f.sha256) or f.sha256.startswith(target)]
    if not hits:
        raise JanError(f"{one_line(target)}: not among the loaded contact exports")
    for f in hits:
        word = "row" if f.format == "xlsx" else "line"
        _out(f"{one_line(f.name)}: {f.bad:,} bad row(s)")
        for line, field, why, value in bad_rows(home, f.file_id, limit=1000):
            _out(f"  {word} {line}: {field + ': ' if field else ''}{why}{' ' + repr(one_line(value)) if value else ''}")
    return 0


def cmd_remove(args) -> int:
    from ..contacts.store import remove_file

    info = remove_file(_settings(args).home, args.file)
    _out(f"removed {one_line(info.name)} ({info.rows:,} contacts)")
    return 0


def cmd_topics(args) -> int:
    from ..contacts.topics import contact_topics

    s = _settings(args)
    found = contact_topics(s.home, force=args.force, on_progress=lambda n: _err(f"grouping {one_line(n)} …"))
    if args.json:
        _out(json.dumps([t.to_dict(args.lang) for t in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        _out("no topics: no loaded export has free text without a category column")
    for t in found:
        _out(f"{t.size:>8,}  {t.name(args.lang)}   ({', '.join(t.words)})")
        for ex in t.examples:
            _out(f"            “{one_line(ex)}”")
    return 0


def cmd_cite(args) -> int:
    from ..contacts.evidence import counted_evidence

    counts = counted_evidence(_settings(args).home, args.words, args.lang)
    if args.json:
        _out(json.dumps([c.to_dict(args.lang) for c in counts], ensure_ascii=False, indent=2))
    elif not counts:
        _out(NONE_LOADED)
    for c in [] if args.json else counts:
        _out(f"[{c.id} ✓ counted] {c.text(args.lang)}")
    return 0


def cmd_chart(args) -> int:
    from ..contacts.charts import bars_svg, chart_data, lines_svg, markdown_tables
    from ..core.files import atomic_write_text, check_target

    data = chart_data(_settings(args).home)
    if data is None:
        raise JanError(NONE_LOADED)
    out = Path(args.output)
    check_target(out)
    if out.exists() and not args.force:
        raise JanError(f"{one_line(str(out))}: already exists; use --force to overwrite")
    if out.suffix.lower() == ".md":
        text = markdown_tables(data, args.lang)
    elif out.suffix.lower() == ".svg":
        text = bars_svg(data, args.lang)
    else:
        text = f"<!doctype html><meta charset=utf-8><body>{bars_svg(data, args.lang)}<br>{lines_svg(data, args.lang)}"
    _out(f"wrote {atomic_write_text(out, text)}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("contacts", help="the team's own contact exports: add, summary, remove, topics")
    csub = p.add_subparsers(dest="ccommand", metavar="ACTION", required=True)
    sp = csub.add_parser("add", help="load a contact export (CSV, TSV, XLSX, JSON lines)")
    sp.add_argument("file")
    sp.add_argument("--map", action="append", metavar="COLUMN=ROLE",
                    help="role of a column: date, channel, category, text, segment or ignore (repeatable)")
    sp.add_argument("--date-order", choices=("iso", "dmy", "mdy"), help="how the dates are written")
    sp.add_argument("--sheet", help="the sheet of an XLSX workbook (default: the first)")
    sp.add_argument("--dry-run", action="store_true", help="show the mapping, store nothing")
    sp.add_argument("--no-topics", action="store_true", help="do not group free text into topics now")
    sp.set_defaults(func=cmd_add)
    sp = csub.add_parser("example", help="load the invented example export shipped with jan (once per home)")
    sp.add_argument("--again", action="store_true", help="load it even if it was loaded (and removed) before")
    sp.set_defaults(func=cmd_example)
    sp = csub.add_parser("summary", help="how many contacts, by channel, category, month, segment or reason")
    sp.add_argument("--by", choices=("channel", "category", "month", "segment", "reason", "file"))
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--lang", choices=("en", "nl"), default="en")
    sp.add_argument("--output", "-o", help="write the table to a .csv, .tsv, .xlsx or .md file")
    sp.add_argument("--force", action="store_true", help="overwrite --output")
    sp.add_argument("--bad", metavar="FILE", help="list the bad rows of a loaded export")
    sp.set_defaults(func=cmd_summary)
    sp = csub.add_parser("remove", help="remove a loaded export (by path, name or sha256)")
    sp.add_argument("file")
    sp.set_defaults(func=cmd_remove)
    sp = csub.add_parser("topics", help="what the free text is about: topics with their words and examples")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--force", action="store_true", help="compute again")
    sp.add_argument("--lang", choices=("en", "nl"), default="en")
    sp.set_defaults(func=cmd_topics)
    sp = csub.add_parser("cite", help="the counted evidence an answer would cite for these words")
    sp.add_argument("words", nargs="+")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--lang", choices=("en", "nl"), default="en")
    sp.set_defaults(func=cmd_cite)
    sp = csub.add_parser("chart", help="write the charts: .svg (reasons), .html (both) or .md (tables)")
    sp.add_argument("--output", "-o", required=True)
    sp.add_argument("--force", action="store_true")
    sp.add_argument("--lang", choices=("en", "nl"), default="en")
    sp.set_defaults(func=cmd_chart)
