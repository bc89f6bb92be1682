"""One question, end to end: validate → retrieve → myth check → generate (model or extractive) → gate.

Used by the CLI, the TUI and the meeting session alike; has no UI code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..core.errors import JanError
from ..core.lang import detect
from ..core.types import Critique, Evidence, Turn
from ..evidence.myths import proposal as strip_frame
from . import critique as critique_mod
from . import prompt
from .backends import LOCAL_BUDGET, backend_for, extractive, resolve  # noqa: F401 (LOCAL_BUDGET: public)
from .counted import counted_items
from .dialogue import is_pushback, keep_stance, leaning_note  # noqa: F401 (is_pushback: public)
from .labels import weak_note
from .proposal import Proposal
from .relevance import cross_agree

MAX_QUESTION = 2000
# Relevance of the user's own documents (they carry no practices, so the stance model cannot judge them; a
# model may), calibrated on tests/data/answers_eval.jsonl: the best dense cosine alone is compressed and
# language-biased, so a weaker dense match must be backed by lexical overlap (BM25 score of the best chunk).
DENSE_SURE = 0.845
DENSE_MIN = 0.80
LEXICAL_MIN = 4.0


def is_relevant(dense: float, lexical: float) -> bool:
    return dense >= DENSE_SURE or (dense >= DENSE_MIN and lexical >= LEXICAL_MIN)


@dataclass
class Engine:
    settings: object
    store: object = None
    extra: dict = field(default_factory=dict)  # extra litellm kwargs (tests: mock_response)
    # with the local model: "stance" = the stance model decides, the model writes the prose; "read" = the
    # model also reads which of the closest practices the proposal means, by likelihood; "judge" = the model
    # picks one of the top practices by answering (stance_llm.py). Measured; see CHANGELOG.
    stance_design: str = "stance"
    use_reader: bool = True  # False: the practices' stance model alone judges (how it was before the reader)

    def __post_init__(self) -> None:
        from ..evidence.cards import load_cards
        from ..personas.persona import Registry

        s = self.settings
        self.registry = Registry([s.personas_dir, s.user_personas_dir])
        self.cards = load_cards(s.corpus_dir, cache=s.home / "index" / "cards-parsed.json")
        self._retriever = None
        self._myths = None
        self._stance = None
        self._relevance = None
        self._reader = None
        self._card_chunks: tuple[int, dict] = (-1, {})

    # ------------------------------------------------------------ parts
    @property
    def retriever(self):
        if self._retriever is None:
            from ..evidence.ingest import open_store
            from ..evidence.retrieval import Retriever

            if self.store is None:
                self.store = open_store(self.settings)
            self._retriever = Retriever(self.store)
        return self._retriever

    @property
    def myths(self):
        if self._myths is None:
            from ..evidence.myths import MythChecker

            self._myths = MythChecker(self.cards, self.retriever.store.embedder)
        return self._myths

    @property
    def stance(self):
        if self._stance is None:
            from .stance import StanceModel

            self._stance = StanceModel(self.cards, self.retriever.store.embedder)
        return self._stance

    @property
    def reader(self):
        """The reader of evidence (reader.py); None when its head is not shipped (then the stance model judges)."""
        if not self.use_reader:
            return None
        if self._reader is None:
            from .reader import Reader

            self._reader = Reader.for_store(self.retriever.store.embedder, self.settings.home, self.cards,
                                            choice=self.settings.reader)
        return self._reader if self._reader.available else None

    @reader.setter
    def reader(self, value) -> None:
        self._reader = value

    @property
    def relevance(self):
        if self._relevance is None:
            from .relevance import Relevance

            self._relevance = Relevance(self.retriever.store.embedder)
        return self._relevance

    def mark_relevance(self, topic: str, evidence: list[Evidence], judgment, myth_cards: list[str] = ()) -> list[str]:
        """Check every item for bearing on this proposal (relevance.py): only those may be cited. Returns the
        deciding reasons' cards found not to bear on it. With the reader, an item bears when the reader found
        it a reason for or against (P(for) + P(against) ≥ its calibrated bar), or it is the card of a myth the
        proposal rests on; a reason never cites an item that does not bear."""
        if judgment.readings:
            q = self.stance.embed(topic)[None, :]
            bear = {r.key: r.bear for r in judgment.readings if not r.trait}
            deciding = {label for r in judgment.reasons for label in r.evidence}
            myth_cards = set(myth_cards)
            for e in evidence:
                e.relevance = self.relevance.score(e, q)
                if e.chunk.card_id and e.chunk.card_id in myth_cards:
                    e.bears, e.why = True, "myth"
                elif judgment.verdict != "no-evidence" and bear.get(e.label, 0.0) >= self.reader.cal["bear_min"]:
                    e.bears, e.why = True, "reason" if e.label in deciding else "reader"
                else:
                    e.bears, e.why = False, ""
            bearing = {e.label for e in evidence if e.bears}
            for r in judgment.reasons:
                r.evidence = [label for label in r.evidence if label in bearing]
            return []
        return self.relevance.mark(evidence, self.stance.embed(topic), judgment, myth_cards,
                                   self.retriever.card_ranks(topic))

    def _with_cards(self, evidence: list[Evidence], card_ids: list[str]) -> list[Evidence]:
        """The evidence plus, at the end, the built-in card behind each deciding reason that retrieval did
        not rank in the top k: a verdict is only shown with the evidence it rests on."""
        store = self.retriever.store
        gen, by_card = self._card_chunks
        if gen != store.generation:
            by_card = {c.card_id: c for c in store.chunks(["builtin"]) if c.card_id}
            self._card_chunks = (store.generation, by_card)
        have = {e.chunk.card_id for e in evidence}
        out = list(evidence)
        for cid in dict.fromkeys(card_ids):
            if cid not in have and cid in by_card:
                out.append(Evidence(f"E{len(out) + 1}", by_card[cid], 0.0, len(out) + 1))
                have.add(cid)
        return out

    def judge(self, topic: str, persona, evidence: list[Evidence], language: str, local=None, model: str = ""):
        """The stance model's judgment, with the deciding cards added to the evidence and labelled. With
        `local` (the stance model's judgment), the local `model` (the default one when not given) reads the
        top practices again (stance_design)."""
        if local is not None:
            from . import stance_llm
            from .backends import local as localmodel

            model = model or localmodel.MODEL_NAME
            if self.stance_design == "read":
                judgment = stance_llm.read(self.stance, partial(localmodel.logprobs, model=model), topic, persona,
                                           evidence, language, base=local, model_key=model)
            else:
                judgment = stance_llm.judge(self.stance, partial(localmodel.complete, model=model), topic, persona,
                                            evidence, language, base=local)
        elif self.reader is not None:  # the reader of evidence: every item read for / against / neither
            prop = Proposal.parse(topic, language)
            judgment = self.stance.judge(topic, persona, evidence, language)  # the practices first
            if judgment.verdict == "no-evidence" or not self.reader.cal.get("prior_first"):
                judgment = self.reader.judge(prop.action, persona, evidence, language, prop.parts, prior=judgment)
        else:
            judgment = self.stance.judge(topic, persona, evidence, language)
        evidence = self._with_cards(evidence, [r.card_id for r in judgment.reasons])
        for r in judgment.reasons:
            r.evidence = [e.label for e in evidence if e.chunk.card_id == r.card_id]
        return judgment, evidence

    def warm_up(self, persona_id: str | None = None) -> None:
        """Open the store (indexing the built-in corpus on first use), build the lexical and myth indexes and
        run one search the way a question to this persona does: the first Chroma query loads the vector
        index while holding the GIL, and a question searches every tag, whose lexical index is not the one
        above — both cost ≈0.2 s of frozen UI when left to the first question (measured by `make bench`)."""
        self.retriever.lexical("klant", 1, ["builtin"])
        self.myths.scores("klant")
        self.stance.scores(self.stance.embed("klant"), "klant", self.registry.get(persona_id or self.settings.persona))
        self.retrieve("klant", self.registry.get(persona_id or self.settings.persona), [])

    def prepare_model(self, persona_id: str | None = None) -> None:
        """Load the answering model and get it ready for this persona (the local model prefills the persona's
        fixed prompt prefix): run in the background when the app starts and when the persona changes."""
        backend = backend_for(self.model())
        backend.prepare()
        backend.warm(prompt.prefix_messages(self.registry.get(persona_id or self.settings.persona), backend.budget))

    def model(self) -> str:
        return resolve(self.settings.model)  # auto: the embedded local model when installed, else extractive

    # ------------------------------------------------------------ ask
    def check_question(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise JanError("the question is empty; ask something like: what would Jan think of removing the phone number?")
        if len(q) > MAX_QUESTION:
            raise JanError(f"the question is {len(q):,} characters; keep it under {MAX_QUESTION:,} "
                           "(ingest long documents with `jan ingest` instead)")
        return q

    @staticmethod
    def topic(question: str, history: list[Turn]) -> str:
        """What is being discussed: pushback brings no new topic, so it is the last real question's."""
        if not (history and is_pushback(question)):
            return question
        return next((t.question for t in reversed(history) if not is_pushback(t.question)), history[0].question)

    def retrieve(self, question: str, persona, history: list[Turn]) -> list[Evidence]:
        # pushback brings no new topic: look at the same evidence again
        return self.retriever.search(self.topic(question, history), k=6, persona=persona)

    def ask(self, question: str, persona_id: str | None = None, *, history: list[Turn] | None = None,
            model: str | None = None, on_evidence: Callable[[list[Evidence]], None] | None = None,
            on_token: Callable[[str], None] | None = None, cancel: Callable[[], bool] | None = None,
            topic: str | None = None) -> Critique:
        """`topic`: the proposal under discussion, when the caller knows it (a meeting does: jan/meetings/
        discussion.py); `history` is then the conversation about that topic, and a question that differs from
        the topic is a push-back on it once this persona has answered it. Without `topic`, push-back is read
        from the question itself (is_pushback)."""
        question = self.check_question(question)
        persona = self.registry.get(persona_id or self.settings.persona)
        history = [t for t in (history or []) if t.critique.persona == persona.id]
        # a question without language clues ("Really?") continues in the conversation's language
        language = detect(question, default=history[-1].critique.language if history else persona.language)
        if topic is None:
            pushback = bool(history and is_pushback(question))
            topic = self.topic(question, history)
            same_topic = bool(history) and self.topic(history[-1].question, history[:-1]) == topic
        else:
            pushback = bool(history) and topic.strip() != question
            same_topic = True
            if not pushback:
                question = self.check_question(topic) if not history else question
        evidence = self.retriever.search(topic, k=6, persona=persona)
        model = model or self.model()
        backend = backend_for(model)
        judgment, evidence = self.judge(topic, persona, evidence, language)
        if on_evidence:
            on_evidence(evidence)
        second_reading = ""
        if backend.steered and self.stance_design != "stance" and self.reader is None:  # it reads practices too
            matched = judgment
            judgment, more = self.judge(topic, persona, evidence, language, local=judgment, model=backend.model)
            if judgment.verdict != matched.verdict:
                second_reading = f"the stance model's match alone said {matched.line()}; the local model's reading decided"
            if on_evidence and len(more) != len(evidence):
                on_evidence(more)
            evidence = more
        relevant = judgment.verdict != "no-evidence"
        # the user's own documents carry no practices: there a model judges from the evidence itself
        own_docs = (not relevant and backend.generates and self.reader is None
                    and self._own_documents_bear(topic, evidence))
        myths = self.myths.check(topic, language, Proposal.parse(topic, language).motive) if relevant else []
        weak = self.mark_relevance(topic, evidence, judgment, [m.card_id for m in myths])
        if own_docs:  # the user's own documents bear on it as a whole (is_relevant); the built-in cards do not
            for e in evidence:
                if e.chunk.tag != "builtin":
                    e.bears, e.why = True, "own documents"
        writes = backend.generates and (backend.writes is None or language in backend.writes or own_docs)
        if not writes:
            crit = self._extractive(persona, topic, evidence, language, myths, judgment)
            crit.question = question
            if backend.generates:
                crit.notes.append(f"{backend.model} does not write {language} well: this answer is built from "
                                  "the research's own words")
            if on_token:
                on_token(crit.summary)
        else:
            crit = self._generate(persona, question, evidence, language, myths, history, backend, judgment,
                                  on_token, cancel, own_docs)
        crit.myths = myths
        if relevant:  # what the team's own contacts are about, counted and verified (counted.py)
            crit.counts, failed = counted_items(self.settings.home, strip_frame(topic), language, myths)
            crit.notes += [failed] if failed else []
        crit.evidence = evidence
        crit.reasons = judgment.reasons
        if judgment.confidence is not None:
            crit.confidence = round(judgment.confidence, 3) if crit.verdict == judgment.verdict else None
            crit.leaning = judgment.leaning and crit.verdict == judgment.verdict
            crit.readings = [r.to_dict() for r in judgment.readings]
            if crit.leaning:
                crit.notes.append(leaning_note(judgment.readings))
        if second_reading:
            crit.notes.append(second_reading)
        if weak and crit.verdict != "no-evidence":
            crit.notes.append(weak_note(weak, evidence))
        return keep_stance(crit, history if same_topic else [], pushback, language)

    def _own_documents_bear(self, topic: str, evidence: list[Evidence]) -> bool:
        from ..evidence.retrieval import top_similarity

        own = [e for e in evidence if e.chunk.tag != "builtin"]
        if not own:
            return False
        lexical = self.retriever.lexical(topic, 1, sorted({e.chunk.tag for e in own}))
        return is_relevant(top_similarity(own), lexical[0][1] if lexical else 0.0)

    def _generate(self, persona, question, evidence, language, myths, history, backend, judgment, on_token, cancel,
                  own_docs: bool = False):
        model = backend.model
        relevant = judgment.verdict != "no-evidence" or own_docs
        shown = evidence if relevant else []
        # the small local model writes the prose for the stance model's verdict (the grammar holds it); it is
        # handed the stance model's summary as its answer's start: on screen at once, and no decoding time
        # spent on a sentence that would be replaced by it anyway (see below). A hosted model judges for
        # itself and a disagreement is noted
        steered = backend.steered and relevant and not own_docs  # then the stance model has a verdict
        stance_summary = extractive.summary(question, judgment, language, evidence) if steered else ""
        messages, included = prompt.build(persona, question, shown, language, myths,
                                          [(t.question, t.critique.summary) for t in history],
                                          budget=backend.budget,
                                          stance=judgment if backend.steered else None, summary=stance_summary)
        text = backend.stream(messages, timeout=self.settings.timeout, on_token=on_token,
                      api_base=self.settings.api_base, cancel=cancel, **self.extra)
        crit = Critique(persona=persona.id, question=question, language=language, verdict="no-evidence",
                        summary="", model=model)
        critique_mod.parse(text, crit)
        backend.mend(crit)
        system = messages[0]["content"]
        profiles = (persona.profile(), persona.profile(compact=True))
        instructions = system
        for prof in profiles:
            instructions = instructions.replace(prof, "")
        # a leak of either profile form counts, whichever one this prompt used
        critique_mod.scrub_leaks(crit, instructions, "\n".join((system, *profiles)))
        critique_mod.drop_echoed_questions(crit, question)
        critique_mod.drop_echoed_points(crit, stance_summary)
        claimed = crit.verdict
        critique_mod.verify(crit, included)
        critique_mod.check_support(crit, included, agree=partial(cross_agree, self.retriever.store.embedder))
        if backend.steered:  # the embedded model: its point says the quote when its own words do not agree
            extractive.quote_led(crit, included, language)
            extractive.dutch_only(crit, question)
            if crit.verdict == "no-evidence" and judgment.verdict != "no-evidence":
                self._quotes_instead(crit, persona, question, evidence, language, myths, judgment)
        if claimed != "no-evidence" and crit.verdict == "no-evidence" and crit.summary:
            # the summary argued a verdict no verified evidence carries (an obeyed injection, a made-up quote):
            # it is not shown under no-evidence; the plain sentence below replaces it
            crit.summary = ""
            crit.notes.append(f"the model's summary argued '{claimed}' without verified evidence and is not shown")
        if not relevant:
            crit.verdict, crit.abstained = "no-evidence", True
        elif own_docs:
            crit.notes.append("no practice in the built-in research matches this proposal; the model judged "
                              "from your own documents")
        elif crit.verdict != judgment.verdict:
            crit.notes.append(f"the stance model disagrees: {judgment.line()} (the model said {crit.verdict})")
        if steered:
            # the small model writes prose for the stance model's verdict; its summary line was the same
            # sentence whatever the proposal (and in Dutch often not Dutch), so the summary says what the
            # proposal comes down to, the trait and the source, from the stance model's reasons
            crit.summary = ""
        if not crit.summary and claimed != "no-evidence" and crit.verdict == "no-evidence" and relevant:
            crit.summary = extractive.unverified(question, language)  # not a verdict the reasons would argue
        elif not crit.summary:  # none given, or it was dropped: the reasons in one sentence
            crit.summary = extractive.summary(question, judgment if crit.verdict == judgment.verdict
                                              else _bare(crit.verdict), language, evidence)
        return crit

    @staticmethod
    def _extractive(persona, question, evidence, language, myths, judgment) -> Critique:
        """The answer extractive mode gives (the research's own words), through the citation gate."""
        crit = extractive.build(persona, question, evidence, language, myths, judgment)
        critique_mod.verify(crit, evidence)
        critique_mod.check_support(crit, evidence)
        return crit

    def _quotes_instead(self, crit: Critique, persona, question, evidence, language, myths, judgment) -> None:
        """The embedded model's answer lost every evidence point (none cited a sentence that bears on the
        proposal, or it only repeated the summary): the stance model's verdict is shown with the points
        extractive mode gives (the research's own words, or the profile when nothing bears) and the model's
        own inference points after them."""
        ext = self._extractive(persona, question, evidence, language, myths, judgment)
        if ext.verdict == "no-evidence":
            return
        crit.verdict, crit.abstained, crit.rests_on_profile = ext.verdict, False, ext.rests_on_profile
        crit.points = [p for p in ext.points if p.kind == "evidence" or ext.rests_on_profile][:3] + \
            [p for p in crit.points if p.kind == "inference" and not p.citations]
        crit.notes = [n for n in crit.notes if not n.startswith("no point survived the citation gate")]
        crit.notes.append("none of the model's points could be checked against the evidence: the points "
                          "quoted are the research's own words")


def _bare(verdict: str):
    """A judgment with a verdict and no reasons (the model's own verdict, which the stance model did not reach)."""
    from .stance import Judgment

    return Judgment(verdict)
