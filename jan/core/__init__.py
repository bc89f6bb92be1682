"""The floor every other subpackage stands on: errors, data types, settings, text cleaning, language, YAML.

Imports nothing else from jan; every name below is public API for the subpackages above."""

from .config import BUILTIN_CORPUS, BUILTIN_PERSONAS, Settings, builtin_dir, load_settings
from .errors import JanError, LintError, problem_lines
from .lang import detect
from .types import Chunk, Citation, Critique, Evidence, MythFlag, Point, Turn

__all__ = [
    "BUILTIN_CORPUS", "BUILTIN_PERSONAS", "Chunk", "Citation", "Critique", "Evidence", "JanError", "LintError",
    "MythFlag", "Point", "Settings", "Turn", "builtin_dir", "detect", "load_settings", "problem_lines",
]
