"""Words for contact exports, in Dutch and English: column names per role, channel names, stop words, and a
small bilingual vocabulary of why customers get in touch (so Dutch and English rows about the same thing
fall into one topic and a topic is named in both languages).

Everything here is data; the functions only look words up."""

from __future__ import annotations

import re
import unicodedata

ROLES = ("date", "channel", "category", "text", "segment")

# column names per role, normalised by `norm_name` (lowercase, letters and digits only)
ROLE_NAMES: dict[str, set[str]] = {
    "date": {"date", "datum", "created", "createdat", "creationdate", "createddate", "aangemaakt", "aanmaakdatum",
             "timestamp", "tijdstip", "received", "receivedat", "ontvangen", "ontvangstdatum", "contactdate",
             "contactdatum", "day", "dag", "opened", "openedat", "geopend", "registered", "geregistreerd",
             "datetime", "datumtijd", "when", "wanneer", "reportdate", "meldingsdatum", "datummelding", "time",
             "tijd", "startdate", "startdatum"},
    "channel": {"channel", "kanaal", "contactkanaal", "contactchannel", "medium", "via", "source", "bron",
                "origin", "herkomst", "inkomendkanaal", "inboundchannel", "kanaalcontact", "channelname"},
    "category": {"category", "categorie", "cat", "reason", "reden", "contactreason", "contactreden", "topic",
                 "onderwerp", "subject", "type", "contacttype", "soort", "classification", "classificatie",
                 "label", "thema", "theme", "issuetype", "calltype", "vraagtype", "soortvraag", "casetype",
                 "hoofdcategorie", "maincategory", "reasoncode", "redencode"},
    "text": {"text", "tekst", "description", "omschrijving", "beschrijving", "message", "bericht", "body",
             "content", "inhoud", "notes", "note", "notitie", "notities", "opmerking", "opmerkingen", "comment",
             "comments", "remarks", "klacht", "complaint", "summary", "samenvatting", "question", "vraag",
             "verbatim", "toelichting", "details", "detail", "feedback", "klantvraag", "freetext", "vrijetekst",
             "customertext", "transcript"},
    "segment": {"segment", "customersegment", "klantsegment", "klanttype", "customertype", "doelgroep",
                "klantgroep", "customergroup", "tier", "plan", "abonnement", "subscription", "markt", "market",
                "klantsoort", "accounttype"},
}

# raw channel value (normalised by `norm_value`) -> canonical channel
_CHANNEL_WORDS = {
    "phone": "phone, telephone, telefoon, telefonisch, tel, call, calls, bellen, gebeld, voice, inbound call, "
             "callcenter, call centre, call center, ivr, phone call, telefoongesprek, gesprek",
    "chat": "chat, webchat, livechat, live chat, chatbot, chat bot, online chat",
    "email": "email, e mail, mail, emails, e mails, inbox",
    "webform": "webform, web form, contactform, contact form, contactformulier, webformulier, formulier, "
               "form, online form",
    "social": "social, social media, sociale media, twitter, x, facebook, instagram, linkedin, tiktok",
    "whatsapp": "whatsapp, whats app, wa",
    "store": "store, shop, winkel, balie, counter, in store, filiaal, bezoek, visit",
    "letter": "letter, post, brief, postal",
    "app": "app, mobile app, mobiele app, in app",
}
CHANNELS: dict[str, str] = {w.strip(): canon for canon, words in _CHANNEL_WORDS.items() for w in words.split(",")}

CHANNEL_LABELS = {
    "phone": ("phone", "telefoon"), "chat": ("chat", "chat"), "email": ("email", "e-mail"),
    "webform": ("web form", "webformulier"), "social": ("social media", "sociale media"),
    "whatsapp": ("WhatsApp", "WhatsApp"), "store": ("shop", "winkel"), "letter": ("letter", "brief"),
    "app": ("app", "app"),
}

SEGMENT_WORDS = {"consumer", "consumers", "business", "zakelijk", "particulier", "particulieren", "smb", "mkb",
                 "enterprise", "residential", "retail", "b2b", "b2c", "prepaid", "postpaid", "premium", "basic",
                 "student", "senior", "senioren", "zzp", "corporate", "small business", "grootzakelijk"}

STOP = set(["a", "an", "the", "and", "or", "but", "if", "then", "of", "to", "in", "on", "at", "by", "for", "with", "from", "about", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "i", "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "their", "there", "here", "not", "no", "yes", "do", "does", "did", "done", "have", "has", "had", "can", "could", "would", "should", "will", "just", "so", "very", "too", "also", "still", "again", "up", "down", "out", "over", "into", "than", "only", "own", "same", "such", "please", "thanks", "thank", "hi", "hello", "dear", "regards", "kind", "get", "got", "one", "two", "al", "de", "het", "een", "en", "of", "maar", "als", "dan", "van", "te", "in", "op", "aan", "bij", "voor", "met", "uit", "over", "naar", "om", "is", "zijn", "was", "waren", "ben", "bent", "wordt", "worden", "werd", "ik", "mij", "me", "mijn", "wij", "we", "ons", "onze", "jij", "je", "jou", "jouw", "u", "uw", "hij", "zij", "ze", "hun", "hen", "er", "hier", "daar", "niet", "geen", "wel", "ja", "nee", "doe", "doet", "deed", "heb", "hebt", "heeft", "had", "hadden", "kan", "kunt", "kon", "zou", "zouden", "moet", "moeten", "zal", "zullen", "nog", "ook", "al", "weer", "zo", "zeer", "heel", "erg", "alleen", "dat", "die", "dit", "deze", "wat", "wie", "waar", "hoe", "dus", "want", "toch", "even", "graag", "bedankt", "dank", "groet", "groeten", "hallo", "hoi", "beste", "vriendelijke", "mvg", "gr", "sinds", "via", "tot", "na", "per", "when", "what", "where", "why", "how", "who", "which", "whom", "now", "since", "after", "before", "every", "each", "more", "most", "much", "many", "some", "any", "all", "nothing", "anything", "something", "already", "yet", "other", "another", "time", "day", "days", "week", "weeks", "month", "months", "year", "hour", "hours", "two", "three", "four", "first", "last", "next", "once", "twice", "don", "won", "isn", "didn", "doesn", "cannot", "can't", "still", "even", "really", "just", "also", "today", "tomorrow", "yesterday", "morning", "evening", "tonight", "customer", "reports", "report", "upset", "soon", "advance", "team", "thing", "things", "wanneer", "waarom", "waar", "welke", "welk", "meer", "veel", "weinig", "steeds", "alweer", "elke", "elk", "iedere", "ieder", "hele", "heel", "helemaal", "komt", "komen", "gaat", "gaan", "staat", "staan", "ligt", "liggen", "keer", "twee", "drie", "vier", "eerste", "tweede", "volgende", "vorige", "maand", "maanden", "week", "weken", "dag", "dagen", "uur", "uren", "normaal", "begrijp", "zegt", "zeggen", "nodig", "krijgen", "krijg", "krijgt", "mag", "gebruikt", "rond", "weg", "tegen", "vandaag", "morgen", "gisteren", "vanochtend", "vanavond", "avond", "ochtend", "klant", "meldt", "melding", "reactie", "alvast", "snel", "iets", "niets", "iemand", "niemand", "bij", "om", "ook", "zelf"])

# why customers get in touch: English concept word -> the Dutch and English words that mean it.
# The first Dutch word names the concept in Dutch.
CONCEPTS: dict[str, tuple[str, ...]] = {
    "outage": ("storing", "storingen", "outage", "outages", "down", "offline", "uitval", "onderbreking", "werkt",
               "working", "valt", "drops", "dropping", "uitgevallen", "broken", "kapot"),
    "internet": ("internet", "wifi", "wi-fi", "verbinding", "connection", "connectie", "online"),
    "slow": ("traag", "langzaam", "slow", "sluggish", "snelheid", "speed"),
    "invoice": ("factuur", "facturen", "rekening", "invoice", "invoices", "bill", "billing", "bills", "nota"),
    "charge": ("afschrijving", "afgeschreven", "charged", "charge", "incasso", "debit", "betaling", "payment",
               "betaald", "paid", "dubbel", "twice", "double"),
    "price": ("prijs", "prijzen", "price", "prices", "tarief", "tarieven", "duur", "expensive", "kosten", "cost",
              "costs", "verhoging", "increase", "duurder", "hoger", "higher"),
    "move": ("verhuizing", "verhuizen", "verhuis", "move", "moving", "relocation", "adres", "address",
             "nieuwe", "new"),
    "cancel": ("opzeggen", "opzegging", "cancel", "cancellation", "terminate", "stoppen", "beeindigen"),
    "contract": ("contract", "abonnement", "subscription", "verlengen", "renew", "renewal", "looptijd"),
    "technician": ("monteur", "technician", "engineer", "afspraak", "appointment", "installatie",
                   "installation", "visit", "verzetten", "reschedule", "verschenen"),
    "router": ("router", "modem", "kastje", "box", "lampje", "light", "knippert", "blinking"),
    "tv": ("tv", "televisie", "television", "zender", "zenders", "channels", "decoder", "beeld", "picture"),
    "mobile": ("mobiel", "mobile", "sim", "simkaart", "bereik", "coverage", "signal",
               "signaal", "bundel", "data"),
    "website": ("website", "site", "webpagina", "page", "pagina", "online", "web"),
    "login": ("inloggen", "login", "log", "wachtwoord", "password", "account", "app", "foutmelding", "error",
              "inlog"),
    "waiting": ("wachten", "wachttijd", "wacht", "wait", "waiting", "hold", "queue", "wachtrij", "lang", "long"),
    "callback": ("terugbellen", "teruggebeld", "callback", "call", "back", "bellen", "gebeld"),
    "complaint": ("klacht", "klachten", "complaint", "complaints", "ontevreden", "unhappy", "boos", "angry"),
    "delivery": ("levering", "bezorging", "geleverd", "delivery", "delivered", "pakket", "package", "parcel",
                 "verzending", "shipping"),
    "refund": ("terugbetaling", "terugstorten", "refund", "refunded", "geld", "money", "terug"),
    "privacy": ("privacy", "gegevens", "data", "avg", "gdpr"),
}
_WORD_CONCEPT: dict[str, str] = {}
for _concept, _words in CONCEPTS.items():
    for _w in (_concept, *_words):
        _WORD_CONCEPT.setdefault(_w, _concept)
DUTCH_NAME = {c: next((w for w in ws if w != c), c) for c, ws in CONCEPTS.items()}
DUTCH_NAME.update({"internet": "internet", "router": "router", "tv": "tv", "website": "website",
                   "mobile": "mobiel", "login": "inloggen", "callback": "terugbellen", "waiting": "wachttijd",
                   "contract": "contract", "privacy": "privacy"})

_TOKEN = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9\-]{1,30}")


def norm_name(name: str) -> str:
    """A column name as compared: lowercase ASCII letters and digits only ('Contact-datum ' -> 'contactdatum')."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def norm_value(value: str) -> str:
    """A cell value as compared with word lists: lowercase, separators as single spaces."""
    return re.sub(r"[\s_\-/.]+", " ", str(value).strip().lower()).strip()


def channel_of(value: str) -> str | None:
    """The canonical channel for a raw value ('Telefonisch' -> 'phone'), or None when unknown."""
    v = norm_value(value)
    return CHANNELS.get(v) or CHANNELS.get(v.replace(" ", ""))


def channel_label(canon: str, language: str = "en") -> str:
    pair = CHANNEL_LABELS.get(canon)
    return (pair[1] if language == "nl" else pair[0]) if pair else canon


def tokens(text: str) -> list[str]:
    """Content words of a contact text: lowercase, stop words out, each mapped to its concept when it has one
    ('factuur' and 'bill' both become 'invoice')."""
    out = []
    for w in _TOKEN.findall(str(text).lower()):
        w = w.strip("-")
        if len(w) < 2 or w in STOP:
            continue
        out.append(_WORD_CONCEPT.get(w) or _WORD_CONCEPT.get(_singular(w)) or w)
    return out


def _singular(w: str) -> str:
    for end in ("en", "s"):
        if w.endswith(end) and len(w) > len(end) + 3:
            return w[: -len(end)]
    return w


def topic_tokens(text: str) -> list[str]:
    """`tokens` with each concept word counted three times: the topic model groups by what a contact is about
    (the concepts) more than by how it happens to be phrased."""
    out = tokens(text)
    return out + [t for t in out if t in CONCEPTS] * 2


def concept(word: str) -> str:
    """The concept a word stands for (itself when it has none)."""
    w = str(word).lower().strip()
    return _WORD_CONCEPT.get(w) or _WORD_CONCEPT.get(_singular(w)) or w


def word_label(word: str, language: str = "en") -> str:
    """A topic word as shown: a concept in the asked language, any other word as it is."""
    if word in CONCEPTS:
        return DUTCH_NAME.get(word, word) if language == "nl" else word
    return word
