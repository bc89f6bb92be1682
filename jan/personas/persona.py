"""Personas as YAML: a strict schema, safe loading, lint with file:line, a registry, a template."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core import safeyaml
from ..core.errors import JanError, LintError, problem_lines
from ..core.files import atomic_write_text
from ..core.sanitize import has_controls, one_line

PERSONA_ID = r"^[a-z][a-z0-9\-]{1,31}$"
PLACEHOLDER = "TODO"
ONE_LINE = {("id",), ("name",), ("summary",), ("language",), ("evidence_tags",)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Practice(_Strict):
    """Something a team could propose that this trait speaks to, and the persona's stance on it: in English
    and Dutch, so the stance model can match a proposal in either language (see stance.py)."""

    en: str = Field(min_length=8, max_length=240)
    nl: str = Field(min_length=8, max_length=240)
    stance: Literal["for", "against"]


class Trait(_Strict):
    """One statement about the persona and the corpus cards it rests on."""

    text: str = Field(min_length=3, max_length=600)
    provenance: list[str] = Field(default_factory=list)
    practices: list[Practice] = Field(default_factory=list, max_length=8)


class Channels(_Strict):
    uses: list[Trait] = Field(min_length=1)
    refuses: list[Trait] = Field(default_factory=list)


class Voice(_Strict):
    tone: str = Field(min_length=3, max_length=400)
    phrases: list[str] = Field(min_length=1, max_length=12)
    provenance: list[str] = Field(default_factory=list)


class Persona(_Strict):
    id: str = Field(pattern=PERSONA_ID)
    name: str = Field(min_length=1, max_length=60)
    summary: str = Field(min_length=5, max_length=160)
    language: str = Field(pattern=r"^[a-z]{2}$")
    background: Trait
    goals: list[Trait] = Field(min_length=1)
    frustrations: list[Trait] = Field(min_length=1)
    channels: Channels
    decision_style: Trait
    voice: Voice
    red_lines: list[Trait] = Field(min_length=1)
    evidence_tags: list[str] = Field(min_length=1)

    def traits(self) -> Iterator[tuple[tuple, Trait | Voice]]:
        """(location, trait) for every trait that must carry provenance."""
        yield ("background",), self.background
        for name in ("goals", "frustrations", "red_lines"):
            for i, t in enumerate(getattr(self, name)):
                yield (name, i), t
        for name in ("uses", "refuses"):
            for i, t in enumerate(getattr(self.channels, name)):
                yield ("channels", name, i), t
        yield ("decision_style",), self.decision_style
        yield ("voice",), self.voice

    def cited_cards(self) -> set[str]:
        return {c for _, t in self.traits() for c in t.provenance}

    def profile(self, compact: bool = False) -> str:
        """The profile for prompts; `compact` keeps the first trait of each kind (small local models)."""
        def lst(items: Iterable[Trait]) -> str:
            items = list(items)[:1] if compact else items
            return "; ".join(t.text for t in items)

        if compact:
            return "\n".join([
                f"You are {self.name}: {self.summary}",
                f"You want: {lst(self.goals)}",
                f"You dislike: {lst(self.frustrations)}",
                f"You refuse: {lst(self.channels.refuses) or 'nothing in particular'}",
                f"You leave when: {lst(self.red_lines)}",
                f"Voice: {self.voice.tone}",
            ])

        return "\n".join([
            f"You are {self.name}: {self.summary}",
            f"Background: {self.background.text}",
            f"Goals: {lst(self.goals)}",
            f"Frustrations: {lst(self.frustrations)}",
            f"Channels you use: {lst(self.channels.uses)}",
            f"Channels you refuse: {lst(self.channels.refuses) or 'none'}",
            f"How you decide: {self.decision_style.text}",
            f"Red lines (you leave when): {lst(self.red_lines)}",
            f"Voice: {self.voice.tone} Typical phrases: {' / '.join(self.voice.phrases[:3])}",
        ])


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "persona"


def parse_persona(path: Path) -> tuple[Persona, dict[tuple, int]]:
    """Load one persona file; LintError lists every schema problem as file:line: field: message."""
    data, lines = safeyaml.load(path)
    where = one_line(path)
    if data is None:
        raise LintError([f"{where}:1: persona: the file is empty"])
    if not isinstance(data, dict):
        raise LintError([f"{where}:1: persona: expected a mapping of fields, got {type(data).__name__}"])
    # names and summaries are printed in headers and lists: no escape, control or bidi character anywhere,
    # no line break in a one-line field
    bad = [f"{where}:{safeyaml.line_for(lines, loc)}: {_field(loc)}: holds a control character "
           f"({one_line(next(c for c in value if has_controls(c, keep_newlines=loc[:1] not in ONE_LINE)))}); "
           "remove it" for loc, value in _strings(data)
           if has_controls(value, keep_newlines=loc[:1] not in ONE_LINE)]
    if bad:
        raise LintError(bad)
    try:
        return Persona(**data), lines
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = "unknown field (not in the persona schema)" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{where}:{safeyaml.line_for(lines, loc)}: {_field(loc)}: {msg}")
        raise LintError(problems) from None


def lint_file(path: Path, card_ids: set[str] | None, card_tags: set[str] | None = None) -> list[str]:
    """All problems of one persona file (empty list when it is clean)."""
    try:
        persona, lines = parse_persona(path)
    except JanError as exc:
        return problem_lines(exc)
    where = str(path)
    problems = []
    if path.stem != persona.id:
        problems.append(f"{where}:{lines.get(('id',), 1)}: id: {persona.id!r} differs from the file name {path.name!r}")
    for loc, trait in persona.traits():
        line = safeyaml.line_for(lines, loc)
        if not trait.provenance:
            problems.append(f"{where}:{line}: {_field(loc)}: trait has no provenance (list the corpus card ids it rests on)")
        for ref in trait.provenance:
            if ref.startswith("doc:"):  # a passage of a user's research document: doc:PATH#locator
                doc = Path(ref[4:].split("#", 1)[0])
                if not (doc if doc.is_absolute() else path.parent / doc).is_file():
                    problems.append(f"{where}:{line}: {_field(loc)}: provenance document {str(doc)!r} not found")
            elif card_ids is not None and ref not in card_ids:
                problems.append(f"{where}:{line}: {_field(loc)}: provenance {ref!r} is not a card in the corpus")
    for loc, value in _strings(persona.model_dump()):
        if PLACEHOLDER in value:
            problems.append(f"{where}:{safeyaml.line_for(lines, loc)}: {_field(loc)}: still holds a {PLACEHOLDER} placeholder")
    if card_tags is not None:
        for i, tag in enumerate(persona.evidence_tags):
            if tag not in card_tags:
                problems.append(f"{where}:{safeyaml.line_for(lines, ('evidence_tags', i))}: evidence_tags.{i}: no corpus card has tag {tag!r}")
    return problems


def _strings(obj, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(obj, str):
        yield loc, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, loc + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _strings(v, loc + (i,))


def persona_files(dirs: Iterable[Path]) -> list[Path]:
    files = []
    for d in dirs:
        if d.is_dir():
            files.extend(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


class Registry:
    """Personas by id from one or more folders; later folders may add, never silently shadow.

    A problem in the first folder (the shipped personas) stops with every problem listed; a bad or clashing
    file in a later folder (the user's own, $JAN_HOME/personas) is skipped, and `warnings` names it (also
    written to stderr unless `warn` says otherwise), so one bad file does not take every persona down."""

    def __init__(self, dirs: Iterable[Path], warn=None):
        self.dirs = [Path(d) for d in dirs]
        existing = [d for d in self.dirs if d.is_dir()]
        if not existing:
            raise JanError(f"{self.dirs[0] if self.dirs else 'personas'}: personas folder not found")
        self._by_id: dict[str, Persona] = {}
        self._paths: dict[str, Path] = {}
        self.warnings: list[str] = []
        problems = []
        first = existing[0] if existing[0] == self.dirs[0] else None
        for path in persona_files(existing):
            found: list[str] = []
            try:
                persona, lines = parse_persona(path)
            except JanError as exc:
                found = problem_lines(exc)
            else:
                if persona.id in self._by_id:
                    found = [f"{one_line(path)}:{lines.get(('id',), 1)}: id: duplicate persona id {persona.id!r} "
                             f"(also in {one_line(self._paths[persona.id])})"]
            if not found:
                self._by_id[persona.id] = persona
                self._paths[persona.id] = path
            elif first is not None and path.parent == first:
                problems.extend(found)
            else:
                self.warnings.append(f"{one_line(path)}: skipped ({len(found)} problem(s), first: {found[0]}); "
                                     f"run `jan personas lint {one_line(path)}`")
        if problems:
            raise LintError(problems)
        if self.warnings:
            import sys

            for line in self.warnings:
                (warn or (lambda text: sys.stderr.write(f"jan: warning: {one_line(text)}\n")))(line)

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def all(self) -> list[Persona]:
        return [self._by_id[i] for i in self.ids()]

    def names(self) -> dict[str, str]:
        """id → display name, for every persona."""
        return {p.id: p.name for p in self.all()}

    def path(self, pid: str) -> Path:
        return self._paths[pid]

    def get(self, pid: str) -> Persona:
        if pid not in self._by_id:
            raise JanError(f"persona {pid!r} not found; known personas: {', '.join(self.ids()) or 'none'}")
        return self._by_id[pid]


TEMPLATE = """\
# Persona file for Jan in the room. Fill in every TODO, then run: jan personas lint {path}
# Every trait has `provenance`: the ids of the corpus cards it rests on (see `jan search` / corpus/).
id: {pid}
name: TODO display name
summary: TODO one line - who this customer is, what they value most
language: nl            # language used when a question gives no clue (two-letter code)
background:
  text: TODO where they live, work, their situation
  provenance: []        # e.g. [cf-boardroom-phone-number]
goals:
  - text: TODO what they want from the organisation
    provenance: []
frustrations:
  - text: TODO what annoys them
    provenance: []
channels:
  uses:
    - text: TODO channel they use and why
      provenance: []
  refuses:
    - text: TODO channel they will not use
      provenance: []
decision_style:
  text: TODO how they decide (price, trust, speed, advice of others ...)
  provenance: []
voice:
  tone: TODO how they talk (direct, polite, plain words ...)
  phrases:
    - TODO a sentence they would say
  provenance: []
red_lines:
  - text: TODO what makes them leave
    provenance: []
evidence_tags: [TODO]   # corpus tags that ground this persona
"""


def write_template(pid: str, folder: Path, *, force: bool = False) -> Path:
    import re

    if not re.match(PERSONA_ID, pid):
        raise JanError(f"persona id {pid!r}: use 2-32 lowercase letters, digits or '-', starting with a letter")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{pid}.yaml"
    if path.exists() and not force:
        raise JanError(f"{path}: already exists; not overwriting (pick another id or remove the file)")
    return atomic_write_text(path, TEMPLATE.format(pid=pid, path=path))
