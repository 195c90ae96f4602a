"""How a question's results read on a page: the wording of shares and changes, the
columns shown, the data table and the chart. Presentation only: what may be shown at
all was decided in ``surveys.results``."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import get_locale, gettext as _, ngettext
from markupsafe import Markup

from surveys import charts
from surveys.insights.summaries import InsightSummary, sentiment_words
from surveys.questions import Summary
from surveys.results import COMPLEMENT, Cell, QuestionResult

COMMENTS_SHOWN = 50


def current_locale() -> str:
    return str(get_locale() or "en")


# --- wording ----------------------------------------------------------------------------


def withheld_text(reason: str | None, threshold: int, unit: str = "responses") -> str:
    if reason == COMPLEMENT:
        return _("Hidden to protect a small group")
    if unit == "answers":
        return _("Fewer than %(n)d answers", n=threshold)
    return _("Fewer than %(n)d responses", n=threshold)


def pct(share: float | None) -> str:
    if share is None:
        return ""
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100):d}%"


def positive_sentence(q: QuestionResult, summary: Summary) -> str:
    """The positive share in words: "78% agree or strongly agree (of 54 with a view)"."""
    if summary.positive is None:
        return ""
    share, base = pct(summary.positive), summary.positive_base
    kind = q.type.kind
    if kind == "agree":
        return _("%(share)s agree or strongly agree (of %(n)d with a view)", share=share, n=base)
    if kind == "yes_no":
        return _("%(share)s answered yes (of %(n)d with a view)", share=share, n=base)
    if kind == "rating":
        mean = f"{summary.mean:.1f}" if summary.mean is not None else ""
        return _("%(share)s gave 7 or more out of 10 (of %(n)d); average %(mean)s", share=share, n=base, mean=mean)
    if kind == "faces":
        return _("%(share)s chose the happy face (of %(n)d)", share=share, n=base)
    return _("%(share)s gave a positive answer (of %(n)d with a view)", share=share, n=base)


def change_sentence(cell: Cell) -> str:
    change = cell.change
    if change is None:
        return ""
    points = round(change * 100)
    before = pct(cell.previous.positive)
    if points > 0:
        return ngettext("Up %(num)d point since the last survey (%(before)s)",
                        "Up %(num)d points since the last survey (%(before)s)", points, before=before)
    if points < 0:
        return ngettext("Down %(num)d point since the last survey (%(before)s)",
                        "Down %(num)d points since the last survey (%(before)s)", -points, before=before)
    return _("No change since the last survey (%(before)s)", before=before)


def based_on(q: QuestionResult, summary: Summary) -> str:
    if q.is_text:
        return ngettext("%(num)d comment", "%(num)d comments", summary.answered)
    return ngettext("Based on %(num)d answer", "Based on %(num)d answers", summary.answered)


# --- what a page shows of one question ----------------------------------------------------


@dataclass
class Column:
    label: str
    cell: Cell | None
    summary: Summary | None
    withheld: str = ""  # why not shown
    sentence: str = ""
    change: str = ""
    based_on: str = ""


@dataclass
class QuestionView:
    q: QuestionResult
    columns: list[Column]
    options: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # per option: label, then "n (p%)" per shown column
    chart: Markup | None = None
    comments: list[str] = field(default_factory=list)
    comment_count: int = 0
    flagged: int = 0  # comments left out under the safeguarding procedure
    insight: "InsightView | None" = None


def question_view(q: QuestionResult, specs: list[tuple[str, object, bool]], threshold: int) -> QuestionView:
    """specs: (label, group key, previous?) per column, e.g. ("This school", 12, False),
    ("Partnership", PARTNERSHIP, False), ("Last survey", 12, True)."""
    columns = []
    for label, key, previous in specs:
        cell = q.cells.get(key)
        if cell is None:
            continue
        if previous:
            if cell.previous is None:
                continue  # nothing to compare with: no column at all
            columns.append(Column(label, cell, cell.previous, based_on=based_on(q, cell.previous),
                                  sentence=positive_sentence(q, cell.previous)))
        elif not cell.shown:
            columns.append(Column(label, cell, None, withheld=withheld_text(cell.reason, threshold, cell.unit)))
        elif cell.summary.answered == 0:
            columns.append(Column(label, cell, None, withheld=_("No answers")))  # no empty chart
        else:
            columns.append(Column(label, cell, cell.summary, sentence=positive_sentence(q, cell.summary),
                                  change=change_sentence(cell), based_on=based_on(q, cell.summary)))
    view = QuestionView(q, columns)
    shown = [c for c in columns if c.summary is not None]
    if q.is_text:
        # Comments of the page's own group only (the first column): a head reads their own
        # school's, an admin the partnership's (from the schools shown).
        if columns and columns[0].cell is not None and columns[0].cell.shown:
            view.flagged = columns[0].cell.flagged
            view.insight = insight_view(columns[0].cell.insight)
        if columns and columns[0].summary is not None:
            view.comments = columns[0].summary.texts[:COMMENTS_SHOWN]
            view.comment_count = columns[0].summary.answered
        return view
    if not shown:
        return view
    choices = q.type.choices(current_locale()) if q.type.kind != "rating" else [(b.value, b.label) for b in shown[0].summary.bars]
    view.options = [label for _value, label in choices]
    for index, option in enumerate(view.options):
        row = [option]
        for c in shown:
            bar = c.summary.bars[index] if index < len(c.summary.bars) else None
            row.append(f"{bar.count} ({pct(bar.share)})" if bar else "")
        view.table.append(row)
    # Each column keeps its style (colour or hatching) whether or not the others are shown.
    if q.type.kind == "rating":
        # Eleven bars per group is too long to read: the chart bands them, the table keeps each.
        labels = [label for label, _low, _high in rating_bands()]
        series = []
        for c in shown:
            counts = [sum(b.count for b in c.summary.bars if low <= int(b.value) <= high) for _l, low, high in rating_bands()]
            total = c.summary.answered or 1
            series.append(charts.Series(c.label, [n / total for n in counts], counts, style=columns.index(c)))
    else:
        labels = view.options
        series = [charts.Series(c.label, [b.share for b in c.summary.bars], [b.count for b in c.summary.bars],
                                style=columns.index(c)) for c in shown]
    view.chart = charts.bar_chart(
        _("Answers to question %(number)d", number=q.number), charts.describe(labels, series), labels, series,
    )
    return view


def rating_bands() -> list[tuple[str, int, int]]:
    return [(_("0 to 4"), 0, 4), (_("5 or 6"), 5, 6), (_("7 or 8"), 7, 8), (_("9 or 10"), 9, 10)]




# --- what people said (themes and sentiment) ---------------------------------------------


def sentiment_label(label: str) -> str:
    return {"positive": _("Positive"), "neutral": _("Neutral or mixed"), "negative": _("Negative")}[label]


def mean_in_words(mean: float | None) -> str:
    return {
        "very_positive": _("very positive"), "positive": _("mostly positive"), "mixed": _("mixed"),
        "negative": _("mostly negative"), "very_negative": _("very negative"), "none": "",
    }[sentiment_words(mean)]


def points_change(change: float | None) -> str:
    """A change in a share in words: "up 6 points", "down 3 points", "no change"."""
    if change is None:
        return ""
    points = round(change * 100)
    if points > 0:
        return ngettext("up %(num)d point", "up %(num)d points", points)
    if points < 0:
        return ngettext("down %(num)d point", "down %(num)d points", -points)
    return _("no change")


@dataclass
class SplitRow:
    key: str
    label: str
    count: int
    share: str
    width: int  # per cent, for the bar
    change: str = ""


@dataclass
class ThemeRow:
    key: str
    name: str
    description: str
    count: int
    share: str
    feeling: str
    change: str = ""  # since the previous run, where there is one
    quotes: list = field(default_factory=list)  # (text, label in words)


@dataclass
class InsightView:
    comments: int
    based_on: str
    split: list[SplitRow]
    themes: list[ThemeRow]
    phrases: list[str]
    unthemed: int
    compared: bool  # whether a previous run was compared


def insight_view(insight: InsightSummary | None) -> InsightView | None:
    if insight is None or insight.comments == 0:
        return None
    changes = insight.split_change or {}
    split = [SplitRow(label, sentiment_label(label), getattr(insight.split, label), pct(insight.split.share(label)),
                      round(insight.split.share(label) * 100), points_change(changes.get(label)))
             for label in ("positive", "neutral", "negative")]
    themes = [
        ThemeRow(t.key, t.name, t.description, t.count, pct(t.share), mean_in_words(t.mean), points_change(t.change),
                 [(q.text, sentiment_label(q.label)) for q in t.quotes])
        for t in insight.themes
    ]
    return InsightView(
        comments=insight.comments,
        based_on=ngettext("Based on %(num)d comment.", "Based on %(num)d comments.", insight.comments),
        split=split, themes=themes, phrases=[phrase for phrase, _n in insight.phrases],
        unthemed=insight.unthemed, compared=insight.previous is not None and insight.previous.comments > 0,
    )
