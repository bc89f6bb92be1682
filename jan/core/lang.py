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
