"""Thin command line: parses arguments, calls the library, prints. Heavy imports stay inside handlers.

One module per command group (personas, ask, meetings, evidence, evaluate); this one holds the parser,
`run`, `config` and the error handling."""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from ..core.errors import JanError, LintError
from .common import err as _err
from .common import out as _out
from .common import settings as _settings


def cmd_run(args) -> int:
    from ..tui.app import make_app

    make_app(_settings(args)).run()
    return 0


def cmd_config(args) -> int:
    s = _settings(args)
    width = max(len(r[0]) for r in s.describe())
    _out(f"config file: {s.config_file}{'' if s.config_file.exists() else ' (not present)'}")
    for name, value, origin in s.describe():
        _out(f"{name:<{width}}  {value:<40}  ({origin})")
    from .. import services

    _out(f"{'reader':<{width}}  {services.reader_status(s)}")
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
    from . import ask, contacts, evaluate, evidence, meetings, personas

    def add(name: str, func, help: str, **kw) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help, description=help, **kw)
        sp.set_defaults(func=func)
        return sp

    run = add("run", cmd_run, "start the meeting app (the default)")
    run.add_argument("--persona")
    run.add_argument("--model")
    add("config", cmd_config, "print the effective settings and where each came from")

    personas.register(sub)
    contacts.register(sub)
    ask.register(add)
    meetings.register(add)
    evidence.register(add)
    evaluate.register(add)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["JAN_HOME"] = args.home
    func = getattr(args, "func", None)
    if func is None:
        func = cmd_run
        args.persona = args.model = None
    try:
        return func(args) or 0
    except LintError as exc:
        for line in exc.problems:
            _err(line)
        return exc.exit_code
    except JanError as exc:
        _err(f"jan: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("jan: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: one line, never a traceback unless asked
        if args.debug:
            raise
        _err(f"jan: unexpected error: {type(exc).__name__}: {str(exc)[:300]} (run with --debug for details)")
        return 3
