"""A small English→Dutch glossary of customer-experience vocabulary, with a general word list
(`en_nl_lexicon.txt`) behind it, used to expand English questions so the lexical (BM25) side of retrieval
can match Dutch documents. Dense retrieval is cross-lingual already."""

from __future__ import annotations

from functools import cache
from pathlib import Path

EN_NL: dict[str, str] = {
    "customer": "klant klanten", "customers": "klanten klant", "client": "cliënt klant", "clients": "cliënten klanten",
    "customer-oriented": "klantgericht klantgerichtheid", "customer-focused": "klantgericht klantgerichtheid",
    "customer-centric": "klantgericht klantgerichtheid", "centric": "klantgericht", "focus": "gericht klantgerichtheid",
    "orientation": "gerichtheid", "oriented": "gericht", "experience": "ervaring klantervaring beleving",
    "experiences": "ervaringen klantervaringen", "phone": "telefoon telefoonnummer bellen", "telephone": "telefoon",
    "number": "nummer", "call": "bellen telefoon", "calls": "gesprekken bellen", "website": "website site",
    "site": "website", "complaint": "klacht klachten", "complaints": "klachten klacht", "remove": "weghalen halen",
    "drop": "weghalen schrappen", "board": "bestuur directie bestuurskamer", "boardroom": "bestuurskamer directiekamer",
    "boardrooms": "bestuurskamers directiekamers", "management": "directie management", "meeting": "vergadering",
    "meetings": "vergaderingen", "cardboard": "karton kartonnen", "doll": "pop", "price": "prijs", "cheapest": "goedkoopste laagste prijs",
    "lowest": "laagste", "cheap": "goedkoop", "product": "product producten", "features": "productkenmerken kenmerken",
    "service": "service dienstverlening", "services": "diensten dienstverlening", "staff": "medewerkers personeel",
    "employee": "medewerker", "employees": "medewerkers", "department": "afdeling", "departments": "afdelingen",
    "silo": "silo", "silos": "silo's", "channel": "kanaal", "channels": "kanalen", "contact": "contact",
    "journey": "klantreis reis", "journeys": "klantreizen", "loyalty": "loyaliteit trouw", "loyal": "loyaal trouw",
    "recommend": "aanbevelen", "recommendation": "aanbeveling", "sales": "verkoop", "sell": "verkopen",
    "members": "leden", "member": "lid leden", "association": "vereniging", "community": "community gemeenschap",
    "platform": "platform", "volunteer": "vrijwilliger", "volunteers": "vrijwilligers", "donor": "donateur",
    "donors": "donateurs", "donation": "donatie", "prototype": "prototype", "test": "testen", "testing": "testen",
    "earthquake": "aardbeving aardbevingsschade", "damage": "schade", "residents": "bewoners inwoners",
    "resident": "bewoner inwoner", "citizens": "burgers inwoners", "citizen": "burger", "government": "overheid",
    "municipality": "gemeente", "town": "gemeente", "care": "zorg", "welfare": "welzijn", "education": "onderwijs",
    "patients": "patiënten", "patient": "patiënt", "pupils": "leerlingen", "tenants": "huurders", "school": "school onderwijs",
    "hospital": "ziekenhuis zorg", "nonprofit": "social profit", "non-profit": "social profit", "social": "sociale social",
    "competition": "concurrentie", "competitors": "concurrenten", "market": "markt", "market-oriented": "marktgericht",
    "segments": "segmenten", "individual": "individuele", "value": "waarde", "values": "waarden", "emotional": "emotionele",
    "practical": "praktische", "culture": "cultuur", "leadership": "leiderschap", "leaders": "leiders", "strategy": "strategie",
    "efficiency": "efficiëntie", "protocol": "protocol", "protocols": "protocollen", "rules": "regels", "mistakes": "fouten",
    "participation": "participatie inspraak", "inform": "informeren", "informed": "geïnformeerd", "proactive": "proactief",
    "hierarchy": "hiërarchie", "myth": "mythe", "myths": "mythen", "research": "onderzoek", "survey": "onderzoek enquête",
    "roadwork": "graafwerk", "roadworks": "graafwerk", "digging": "graafwerk graven", "sign": "bord", "outage": "storing",
    "outages": "storingen", "internet": "internet", "cables": "kabels", "bandwidth": "bandbreedte", "pilot": "pilot",
    "pilots": "pilots", "needs": "behoeften", "wishes": "wensen", "listen": "luisteren", "listening": "luisteren",
    "voice": "stem", "empathy": "empathie inleven", "human": "mens menselijk", "humanity": "menselijkheid",
    "privacy": "privacy", "consent": "toestemming", "aggressive": "agressieve", "misleading": "misleidende",
    "word-of-mouth": "mond-tot-mondreclame", "negative": "negatieve", "positive": "positieve", "bank": "bank",
    "energy": "energie energiemaatschappij", "telecom": "telecom", "car": "auto", "dealer": "autodealer dealer",
    "after-sales": "nazorg", "purchase": "aankoop", "buy": "kopen", "buying": "kopen", "garden": "tuin", "bench": "bank tuinbank",
    "it": "IT", "cost": "kosten", "costs": "kosten", "money": "geld", "profit": "winst", "revenue": "omzet",
    "growth": "groei", "tooling": "tooling", "nps": "NPS", "measure": "meten", "metrics": "metingen", "week": "week",
    "policy": "beleid", "plan": "plan", "magic": "magie", "stage": "podium", "employee-satisfaction": "medewerkerstevredenheid",
    "satisfaction": "tevredenheid", "engagement": "engagement betrokkenheid", "delight": "delight", "choose": "kiezen",
    "choice": "keuze", "brand": "merk", "brands": "merken", "knowledge": "kennis", "content": "content",
    "radio": "radio", "founded": "opgericht", "director": "directeur", "chairman": "voorzitter", "bartender": "barman",
    "bar": "bar", "ambassadors": "ambassadeurs", "core": "kern kernleden", "domains": "domeinen", "legal": "wettelijke",
    "help": "helpen hulp", "helped": "geholpen", "passed": "doorverbonden",
    "waiting": "wachten wachttijd", "fast": "snel", "quickly": "snel", "personal": "persoonlijk", "person": "persoon",
    "address": "adres", "name": "naam", "shop": "winkel", "store": "winkel", "campsite": "camping",
    "humane": "menselijk", "hx": "human experience", "stakeholder": "stakeholder belanghebbende",
    "decision": "beslissing besluit", "decisions": "beslissingen", "listen-in": "meeluisteren", "picnic": "picknicktafel",
    "table": "tafel", "lost": "kwijt verloren", "hotline": "telefoonlijn", "hotlines": "telefoonlijnen",
    "callcenter": "callcenter", "call-centre": "callcenter", "centre": "center", "first": "eerste",
    "authority": "bevoegdheid mandaat", "empower": "mandaat bevoegdheid", "solve": "oplossen", "problems": "problemen",
}


def en_forms(word: str) -> list[str]:
    """The word and its likely base forms under regular English inflection ('agents' -> 'agent',
    'happier' -> 'happy', 'empowering' -> 'empower', 'organised' -> 'organise')."""
    w = word.lower()
    out = [w]
    if w.endswith("'s"):
        out.append(w[:-2])
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("es", ""), ("s", ""),
                         ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("er", ""), ("est", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            base = w[: -len(suffix)] + repl
            out.append(base)
            if len(base) > 3 and base[-1] == base[-2] and not repl:  # stopped -> stop, bigger -> big
                out.append(base[:-1])
    return list(dict.fromkeys(out))


@cache
def lexicon() -> dict[str, str]:
    """The general English→Dutch word list shipped with the package (headword TAB translations)."""
    path = Path(__file__).with_name("en_nl_lexicon.txt")
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        head, _, nl = line.partition("\t")
        if head and nl:
            out[head.strip()] = nl.strip()
    return out


def translate(query: str, skip: set[str] | frozenset[str] = frozenset(),
              general: bool = True) -> list[tuple[str, bool]]:
    """Dutch equivalents of the English words in the query, each with whether it came from the curated CX
    glossary (True) or the general word list (False); base forms are tried when the word itself is absent;
    words in `skip` (stopwords) are not translated."""
    import re

    extra = []
    general_words = lexicon() if general else {}
    for word in re.findall(r"[A-Za-z][A-Za-z\-']+", query):
        if word.lower() in skip:
            continue
        forms = en_forms(word)
        nl = next((EN_NL[f] for f in forms if f in EN_NL), None)
        if nl:
            extra.append((nl, True))
            continue
        nl = next((general_words[f] for f in forms if f in general_words), None)
        if nl:
            extra.append((nl, False))
    return extra
