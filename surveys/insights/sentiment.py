"""Sentiment with nltk's VADER and the lexicon shipped in the vaderSentiment wheel (nltk's
downloader cannot reach its data here). Comments are split into sentences without nltk's
downloaded models; each sentence is scored and the scores roll up to the comment.

Public API: ``score(text) -> Sentiment`` (compound -1..1 and a label at +/-0.05),
``label_for(compound)``, ``analyser()`` (the shared SentimentIntensityAnalyzer).
"""
from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nltk
from nltk.sentiment.vader import SentimentIntensityAnalyzer

POSITIVE_FROM = 0.05
NEGATIVE_TO = -0.05

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")


@dataclass(frozen=True)
class Sentiment:
    compound: float
    label: str  # positive, neutral or negative


@cache
def analyser() -> SentimentIntensityAnalyzer:
    lexicon = Path(str(importlib.resources.files("vaderSentiment") / "vader_lexicon.txt")).resolve()
    if str(lexicon.parent) not in nltk.data.path:
        nltk.data.path.append(str(lexicon.parent))  # nltk only opens files under its data path
    return SentimentIntensityAnalyzer(lexicon_file=lexicon.as_uri())


def label_for(compound: float) -> str:
    if compound >= POSITIVE_FROM:
        return "positive"
    if compound <= NEGATIVE_TO:
        return "negative"
    return "neutral"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def score(text: str) -> Sentiment:
    parts = sentences(text)
    if not parts:
        return Sentiment(0.0, "neutral")
    scores = [analyser().polarity_scores(part)["compound"] for part in parts]
    compound = sum(scores) / len(scores)
    return Sentiment(round(compound, 4), label_for(compound))
