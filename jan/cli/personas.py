"""`jan personas list | show | lint | new`."""

from __future__ import annotations

from pathlib import Path

from .. import services
from ..core.errors import JanError, LintError
from .common import out as _out
from .common import settings as _settings

_registry = services.registry


def cmd_personas_list(args) -> int:
    reg = _registry(_settings(args))
    for p in reg.all():
        _out(f"{p.id:<10} {p.name:<18} {p.summary}")
    return 0


def cmd_personas_show(args) -> int:
    s = _settings(args)
    reg = _registry(s)
    persona = reg.get(args.id)
    if args.json:
        import json

        _out(json.dumps(persona.model_dump(), ensure_ascii=False, indent=2))
    else:
        _out(f"# {persona.name} ({persona.id}) — {reg.path(persona.id)}")
        _out(persona.profile())
        _out(f"Evidence tags: {', '.join(persona.evidence_tags)}")
        _out(f"Rests on cards: {', '.join(sorted(persona.cited_cards()))}")
    return 0


def cmd_personas_lint(args) -> int:
    from ..evidence.cards import load_cards
    from ..personas.persona import lint_file, persona_files

    s = _settings(args)
    try:
        cards = load_cards(s.corpus_dir)
    except LintError as exc:
        for line in exc.problems:
            _out(line)
        raise JanError("the corpus has problems; fix them before linting personas", exit_code=1) from None
    ids = {c.id for c in cards}
    tags = {t for c in cards for t in c.tags}
    paths = [Path(p) for p in args.paths] or persona_files([s.personas_dir, s.user_personas_dir])
    if not paths:
        raise JanError(f"{s.personas_dir}: no persona files found", exit_code=1)
    problems = []
    seen: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            problems.append(f"{path}: is a folder; give persona files")
            continue
        file_problems = lint_file(path, ids, tags)
        problems.extend(file_problems)
        if not file_problems:
            from ..personas.persona import parse_persona

            pid = parse_persona(path)[0].id
            if pid in seen:
                problems.append(f"{path}:1: id: duplicate persona id {pid!r} (also in {seen[pid]})")
            seen[pid] = path
    for line in problems:
        _out(line)
    _out(f"{len(paths)} file(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_personas_new(args) -> int:
    from ..personas.persona import write_template

    s = _settings(args)
    folder = Path(args.dir) if args.dir else s.user_personas_dir
    if args.sources:
        path = services.draft_persona(s, args.id, [Path(f) for f in args.sources], folder)
        _out(f"drafted {path} from {len(args.sources)} file(s); edit it, then run: jan personas lint {path}")
        return 0
    path = write_template(args.id, folder)
    _out(f"wrote {path}; fill in every TODO, then run: jan personas lint {path}")
    return 0


def register(sub) -> None:
    pers = sub.add_parser("personas", help="list, show, lint or create personas")
    psub = pers.add_subparsers(dest="pcommand", metavar="ACTION", required=True)
    sp = psub.add_parser("list", help="list personas")
    sp.set_defaults(func=cmd_personas_list)
    sp = psub.add_parser("show", help="show one persona")
    sp.add_argument("id")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_personas_show)
    sp = psub.add_parser("lint", help="check persona files; prints file:line: field: message")
    sp.add_argument("paths", nargs="*")
    sp.set_defaults(func=cmd_personas_lint)
    sp = psub.add_parser("new", help="write a commented persona template")
    sp.add_argument("id")
    sp.add_argument("--dir", help="folder to write to (default: $JAN_HOME/personas)")
    sp.add_argument("--from", dest="sources", nargs="+", metavar="FILE", help="draft from research documents")
    sp.set_defaults(func=cmd_personas_new)
