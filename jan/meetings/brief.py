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
from .brief_text import T


@dataclass
class Row:
    claim: str
    persona: str
    evidence_id: str
    quote: str
    source: str  # short, for the board reader
    card_id: str = ""
    reference: str = ""  # the full reference, for the appendix
    item: str = ""  # the evidence item's chunk id
    doc: str = ""  # the card or document it comes from (one row per card or document)


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
    goal: list[Row] = field(default_factory=list)  # what the research says of that goal (answer/board.py)
    why: dict[str, str] = field(default_factory=dict)  # persona id → their reason in their own words
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


def _reference_of(chunk, language: str = "en") -> str:
    return f"{chunk.source} — {locator(chunk.locator, language)}" + (
        f" ({T[language]['card']} {chunk.card_id})" if chunk.card_id else "")


def _claim(c: Critique, e: Evidence, text: str, quote: str, language: str, claims: dict[str, str]) -> str:
    """The point the persona makes with this quote: a model's own words when they differ from the quote and are
    whole; else what the deciding reason resting on it says the research is for or against; else what the
    research says in that card (answer/board.py); never a template line or a cut-off summary."""
    body = text.split(":", 1)[1].strip() if ":" in text[:24] else text
    written = not c.model.startswith("none")  # an extractive point is the quote under a template lead-in
    if written and normalize_for_match(quote) not in normalize_for_match(body) and not body.endswith("…"):
        return body
    r = next((r for r in c.reasons if e.label in r.evidence), None)
    if r is not None:
        return _reason_text(r, language, c.evidence)
    return claims.get(e.chunk.id) or (e.chunk.header if language == "en" and e.chunk.header else "")


def _reason_text(r, language: str, evidence: list[Evidence]) -> str:
    """What a deciding reason says: the research for or against the matched practice, or (the reader's
    reasons from the team's documents and the persona's traits, which have no practice) the reason as the
    persona says it."""
    if r.practice:  # `direction` is the research on what the proposal does; an undone practice turns it
        from ..answer.board import research_point

        return research_point(r, language)
    from ..answer.backends.extractive import reason_line

    line = reason_line(r, language, evidence)
    return line[:1].upper() + line[1:]


def build(proposal: str, critiques: list[Critique], names: dict[str, str], board=None) -> Brief:
    """The brief from the personas' answers and, when given, what the board reads beyond them (answer/board.py:
    the team's strongest document on the proposal, the research on the proposers' goal, each persona's reason
    in their own words)."""
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
                point = (board_text(lang)["own"]["for" if for_it else "against"] if _own(e.chunk) and not (r and r.practice)
                         else _claim(c, e, p.text, cite.quote, lang, board.claims if board is not None else {}))
                if not point:  # nothing to say of it beyond the quote: not a point for a board
                    continue
                quote = board.quotes.get(e.chunk.id, cite.quote) if board is not None and _own(e.chunk) else cite.quote
                _add(b.case_for if for_it else b.case_against, e.chunk, point, quote, who, lang, refs)
        for m in c.myths:
            if m.card_id not in {x.card_id for x in b.myths}:
                b.myths.append(m)
    for item in (board.items if board is not None else []):
        target = {"for": b.case_for, "against": b.case_against, "goal": b.goal}[item.side]
        _add(target, item.chunk, item.point, item.quote, "", lang, refs, first=item.own)
    b.why = dict(board.why) if board is not None else {}
    for g in b.goal:  # a point quoting the goal's words is the goal's point: said once, in the goal's row
        for rows in (b.case_for, b.case_against):
            for r in [r for r in rows if r.quote == g.quote]:
                rows.remove(r)
                g.persona = ", ".join(dict.fromkeys(x for x in g.persona.split(", ") + r.persona.split(", ") if x))
    from ..answer.proposal import Proposal

    motive = Proposal.parse(proposal, lang).motive
    b.hope = t["hope"].format(motive=motive) if motive else t["hope_unsaid"]
    # counter-arguments the board may raise, each answered by evidence other than the claim it rebuts (the
    # myths are answered in their own section, not repeated here)
    if any(c.verdict in ("opposes", "mixed") for c in critiques) or b.case_against:
        claim = (t["c_motive"].format(motive=motive) if motive
                 else t["c_hope"].format(proposal=short(proposal.strip().rstrip("?.!"), 90)))
        if b.goal:  # the research's own route to the proposers' goal
            g = b.goal[0]
            answer = t["r_goal"].format(point=g.claim, source=g.source, quote=g.quote.rstrip(" .;,"))
        elif b.case_against:
            a = b.case_against[0]
            answer = t["r_source"].format(source=a.source, quote=a.quote.rstrip(" .;,"))
        else:
            answer = t["r_none"]
        b.counters.append((claim, answer))
    if b.case_against:
        # "one anecdote" is answered by a second, independent source, never by the claim it questions
        first_source = b.case_against[0].source
        other = next((r for r in b.case_against[1:] if r.source != first_source), None)
        if other is None:
            b.counters.append((t["c_anecdote"], t["r_anecdote_none"]))
        else:
            people = [x for x in other.persona.split(", ") if x]
            who = t["point_to"][len(people) > 1].format(who=_join(people, lang)) + " " if people else ""
            b.counters.append((t["c_anecdote"], t["r_anecdote"].format(
                who_points=who, source=other.source, quote=other.quote.rstrip(" .;,"))))
    # questions in the board's voice: from what the proposal comes down to, and the myths it rests on
    # (a practice the proposal undoes is something customers would lose, and is asked about as such)
    practices = list(dict.fromkeys((r.practice.rstrip("."), r.undoes) for c in critiques for r in c.reasons[:1]
                                   if r.practice))
    b.questions = [t["q_undone" if undone else "q_practice"].format(practice=_lower(p)) for p, undone in practices[:3]]
    b.questions += [t["q_myth"].format(myth=m.myth.rstrip(".")[:1].lower() + m.myth.rstrip(".")[1:])
                    for m in b.myths[:2] if m.myth]
    b.questions.append(t["q_measure"])
    b.sources = list(refs)
    return b


def board_text(lang: str) -> dict:
    from ..answer.board import TEXT

    return TEXT.get(lang, TEXT["en"])


def _own(chunk) -> bool:
    return chunk.tag != "builtin"


def _add(rows: list[Row], chunk, point: str, quote: str, who: str, lang: str, refs: dict, first: bool = False) -> None:
    """One row per card or team document (a second quote from it is the same point), naming every persona
    that used it."""
    same = next((x for x in rows if x.doc == chunk.doc or x.quote == quote), None)
    if same is None:
        # a built-in card summarises its source in our words: the board reader is told so next to the source
        source = short_source(chunk.source) + (f" ({T[lang]['summary']})" if chunk.tag == "builtin" else "")
        row = Row(display(point), display(who), "", display(quote), source, chunk.card_id,
                  _reference_of(chunk, lang), chunk.id, chunk.doc)
        rows.insert(0, row) if first else rows.append(row)
        refs[row.reference] = None
    elif who and who not in same.persona.split(", "):
        same.persona = f"{same.persona}, {who}" if same.persona else who


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _why(c: Critique, lang: str) -> str:
    """The persona's deciding reason as a whole sentence without marks: what the research says of what the
    proposal does (the reason in the persona's own words comes from answer/board.py when one of their own
    practices speaks to the proposal). A mixed verdict gives a reason from each side."""
    sides = {"supports": ("for",), "opposes": ("against",), "mixed": ("for", "against")}.get(c.verdict, ())
    texts = []
    for side in sides:
        r = next((r for r in c.reasons if r.direction == side and r.practice), None) or \
            next((r for r in c.reasons if r.direction == side), None)
        if r is not None:
            texts.append(_reason_of(r, c, lang))
    return f"; {T[lang]['but']} ".join([texts[0]] + [_lower(x) for x in texts[1:]]) if texts else ""


def _reason_of(r, c: Critique, lang: str) -> str:
    own = next((e for e in c.evidence if e.label in r.evidence and _own(e.chunk)), None)
    if not r.practice and own is not None:  # the reader's reason from a team document: which one, plainly
        return f"{board_text(lang)['own'][r.direction]} ({short_source(own.chunk.source)})"
    return _reason_text(r, lang, c.evidence)


def persona_rows(b: Brief) -> list[tuple[str, str, str]]:
    """The personas' table: (names, verdict, reason). Each persona's reason is in their own words when one of
    their practices speaks to the proposal, else the research's; personas with the same verdict for the same
    reason share one row, so a reason is said once."""
    rows: dict[tuple[str, str], list[str]] = {}
    for c in b.critiques:
        why = display(b.why.get(c.persona) or _why(c, b.language)).strip()
        rows.setdefault((_verdict(c, b.language), why), []).append(b.names.get(c.persona, c.persona))
    return [(_join(names, b.language), verdict, why) for (verdict, why), names in rows.items()]


def _verdict(c: Critique, lang: str) -> str:
    return verdict_word(c.verdict, lang, c.leaning)


def to_markdown(b: Brief) -> str:
    t = T[b.language]
    cols = t["cols"]
    out = [f"# {t['title']}: {b.proposal}", "", f"_{t['prepared'].format(date=b.date)}_", "",
           f"## {t['proposal']}", "", b.proposal, "", f"## {t['say']}", "", "| " + " | ".join(cols) + " |",
           "|---|---|---|---|"]
    out[-1] = "|---|---|---|"
    for names, verdict, why in persona_rows(b):
        out.append(f"| {_cell(names)} | {verdict} | {_cell(why) or t['none']} |")
    out += ["", f"## {t['case']}", "", b.hope, "", "| " + " | ".join(t["case_cols"]) + " |", "|---|---|---|---|"]
    if not b.case_for:
        out.append(f"| {t['for']} | {_cell(t['no_for'])} | {t['none']} | {t['none']} |")
    for side, rows in ((t["goal"], b.goal), (t["for"], b.case_for), (t["against"], b.case_against)):
        for r in rows:
            who = f" ({r.persona})" if r.persona else ""
            out.append(f"| {side} | {_cell(r.claim)}{who} | ✓ “{_cell(r.quote)}” | {_cell(r.source)} |")
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
    for names, verdict, why in persona_rows(b):
        parts.append(f"<tr><td>{e(names)}</td><td>{e(verdict)}</td><td>{e(why or t['none'])}</td></tr>")
    head = "".join(f"<th>{e(x)}</th>" for x in t["case_cols"])
    parts.append(f"</table><h2>{e(t['case'])}</h2><p>{e(b.hope)}</p><table><tr>{head}</tr>")
    if not b.case_for:
        parts.append(f"<tr><td class=\"for\">{e(t['for'])}</td><td>{e(t['no_for'])}</td>"
                     f"<td>{e(t['none'])}</td><td>{e(t['none'])}</td></tr>")
    for side, cls, rows in ((t["goal"], "for", b.goal), (t["for"], "for", b.case_for),
                            (t["against"], "against", b.case_against)):
        for r in rows:
            who = f" ({r.persona})" if r.persona else ""
            parts.append(f"<tr><td class=\"{cls}\">{e(side)}</td><td>{e(r.claim)}{e(who)}</td>"
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
