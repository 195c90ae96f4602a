"""Summaries of any set of analysed comments (a question, a school, a run; later a visit or a
review): how many comments, the sentiment split, the top themes with their share and mean
sentiment, a short redacted quote or two per theme, other recurring phrases, and the change
since the previous set.

Pure functions over plain values (``Comment``): the callers decide which comments may be
summarised at all (only groups shown, never a withheld school's). Here, a comment flagged for
safeguarding is never quoted and never feeds the recurring phrases.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from surveys.insights import themes as theme_book

LABELS = ("positive", "neutral", "negative")
QUOTE_LENGTH = 200
TOP_THEMES = 6
PHRASES = 5


@dataclass(frozen=True)
class Comment:
    """One stored analysis: the comment's id, its redacted text and what was found in it."""

    id: int
    redacted: str
    compound: float
    label: str
    themes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class Split:
    positive: int = 0
    neutral: int = 0
    negative: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    def share(self, label: str) -> float:
        return getattr(self, label) / self.total if self.total else 0.0

    @property
    def shares(self) -> dict[str, float]:
        return {label: self.share(label) for label in LABELS}


@dataclass(frozen=True)
class Quote:
    text: str
    label: str
    comment_id: int


@dataclass
class ThemeSummary:
    key: str
    name: str
    description: str
    count: int
    share: float  # of all the comments summarised
    mean: float  # mean compound of the comments with this theme
    quotes: list[Quote] = field(default_factory=list)
    previous_share: float | None = None  # in the previous set, when one was given

    @property
    def change(self) -> float | None:
        return None if self.previous_share is None else self.share - self.previous_share


@dataclass
class InsightSummary:
    comments: int
    split: Split
    mean: float | None
    themes: list[ThemeSummary] = field(default_factory=list)
    phrases: list[tuple[str, int]] = field(default_factory=list)  # from comments matching no theme
    unthemed: int = 0
    previous: "InsightSummary | None" = None

    @property
    def split_change(self) -> dict[str, float] | None:
        """Change in each sentiment share since the previous set (-1..1)."""
        if self.previous is None or not self.previous.comments:
            return None
        return {label: self.split.share(label) - self.previous.split.share(label) for label in LABELS}


def sentiment_words(mean: float | None) -> str:
    """A key for the wording of a mean compound score: very_positive .. very_negative."""
    if mean is None:
        return "none"
    if mean >= 0.5:
        return "very_positive"
    if mean >= 0.05:
        return "positive"
    if mean > -0.05:
        return "mixed"
    if mean > -0.5:
        return "negative"
    return "very_negative"


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def short_quote(text: str, limit: int = QUOTE_LENGTH) -> str:
    """The text trimmed to about ``limit`` characters: whole sentences where they fit, else
    cut at a word boundary, with an ellipsis where anything was left off."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept + " …"
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return (cut or text[:limit]) + "…"


def _quote_order(comment: Comment, label: str) -> tuple:
    # The clearest voice of its kind first (strongest score), preferring comments that fit
    # without trimming; the id breaks ties so the choice is stable between page loads.
    strength = comment.compound if label == "positive" else -comment.compound
    fits = len(comment.redacted) <= QUOTE_LENGTH
    return (not fits, -strength, comment.id)


def _pick(candidates: list[Comment], label: str, used: set[int]) -> Comment | None:
    pool = sorted((c for c in candidates if c.label == label), key=lambda c: _quote_order(c, label))
    fresh = [c for c in pool if c.id not in used]
    return (fresh or pool or [None])[0]


def summarise(comments: Iterable[Comment], previous: Iterable[Comment] | None = None, *,
              top: int = TOP_THEMES, phrases: int = PHRASES, with_quotes: bool = True) -> InsightSummary:
    comments = [c for c in comments if c.redacted and c.redacted.strip()]
    total = len(comments)
    split = Split(*(sum(1 for c in comments if c.label == label) for label in LABELS))
    mean = sum(c.compound for c in comments) / total if total else None
    prior = summarise(previous, top=len(theme_book.THEMES) + 50, phrases=0, with_quotes=False) \
        if previous is not None else None

    by_theme: dict[str, list[Comment]] = {}
    for c in comments:
        for key in dict.fromkeys(c.themes):
            by_theme.setdefault(key, []).append(c)
    ranked = sorted(by_theme.items(), key=lambda kv: (-len(kv[1]), _codebook_order(kv[0])))[:top]

    summaries, used = [], set()
    for key, members in ranked:
        theme = theme_book.THEMES.get(key)
        summary = ThemeSummary(
            key=key, name=theme.name if theme else key.replace("_", " ").capitalize(),
            description=theme.description if theme else "",
            count=len(members), share=len(members) / total,
            mean=sum(c.compound for c in members) / len(members),
        )
        if with_quotes:
            quotable = [c for c in members if not c.flagged]
            for label in ("positive", "negative"):
                chosen = _pick(quotable, label, used)
                if chosen is not None:
                    used.add(chosen.id)
                    summary.quotes.append(Quote(short_quote(chosen.redacted), label, chosen.id))
        if prior is not None:
            before = next((t for t in prior.themes if t.key == key), None)
            summary.previous_share = before.share if before else 0.0
        summaries.append(summary)

    unthemed = [c for c in comments if not c.themes]
    found: list[tuple[str, int]] = []
    if phrases:
        texts = [c.redacted for c in unthemed if not c.flagged]
        found = _phrases(texts, phrases)
    return InsightSummary(total, split, mean, summaries, found, len(unthemed), prior)


def _codebook_order(key: str) -> int:
    keys = list(theme_book.THEMES)
    return keys.index(key) if key in keys else len(keys)


_MARKER = re.compile(r"\[(?:name|email|phone|postcode|link)\]")


def _phrases(texts: Sequence[str], limit: int) -> list[tuple[str, int]]:
    """Recurring phrases in the comments that matched no theme. Redaction markers are taken
    out first: "[name]" is not something people said."""
    if len(texts) < 2:
        return []
    cleaned = [_MARKER.sub(" ", t) for t in texts]
    out = []
    for item in theme_book.emergent_phrases(cleaned, limit):
        phrase, count = item if isinstance(item, tuple) else (item, 0)
        out.append((str(phrase), int(count)))
    return out[:limit]
