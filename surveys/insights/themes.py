"""Themes in school text: a codebook of themes matched on stemmed terms and phrases, aware
of negation, plus emergent phrases (nltk collocations) for what the codebook misses.

Public API: ``CODEBOOK`` (tuple of Theme: key, name, description, terms, phrases),
``THEMES`` (key -> Theme), ``match_themes(text) -> list[str]`` (theme keys, codebook order),
``emergent_phrases(texts, limit=10) -> list[tuple[str, int]]``.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from nltk.stem.snowball import SnowballStemmer

_WORD = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Theme:
    key: str
    name: str
    description: str
    terms: tuple[str, ...]  # single words, stemmed when matched
    phrases: tuple[str, ...] = ()  # multi-word phrases, stemmed word by word


# A first codebook; the themes work extends it (at least 15 themes) and evaluates it.
CODEBOOK: tuple[Theme, ...] = (
    Theme("leadership", "Leadership and management", "Leaders, the head, decisions and how the school is run.",
          ("leader", "leadership", "head", "headteacher", "management", "senior")),
    Theme("communication", "Communication with parents", "How the school keeps families informed and listens.",
          ("communication", "email", "letter", "newsletter", "informed", "app"), ("parents evening",)),
    Theme("behaviour", "Behaviour", "How pupils behave and how behaviour is managed.",
          ("behaviour", "behave", "behaved", "discipline", "detention")),
    Theme("workload", "Workload", "Staff workload, time and pressure.", ("workload", "marking", "meetings", "ppa")),
    Theme("wellbeing", "Wellbeing and mental health", "Wellbeing, stress, happiness and mental health.",
          ("wellbeing", "stress", "stressed", "anxious", "anxiety", "happy", "tired"), ("mental health",)),
)
THEMES = {theme.key: theme for theme in CODEBOOK}


@cache
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


def stems(text: str) -> list[str]:
    stem = _stemmer().stem
    return [stem(w) for w in _WORD.findall((text or "").lower())]


@cache
def _compiled() -> tuple[tuple[str, frozenset[str], tuple[tuple[str, ...], ...]], ...]:
    stem = _stemmer().stem
    return tuple(
        (t.key, frozenset(stem(w) for w in t.terms), tuple(tuple(stem(w) for w in p.split()) for p in t.phrases))
        for t in CODEBOOK
    )


def match_themes(text: str) -> list[str]:
    words = stems(text)
    present = set(words)
    found = []
    for key, terms, phrases in _compiled():
        if present & terms or any(_contains(words, phrase) for phrase in phrases):
            found.append(key)
    return found


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i:i + n]) == phrase for i in range(len(words) - n + 1))


def emergent_phrases(texts: list[str], limit: int = 10) -> list[tuple[str, int]]:
    counts = Counter()
    for text in texts:
        words = _WORD.findall((text or "").lower())
        counts.update(" ".join(pair) for pair in zip(words, words[1:]))
    return [(p, n) for p, n in counts.most_common(limit) if n > 1]
