"""Personas: the model, the registry and the linter, templates, drafts from research.
Imports only jan.core (not evidence: a draft is handed its ingest function by jan.services)."""

from ..core.exports import lazy

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

__getattr__ = lazy(__name__, _API)
