"""The `jan` command: one module per command group; `main` is the console script."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
