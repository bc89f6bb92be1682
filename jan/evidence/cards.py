"""Evidence cards: markdown files with YAML front matter (id, kind, title, source, locator, tags, lang)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core import safeyaml
from ..core.errors import JanError, LintError, problem_lines

BUILTIN_TAG = "builtin"  # the ingest tag of the built-in cards
CARD_ID = r"^[a-z0-9][a-z0-9\-]{1,79}$"


class Practice(BaseModel):
    """What a proposal could do that this card's research speaks to, and whether the research is for or
    against doing it. Written as an action a team might propose, in English and Dutch, so the stance model
    can match a proposal to it in either language (see stance.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field(min_length=8, max_length=240)
    nl: str = Field(min_length=8, max_length=240)
    research: Literal["for", "against"]


class Card(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=CARD_ID)
    kind: Literal["research", "myth", "practice", "quote"]
    title: str = Field(min_length=3, max_length=200)
    source: str = Field(min_length=3)
    seed: str | None = None
    locator: str = Field(min_length=1)
    tags: list[str] = Field(min_length=1)
    lang: str = Field(pattern=r"^[a-z]{2}$")
    nl: str | None = None
    practices: list[Practice] = Field(default_factory=list, max_length=8)
    body: str = Field(min_length=20)
    path: str = ""

    @property
    def text(self) -> str:
        """The searchable text: title, body and the Dutch summary."""
        parts = [self.title, self.body]
        if self.nl:
            parts.append(self.nl)
        return "\n\n".join(parts)

    @property
    def myth(self) -> str:
        """For myth cards: the belief itself (the '**Myth:**' line)."""
        for line in self.body.splitlines():
            if line.strip().lower().startswith("**myth:**"):
                return line.split(":**", 1)[1].strip()
        return self.title


def parse_card(text: str, where: str) -> Card:
    if not text.startswith("---"):
        raise LintError([f"{where}:1: front matter: the card must start with a '---' front-matter block"])
    end = text.find("\n---", 3)
    if end < 0:
        raise LintError([f"{where}:1: front matter: no closing '---' line"])
    head, body = text[3:end], text[end + 4 :].lstrip("\n")
    data, lines = safeyaml.loads(head, where, line_offset=1)
    if not isinstance(data, dict):
        raise LintError([f"{where}:1: front matter: expected key: value pairs"])
    try:
        return Card(**data, body=body.strip(), path=where)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            field = ".".join(str(p) for p in loc) or "card"
            problems.append(f"{where}:{safeyaml.line_for(lines, loc)}: {field}: {err['msg']}")
        raise LintError(problems) from None


def _read_parsed(cache: Path | None) -> dict[str, dict]:
    """The parsed cards kept from an earlier process (sha256 of path and text → the card's fields)."""
    if cache is None or not cache.is_file():
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}  # damaged: parsed again and rewritten


def _write_parsed(cache: Path, parsed: dict[str, dict]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(parsed, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)  # atomic: a reader sees the old file or the new one
    except OSError:
        pass  # a read-only home: parsed again next time


def load_cards(folder: Path, cache: Path | None = None) -> list[Card]:
    """All cards in a folder; raises LintError listing every broken card and duplicate id. With `cache` (a
    file under $JAN_HOME), a card whose file is unchanged is taken from the fields parsed before (YAML
    parsing is most of the cost) and validated again; changed cards are parsed."""
    if not folder.is_dir():
        raise JanError(f"{folder}: corpus folder not found")
    cards: list[Card] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    known = _read_parsed(cache)
    parsed: dict[str, dict] = {}
    for path in sorted(folder.rglob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        try:
            text = safeyaml.read_text(path)
            key = hashlib.sha256(f"{path}\x00{text}".encode()).hexdigest()
            card = None
            if key in known:
                try:
                    card = Card.model_validate(known[key])
                except ValidationError:
                    card = None
            card = card or parse_card(text, str(path))
            parsed[key] = card.model_dump()
        except JanError as exc:
            problems.extend(problem_lines(exc))
            continue
        if card.id in seen:
            problems.append(f"{path}:2: id: duplicate card id {card.id!r} (also in {seen[card.id]})")
            continue
        seen[card.id] = str(path)
        cards.append(card)
    if problems:
        raise LintError(problems)
    if cache is not None and parsed.keys() != known.keys():
        _write_parsed(cache, parsed)
    return cards
