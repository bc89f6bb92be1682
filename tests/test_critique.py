"""The line format parser and the citation gate: what the model says is only shown as evidence when the
quote is really in an evidence item that was in the prompt."""

from __future__ import annotations

from jan.answer.critique import check_support, parse, to_markdown, verify
from jan.core.types import Chunk, Citation, Critique, Evidence, MythFlag, Point

BOARD = ("Jan-Hein Pierik told CustomerFirst that he had seen the same request in two separate boardrooms: "
         "take the company's telephone number off the website. The reason given was that too many complaints "
         "were coming in.")
# as text comes out of a PDF: a word hyphenated across a line break, odd spacing and capitals
PDF = ("Klanten die niet worden geholpen vertellen het door. Een klant-\ngerichte organisatie lost\n  de oorzaak "
       "van KLACHTEN op in plaats van het kanaal te sluiten.")


def evidence(label: str, text: str, card_id: str = "") -> Evidence:
    chunk = Chunk(id=f"id-{label}", text=text, source="Test source", locator="paragraph 1", tag="test",
                  doc="/tmp/doc.md", card_id=card_id)
    return Evidence(label, chunk, score=1.0, rank=int(label[1:]))


def critique() -> Critique:
    return Critique(persona="jan", question="Remove the phone number?", language="en", verdict="no-evidence",
                    summary="")


SHOWN = [evidence("E1", BOARD, "cf-boardroom-phone-number"), evidence("E2", PDF)]

GOOD = """VERDICT: opposes
SUMMARY: I would feel shut out if I could not call you any more.
- [evidence] Boards want the number gone because of complaints [E1: "take the company's telephone number off the website"]
- [inference] I would look for another supplier.
? Why do customers like me call you in the first place?
"""


# ------------------------------------------------------------------ parse


def test_parse_well_formed_answer():
    c = parse(GOOD, critique())
    assert c.verdict == "opposes"
    assert c.summary == "I would feel shut out if I could not call you any more."
    assert [p.kind for p in c.points] == ["evidence", "inference"]
    assert c.points[0].text == "Boards want the number gone because of complaints"
    assert c.points[0].citations == [Citation("E1", "take the company's telephone number off the website")]
    assert c.points[1].citations == []
    assert c.questions_back == ["Why do customers like me call you in the first place?"]
    assert c.notes == []


def test_parse_variants_of_the_format():
    text = """verdict: Mixed.
SAMENVATTING: Ik twijfel.
* [Bewijs] eerste punt [ E2 : “de oorzaak van klachten op” ] [E1: 'two separate boardrooms']
• [afleiding] tweede punt
"""
    c = parse(text, critique())
    assert c.verdict == "mixed"
    assert c.summary == "Ik twijfel."
    assert [p.kind for p in c.points] == ["evidence", "inference"]
    assert [(x.evidence_id, x.quote) for x in c.points[0].citations] == [
        ("E2", "de oorzaak van klachten op"), ("E1", "two separate boardrooms")]
    assert c.points[0].text == "eerste punt"


def test_parse_markdown_bold_keys():
    """Models like to bold the keys; the content must still be read."""
    c = parse("**VERDICT:** opposes\n**SUMMARY:** I would leave.\n", critique())
    assert c.verdict == "opposes"
    assert c.summary == "I would leave."


def test_parse_malformed_output_recovers_what_parses_and_notes_the_rest():
    text = """Sure! Here is my critique as Jan.
VERDICT: opposes
Honestly I think this is a bad idea.
- [evidence] Boards wanted it [E1: "two separate boardrooms: take the company's"]
1. a numbered point the parser does not know
- [evidence] unterminated citation [E1: "too many complaints
"""
    c = parse(text, critique())
    assert c.verdict == "opposes"
    assert len(c.points) == 2
    assert c.points[0].citations[0].quote == "two separate boardrooms: take the company's"
    assert any("3 line(s)" in n and "not in the expected format" in n for n in c.notes)
    # without a SUMMARY line the free text becomes the summary rather than being lost
    assert c.summary.startswith("Sure! Here is my critique")


def test_parse_unknown_verdict_is_noted_not_guessed():
    c = parse("VERDICT: strongly against\nSUMMARY: No.\n", critique())
    assert c.verdict == "no-evidence"
    assert any("verdict" in n.lower() and "strongly against" in n for n in c.notes)


def test_parse_free_text_only():
    c = parse("I am a large language model and cannot roleplay.", critique())
    assert c.points == [] and c.verdict == "no-evidence"
    assert c.summary == "I am a large language model and cannot roleplay."
    assert c.notes


def test_parse_strips_terminal_escapes():
    c = parse("VERDICT: opposes\nSUMMARY: \x1b[2Jcleared \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 \x07bell\n",
              critique())
    assert "\x1b" not in c.summary and "\x07" not in c.summary
    assert c.summary == "cleared link bell"


# ------------------------------------------------------------------ verify


def _verified(text: str, shown=SHOWN) -> Critique:
    return verify(parse(text, critique()), shown)


def test_exact_quote_is_verified():
    c = _verified(GOOD)
    assert c.points[0].citations[0].verified
    assert c.points[0].kind == "evidence"
    assert c.verdict == "opposes" and not c.abstained
    assert c.citation_counts() == (1, 1)
    assert not any("could not be verified" in n for n in c.notes)


def test_fake_evidence_id_is_unverified():
    """[E9] was never in the prompt: even a true quote does not count."""
    text = GOOD.replace('[E1: "take', '[E9: "take')
    c = _verified(text)
    cite = c.points[0].citations[0]
    assert cite.evidence_id == "E9" and not cite.verified
    assert c.points[0].kind == "inference"


def test_quote_not_in_evidence_is_unverified_and_point_demoted():
    text = GOOD.replace("take the company's telephone number off the website",
                        "customers hate phone numbers on websites")
    c = _verified(text)
    assert not c.points[0].citations[0].verified
    assert c.points[0].kind == "inference"
    assert any("1 citation(s) could not be verified" in n for n in c.notes)
    assert any("1 point(s) without a verified citation" in n for n in c.notes)


def test_quote_from_the_wrong_item_is_unverified():
    text = GOOD.replace('[E1: "take', '[E2: "take')
    assert not _verified(text).points[0].citations[0].verified


def test_quote_matches_after_normalization():
    """Case, whitespace, typographic quotes and a word hyphenated across a line break all match."""
    quotes = [
        "TAKE THE COMPANY'S   TELEPHONE number off the website",  # case and spaces
        "take the company’s telephone number",  # curly apostrophe
    ]
    for q in quotes:
        c = _verified(f'VERDICT: opposes\n- [evidence] x [E1: "{q}"]\n')
        assert c.points[0].citations[0].verified, q
    # the evidence has "klant-\ngerichte"; the model writes the joined word
    c = _verified('VERDICT: opposes\n- [evidence] x [E2: "Een klantgerichte organisatie lost de oorzaak van klachten op"]\n')
    assert c.points[0].citations[0].verified
    # and the other way round: the quote carries the line-break hyphen, the evidence is clean
    shown = [evidence("E1", "Een klantgerichte organisatie lost de oorzaak op.")]
    cite = Citation("E1", "Een klant-\ngerichte organisatie lost")
    c = verify(Critique("jan", "q", "nl", "opposes", "s", points=[Point("x", "evidence", [cite])]), shown)
    assert c.points[0].citations[0].verified


def test_too_short_quote_is_not_a_citation():
    c = _verified('VERDICT: opposes\n- [evidence] x [E1: "boardrooms"]\n')
    assert not c.points[0].citations[0].verified


def test_citation_without_quote_is_unverified():
    c = _verified("VERDICT: opposes\n- [evidence] boards want it gone [E1]\n")
    assert c.points[0].citations == [Citation("E1", "", False)]
    assert c.points[0].kind == "inference"


def test_no_surviving_evidence_point_means_no_evidence():
    text = """VERDICT: opposes
SUMMARY: I would not like it.
- [evidence] made up [E9: "customers love closed channels"]
- [evidence] also made up [E1: "phone numbers are obsolete"]
- [inference] I would leave.
"""
    c = _verified(text)
    assert c.verdict == "no-evidence" and c.abstained
    assert all(p.kind == "inference" for p in c.points)
    assert c.citation_counts() == (0, 2)
    assert any("verdict set to no-evidence" in n for n in c.notes)


def test_one_good_point_keeps_the_verdict():
    text = GOOD + '- [evidence] invented [E3: "nobody calls any more these days"]\n'
    c = _verified(text)
    assert c.verdict == "opposes" and not c.abstained
    assert [p.kind for p in c.points] == ["evidence", "inference", "inference"]
    assert c.citation_counts() == (1, 2)


def test_verify_with_nothing_shown():
    c = _verified(GOOD, shown=[])
    assert c.verdict == "no-evidence" and c.citation_counts() == (0, 1)


# ------------------------------------------------------------------ markdown


def test_to_markdown_marks_verified_and_unverified():
    text = GOOD + '- [evidence] invented [E9: "nobody calls any more these days"]\n'
    c = _verified(text)
    c.evidence = SHOWN
    c.myths = [MythFlag("myth-fewer-channels-fewer-complaints", "Fewer channels, fewer complaints.", "why")]
    md = to_markdown(c)
    assert "[E1 ✓ quote verified" in md
    assert "[E9 ✗ quote not found in the item]" in md
    assert "*Evidence:* Boards want the number gone" in md
    assert "*Inference:* invented" in md
    # the source's words are on screen beside the persona's
    assert "> “take the company's telephone number off the website” — Test source" in md
    assert "1/2 citations verified" in md
    assert "Fewer channels, fewer complaints. — the research says: why" in md
    assert "- [E1] Test source (cf-boardroom-phone-number) — paragraph 1" in md
    assert "Why do customers like me call you" in md
    assert "_note: 1 citation(s) could not be verified" in md


PROFILE = ("You are Jan: a telecom customer who wants a real person on the line when the internet drops\n"
           "You want: I want a real person on the line when my internet drops and someone who actually fixes it\n"
           "You dislike: I hate hunting through the website for a phone number that has been hidden from me\n"
           "You leave when: there is no way left to get a person on the phone because you took the number away")
INSTRUCTIONS = "Only use facts from the evidence items; everything else is your own view and must be marked [inference]."


def test_scrub_keeps_one_trait_in_the_personas_words_and_drops_a_recital():
    from jan.answer.critique import scrub_leaks

    crit = critique()
    crit.verdict = "opposes"
    crit.summary = "I want a real person on the line when my internet drops and someone who actually fixes it, so no."
    crit.points = [
        Point("I hate hunting through the website for a phone number that has been hidden from me.", "inference"),
        Point("I want a real person on the line when my internet drops and someone who actually fixes it. "
              "I hate hunting through the website for a phone number that has been hidden from me.", "inference"),
        Point("Only use facts from the evidence items; everything else is your own view.", "inference"),
    ]
    crit.questions_back = ["Why is the number hidden?"]
    dropped = scrub_leaks(crit, INSTRUCTIONS, INSTRUCTIONS + "\n" + PROFILE)
    assert dropped == 2  # the two-trait recital and the instruction echo
    assert crit.summary.startswith("I want a real person")  # one trait, said as the persona: kept
    assert [p.text[:20] for p in crit.points] == ["I hate hunting throu"]
    assert crit.questions_back == ["Why is the number hidden?"]
    assert any("repeated the instructions" in n for n in crit.notes)


def test_one_trait_in_both_profile_forms_is_still_one_trait():
    from jan.answer.critique import scrub_leaks

    trait = "I'm passed from department to department, each saying the problem belongs to another team and nobody owns it"
    other = "I want to be done online in a few steps, any time of day, with the result in my mailbox straight away"
    system = f"{INSTRUCTIONS}\nFrustrations: {trait}\nGoals: {other}\nYou dislike: {trait}\nYou want: {other}"
    crit = critique()
    crit.points = [Point(f"{trait}, so no.", "inference"), Point(f"{trait}. {other}.", "inference")]
    assert scrub_leaks(crit, INSTRUCTIONS, system) == 1  # the recital of two traits goes
    assert [p.text for p in crit.points] == [f"{trait}, so no."]  # one trait, found in two forms: stays


def test_a_question_back_that_repeats_the_teams_question_is_dropped():
    from jan.answer.critique import drop_echoed_questions

    crit = critique()
    crit.questions_back = ["Should we remove the phone number from the website?",
                           "Should we really remove the phone number from our website?",
                           "What do the complaints say about why people call?"]
    assert drop_echoed_questions(crit, "Should we remove the phone number from the website?") == 2
    assert crit.questions_back == ["What do the complaints say about why people call?"]


def test_local_grammar_keeps_brackets_and_quotes_out_of_the_prose():
    from jan.answer.backends.local import grammar_for

    g = grammar_for([{"role": "user", "content": "Answer in English."}])
    rules = dict(line.split(" ::= ", 1) for line in g.splitlines() if " ::= " in line)
    for name in ("line", "text"):
        excluded = rules[name].split("[^", 1)[1].split("]", 1)[0]
        assert "(" in excluded and '"' in excluded and "\\[" in excluded, name
        assert "{3," in rules[name] and "{{" not in rules[name], name


def test_a_point_cut_by_the_length_cap_keeps_its_whole_sentences():
    from jan.answer.backends.local import trim_cut

    TEXT_CAP = 180  # trim_cut works for any cap; these sentences are written for this one

    whole = "I have seen this asked in two boardrooms, both times because of too many complaints."
    tail = " This suggests that removing the phone number from the website would in the end lead,."
    cut = whole + tail.replace("would", "would " + "very " * ((TEXT_CAP - len(whole + tail)) // 5 + 1))
    assert len(cut) >= TEXT_CAP and trim_cut(cut, TEXT_CAP) == whole
    assert trim_cut(whole + tail, TEXT_CAP) == whole + tail  # under the cap: it ended there by itself
    said = "I saw it in two separate boardrooms before, both times because of far too many complaints about waiting"
    long_one = said + ", and this was exactly " + "so " * 20 + "."
    assert len(long_one) >= TEXT_CAP and trim_cut(long_one, TEXT_CAP) == said + "."
    one = "I " + "a" * TEXT_CAP + "."
    assert trim_cut(one, TEXT_CAP) == one  # no sentence end nor clause: nothing to fall back on


# ------------------------------------------------------------------ supports the point


NL_BOARD = ("PvKO-voorzitter Jan-Hein Pierik maakte kort voor het interview in twee directiekamers mee dat men het "
            "telefoonnummer van de website wilde halen wegens te veel klachten; volgens hem geen onwil.")


def _checked(point: str, label: str, quote: str, shown: list[Evidence]) -> Critique:
    from jan.answer.critique import check_support

    c = critique()
    c.verdict = "opposes"
    c.points = [Point(point, "evidence", [Citation(label, quote)])]
    verify(c, shown)
    return check_support(c, shown)


def test_a_paraphrase_that_contradicts_its_quote_is_not_supported():
    """The source says the removal was *requested*; a point saying it *was removed* keeps its verified quote
    (✓ quote verified) but is not shown as supported, and drops to inference."""
    shown = [evidence("E1", BOARD), evidence("E2", NL_BOARD)]
    for point, label, quote in [
            ("The number was removed from the website because of too many complaints", "E1",
             "take the company's telephone number off the website"),
            ("Het telefoonnummer werd van de website gehaald omdat er te veel klachten waren", "E2",
             "het telefoonnummer van de website wilde halen wegens te veel klachten")]:
        c = _checked(point, label, quote, shown)
        cite = c.points[0].citations[0]
        assert cite.verified and cite.supports is False, point
        assert c.points[0].kind == "inference"
        md = to_markdown(c)
        assert f"[{label} ✓ quote verified · support not shown]" in md
        assert f"> “{quote}”" in md  # the source's words beside the persona's
        assert any("do not agree with their quote" in n for n in c.notes)


def test_a_claim_the_quote_carries_is_supported():
    shown = [evidence("E1", BOARD), evidence("E2", NL_BOARD)]
    for point, label, quote in [
            ("Two boardrooms wanted to take the telephone number off the website", "E1",
             "take the company's telephone number off the website"),
            ("In twee directiekamers wilde men het telefoonnummer van de website halen wegens te veel klachten", "E2",
             "het telefoonnummer van de website wilde halen wegens te veel klachten")]:
        c = _checked(point, label, quote, shown)
        assert c.points[0].citations[0].supports is True and c.points[0].kind == "evidence", point
        assert f"[{label} ✓ quote verified · supports the point]" in to_markdown(c)


def test_a_citation_of_a_background_item_is_not_support():
    """An item that does not bear on the proposal may be quoted correctly; it still supports nothing."""
    shown = [evidence("E1", BOARD)]
    shown[0].bears = False
    c = _checked("Two boardrooms wanted to take the telephone number off the website", "E1",
                 "take the company's telephone number off the website", shown)
    assert c.points[0].citations[0].verified and c.points[0].citations[0].supports is False
    assert c.points[0].kind == "inference"
    assert any("background items" in n for n in c.notes)


def test_a_local_models_point_that_does_not_agree_with_its_quote_says_the_quote_instead():
    """The embedded model's claim 'the number was removed' against a source that says it was requested: the
    point shown is the source's words (supported by construction), never the claim marked supported; a point
    citing a background item stays inference with its quote."""
    from jan.answer.backends.extractive import quote_led
    from jan.core.types import Chunk, Citation, Critique, Evidence, Point

    text = "Two boardrooms asked to remove the phone number from the website because of too many complaints."
    other = "A bank merged its hotlines into one call centre for every product."
    ev = [Evidence("E1", Chunk(id="a", text=text, source="s", doc="d", locator="l", tag="builtin"), 1.0, 1),
          Evidence("E2", Chunk(id="b", text=other, source="s", doc="d", locator="l", tag="builtin"), 1.0, 2)]
    ev[0].bears, ev[1].bears = True, False
    crit = Critique(persona="jan", question="q", language="nl", verdict="opposes", summary="s", points=[
        Point("Het nummer is van de website gehaald", "evidence", [Citation("E1", text)]),
        Point("Banken doen dit ook", "evidence", [Citation("E2", other)])])
    verify(crit, ev)
    check_support(crit, ev)
    assert [p.kind for p in crit.points] == ["inference", "inference"]  # neither claim agrees with its quote
    assert quote_led(crit, ev, "nl") == 1
    first, second = crit.points
    assert first.kind == "evidence" and first.text == f"Wat ik lees: {text}" and first.citations[0].supports
    assert second.kind == "inference" and second.text == "Banken doen dit ook"
    assert second.citations[0].supports is False
    assert any("did not agree with their quote: the quote is shown instead" in n for n in crit.notes)


def test_a_dutch_answer_keeps_only_model_sentences_without_english_words():
    from jan.answer.backends.extractive import dutch_only
    from jan.core.types import Citation, Critique, Point

    crit = Critique(persona="jan", question="q", language="nl", verdict="opposes", summary="s", points=[
        Point("Wat ik lees: Two boardrooms asked to remove the phone number.", "evidence",
              [Citation("E1", "Two boardrooms asked to remove the phone number.", True, True)]),
        Point("Ik ben een customer die niet verplicht wil worden.", "inference"),
        Point("Ik wil gewoon iemand kunnen bellen, want dat werkt.", "inference")],
        questions_back=["Hoe kan ik deze proposal veranderen?"])
    assert dutch_only(crit, "Het telefoonnummer van de website halen?") == 2
    assert [p.text for p in crit.points] == ["Wat ik lees: Two boardrooms asked to remove the phone number.",
                                             "Ik wil gewoon iemand kunnen bellen, want dat werkt."]
    assert crit.questions_back == ["Hebben jullie klanten zoals ik gevraagd wat “het telefoonnummer van de website "
                                   "halen” voor hen betekent?"]
    crit.language = "en"
    assert dutch_only(crit, "x") == 0


def test_two_reasons_touching_one_trait_are_one_reason_in_the_why_line():
    from jan.answer.critique import verdict_reason
    from jan.core.types import Citation, Critique, Point, Reason

    trait = "I won't queue at a desk for a routine document."
    crit = Critique(persona="citizen", question="q", language="en", verdict="opposes", summary="s",
                    points=[Point("p", "evidence", [Citation("E2", "some quoted words here", True, True)])],
                    reasons=[Reason("against", "Measure calls per hour", "a", 0.9, "frustrations[0]", trait, "hits",
                                    ["E2"]),
                             Reason("against", "Close the desk", "b", 0.88, "frustrations[0]", trait, "hits",
                                    ["E7", "E2"])])
    assert verdict_reason(crit) == f"hits: {trait} [E2 ✓] [E7]"


def test_a_point_that_only_repeats_the_summary_is_dropped():
    from jan.answer.critique import drop_echoed_points
    from jan.core.types import Critique, Point

    summary = ("Ik ben tegen “het telefoonnummer in de kleine lettertjes”: dat komt neer op “alleen de backoffice "
               "facturen laten aanpassen”, en dat is precies wat me ergert.")
    crit = Critique(persona="jan", question="q", language="nl", verdict="opposes", summary=summary, points=[
        Point("Ik ben tegen “het telefoonnummer in de kleine lettertjes”: dat komt neer op “alleen de backoffice fa.",
              "inference"),
        Point("Ik wil gewoon iemand aan de lijn krijgen die mijn factuur kan aanpassen.", "inference")])
    assert drop_echoed_points(crit, summary) == 1
    assert [p.text for p in crit.points] == ["Ik wil gewoon iemand aan de lijn krijgen die mijn factuur kan aanpassen."]
    assert drop_echoed_points(crit, "") == 0
