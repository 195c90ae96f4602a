"""The themes panel beside the lead's report: what the team's evidence notes and written
findings keep coming back to, found by ``surveys.insights`` (sentiment, the codebook of
themes, redaction), with how many notes it rests on.

The texts are analysed when the page is drawn (a review has tens of notes, not thousands:
well under a tenth of a second). Snippets are redacted (names of the partnership's people,
emails, phone numbers) and a note flagged for safeguarding is never quoted.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from surveys.insights import analysis, redaction
from surveys.insights.summaries import Comment, summarise
from surveys.results_display import (
    SplitRow,
    ThemeRow,
    mean_in_words,
    pct,
    sentiment_label,
)

TOP_THEMES = 6
SNIPPET_LENGTH = 160


@dataclass
class ThemesPanel:
    notes: int  # how many notes and findings the panel rests on
    based_on: str
    split: list[SplitRow]
    themes: list[ThemeRow]
    unthemed: int
    flagged: int  # notes flagged for safeguarding: counted, never quoted

    @property
    def empty(self) -> bool:
        return self.notes == 0


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET_LENGTH:
        return text
    cut = text[:SNIPPET_LENGTH].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return (cut or text[:SNIPPET_LENGTH]) + "…"


def build(texts: list[str], partnership_id: int) -> ThemesPanel:
    """The panel for these texts (evidence notes and findings), redacting the names the
    platform holds for the partnership."""
    texts = [t for t in texts if t and t.strip()]
    analyses = analysis.analyse_many(
        texts, redaction.known_names_for(partnership_id), redaction.school_vocabulary_for(partnership_id))
    comments = [Comment(i, a.redacted, a.compound, a.label, tuple(a.themes), tuple(a.flags))
                for i, a in enumerate(analyses)]
    summary = summarise(comments, top=TOP_THEMES, phrases=0)
    n = summary.comments
    split = [SplitRow(label, sentiment_label(label), getattr(summary.split, label), pct(summary.split.share(label)),
                      round(summary.split.share(label) * 100)) for label in ("positive", "neutral", "negative")]
    themes = []
    for t in summary.themes:
        picked = [(q.comment_id, q.label) for q in t.quotes[:2]]
        if len(picked) < 2:
            # summaries quote the clearest positive and negative voices; a theme with only
            # neutral notes still gets a snippet or two to show what it rests on.
            chosen = {cid for cid, _label in picked}
            for c in comments:
                if len(picked) >= 2:
                    break
                if t.key in c.themes and not c.flagged and c.id not in chosen:
                    picked.append((c.id, c.label))
                    chosen.add(c.id)
        themes.append(ThemeRow(
            t.key, str(t.name), str(t.description), t.count, pct(t.share), mean_in_words(t.mean),
            quotes=[(_snippet(comments[cid].redacted), sentiment_label(label)) for cid, label in picked]))
    return ThemesPanel(
        notes=n,
        based_on=ngettext("Based on %(num)d note or finding written by the team.",
                          "Based on %(num)d notes and findings written by the team.", n) if n
        else _("The team has not written any evidence notes or findings yet."),
        split=split, themes=themes, unthemed=summary.unthemed,
        flagged=sum(1 for c in comments if c.flagged),
    )
