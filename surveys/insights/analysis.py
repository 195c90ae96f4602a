"""One comment analysed: redaction, sentiment, themes and flags together. The one function
pages, packs and the ``analyse-text`` command use.

Public API: ``Analysis`` (text, redacted, compound, label, themes, flags),
``analyse(text, known_names=()) -> Analysis``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from surveys.insights.redaction import redact
from surveys.insights.safeguarding import flags as safeguarding_flags
from surveys.insights.sentiment import score
from surveys.insights.themes import match_themes


@dataclass(frozen=True)
class Analysis:
    text: str
    redacted: str
    compound: float
    label: str
    themes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def analyse(text: str, known_names: Iterable[str] = ()) -> Analysis:
    sentiment = score(text)
    return Analysis(
        text=text,
        redacted=redact(text, known_names),
        compound=sentiment.compound,
        label=sentiment.label,
        themes=match_themes(text),
        flags=safeguarding_flags(text),
    )
