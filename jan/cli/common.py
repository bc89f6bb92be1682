"""What every command group shares: the settings from the flags, and one way to print."""

from __future__ import annotations

import argparse
import sys


def settings(args: argparse.Namespace):
    """The effective settings for a command: its flags win over environment, config file and defaults."""
    from .. import services

    cli = {
        "model": getattr(args, "model", None),
        "persona": getattr(args, "persona", None),
        "embedder": getattr(args, "embedder", None),
        "home": getattr(args, "home", None),
    }
    return services.settings(cli)


def out(text: str = "") -> None:
    """One line of a command's result on stdout; no escape sequence or control character passes."""
    from ..core.sanitize import terminal

    sys.stdout.write(terminal(text) + "\n")


def err(text: str) -> None:
    """One line of progress or warning on stderr (results stay on stdout, so they can be piped)."""
    from ..core.sanitize import terminal

    sys.stderr.write(terminal(text) + "\n")
