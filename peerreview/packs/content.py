"""What goes into one school's feedback pack for one period: a tree of plain dataclasses, no
HTML. ``gather`` reads the activities and instruments through their own reads:

- the peer review: the school's reviews as host in the period whose report was submitted or
  agreed (lines of enquiry, findings, next steps, the head's reply);
- pupil voice: pupil visits the school hosted in the period, closed (``visits.summary``:
  faces, stars and wishes by theme, redacted quotes, nothing flagged);
- surveys: runs that include the school, closed in the period and released
  (``surveys.results.run_results``: every figure, withheld group and quote comes from there;
  nothing here counts answers itself);
- at a glance: the themes each source's text comes back to (``surveys.insights``), marked
  corroborated when two or more sources share one.

Call it with the pack's language already forced (``flask_babel.force_locale``): theme names
and withheld wording are resolved as it runs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from peerreview.core import clock
from peerreview.core.directory.models import School
from peerreview.extensions import db
from peerreview.reviews.models import Review, ReviewReport
from peerreview.reviews.report_queries import team_texts
from peerreview.visits.labels import focus_title, prompt_text
from peerreview.visits.models import PupilVisit
from peerreview.visits.summary import summarise_visit
from surveys.insights import analysis, redaction
from surveys.insights.summaries import Comment, short_quote, summarise
from surveys.models import RunSchool, SurveyRun
from surveys.results import PARTNERSHIP, Cell, Scope, results_released, run_results

REPORTED = ("submitted", "agreed")
AUDIENCE_ORDER = ("staff", "parents", "pupils")
SOURCE_ORDER = ("review", "visit", "staff", "parents", "pupils")
MIN_MENTIONS = 2  # a theme counts for a source when at least this many of its texts raise it
QUOTES_PER_SOURCE = 1
THEMES_PER_SURVEY = 5
QUOTE_LENGTH = 160

Progress = Callable[[int], None]


# --- the tree ----------------------------------------------------------------------------


@dataclass
class Period:
    start: date
    end: date

    def __contains__(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass
class Source:
    """A source the pack could draw on, and whether this period has it."""

    key: str  # review, visit, staff, parents, pupils
    count: int  # reviews, visits or survey runs included


@dataclass
class Evidence:
    """What one source says about a theme."""

    source: str
    mentions: int  # texts raising the theme
    texts: int  # texts the source has in all
    mean: float | None  # mean sentiment of the texts raising it (-1..1)
    quotes: list[str] = field(default_factory=list)
    detail: dict[str, int] = field(default_factory=dict)  # pupil visits: {"stars": 3, "wishes": 2}


@dataclass
class GlanceTheme:
    key: str
    name: str
    description: str
    evidence: list[Evidence]

    @property
    def corroborated(self) -> bool:
        return len(self.evidence) >= 2

    @property
    def mentions(self) -> int:
        return sum(e.mentions for e in self.evidence)


@dataclass
class Finding:
    number: int
    question: str
    priority: str
    went_well: str
    even_better_if: str
    estimate: str | None


@dataclass
class Step:
    action: str
    owner: str
    due_on: date
    done_on: date | None
    source: str = "review"

    def status(self, today: date) -> str:
        if self.done_on:
            return "done"
        return "overdue" if self.due_on < today else "open"


@dataclass
class ReviewPart:
    review_date: date | None
    round_name: str
    status: str  # submitted or agreed
    team: list[str]  # reviewers' names, the lead first
    lead: str | None
    self_evaluation: str
    summary: str
    findings: list[Finding]
    steps: list[Step]
    head_reply: str
    submitted_on: date | None
    agreed_on: date | None
    use_estimates: bool


@dataclass
class PromptRow:
    text: str
    counts: dict[str, int]  # happy, ok, sad
    answered: int

    def share(self, face: str) -> float:
        return self.counts[face] / self.answered if self.answered else 0.0


@dataclass
class VisitTheme:
    name: str
    count: int
    quotes: list[str]


@dataclass
class VisitPart:
    visit_date: date
    focus: str
    children: int
    schools: int
    prompts: list[PromptRow]
    like: dict[str, int]
    stars: list[VisitTheme]
    star_count: int
    wishes: list[VisitTheme]
    wish_count: int
    star_quotes: list[str]
    wish_quotes: list[str]
    flagged: int

    @property
    def like_answered(self) -> int:
        return sum(self.like.values())


@dataclass
class QuestionRow:
    number: int
    text: str
    section: str
    school: float | None  # share positive, when shown
    school_base: int
    school_withheld: str  # why not shown ("" when shown)
    partnership: float | None
    partnership_base: int
    partnership_withheld: str
    change: float | None  # since the school's previous run, where both are shown
    mean: float | None = None  # ratings

    @property
    def gap(self) -> float | None:
        """The school's share positive minus the partnership's, where both are shown."""
        if self.school is None or self.partnership is None:
            return None
        return self.school - self.partnership


@dataclass
class SurveyTheme:
    key: str
    name: str
    count: int
    share: float
    mean: float
    quotes: list[str]


@dataclass
class SurveyPart:
    key: str  # an anchor
    title: str
    audience: str
    opens_on: date
    closes_on: date
    threshold: int
    shown: bool  # the school's group is shown at all
    withheld_reason: str | None  # few or complement, when not shown
    responses: int | None
    partnership_responses: int | None
    previous_title: str | None
    questions: list[QuestionRow]
    comments: int = 0
    split: dict[str, int] = field(default_factory=dict)  # positive / neutral / negative comment counts
    themes: list[SurveyTheme] = field(default_factory=list)
    flagged: int = 0
    not_charted: int = 0  # questions without a positive answer (e.g. "Does your child have SEND?")


@dataclass
class PackContent:
    school: School
    partnership_name: str
    period: Period
    locale: str
    generated_on: date
    sources: list[Source]
    reviews: list[ReviewPart]
    visits: list[VisitPart]
    surveys: list[SurveyPart]
    glance: list[GlanceTheme]
    steps: list[Step]
    thresholds: list[int]

    @property
    def has_data(self) -> bool:
        return bool(self.reviews or self.visits or self.surveys)

    @property
    def corroborated(self) -> list[GlanceTheme]:
        return [t for t in self.glance if t.corroborated]

    @property
    def single_source(self) -> list[GlanceTheme]:
        return [t for t in self.glance if not t.corroborated]

    def surveys_for(self, audience: str) -> list[SurveyPart]:
        return [s for s in self.surveys if s.audience == audience]


# --- gathering ----------------------------------------------------------------------------


def _locale_code() -> str:
    return "cy" if str(get_locale() or "en").startswith("cy") else "en"


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _reviews(school: School, period: Period) -> list[tuple[Review, ReviewReport]]:
    rows = db.session.execute(
        select(Review, ReviewReport).join(ReviewReport, ReviewReport.review_id == Review.id)
        .where(Review.host_school_id == school.id, Review.status.in_(REPORTED))
        .options(selectinload(Review.lines), selectinload(Review.team), selectinload(Review.round),
                 selectinload(ReviewReport.findings), selectinload(ReviewReport.next_steps))
        .order_by(Review.review_date, Review.id)
    ).all()
    return [(review, report) for review, report in rows
            if (review.review_date or _day(report.submitted_at)) in period]


def _review_part(review: Review, report: ReviewReport) -> ReviewPart:
    findings = {f.line_id: f for f in report.findings}
    lines = []
    for line in review.lines:
        f = findings.get(line.id)
        lines.append(Finding(line.position + 1, line.question, line.sip_priority,
                             f.went_well if f else "", f.even_better_if if f else "", f.estimate if f else None))
    lead = review.lead
    return ReviewPart(
        review_date=review.review_date, round_name=review.round.name, status=review.status,
        team=[m.person.name for m in review.team], lead=lead.person.name if lead else None,
        self_evaluation=review.self_evaluation or "", summary=report.summary or "", findings=lines,
        steps=[Step(s.action, s.owner, s.due_on, s.done_on) for s in report.next_steps],
        head_reply=report.head_reply or "", submitted_on=_day(report.submitted_at), agreed_on=_day(report.agreed_at),
        use_estimates=review.round.use_estimates,
    )


def _review_texts(review: Review, report: ReviewReport) -> list[str]:
    """The written evidence of a review: the report's findings and summary and the team's notes."""
    texts = [report.summary]
    for f in report.findings:
        texts += [f.went_well, f.even_better_if]
    texts += team_texts(review)
    return [t for t in texts if t and t.strip()]


def _analysed(texts: list[str], partnership_id: int) -> list[Comment]:
    found = analysis.analyse_many(texts, redaction.known_names_for(partnership_id),
                                  redaction.school_vocabulary_for(partnership_id))
    return [Comment(i, a.redacted, a.compound, a.label, tuple(a.themes), tuple(a.flags)) for i, a in enumerate(found)]


def _text_evidence(source: str, comments: list[Comment]) -> dict[str, tuple[str, str, Evidence]]:
    """Themes of a set of analysed texts: key -> (name, description, evidence), with quotes
    (never a flagged text)."""
    summary = summarise(comments, phrases=0)
    out = {}
    for theme in summary.themes:
        quotes = [q.text for q in theme.quotes]
        if not quotes:  # neutral notes: still show what the theme rests on
            quotes = [c.redacted for c in comments if theme.key in c.themes and not c.flagged][:1]
        out[theme.key] = (str(theme.name), str(theme.description),
                          Evidence(source, theme.count, summary.comments, theme.mean,
                                   [short_quote(q, QUOTE_LENGTH) for q in quotes[:QUOTES_PER_SOURCE]]))
    return out


def _visits(school: School, period: Period) -> list[PupilVisit]:
    visits = db.session.scalars(
        select(PupilVisit).where(PupilVisit.host_school_id == school.id, PupilVisit.status == "closed",
                                 PupilVisit.visit_date >= period.start, PupilVisit.visit_date <= period.end)
        .options(selectinload(PupilVisit.prompts)).order_by(PupilVisit.visit_date, PupilVisit.id)
    )
    return list(visits)


def _visit_part(visit: PupilVisit, locale: str):
    s = summarise_visit(visit)
    part = VisitPart(
        visit_date=visit.visit_date, focus=focus_title(visit, locale), children=s.children, schools=s.schools,
        prompts=[PromptRow(prompt_text(p.prompt, locale), dict(p.counts), p.answered) for p in s.prompts],
        like=dict(s.like),
        stars=[VisitTheme(str(t.name), t.count, t.quotes) for t in s.stars.themes], star_count=s.stars.comments,
        wishes=[VisitTheme(str(t.name), t.count, t.quotes) for t in s.wishes.themes], wish_count=s.wishes.comments,
        star_quotes=s.star_quotes, wish_quotes=s.wish_quotes, flagged=s.flagged,
    )
    return part, s


def _runs(school: School, period: Period, today: date) -> list[SurveyRun]:
    runs = db.session.scalars(
        select(SurveyRun).join(RunSchool, RunSchool.run_id == SurveyRun.id)
        .where(RunSchool.school_id == school.id, SurveyRun.closes_on >= period.start,
               SurveyRun.closes_on <= period.end)
        .order_by(SurveyRun.closes_on, SurveyRun.id)
    )
    runs = [r for r in runs if results_released(r, today)]
    return sorted(runs, key=lambda r: (AUDIENCE_ORDER.index(r.audience) if r.audience in AUDIENCE_ORDER else 9,
                                       r.closes_on, r.id))


def _withheld(cell: Cell | None, threshold: int) -> str:
    from surveys.results_display import withheld_text

    if cell is None:
        return "-"
    if not cell.shown:
        return withheld_text(cell.reason, threshold, cell.unit)
    return ""


def _survey_part(run: SurveyRun, school: School, locale: str):
    results = run_results(run, Scope(frozenset({school.id}), True), locale)
    group = results.group(school.id)
    partnership = results.group(PARTNERSHIP)
    part = SurveyPart(
        key=f"survey-{run.id}", title=run.title, audience=run.audience, opens_on=run.opens_on,
        closes_on=run.closes_on, threshold=run.threshold, shown=bool(group and group.shown),
        withheld_reason=group.reason if group else None,
        responses=group.responses if group and group.shown else None,
        partnership_responses=partnership.responses if partnership and partnership.shown else None,
        previous_title=results.previous_run.title if results.previous_run else None, questions=[],
    )
    if not part.shown:
        return part, None  # nothing from a withheld group: no figures, no themes, no quotes
    for q in results.questions:
        if q.is_text:
            continue
        mine, theirs = q.cells.get(school.id), q.cells.get(PARTNERSHIP)
        summaries = [c.summary for c in (mine, theirs) if c is not None and c.shown and c.summary is not None]
        if not any(s.positive is not None for s in summaries) and not (mine and not mine.shown):
            part.not_charted += 1  # no positive answer ("Does your child have SEND?") or no answers
            continue
        shown_mine = mine is not None and mine.shown and mine.summary is not None and mine.summary.answered > 0
        shown_theirs = theirs is not None and theirs.shown and theirs.summary is not None and theirs.summary.answered > 0
        part.questions.append(QuestionRow(
            number=q.number, text=q.text, section=q.section or "",
            school=mine.summary.positive if shown_mine else None,
            school_base=mine.summary.positive_base if shown_mine else 0,
            school_withheld="" if shown_mine else _withheld(mine, run.threshold),
            partnership=theirs.summary.positive if shown_theirs else None,
            partnership_base=theirs.summary.positive_base if shown_theirs else 0,
            partnership_withheld="" if shown_theirs else _withheld(theirs, run.threshold),
            change=mine.change if shown_mine else None,
            mean=mine.summary.mean if shown_mine else None,
        ))
    insight = results.insight_for(school.id)
    part.flagged = results.flagged_for(school.id)
    if insight is None or not insight.comments:
        return part, None
    # The comments shown for the school (none flagged, all redacted), for a theme whose
    # comments are all neutral: summaries quote the clearest positive and negative voices only.
    shown = [c for q in results.questions if q.is_text and q.cells.get(school.id) is not None
             and q.cells[school.id].shown for c in q.cells[school.id].comments if not c.flagged]
    part.comments = insight.comments
    part.split = {"positive": insight.split.positive, "neutral": insight.split.neutral,
                  "negative": insight.split.negative}
    evidence = {}
    for t in insight.themes:
        quotes = [q.text for q in t.quotes] or [c.redacted for c in shown if t.key in c.themes][:1]
        quotes = [short_quote(q, QUOTE_LENGTH) for q in quotes]
        if len(part.themes) < THEMES_PER_SURVEY:
            part.themes.append(SurveyTheme(t.key, str(t.name), t.count, t.share, t.mean, quotes))
        evidence[t.key] = (str(t.name), str(t.description),
                           Evidence(run.audience, t.count, insight.comments, t.mean, quotes[:QUOTES_PER_SOURCE]))
    return part, evidence


def _merge(found: dict[str, dict], source: str, themes: dict[str, tuple[str, str, Evidence]]) -> None:
    for key, (name, description, evidence) in themes.items():
        if evidence.mentions < MIN_MENTIONS:
            continue
        entry = found.setdefault(key, {"name": name, "description": description, "evidence": {}})
        before = entry["evidence"].get(source)
        if before is None:
            entry["evidence"][source] = evidence
        else:  # a second run or visit of the same source: add them up
            total = before.mentions + evidence.mentions
            mean = None
            if before.mean is not None and evidence.mean is not None:
                mean = (before.mean * before.mentions + evidence.mean * evidence.mentions) / total
            detail = {k: before.detail.get(k, 0) + evidence.detail.get(k, 0)
                      for k in {*before.detail, *evidence.detail}}
            entry["evidence"][source] = Evidence(source, total, before.texts + evidence.texts, mean,
                                                 (before.quotes + evidence.quotes)[:QUOTES_PER_SOURCE], detail)


def _visit_evidence(summary, partnership_id: int) -> dict[str, tuple[str, str, Evidence]]:
    """The children's stars and wishes as one source: each theme with how many stars and
    wishes raise it and a quote in the children's words."""
    out: dict[str, tuple[str, str, Evidence]] = {}
    texts = summary.stars.comments + summary.wishes.comments
    from surveys.insights.themes import THEMES

    for kind, group in (("stars", summary.stars), ("wishes", summary.wishes)):
        for theme in group.themes:
            book = THEMES.get(theme.key)
            name = str(book.name) if book else str(theme.name)
            description = str(book.description) if book else ""
            entry = out.get(theme.key)
            if entry is None:
                entry = (name, description, Evidence("visit", 0, texts, None, []))
                out[theme.key] = entry
            evidence = entry[2]
            evidence.mentions += theme.count
            evidence.detail[kind] = theme.count
            if len(evidence.quotes) < QUOTES_PER_SOURCE and theme.quotes:
                evidence.quotes.append(short_quote(theme.quotes[0], QUOTE_LENGTH))
    return out


def gather(school: School, start: date, end: date, progress: Progress | None = None) -> PackContent:
    """Everything one school's pack shows for the period ``start``..``end`` (inclusive)."""
    report = progress or (lambda _n: None)
    locale = _locale_code()
    period = Period(start, end)
    today = clock.today()
    found: dict[str, dict] = {}

    reviews, steps = [], []
    review_rows = _reviews(school, period)
    for review, rep in review_rows:
        part = _review_part(review, rep)
        reviews.append(part)
        steps += part.steps
        _merge(found, "review", _text_evidence("review", _analysed(_review_texts(review, rep), school.partnership_id)))
    report(10)

    visits = []
    for visit in _visits(school, period):
        part, summary = _visit_part(visit, locale)
        visits.append(part)
        _merge(found, "visit", _visit_evidence(summary, school.partnership_id))
    report(20)

    surveys = []
    runs = _runs(school, period, today)
    for index, run in enumerate(runs, start=1):
        part, evidence = _survey_part(run, school, locale)
        surveys.append(part)
        if evidence:
            _merge(found, run.audience, evidence)
        report(20 + round(30 * index / len(runs)))

    glance = [
        GlanceTheme(key, entry["name"], entry["description"],
                    sorted(entry["evidence"].values(), key=lambda e: SOURCE_ORDER.index(e.source)
                           if e.source in SOURCE_ORDER else 9))
        for key, entry in found.items()
    ]
    glance.sort(key=lambda t: (-len(t.evidence), -t.mentions, t.name))
    steps.sort(key=lambda s: (s.done_on is not None, s.due_on))

    sources = [Source("review", len(reviews)), Source("visit", len(visits))]
    for audience in AUDIENCE_ORDER:
        sources.append(Source(audience, sum(1 for s in surveys if s.audience == audience)))
    report(50)
    return PackContent(
        school=school, partnership_name=school.partnership.name, period=period, locale=locale, generated_on=today,
        sources=sources, reviews=reviews, visits=visits, surveys=surveys, glance=glance, steps=steps,
        thresholds=sorted({s.threshold for s in surveys}),
    )
