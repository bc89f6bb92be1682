"""Thin command line: parses arguments, calls the library, prints. Heavy imports stay inside handlers."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .core.errors import JanError, LintError


def _settings(args: argparse.Namespace):
    from .core.config import load_settings

    cli = {
        "model": getattr(args, "model", None),
        "persona": getattr(args, "persona", None),
        "embedder": getattr(args, "embedder", None),
        "home": getattr(args, "home", None),
    }
    return load_settings(cli)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


# ---------------------------------------------------------------- config / personas


def cmd_config(args) -> int:
    s = _settings(args)
    width = max(len(r[0]) for r in s.describe())
    _out(f"config file: {s.config_file}{'' if s.config_file.exists() else ' (not present)'}")
    for name, value, origin in s.describe():
        _out(f"{name:<{width}}  {value:<40}  ({origin})")
    return 0


def _registry(s):
    from .persona import Registry

    return Registry([s.personas_dir, s.user_personas_dir])


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
    from .cards import load_cards
    from .persona import lint_file, persona_files

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
            from .persona import parse_persona

            pid = parse_persona(path)[0].id
            if pid in seen:
                problems.append(f"{path}:1: id: duplicate persona id {pid!r} (also in {seen[pid]})")
            seen[pid] = path
    for line in problems:
        _out(line)
    _out(f"{len(paths)} file(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_personas_new(args) -> int:
    from .persona import write_template

    s = _settings(args)
    folder = Path(args.dir) if args.dir else s.user_personas_dir
    if args.sources:
        from .engine import Engine
        from .persona_draft import draft

        path = draft(Engine(s), args.id, [Path(f) for f in args.sources], folder)
        _out(f"drafted {path} from {len(args.sources)} file(s); edit it, then run: jan personas lint {path}")
        return 0
    path = write_template(args.id, folder)
    _out(f"wrote {path}; fill in every TODO, then run: jan personas lint {path}")
    return 0


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jan",
        description="Jan in the room: ask a customer persona what they think, with evidence.",
    )
    p.add_argument("--version", action="version", version=f"jan {__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    p.add_argument("--home", help="data folder (default: JAN_HOME or the user data dir)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func, help: str, **kw) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help, **kw)
        sp.set_defaults(func=func)
        return sp

    from . import commands

    run = add("run", commands.cmd_run, "start the meeting app (the default)")
    run.add_argument("--persona")
    run.add_argument("--model")
    add("config", cmd_config, "print the effective settings and where each came from")

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

    commands.register(add)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["JAN_HOME"] = args.home
    func = getattr(args, "func", None)
    if func is None:
        from . import commands

        func = commands.cmd_run
        args.persona = args.model = None
    try:
        return func(args) or 0
    except LintError as exc:
        for line in exc.problems:
            sys.stderr.write(f"{line}\n")
        return exc.exit_code
    except JanError as exc:
        sys.stderr.write(f"jan: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("jan: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: one line, never a traceback unless asked
        if args.debug:
            raise
        sys.stderr.write(f"jan: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)\n")
        return 3
