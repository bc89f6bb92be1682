"""CLI for meetings, panels and boardroom briefs."""

from __future__ import annotations

import json
import time
from pathlib import Path

from .. import services
from ..core.errors import JanError
from ..core.files import atomic_write_text
from .common import err as _err
from .common import out as _out
from .common import settings as _settings

_store = services.meetings


def write_output(path: str, text: str, force: bool) -> Path:
    """Write atomically; never overwrite without --force; a folder, symlink or device is refused even with
    --force; no escape sequence or control character goes into the file."""
    from ..core.files import check_target
    from ..core.sanitize import terminal

    p = Path(path)
    check_target(p)
    if p.exists() and not force:
        raise JanError(f"{p}: already exists; use --force to overwrite")
    return atomic_write_text(p, terminal(text))


def contact_charts(home):
    """The team's contacts as chart data for a brief or an export (jan.contacts.chart_data); None when none
    are loaded, or (said as a warning) when the contacts database cannot be read now."""
    from ..contacts import chart_data

    try:
        return chart_data(Path(home))
    except JanError as exc:
        _err(f"jan: warning: the contact charts are left out: {exc}")
        return None


def persona_list(engine, spec: str | None) -> list[str]:
    ids = [x.strip() for x in (spec or "").split(",") if x.strip()] or engine.registry.ids()
    unknown = [i for i in ids if i not in engine.registry.ids()]
    if unknown:
        raise JanError(f"unknown persona(s) {', '.join(unknown)}; known: {', '.join(engine.registry.ids())}")
    return ids


def panel(engine, question: str, ids: list[str], model: str | None = None):
    return [engine.ask(question, pid, model=model) for pid in ids]


def panel_markdown(engine, critiques) -> str:
    from ..answer.critique import to_markdown, verdict_reason

    verdicts = {c.persona: c.verdict for c in critiques}
    distinct = set(verdicts.values())
    lines = [f"# Panel: {critiques[0].question}", ""]
    if len(distinct) == 1:
        lines.append(f"**They agree:** all {len(critiques)} say *{distinct.pop()}*.")
    else:
        lines.append("**They differ:** " + "; ".join(f"{engine.registry.get(p).name} *{v}*" for p, v in verdicts.items()))
    lines += ["", "| Persona | Verdict | Why | In one line |", "|---|---|---|---|"]
    for c in critiques:
        why = verdict_reason(c).replace("|", "/") or "–"
        lines.append(f"| {engine.registry.get(c.persona).name} | {c.verdict} | {why} | {c.summary.replace('|', '/')} |")
    for c in critiques:
        lines += ["", f"## {engine.registry.get(c.persona).name}", "", to_markdown(c)]
    return "\n".join(lines)


def cmd_meetings(args) -> int:
    from ..meetings.store import export_markdown

    s = _settings(args)
    store = _store(s)
    if args.action == "list":
        ms = store.meetings()
        if not ms:
            _out("no meetings yet; start one with `jan meetings new TITLE` or in the app")
        for m in ms:
            n = len(store.entries(m.id))
            _out(f"{m.id:>4}  {time.strftime('%Y-%m-%d %H:%M', time.localtime(m.created_at))}  {m.title}  ({n} answers)")
    elif args.action == "new":
        m = store.create(" ".join(args.args))
        _out(f"meeting {m.id}: {m.title}")
    elif args.action in ("show", "export"):
        mid = _id(args.args)
        text = export_markdown(store, mid, services.registry(s).names())
        data = contact_charts(s.home) if args.action == "export" else None
        if data is not None:  # the export ends with the team's own contacts, counted, as small tables
            from ..meetings.brief import contacts_markdown

            text = text.rstrip("\n") + "\n\n" + contacts_markdown(data, "en")
        if args.action == "export" and args.output:
            _out(f"wrote {write_output(args.output, text, args.force)}")
        else:
            _out(text)
    elif args.action == "decide":
        if len(args.args) < 2:
            raise JanError("usage: jan meetings decide MEETING_ID NOTE... [--kind action] [--answer ID]")
        d = store.decide(_id(args.args), " ".join(args.args[1:]), args.kind, args.answer)
        _out(f"{d.kind} {d.id} recorded on answer {d.entry_id}")
    for line in dict.fromkeys(store.damaged):  # damaged answers were skipped, not lost: say which
        _err(f"jan: warning: {line}")
    return 0


def _id(rest: list[str]) -> int:
    if not rest:
        raise JanError("give a meeting id (see `jan meetings list`)")
    try:
        return int(rest[0])
    except ValueError:
        raise JanError(f"meeting id {rest[0]!r} is not a number (see `jan meetings list`)") from None


def cmd_brief(args) -> int:
    from ..meetings.brief import build, to_html, to_markdown

    s = _settings(args)
    engine = services.engine(s)
    if args.meeting is not None:  # the proposal that meeting discussed, with the answers given there
        if args.proposal:
            raise JanError("give a PROPOSAL or --meeting ID, not both")
        store = _store(s)
        m = store.get(args.meeting)
        critiques = store.about(m.id)
        if not m.proposal or not critiques:
            raise JanError(f"meeting {m.id} has no answers yet; ask something in it first")
        if args.personas:
            wanted = persona_list(engine, args.personas)
            critiques = [c for c in critiques if c.persona in wanted]
        proposal = m.proposal
    else:
        if not args.proposal:
            raise JanError('give the proposal: jan brief "PROPOSAL" (or --meeting ID)')
        ids = persona_list(engine, args.personas)
        proposal = args.proposal
        # a board document is built from the judged evidence: the persona answers are the extractive ones
        # (every sentence verified, seconds for five personas) unless a model is asked for by name
        critiques = panel(engine, engine.check_question(proposal), ids, args.model or "none")
    from ..answer import board

    b = build(proposal, critiques, engine.registry.names(), board.read(engine, proposal, critiques))
    b.contacts = contact_charts(s.home)  # the team's own contacts, counted: tables (md) and charts (html)
    if args.output:
        fmt = args.format or ("html" if args.output.endswith((".html", ".htm")) else "md")
        text = to_html(b) if fmt == "html" else to_markdown(b)
        _out(f"wrote {write_output(args.output, text, args.force)}")
    else:
        _out(to_html(b) if args.format == "html" else to_markdown(b))
    return 0


def cmd_panel_ask(args, engine) -> int:
    ids = persona_list(engine, args.panel)
    critiques = panel(engine, args.question, ids, args.model)
    if args.meeting:
        store = _store(engine.settings)
        for c in critiques:
            store.add(args.meeting, c)
    if args.json:
        _out(json.dumps([c.to_dict() for c in critiques], ensure_ascii=False, indent=2))
    else:
        _out(panel_markdown(engine, critiques))
    return 0


def register(add) -> None:
    sp = add("meetings", cmd_meetings, "list, show, export meetings; record decisions")
    sp.add_argument("action", choices=["list", "new", "show", "export", "decide"])
    sp.add_argument("args", nargs="*", help="meeting id (and the note, for decide; the title, for new)")
    sp.add_argument("-o", "--output", help="export to this file")
    sp.add_argument("--force", action="store_true", help="overwrite the output file")
    sp.add_argument("--kind", default="decision", choices=["decision", "action"])
    sp.add_argument("--answer", type=int, help="answer id the decision rests on (default: the last)")
    sp = add("brief", cmd_brief, "write a boardroom brief on a proposal")
    sp.add_argument("proposal", nargs="?")
    sp.add_argument("--meeting", type=int, help="brief on the proposal a saved meeting discussed, from its answers")
    sp.add_argument("--personas", help="comma-separated persona ids (default: all)")
    sp.add_argument("--model", help="write the persona answers with this model (default: from the evidence alone)")
    sp.add_argument("-o", "--output", help="file to write (.md or .html)")
    sp.add_argument("--format", choices=["md", "html"])
    sp.add_argument("--force", action="store_true")
