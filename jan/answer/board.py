"""What a board document reads beyond the personas' answers (meetings/brief.py renders it):

- **the team's own research, read at the proposal's level.** The personas' answers cite a team document only
  when it decides one of their verdicts; a board should see the team's strongest document on the proposal
  whatever the personas said. That is the team document that both the meaning search and the word search
  rank first (fused score ≥ TEAM_SCORE_MIN). The rule was chosen on the dev split of
  tests/data/research_questions.jsonl for precision first (F0.5): dev precision 1.0, recall 0.47; held-out
  precision 0.70, recall 0.42. The reader of evidence says whether it argues for or against; its sentence
  closest to the proposal is quoted.
- **the research on the proposers' goal.** When the proposal says why ("because we get too many complaints",
  "om kosten te besparen"), the practice the research is *for* that comes closest to that motive, among the
  motive's best matches: "fix the causes behind complaints instead of making ourselves harder to reach",
  "weigh the value for the customer against the costs". That gives the board the case for its goal and the
  research's route to it, quoted from the card.
- **each persona's reason in their own words**: the persona's own practice that the proposal touches most,
  on the side of the persona's verdict, and the trait behind it.

Every quote is a sentence of the item's own text, checked word for word like every other citation."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..core.textclean import normalize_for_match, sentences
from ..core.types import Chunk, Critique
from ..evidence.chunking import card_parts
from .critique import MIN_QUOTE_WORDS

TEAM_SCORE_MIN = 2.8  # fused retrieval score: ranked first by both the dense and the word search
GOAL_MIN = 0.86  # the goal's practice is at least this close to the motive (stance.py's match score) …
GOAL_GAP = 0.06  # … and this close to the motive's best match on either side
GOAL_QUOTE_MIN = 0.875  # and its card has a sentence this close to that practice (the quote)
RESEARCH_MIN = 0.92  # a practice of the research's own verdict this close to the proposal is shown to the board
WHY_MIN = 0.92  # a persona's own practice this close to the proposal gives their reason in their words
QUOTE_WORDS = 6  # a quoted sentence has at least this many words (headings and fragments are not quoted)


@dataclass
class Item:
    side: str  # for | against | goal
    point: str  # what the item says about the proposal (or its goal), in the brief's language
    quote: str  # a sentence of the item's own text
    chunk: Chunk
    own: bool = False  # one of the team's own documents


@dataclass
class Board:
    items: list[Item] = field(default_factory=list)
    why: dict[str, str] = field(default_factory=dict)  # persona id → their reason, in their words
    # a team document a persona cited: its sentence closest to the proposal (a persona's answer quotes the
    # passage its reader read, which may be a side remark of the document)
    quotes: dict[str, str] = field(default_factory=dict)  # chunk id → sentence
    # a card a persona cited without a deciding reason resting on it: what the research says in that card,
    # as the card's practice closest to the proposal ("The research is for “…”")
    claims: dict[str, str] = field(default_factory=dict)  # chunk id → point


TEXT = {
    "en": {"goal": "On that goal the research is for “{practice}”",
           "own": {"for": "The team's own research supports it", "against": "The team's own research argues against it"},
           "want": "What I want: {practice}.", "not_want": "What I don't want: {practice}.",
           "research": {"for": "The research is for “{practice}”", "against": "The research is against “{practice}”"},
           "undone": {"for": "The research is against “{practice}”, which this proposal undoes",
                      "against": "The research is for “{practice}”, which this proposal undoes"}},
    "nl": {"goal": "Voor dat doel is het onderzoek voor “{practice}”",
           "own": {"for": "Het eigen onderzoek van het team pleit ervoor",
                   "against": "Het eigen onderzoek van het team pleit ertegen"},
           "want": "Wat ik wil: {practice}.", "not_want": "Wat ik niet wil: {practice}.",
           "research": {"for": "Het onderzoek is voor “{practice}”", "against": "Het onderzoek is tegen “{practice}”"},
           "undone": {"for": "Het onderzoek is tegen “{practice}”, wat dit voorstel terugdraait",
                      "against": "Het onderzoek is vóór “{practice}”, wat dit voorstel terugdraait"}},
}


def read(engine, proposal: str, critiques: list[Critique]) -> Board:
    from .proposal import Proposal

    prop = Proposal.parse(proposal, critiques[0].language if critiques else "en")
    lang = prop.language if prop.language in TEXT else "en"
    board = Board()
    own = team_item(engine, prop, lang)
    if own is not None:
        board.items.append(own)
    board.items += research_items(engine, prop, lang)
    goal = goal_item(engine, prop, lang)
    if goal is not None:
        board.items.append(goal)
    q = engine.stance.embed(prop.action)
    for c in critiques:
        why = own_reason(engine, prop.action, c, lang)
        if why:
            board.why[c.persona] = why
        for e in c.evidence:
            if e.chunk.tag == "builtin" and e.chunk.card_id and e.chunk.id not in board.claims:
                point = card_point(engine, e.chunk.card_id, q, lang)
                if point:
                    board.claims[e.chunk.id] = point
            if e.chunk.tag != "builtin" and e.chunk.id not in board.quotes:
                quote, _ = best_sentence(engine, e.chunk.text, q)
                if quote:
                    board.quotes[e.chunk.id] = quote
    return board


def card_point(engine, card_id: str, q: np.ndarray, lang: str) -> str:
    """What the research says in this card about the proposal: its practice closest to the proposal (`q`),
    with the research's direction on it."""
    stance = engine.stance
    mine = [i for i, p in enumerate(stance.cards) if p.card_id == card_id]
    if not mine:
        return ""
    english = stance.card_vectors()[[2 * i for i in mine]]  # embedded once with the stance model's practices
    p = stance.cards[mine[int(np.argmax(english @ q))]]
    return TEXT[lang]["research"][p.direction].format(practice=p.text(lang).rstrip("."))


def best_sentence(engine, text: str, q: np.ndarray) -> tuple[str, float]:
    """The item's sentence closest to `q` that can be quoted (long enough, found word for word in the text),
    and how close it is."""
    sents = [s.strip() for s in sentences(text) if len(s.split()) >= QUOTE_WORDS]
    if not sents:
        return "", 0.0
    sims = engine.stance.embedder.embed_queries(sents) @ q
    for i in np.argsort(-sims):
        quote = normalize_for_match(sents[i])
        if len(quote.split()) >= MIN_QUOTE_WORDS and quote in normalize_for_match(text):
            return sents[i], float(sims[i])
    return "", 0.0


def card_quote(engine, chunk: Chunk, quote: str, practice, lang: str) -> str:
    """A card's quote in the brief's language: in a Dutch brief, the sentence of the card's Dutch summary (part
    of the card's text, so checked word for word like any quote) closest to the practice in Dutch; else the
    quote chosen from the card's English text. Whether the card is shown is decided on the English text."""
    if lang != "nl" or practice is None or not practice.nl:
        return quote
    _, nl = card_parts(chunk.text)
    if not nl:
        return quote
    dutch, _ = best_sentence(engine, nl, engine.stance.embedder.embed_queries([practice.nl])[0])
    return dutch or quote  # best_sentence found it word for word in the summary, which is part of the card's text


def team_tags(store) -> list[str]:
    """The tags of the team's own documents: everything ingested, not the built-in cards or persona drafts."""
    return sorted(t for t in store.tag_counts() if t != "builtin" and not t.startswith("persona-"))


def team_item(engine, prop, lang: str) -> Item | None:
    tags = team_tags(engine.retriever.store)
    if not tags:
        return None
    hits = engine.retriever.search(prop.action, k=1, tags=tags)
    if not hits or hits[0].score < TEAM_SCORE_MIN:
        return None
    e = hits[0]
    side = "against"
    reader = engine.reader
    if reader is not None and reader.available:
        r = reader.readings(prop.action, None, [e], prop.parts)[0]
        side = r.side
    quote, _ = best_sentence(engine, e.chunk.text, engine.stance.embed(prop.action))
    if not quote:
        return None
    return Item(side, TEXT[lang]["own"][side], quote, e.chunk, own=True)


def research_items(engine, prop, lang: str) -> list[Item]:
    """The research's own verdict on the proposal, without any persona: the stance model's deciding card
    practices that match it closely (RESEARCH_MIN), each quoted from its card by the sentence closest to that
    practice. A persona's answer cites such a card only where it passes that persona's checks; the board sees
    what the research says of the proposal itself."""
    judgment = engine.stance.judge(prop.action, None, [], lang)
    if judgment.verdict == "no-evidence":
        return []
    chunks = {c.card_id: c for c in engine.retriever.store.chunks(["builtin"]) if c.card_id}
    out = []
    for r in judgment.reasons:
        if r.similarity < RESEARCH_MIN or r.card_id not in chunks or any(i.chunk.card_id == r.card_id for i in out):
            continue
        practice = next((p for p in engine.stance.cards if p.card_id == r.card_id and p.text(lang) == r.practice), None)
        quote, sim = best_sentence(engine, chunks[r.card_id].text,
                                   engine.stance.embedder.embed_queries([practice.en if practice else r.practice])[0])
        if quote and sim >= GOAL_QUOTE_MIN:
            quote = card_quote(engine, chunks[r.card_id], quote, practice, lang)
            out.append(Item(r.direction, research_point(r, lang), quote, chunks[r.card_id]))
    return out


def research_point(r, lang: str) -> str:
    """What the research says of what the proposal does (a practice it undoes turns the direction round)."""
    t = TEXT.get(lang, TEXT["en"])
    return t["undone" if r.undoes else "research"][r.direction].format(practice=r.practice.rstrip("."))


def goal_item(engine, prop, lang: str) -> Item | None:
    if not prop.motive:
        return None
    stance = engine.stance
    q = stance.embed(prop.motive)
    practices, _, raw = stance.scores(q, prop.motive, None)
    if not len(raw):
        return None
    best = float(raw.max())
    fors = [i for i in np.argsort(-raw) if practices[i].direction == "for" and practices[i].card_id]
    chunks = {c.card_id: c for c in engine.retriever.store.chunks(["builtin"]) if c.card_id}
    for i in fors:  # the closest practice whose card says it in a sentence of its own
        if raw[i] < max(GOAL_MIN, best - GOAL_GAP):
            break
        p = practices[i]
        if p.card_id not in chunks:
            continue
        quote, sim = best_sentence(engine, chunks[p.card_id].text, stance.embedder.embed_queries([p.en])[0])
        if quote and sim >= GOAL_QUOTE_MIN:
            return Item("goal", TEXT[lang]["goal"].format(practice=p.text(lang).rstrip(".")),
                        card_quote(engine, chunks[p.card_id], quote, p, lang), chunks[p.card_id])
    return None


def own_reason(engine, action: str, c: Critique, lang: str) -> str:
    """The persona's own practice the proposal touches most, on the side of their verdict: the trait behind it
    (the traits are written in English), or in Dutch the practice as what they do or do not want."""
    from .stance import facing, negated

    try:
        persona = engine.registry.get(c.persona)
    except Exception:  # noqa: BLE001 - a persona removed since the answer was saved: no reason in their words
        return ""
    stance = engine.stance
    q = stance.embed(action)
    practices, _, raw = stance.scores(q, action, persona)
    neg, _ = negated(action)
    wanted = {"supports": ("for",), "opposes": ("against",), "mixed": ("for", "against")}.get(c.verdict, ())
    own = [i for i in np.argsort(-raw) if practices[i].trait_id
           and facing(practices[i], neg) in wanted]
    if not own or raw[own[0]] < WHY_MIN:
        return ""
    p = practices[own[0]]
    if lang == "en" and p.trait:
        return " ".join(p.trait.split())
    text = p.text(lang).rstrip(".")
    text = text[:1].lower() + text[1:] if text[1:2].islower() else text
    return TEXT[lang]["want" if p.direction == "for" else "not_want"].format(practice=text)

