"""The floor every other subpackage stands on: errors, data types, settings, text cleaning, language, safe
YAML, atomic writes and SQLite schema versions. Imports nothing else from jan."""

from .exports import lazy

# public name -> the module that defines it; loaded on first use, so the app's first frame imports only errors
_API = {
    "BUILTIN_CORPUS": "config", "BUILTIN_PERSONAS": "config", "Settings": "config", "builtin_dir": "config",
    "load_settings": "config", "JanError": "errors", "LintError": "errors", "problem_lines": "errors",
    "detect": "lang", "Chunk": "types", "Citation": "types", "Critique": "types", "Evidence": "types",
    "MythFlag": "types", "Point": "types", "Turn": "types", "atomic_write_text": "files", "migrate": "sqlite",
    "sentences": "textclean", "normalize_for_match": "textclean",
}
__all__ = sorted(_API)

__getattr__ = lazy(__name__, _API)
