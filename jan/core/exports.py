"""Lazy public names for a subpackage's __init__: each name is imported from its module on first use."""

from __future__ import annotations

from importlib import import_module


def lazy(package: str, api: dict[str, str]):
    """A module `__getattr__` serving `api` (public name -> module in `package`)."""

    def __getattr__(name: str):
        if name in api:
            return getattr(import_module(f".{api[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
