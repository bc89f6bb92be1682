"""Handlers for the commands beyond config/personas. Each imports its heavy modules lazily."""

from __future__ import annotations

import sys


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def cmd_run(args) -> int:
    from .cli import _registry, _settings

    s = _settings(args)
    reg = _registry(s)
    persona = reg.get(s.persona)
    _out(f"{persona.name}: {persona.summary}")
    _out("Personas: " + ", ".join(reg.ids()))
    return 0


def register(add) -> None:
    """Add the remaining sub-commands to the parser (called by cli.build_parser)."""
