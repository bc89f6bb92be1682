"""The proposal, read once at the door: one value every step of an answer uses.

`Proposal.parse(question)` keeps the asker's words (`text`), the language, the action the question
proposes without its framing ("what would Jan think of …", "moeten we …": `action`) and the parts of a
proposal that joins two actions (`parts`). The reader of evidence, the myth check, the summary and the
stance model all take the action from here instead of re-deriving it from the raw question."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.lang import detect
from ..evidence.myths import proposal as strip_frame


@dataclass(frozen=True)
class Proposal:
    text: str
    language: str
    action: str
    parts: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def parse(cls, question: str, default_language: str = "en") -> Proposal:
        from .stance import clauses

        text = " ".join((question or "").split())
        return cls(text=text, language=detect(text, default=default_language), action=strip_frame(text).strip(),
                   parts=tuple(clauses(text)))
