"""Sentiment with nltk's VADER and the lexicon shipped in the vaderSentiment wheel (nltk's
downloader cannot reach its data here). Comments are split into sentences without nltk's
downloaded models; each sentence is scored and the scores roll up to the comment.

Public API: ``score(text) -> Sentiment`` (compound -1..1 and a label at +/-0.05),
``sentence_scores(text) -> list[tuple[str, float]]``, ``label_for(compound)``,
``analyser()`` (the platform's SentimentIntensityAnalyzer, with the education adjustments),
``plain_analyser()`` (the same lexicon, unadjusted: the baseline the bench compares with),
``sentences(text)``, ``LEXICON_OVERRIDES`` and ``TITLE_MISS`` (the adjustments, documented below).

How the choices were made (``bench/eval_sentiment.py`` over the four human-rated VADER files,
and ``tests/data/sentiment_school.tsv``, 40 school comments labelled by hand):

- Sentence splitting: a regular expression (end punctuation then a capital, digit or quote;
  or a line break). An untrained ``PunktSentenceTokenizer()`` was no better on any file and
  worse on the tweets (Pearson r 0.8765 against 0.8781 with the roll-up below).
- Roll-up: each sentence's compound is turned back into VADER's raw valence sum, the sums
  are added, and the total normalised as VADER does (``x / sqrt(x^2 + 15)``). A comment of
  one sentence is simply scored whole. The mean of sentence compounds lost up to 0.044 r
  on the tweets (0.8333 against plain VADER's 0.8777) and a length-weighted mean 0.055;
  the valence sum stays within 0.001 of scoring the whole text on every file, and keeps
  sentence boundaries for VADER's "but" and punctuation rules.
"""
from __future__ import annotations

import importlib.resources
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nltk
from nltk.sentiment.vader import SentiText, SentimentIntensityAnalyzer

POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05
_ALPHA = 15  # VADER's normalisation constant: compound = x / sqrt(x*x + alpha)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
# Cheap pre-check: a comment with no end punctuation followed by space, and no line break,
# is one sentence, and is scored whole without running the splitter.
_MAYBE_SEVERAL = re.compile(r"[.!?]\s|\n")

# Education-specific adjustments, applied to a COPY of the lexicon held by ``analyser()``
# only; ``plain_analyser()`` and nltk's defaults are untouched. Each stays only because the
# evaluation shows it does not hurt the rated files (within 0.01 r, as the issue requires)
# and helps on the school comments (see the module docstring and bench/eval_sentiment.py).
LEXICON_OVERRIDES: dict[str, float] = {
    # School-speak praise VADER reads as criticism, or does not know.
    "rigorous": 1.2,      # VADER -1.1 ("harsh"); "a rigorous curriculum" is praise in schools
    "inclusive": 1.5,     # not in VADER; "an inclusive school"
    # Criticism VADER does not know.
    "inconsistent": -1.3,  # "marking is inconsistent between classes"
    "unsustainable": -1.8,  # "workload is unsustainable"
    "concerns": -0.8,      # "I raised concerns about ..."
    "concerned": -1.0,     # "we are concerned that ..."
    # "special educational needs" / "special needs" describe a child, not a judgement
    # (VADER: special +1.7). Handled as a phrase in _PHRASES below, not here.
}
# Deliberately left alone: "behaviour"/"behavior" (absent from VADER: neutral, as it should
# be), "strict" and "stretch"/"stretched" (absent: neutral; school usage goes both ways,
# "stretched in maths" and "stretched thin"), "challenging" (VADER +0.6: "challenging lessons"
# is praise) except in "challenging behaviour" (below).

# Phrases rewritten for scoring only (the stored text is never changed).
_PHRASES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\bspecial (?:educational )?needs\b", re.IGNORECASE), "send"),
    (re.compile(r"\bchallenging (?=behaviou?r)", re.IGNORECASE), "difficult "),
)
# "Miss Harper" is a title, not VADER's "miss" (-0.6): a capitalised Miss before a
# capitalised word is read as "Ms".
TITLE_MISS = re.compile(r"\bMiss(?=\.?\s+[A-Z])")
_NEEDS_REWRITE = re.compile(r"special|challenging|Miss", re.IGNORECASE)


@dataclass(frozen=True)
class Sentiment:
    compound: float
    label: str  # positive, neutral or negative


def _lexicon_path() -> Path:
    lexicon = Path(str(importlib.resources.files("vaderSentiment") / "vader_lexicon.txt")).resolve()
    if str(lexicon.parent) not in nltk.data.path:
        nltk.data.path.append(str(lexicon.parent))  # nltk only opens files under its data path
    return lexicon


class _FastSentiText(SentiText):
    """nltk's SentiText with the same tokens, found without building a dictionary of every
    word joined to every punctuation mark (that costs most of a short comment's scoring).

    nltk strips one leading or trailing run from ``PUNC_LIST`` off a token when what is left
    is a word of the text with punctuation removed; a key can only be one of "punctuation +
    word" or "word + punctuation", so checking each token directly gives identical tokens
    (tests/surveys/test_sentiment.py compares the two)."""

    def _words_and_emoticons(self):
        words_only = {w for w in self.REGEX_REMOVE_PUNCTUATION.sub("", self.text).split() if len(w) > 1}
        punctuation = self.PUNC_LIST
        tokens = []
        for token in self.text.split():
            if len(token) <= 1:
                continue
            if token not in words_only:
                for mark in punctuation:
                    if token.endswith(mark) and token[:-len(mark)] in words_only:
                        token = token[:-len(mark)]
                        break
                    if token.startswith(mark) and token[len(mark):] in words_only:
                        token = token[len(mark):]
                        break
            tokens.append(token)
        return tokens


class _PlatformAnalyser(SentimentIntensityAnalyzer):
    """nltk's analyser, scoring exactly as ``SentimentIntensityAnalyzer.polarity_scores``
    (nltk 3.9/3.10) but with ``_FastSentiText``."""

    def polarity_scores(self, text):
        sentitext = _FastSentiText(text, self.constants.PUNC_LIST, self.constants.REGEX_REMOVE_PUNCTUATION)
        sentiments = []
        words_and_emoticons = sentitext.words_and_emoticons
        first_index = {}
        for idx, token in enumerate(words_and_emoticons):
            if token not in first_index:
                first_index[token] = idx
        boosters = self.constants.BOOSTER_DICT
        last = len(words_and_emoticons) - 1
        for item in words_and_emoticons:
            i = first_index[item]
            lower = item.lower()
            if (i < last and lower == "kind" and words_and_emoticons[i + 1].lower() == "of") or lower in boosters:
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words_and_emoticons, sentiments)
        return self.score_valence(sentiments, text)


@cache
def plain_analyser() -> SentimentIntensityAnalyzer:
    """nltk's VADER with the wheel's lexicon, unadjusted (the baseline)."""
    return SentimentIntensityAnalyzer(lexicon_file=_lexicon_path().as_uri())


@cache
def analyser() -> SentimentIntensityAnalyzer:
    """The platform's analyser: its own instance, whose lexicon is a copy with
    ``LEXICON_OVERRIDES`` applied."""
    platform = _PlatformAnalyser(lexicon_file=_lexicon_path().as_uri())
    platform.lexicon = {**platform.lexicon, **LEXICON_OVERRIDES}
    return platform


def label_for(compound: float) -> str:
    if compound >= POSITIVE_FROM:
        return "positive"
    if compound <= NEGATIVE_TO:
        return "negative"
    return "neutral"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _for_scoring(text: str) -> str:
    if not _NEEDS_REWRITE.search(text):
        return text
    text = TITLE_MISS.sub("Ms", text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def _valence(compound: float) -> float:
    """VADER's raw valence sum behind a compound score (the inverse of its normalisation)."""
    compound = max(-0.9999, min(0.9999, compound))
    return compound * math.sqrt(_ALPHA / (1.0 - compound * compound))


def roll_up(compounds: list[float]) -> float:
    """Sentence compounds -> the comment's compound: add the raw valences, normalise."""
    if not compounds:
        return 0.0
    if len(compounds) == 1:
        return compounds[0]
    total = sum(_valence(c) for c in compounds)
    return total / math.sqrt(total * total + _ALPHA)


def sentence_scores(text: str) -> list[tuple[str, float]]:
    """Each sentence of the comment with its compound score."""
    polarity = analyser().polarity_scores
    return [(part, polarity(_for_scoring(part))["compound"]) for part in sentences(text)]


def compound_of(text: str) -> float:
    """The comment's compound, unrounded. One sentence is scored whole; several are scored
    one by one and rolled up (``roll_up``)."""
    return _compound(text, analyser().polarity_scores, _for_scoring)


def _compound(text: str, polarity, rewrite=_for_scoring) -> float:
    text = (text or "").strip()
    if not text:
        return 0.0
    if not _MAYBE_SEVERAL.search(text):
        return polarity(rewrite(text))["compound"]
    parts = sentences(text)
    if len(parts) == 1:
        return polarity(rewrite(parts[0]))["compound"]
    return roll_up([polarity(rewrite(part))["compound"] for part in parts])


def score(text: str) -> Sentiment:
    compound = round(compound_of(text), 4)
    return Sentiment(compound, label_for(compound))
