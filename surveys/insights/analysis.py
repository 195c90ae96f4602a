"""One comment analysed: redaction, sentiment, themes and flags together. The one function
pages, packs and the ``analyse-text`` command use.

Public API: ``Analysis`` (text, redacted, compound, label, themes, flags),
``analyse(text, known_names=(), vocabulary=()) -> Analysis``,
``analyse_many(texts, known_names=(), vocabulary=()) -> list[Analysis]`` (the batch form:
compiles the redaction for the names once and reuses the analyser, the regexes and the theme
matcher across the batch), ``ANALYSER_VERSION`` (bump it when sentiment, themes, redaction
or flags change, so stored analyses are redone).

A comment flagged ``safeguarding`` still gets its ``redacted`` text (admins see it in the
safeguarding queue), but callers must NEVER show it as a quote: pages, packs and summaries
pick quotes only from analyses whose ``flags`` are empty.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from surveys.insights.redaction import redactor
from surveys.insights.safeguarding import flags as safeguarding_flags
from surveys.insights.sentiment import compound_of, label_for
from surveys.insights.themes import match_themes

ANALYSER_VERSION = "2"  # 2: sentence valences summed; school adjustments; name guessing in redaction


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


def analyse(text: str, known_names: Iterable[str] = (), vocabulary: Iterable[str] = ()) -> Analysis:
    return analyse_many([text], known_names, vocabulary)[0]


def analyse_many(texts: Iterable[str], known_names: Iterable[str] = (),
                 vocabulary: Iterable[str] = ()) -> list[Analysis]:
    """Each text analysed, in order. Cheaper per comment than ``analyse`` in a loop: the
    redaction for ``known_names`` is compiled once for the batch."""
    redact = redactor(known_names, vocabulary).redact
    results = []
    append = results.append
    for text in texts:
        text = text or ""
        compound = round(compound_of(text), 4)
        append(Analysis(
            text=text,
            redacted=redact(text),
            compound=compound,
            label=label_for(compound),
            themes=match_themes(text),
            flags=safeguarding_flags(text),
        ))
    return results
