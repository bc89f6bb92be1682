"""The proposal, read once at the door: one value every step of an answer uses.

`Proposal.parse(question)` keeps the asker's words (`text`), the language, the action the question
proposes without its framing ("what would Jan think of …", "moeten we …": `action`) and the parts of a
proposal that joins two actions (`parts`). The reader of evidence, the myth check, the summary and the
stance model all take the action from here instead of re-deriving it from the raw question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.lang import detect
from ..evidence.myths import proposal as strip_frame

# Where a proposal states its motive ("…, because of too many complaints", "…, omdat het geld kost"): data for
# parsing the sentence's structure (the brief states the proposers' goal in a sentence of its own), not a verdict.
MOTIVE = re.compile(r"[,;]?\s+((?:because(?: of)?|since|so that|in order to|to(?=\s+(?:save|cut|reduce|lower|avoid|"
                    r"get|free)\b)|omdat|want|zodat|vanwege|wegens|om(?=\s.*\bte\b))\s+.{3,})$", re.I)


@dataclass(frozen=True)
class Proposal:
    text: str
    language: str
    action: str
    parts: tuple[str, ...] = field(default_factory=tuple)
    motive: str = ""  # why the proposers want it, in their words ("because of too many complaints"), when said

    @classmethod
    def parse(cls, question: str, default_language: str = "en") -> Proposal:
        from .stance import clauses

        text = " ".join((question or "").split())
        action = strip_frame(text).strip()
        m = MOTIVE.search(action)
        return cls(text=text, language=detect(text, default=default_language), action=action,
                   parts=tuple(clauses(text)), motive=m.group(1).strip().rstrip("?.! ") if m else "")
