"""Tiny language guess for questions: Dutch, English, or another language/script."""

from __future__ import annotations

import re

NL = set(["de", "het", "een", "en", "van", "ik", "je", "jij", "wij", "we", "zij", "niet", "wat", "wie", "waarom", "hoe", "moeten", "moet", "willen", "wil", "kunnen", "kan", "zou", "is", "zijn", "er", "dat", "die", "dit", "deze", "voor", "met", "op", "aan", "als", "ook", "maar", "dan", "nog", "wel", "geen", "onze", "ons", "hun", "klant", "klanten", "vind", "vindt", "denk", "denkt", "weghalen", "halen", "alleen", "meer", "minder", "bij", "naar", "over"])
EN = set(["the", "a", "an", "and", "of", "i", "you", "we", "they", "not", "what", "who", "why", "how", "should", "must", "want", "can", "could", "would", "is", "are", "there", "that", "this", "these", "for", "with", "on", "to", "as", "also", "but", "then", "still", "our", "us", "their", "customer", "customers", "think", "remove", "only", "more", "fewer", "less", "about", "from", "does", "do", "your", "my", "me", "it", "be", "will", "please", "have", "has", "if", "or", "at", "by", "was", "were", "all"])


def detect(text: str, default: str = "en") -> str:
    letters = re.findall(r"[^\W\d_]", text)
    if letters:
        latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
        if latin / len(letters) < 0.5:
            return "other"
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    nl = sum(w in NL for w in words)
    en = sum(w in EN for w in words)
    if nl == en:
        return default
    return "nl" if nl > en else "en"


# Words of the EN list that are not also Dutch words ("of", "want", "me", "was" are), plus a few a small model
# mixes into Dutch: a Dutch sentence holding one of them is not Dutch.
ENGLISH_ONLY = (EN - NL - {"of", "want", "me", "was", "a", "an", "as", "do"}) | {"proposal", "verdict", "evidence"}


def english_words(text: str) -> list[str]:
    """The English-only words in a text meant to be Dutch (names and quotes are the caller's to leave out)."""
    return [w for w in re.findall(r"[a-zà-ÿ']+", text.lower()) if w in ENGLISH_ONLY]

