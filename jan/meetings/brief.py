"""The boardroom brief: what each persona would say about a proposal, a fair case for it and the case against
with verified evidence, the myths it rests on, likely counter-arguments with rebuttals, questions for the
board to ask, and the sources. Rendered as markdown and as self-contained HTML, in the proposal's language.

Only items that passed the citation gate and bear on the proposal (answer/relevance.py) are cited; a board
reader sees short source names, the card ids and full references are in the appendix."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field

from ..answer.labels import locator, short, short_source, verdict_word
from ..core.lang import detect
from ..core.sanitize import display
from ..core.textclean import normalize_for_match
from ..core.types import Critique, Evidence, MythFlag

T = {
    "en": {
        "title": "Boardroom brief", "prepared": "Prepared {date} with Jan in the room. Every quotation below was "
        "checked word for word against the evidence it cites: a built-in card (which summarises its source in "
        "our own words) or a document the team added.", "proposal": "The proposal",
        "say": "What our customers would say", "cols": ("Persona", "Verdict", "Why, in their words"),
        "case": "The case for and against", "case_cols": ("Side", "Point", "The source's words", "Source"),
        "for": "For", "against": "Against", "myths": "Myths this proposal rests on",
        "no_myth": "This proposal does not rest on any of the customer-experience myths the research names.", "instead": "what the research says instead",
        "counters": "Likely counter-arguments and rebuttals", "board": "Board", "rebuttal": "Rebuttal",
        "questions": "Questions to ask before deciding", "appendix": "Appendix: sources",
        "hope": "Why the proposers want it: {motive}.",
        "hope_unsaid": "The proposal does not say what it should achieve; ask the proposers which result they "
                       "expect and how they will measure it.",
        "no_for": "No evidence for it was found in the corpus; ask the proposers for the figures behind it.",
        "research": {"for": "The research is for “{practice}”", "against": "The research is against “{practice}”"},
        "undone": {"for": "The research is against “{practice}”, which this proposal undoes",
                   "against": "The research is for “{practice}”, which this proposal undoes"},
        "point_to": ("{who} points to", "{who} point to"), "and": "and", "card": "card",
        "c_anecdote": "“This is one anecdote; our customers are different.”",
        "r_anecdote": "It is not the only source: {who_points} {source}: “{quote}”. Ask for our own customer "
                      "data before deciding.",
        "r_anecdote_none": "No second source answers it in the evidence here; ask for our own customer data "
                           "(contacts, complaints) before deciding.",
        "c_adapt": "“Customers will adapt.”",
        "r_adapt": "Then test it first: a pilot with a group of real customers, measuring what it changes for them "
                   "and for us, before rolling it out.",
        "c_hope": "“{proposal}” is worth it for what it saves.",
        "c_motive": "“It is worth it: we do it {motive}.”",
        "r_hope": "{who} {verb} against it: {reason}.", "verb": ("is", "are"),
        "q_practice": "Which of our customers would “{practice}” affect, and have we asked them?",
        "q_measure": "What result do we expect from this proposal, and how will we measure it before rolling it out?",
        "q_myth": "Are we assuming that “{myth}”? What do our own figures say?",
        "none": "–",
        "contacts": "What our own customers contact us about",
        "contacts_note": "Counted from the team's own contact data: {total} contacts {period}, every one "
                         "counted (not a sample).",
    },
    "nl": {
        "title": "Notitie voor de directie", "prepared": "Opgesteld op {date} met Jan in the room. Elk citaat "
        "hieronder is woord voor woord gecontroleerd tegen het bewijs dat het noemt: een ingebouwde kaart (die "
        "haar bron in eigen woorden samenvat) of een document dat het team toevoegde.", "proposal": "Het voorstel",
        "say": "Wat onze klanten zouden zeggen", "cols": ("Persona", "Oordeel", "Waarom, in hun woorden"),
        "case": "Wat voor en wat tegen het voorstel pleit", "case_cols": ("Kant", "Punt", "De woorden van de bron", "Bron"),
        "for": "Voor", "against": "Tegen", "myths": "Mythes waar dit voorstel op rust",
        "no_myth": "Dit voorstel rust niet op een van de klantbelevingsmythes die het onderzoek noemt.", "instead": "wat het onderzoek in plaats daarvan zegt",
        "counters": "Te verwachten tegenwerpingen en het antwoord daarop", "board": "Directie", "rebuttal": "Antwoord",
        "questions": "Vragen om te stellen voordat we besluiten", "appendix": "Bijlage: bronnen",
        "hope": "Waarom de indieners het willen: {motive}.",
        "hope_unsaid": "Het voorstel zegt niet wat het moet opleveren; vraag de indieners welk resultaat ze "
                       "verwachten en hoe ze dat meten.",
        "no_for": "In het corpus is er geen bewijs voor gevonden; vraag de indieners naar de cijfers erachter.",
        "research": {"for": "Het onderzoek is voor “{practice}”", "against": "Het onderzoek is tegen “{practice}”"},
        "undone": {"for": "Het onderzoek is tegen “{practice}”, wat dit voorstel terugdraait",
                   "against": "Het onderzoek is vóór “{practice}”, wat dit voorstel terugdraait"},
        "point_to": ("{who} wijst op", "{who} wijzen op"), "and": "en", "card": "kaart",
        "c_anecdote": "“Dit is één anekdote; onze klanten zijn anders.”",
        "r_anecdote": "Het is niet de enige bron: {who_points} {source}: “{quote}”. Vraag eerst onze eigen "
                      "klantgegevens op voordat we besluiten.",
        "r_anecdote_none": "Geen tweede bron hier beantwoordt dit; vraag eerst onze eigen klantgegevens op "
                           "(contacten, klachten) voordat we besluiten.",
        "c_adapt": "“Klanten passen zich wel aan.”",
        "r_adapt": "Test het dan eerst: een proef met een groep echte klanten, waarin we meten wat het voor hen "
                   "en voor ons verandert, voordat we het invoeren.",
        "c_hope": "“{proposal}” is het waard om wat het bespaart.",
        "c_motive": "“Het is het waard: we doen het {motive}.”",
        "r_hope": "{who} {verb} ertegen: {reason}.", "verb": ("is", "zijn"),
        "q_practice": "Welke klanten raakt “{practice}”, en hebben we het hun gevraagd?",
        "q_measure": "Welk resultaat verwachten we van dit voorstel, en hoe meten we dat voordat we het invoeren?",
        "q_myth": "Gaan we ervan uit dat “{myth}”? Wat zeggen onze eigen cijfers?",
        "none": "–",
        "contacts": "Waarover onze eigen klanten contact opnemen",
        "contacts_note": "Geteld uit de eigen contactgegevens van het team: {total} contacten {period}, "
                         "allemaal geteld (geen steekproef).",
    },
}


@dataclass
class Row:
    claim: str
    persona: str
    evidence_id: str
    quote: str
    source: str  # short, for the board reader
    card_id: str = ""
    reference: str = ""  # the full reference, for the appendix
    item: str = ""  # the evidence item's chunk id (one row per item)


@dataclass
class Brief:
    proposal: str
    critiques: list[Critique]
    names: dict[str, str]
    language: str = "en"
    date: str = ""
    case_for: list[Row] = field(default_factory=list)
    case_against: list[Row] = field(default_factory=list)
    hope: str = ""  # what the proposers hope to gain, said plainly
    myths: list[MythFlag] = field(default_factory=list)
    counters: list[tuple[str, str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # the appendix: full references with card ids
    # the team's own contacts, counted (jan.contacts.chart_data), filled by the caller after build(); None when
    # none are loaded. Rendered as tables (markdown) and inline SVG charts (HTML); this module never counts.
    contacts: object | None = None


def _join(names: list[str], language: str) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {T[language]['and']} " + names[-1]


def _reference(e: Evidence, language: str = "en") -> str:
    return f"{e.chunk.source} — {locator(e.chunk.locator, language)}" + (
        f" ({T[language]['card']} {e.chunk.card_id})" if e.chunk.card_id else "")


def _claim(c: Critique, label: str, text: str, quote: str, language: str) -> str:
    """The point the persona makes with this quote: its own words when they differ from the quote, else what
    the deciding reason says the research is for or against (never a placeholder)."""
    body = text.split(":", 1)[1].strip() if ":" in text[:24] else text
    if normalize_for_match(quote) not in normalize_for_match(body):
        return body
    r = next((r for r in c.reasons if label in r.evidence), None)
    if r is not None:
        return _reason_text(r, language, c.evidence)
    return short(c.summary, 160)


def _reason_text(r, language: str, evidence: list[Evidence]) -> str:
    """What a deciding reason says: the research for or against the matched practice, or (the reader's
    reasons from the team's documents and the persona's traits, which have no practice) the reason as the
    persona says it."""
    if r.practice:  # `direction` is the research on what the proposal does; an undone practice turns it
        return T[language]["undone" if r.undoes else "research"][r.direction].format(practice=r.practice.rstrip("."))
    from ..answer.backends.extractive import reason_line

    line = reason_line(r, language, evidence)
    return line[:1].upper() + line[1:]


def build(proposal: str, critiques: list[Critique], names: dict[str, str]) -> Brief:
    lang = detect(proposal, default=critiques[0].language if critiques else "en")
    lang = lang if lang in T else "en"
    t = T[lang]
    b = Brief(proposal, critiques, names, lang, time.strftime("%Y-%m-%d"))
    refs: dict[str, None] = {}
    for c in critiques:
        ev = {e.label: e for e in c.evidence}
        who = names.get(c.persona, c.persona)
        for p in c.points:
            for cite in p.citations:
                e = ev.get(cite.evidence_id)
                # only what passed the citation gate and supports its point goes into a board document
                if not cite.verified or not cite.supports or e is None or e.bears is False:
                    continue
                r = next((r for r in c.reasons if cite.evidence_id in r.evidence), None)
                for_it = (r.direction == "for") if r is not None else c.verdict == "supports"
                target = b.case_for if for_it else b.case_against
                # one row per piece of evidence (the same item quoted twice is one point), naming every persona
                same = next((x for x in target if x.quote == cite.quote or (x.item and x.item == e.chunk.id)), None)
                if same:  # one row per piece of evidence, naming every persona that used it
                    if who not in same.persona.split(", "):
                        same.persona += f", {who}"
                    continue
                target.append(Row(display(_claim(c, cite.evidence_id, p.text, cite.quote, lang)), display(who),
                                  cite.evidence_id, display(cite.quote), short_source(e.chunk.source),
                                  e.chunk.card_id, _reference(e, lang), e.chunk.id))
                refs[_reference(e, lang)] = None
        for m in c.myths:
            if m.card_id not in {x.card_id for x in b.myths}:
                b.myths.append(m)
    from ..answer.proposal import Proposal

    motive = Proposal.parse(proposal, lang).motive
    b.hope = t["hope"].format(motive=motive) if motive else t["hope_unsaid"]
    # counter-arguments the board may raise, each answered by the evidence (the myths are answered in their
    # own section, not repeated here)
    against_names = [names.get(c.persona, c.persona) for c in critiques if c.verdict == "opposes"]
    first, first_c = next(((r, c) for c in critiques if c.verdict == "opposes" for r in c.reasons[:1]), (None, None))
    if against_names and first is not None:
        n = len(set(against_names))
        # the board's case in the proposers' own motive when they gave one ("to save on mailing costs"),
        # not a saving the proposal never claimed
        claim = (t["c_motive"].format(motive=motive) if motive
                 else t["c_hope"].format(proposal=short(proposal.strip().rstrip("?.!"), 90)))
        b.counters.append((claim,
                           t["r_hope"].format(who=_join(against_names, lang), verb=t["verb"][n > 1],
                                              reason=_lower(_reason_text(first, lang, first_c.evidence)))))
    if b.case_against:
        # "one anecdote" is answered by a second, independent source, never by the claim it questions
        first_source = b.case_against[0].source
        other = next((r for r in b.case_against[1:] if r.source != first_source), None)
        if other is None:
            b.counters.append((t["c_anecdote"], t["r_anecdote_none"]))
        else:
            people = other.persona.split(", ")
            points = t["point_to"][len(people) > 1].format(who=_join(people, lang))
            b.counters.append((t["c_anecdote"], t["r_anecdote"].format(
                who_points=points, source=other.source, quote=other.quote.rstrip(" .;,"))))
    b.counters.append((t["c_adapt"], t["r_adapt"]))
    # questions in the board's voice: from what the proposal comes down to, and the myths it rests on
    practices = list(dict.fromkeys(r.practice.rstrip(".") for c in critiques for r in c.reasons[:1] if r.practice))
    b.questions = [t["q_practice"].format(practice=p[:1].lower() + p[1:] if p[1:2].islower() else p)
                   for p in practices[:3]]
    b.questions += [t["q_myth"].format(myth=m.myth.rstrip(".")[:1].lower() + m.myth.rstrip(".")[1:])
                    for m in b.myths[:2] if m.myth]
    b.questions.append(t["q_measure"])
    b.sources = list(refs)
    return b


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _why(c: Critique, lang: str) -> str:
    """The persona's deciding reason, whole and without marks: the trait it touches in the persona's own
    words, else what the research says of the proposal (a board reads sentences, not codes or cut-offs)."""
    fits = {"supports": ("for",), "opposes": ("against",), "mixed": ("for", "against")}.get(c.verdict, ())
    r = next((r for r in c.reasons if r.direction in fits), None)
    if r is None:
        return ""
    if r.trait and lang == "en":  # the traits are written in English; a Dutch brief gives the reason in Dutch
        return display(r.trait).strip()
    return _reason_text(r, lang, c.evidence)


def _verdict(c: Critique, lang: str) -> str:
    return verdict_word(c.verdict, lang, c.leaning)


def to_markdown(b: Brief) -> str:
    t = T[b.language]
    cols = t["cols"]
    out = [f"# {t['title']}: {b.proposal}", "", f"_{t['prepared'].format(date=b.date)}_", "",
           f"## {t['proposal']}", "", b.proposal, "", f"## {t['say']}", "", "| " + " | ".join(cols) + " |",
           "|---|---|---|---|"]
    out[-1] = "|---|---|---|"
    for c in b.critiques:
        out.append(f"| {b.names.get(c.persona, c.persona)} | {_verdict(c, b.language)} | "
                   f"{_cell(_why(c, b.language)) or t['none']} |")
    out += ["", f"## {t['case']}", "", "| " + " | ".join(t["case_cols"]) + " |", "|---|---|---|---|"]
    out.append(f"| {t['for']} | {_cell(b.hope)} | {t['none'] if b.case_for else _cell(t['no_for'])} | {t['none']} |")
    for side, rows in ((t["for"], b.case_for), (t["against"], b.case_against)):
        for r in rows:
            out.append(f"| {side} | {_cell(r.claim)} ({r.persona}) | ✓ “{_cell(r.quote)}” | {_cell(r.source)} |")
    if b.contacts is not None:
        out += ["", contacts_markdown(b.contacts, b.language)]
    out += ["", f"## {t['myths']}", ""]
    out += [f"- {'**' + m.myth + '** — ' if m.myth else ''}{t['instead']}: {m.instead}" for m in b.myths] or \
        [f"- {t['no_myth']}"]
    out += ["", f"## {t['counters']}", ""]
    out += [f"- **{t['board']}:** {c}\n  **{t['rebuttal']}:** {r}" for c, r in b.counters]
    out += ["", f"## {t['questions']}", ""] + [f"- {q}" for q in b.questions]
    out += ["", f"## {t['appendix']}", ""] + [f"- {s}" for s in b.sources]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _contacts_note(data, language: str) -> str:
    from ..contacts.render import number, period_text

    return T[language]["contacts_note"].format(total=number(data.total, language),
                                               period=period_text(data.period, language)).replace("  ", " ")


def contacts_markdown(data, language: str = "en") -> str:
    """The contacts section of a markdown brief or meeting export: the top reasons and the channels per month
    as small tables (jan.contacts.markdown_tables), under a heading and a line saying where they come from."""
    from ..contacts import markdown_tables

    lang = language if language in T else "en"
    return f"## {T[lang]['contacts']}\n\n_{_contacts_note(data, lang)}_\n\n{markdown_tables(data, lang)}\n"


def contacts_html(data, language: str = "en") -> str:
    """The contacts section of the HTML brief: both charts as inline SVG (no script, no link, nothing fetched)."""
    from ..contacts import bars_svg, lines_svg

    lang = language if language in T else "en"
    return (f"<h2>{html.escape(T[lang]['contacts'])}</h2><p class=\"small\">{html.escape(_contacts_note(data, lang))}"
            f"</p><figure class=\"chart\">{bars_svg(data, lang)}</figure>"
            f"<figure class=\"chart\">{lines_svg(data, lang)}</figure>")


CSS = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;line-height:1.45;color:#111}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #999;padding:.4em;vertical-align:top}
th{background:#eee}h1{font-size:1.6em}.for{color:#064}.against{color:#900}.small{font-size:.85em}
figure.chart{margin:1em 0}figure.chart svg{max-width:100%;height:auto}
@media print{body{margin:0}}"""


def to_html(b: Brief) -> str:
    e = html.escape
    t = T[b.language]
    head = "".join(f"<th>{e(x)}</th>" for x in t["cols"])
    parts = [f"<!DOCTYPE html><html lang=\"{b.language}\"><head><meta charset=\"utf-8\">"
             f"<title>{e(t['title'])}: {e(b.proposal)}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(t['title'])}: {e(b.proposal)}</h1>", f"<p><em>{e(t['prepared'].format(date=b.date))}</em></p>",
             f"<h2>{e(t['proposal'])}</h2><p>{e(b.proposal)}</p>",
             f"<h2>{e(t['say'])}</h2><table><tr>{head}</tr>"]
    for c in b.critiques:
        parts.append(f"<tr><td>{e(b.names.get(c.persona, c.persona))}</td><td>{e(_verdict(c, b.language))}</td>"
                     f"<td>{e(_why(c, b.language) or t['none'])}</td></tr>")
    head = "".join(f"<th>{e(x)}</th>" for x in t["case_cols"])
    parts.append(f"</table><h2>{e(t['case'])}</h2><table><tr>{head}</tr>")
    parts.append(f"<tr><td class=\"for\">{e(t['for'])}</td><td>{e(b.hope)}</td>"
                 f"<td>{e(t['none'] if b.case_for else t['no_for'])}</td><td>{e(t['none'])}</td></tr>")
    for side, cls, rows in ((t["for"], "for", b.case_for), (t["against"], "against", b.case_against)):
        for r in rows:
            parts.append(f"<tr><td class=\"{cls}\">{e(side)}</td><td>{e(r.claim)} ({e(r.persona)})</td>"
                         f"<td>✓ “{e(r.quote)}”</td><td>{e(r.source)}</td></tr>")
    parts.append("</table>")
    if b.contacts is not None:
        parts.append(contacts_html(b.contacts, b.language))
    parts.append(f"<h2>{e(t['myths'])}</h2><ul>")
    parts += [f"<li><strong>{e(m.myth)}</strong> — {e(t['instead'])}: {e(m.instead)}</li>" for m in b.myths] or \
        [f"<li>{e(t['no_myth'])}</li>"]
    parts.append(f"</ul><h2>{e(t['counters'])}</h2><ul>")
    parts += [f"<li><strong>{e(t['board'])}:</strong> {e(c)}<br><strong>{e(t['rebuttal'])}:</strong> {e(r)}</li>"
              for c, r in b.counters]
    parts.append(f"</ul><h2>{e(t['questions'])}</h2><ul>")
    parts += [f"<li>{e(q)}</li>" for q in b.questions]
    parts.append(f"</ul><h2>{e(t['appendix'])}</h2><ul class=\"small\">")
    parts += [f"<li>{e(s)}</li>" for s in b.sources]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
