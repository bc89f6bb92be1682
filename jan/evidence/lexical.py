"""Lexical side of retrieval: a Dutch-stemming tokenizer with English + Dutch stopwords and Dutch
compound splitting against the indexed vocabulary ('klantwens' also matches 'klant' and 'wensen')."""

from __future__ import annotations

import re

from ..core.textclean import normalize_for_match

# Function words the bm25s lists miss; questions are full of them ("how do we…", "moeten we…").
EXTRA_STOP_EN = frozenset(re.findall(r"\S+", """
about above after again against all also am any anyone anything around be been before being below between both
can cannot could did do does doing done down during each either else even ever every few from further get gets
getting go goes going got had has have having he her here hers herself him himself his how however i i'm it's its
itself just let let's like lot lots made make makes making many may maybe me might more most much must my myself
need needs nor now off once one only other others ought our ours ourselves out over own per please quite rather
really same say says she should so some something still than that's them themselves thing things those though
through too under until up upon us very want wants way we we're what what's when where whether which while who
whom whose why would yet you you're your yours yourself yourselves don't doesn't isn't aren't won't can't
"""))
EXTRA_STOP_NL = frozenset(re.findall(r"\S+", """
we wij jullie onze ons jouw jij hen hun hunne mijn zijn zo'n elk elke ieder iedere welk welke welks zulk zulke
moeten moet moest moesten mag mogen mocht kunnen kun kunt kon konden zullen zult zou zouden willen wilt wil wilde
gaan gaat ging gingen doe doet deed deden gewoon even eigenlijk echt wel heel erg nog al juist steeds vaak soms
dus toch maar want omdat als dan wanneer waarom hoe wat wie waar waarop waarmee daarom hierom er daar hier
wordt worden werd werden is zijn was waren ben bent heb hebt heeft hebben had hadden krijgen krijgt
iets niets alles allemaal veel weinig meer ten ter komen komt kwam kwamen genoeg
"""))

_WORD = re.compile(r"\w+")


def _stopwords() -> set[str]:
    from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN

    return set(STOPWORDS_DUTCH) | set(STOPWORDS_EN) | EXTRA_STOP_EN | EXTRA_STOP_NL


def split_compound(word: str, known, stem) -> list[str]:
    """Stems of the two parts of a Dutch compound whose parts are both known stems ('klantwaarde' ->
    ['klant', 'waard']), trying the linking -s-/-en- forms and the plural of the tail ('klantwens' -> 'klant',
    'wens' as in 'wensen'); [] when no split fits."""
    if len(word) < 8 or not word.isalpha():
        return []
    for cut in range(len(word) - 4, 3, -1):
        head, tail = word[:cut], word[cut:]
        t = next((stem(f) for f in (tail, tail + "en", tail + "e") if stem(f) in known and len(stem(f)) >= 4), "")
        if not t:
            continue
        for h in (head, head[:-1] if head.endswith("s") else "", head[:-2] if head.endswith("en") else ""):
            if len(h) >= 4 and stem(h) in known:
                return [stem(h), t]
    return []


class Tokenizer:
    """Lowercased, de-hyphenated words without stopwords, Dutch-stemmed; with `known` stems set (the index
    vocabulary), compounds also yield their parts."""

    def __init__(self, known: set[str] | None = None) -> None:
        import Stemmer

        self.stem = Stemmer.Stemmer("dutch").stemWord
        self.stop = _stopwords()
        self.known: set[str] = known or set()
        self._parts: dict[str, list[str]] = {}

    def words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(normalize_for_match(text)) if w not in self.stop and len(w) > 1]

    def parts(self, word: str) -> list[str]:
        if word not in self._parts:
            self._parts[word] = split_compound(word, self.known, self.stem) if self.known else []
        return self._parts[word]

    def __call__(self, text: str) -> list[str]:
        out = []
        for w in self.words(text):
            out.append(self.stem(w))
            out.extend(self.parts(w))
        return out

    def learn(self, texts) -> None:
        """Take the stems of these texts (words of 4+ letters) as the known parts for compound splitting."""
        self.known = {self.stem(w) for t in texts for w in self.words(t) if len(w) >= 4 and w.isalpha()}
        self._parts = {}


class BM25:
    """Okapi BM25 (Lucene's idf and length normalisation, as bm25s 'lucene') with weighted query terms."""

    def __init__(self, docs: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        import numpy as np

        self.n = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        avg = float(lengths.mean()) if self.n else 1.0
        norm = k1 * (1 - b + b * lengths / (avg or 1.0))
        counts: dict[str, dict[int, int]] = {}
        for i, doc in enumerate(docs):
            for t in doc:
                counts.setdefault(t, {}).setdefault(i, 0)
                counts[t][i] += 1
        self.postings: dict[str, tuple] = {}
        for t, per in counts.items():
            ids = np.fromiter(per.keys(), dtype=np.int64, count=len(per))
            tf = np.fromiter(per.values(), dtype=np.float64, count=len(per))
            idf = np.log(1 + (self.n - len(per) + 0.5) / (len(per) + 0.5))
            self.postings[t] = (ids, idf * tf / (tf + norm[ids]))

    def scores(self, terms: dict[str, float]):
        """Score of every document for {term: weight}."""
        import numpy as np

        out = np.zeros(self.n, dtype=np.float64)
        for t, w in terms.items():
            if t in self.postings:
                ids, contrib = self.postings[t]
                out[ids] += w * contrib
        return out


def query_terms(tok: Tokenizer, query: str, *, part_w: float = 1.0, trans_w: float = 1.0,
                syn_w: float = 0.5, general_w: float = 0.0,
                thesaurus: dict[str, set[str]] | None = None) -> dict[str, float]:
    """Weighted query stems: the question's own words (1.0), their compound parts, Dutch translations of
    English words, and words of the same vocabulary group (lower weights)."""
    from .glossary import translate

    terms: dict[str, float] = {}

    def add(stem: str, w: float) -> None:
        if w > terms.get(stem, 0.0):
            terms[stem] = w

    own = tok.words(query)
    for w in own:
        add(tok.stem(w), 1.0)
        for p in tok.parts(w):
            add(p, part_w)
    for nl, curated in translate(query, tok.stop, general=general_w > 0):
        tw = trans_w if curated else general_w
        for w in tok.words(nl):
            add(tok.stem(w), tw)
            for p in tok.parts(w):
                add(p, part_w * tw)
    if thesaurus and syn_w > 0:
        for stem in list(terms):
            for word in thesaurus.get(stem, ()):
                for w in tok.words(word):
                    add(tok.stem(w), syn_w * min(1.0, terms[stem]))
    return terms
