"""Personas: the model, the registry and the linter, templates, drafts from research.
Imports only jan.core (not evidence: a draft is handed its ingest function by jan.services)."""

from importlib import import_module

# public name -> the module that defines it; loaded on first use, so importing one part stays cheap
_API = {
    "Persona": "persona",
    "Registry": "persona",
    "PERSONA_ID": "persona",
    "lint_file": "persona",
    "parse_persona": "persona",
    "persona_files": "persona",
    "write_template": "persona",
    "draft": "draft",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
