"""The partnership dashboard's standardised measures: every school of a partnership side by
side, read from the instruments (surveys) and the activities (peer reviews, pupil visits).

Columns come in groups:

- the latest closed staff survey and the latest closed parent survey: the share positive
  per question, then the prevalence of the run's top themes (the share of a school's
  comments that mention each theme). Every survey figure comes from
  ``surveys.results.run_results``, so a group below the run's threshold (and its
  complement) is withheld here exactly as on the results pages, and the comments of a
  withheld group never count towards any theme, the partnership's included;
- the partnership's latest published peer review round: each school's review state and its
  next steps (agreed, and of those done);
- pupil visits in the last twelve months: closed visits hosted and made (as a visiting
  school).

Nothing here computes a survey share itself. Queries stay a fixed number whatever the
number of schools (no query per school): see ``bench/bench_dashboard.py``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import func, select

from peerreview.core.directory.models import Cluster, Partnership, School, cluster_school
from peerreview.extensions import db
from peerreview.reviews.labels import STATE_LABELS
from peerreview.reviews.models import NextStep, Review, ReviewReport, ReviewRound
from peerreview.visits.models import PupilVisit, VisitingSchool
from surveys.insights import summaries
from surveys.insights import themes as theme_book
from surveys.models import SurveyRun
from surveys.results import PARTNERSHIP, RunResults, Scope, results_released, run_results
from surveys.results_display import pct

# What a column measures (each has its own colour steps; see LEGEND).
SHARE = "share"  # share positive, 0..1
PREVALENCE = "prevalence"  # share of a group's comments mentioning a theme, 0..1
STATUS = "status"  # a review's state
STEPS_AGREED = "steps_agreed"  # a count of agreed next steps
STEPS_DONE = "steps_done"  # next steps done, of those agreed
COUNT = "count"  # visits hosted or made

SURVEY_AUDIENCES = ("staff", "parents")
TOP_THEMES = 5
VISIT_WINDOW_DAYS = 365
STEPS = 5  # colour steps 0..4, lightest to darkest

STATE_STEP = {"proposed": 0, "confirmed": 1, "in_progress": 2, "submitted": 3, "agreed": 4}


def share_step(share: float) -> int:
    """Share positive: under 50%, 50-69%, 70-79%, 80-89%, 90% or more (of the rounded percent
    written in the cell, so the colour never disagrees with the figure)."""
    percent = round(share * 100)
    return 0 if percent < 50 else 1 if percent < 70 else 2 if percent < 80 else 3 if percent < 90 else 4


def prevalence_step(share: float) -> int:
    """Theme prevalence: none, under 10%, 10-19%, 20-29%, 30% or more."""
    if share <= 0:
        return 0
    percent = round(share * 100)
    return 1 if percent < 10 else 2 if percent < 20 else 3 if percent < 30 else 4


def count_step(n: int) -> int:
    return min(n, STEPS - 1)


def done_step(done: int, agreed: int) -> int | None:
    """Next steps done, of those agreed: none, under half, half or more, most (three in four), all."""
    if not agreed:
        return None
    share = done / agreed
    return 0 if done == 0 else 4 if done >= agreed else 3 if share >= 0.75 else 2 if share >= 0.5 else 1


# The legend: for each kind of column, what each colour step means (lightest first).
LEGEND = [
    (SHARE, _l("Share positive"), [_l("under 50%"), _l("50% to 69%"), _l("70% to 79%"), _l("80% to 89%"),
                                   _l("%(share)s or more", share="90%")]),
    (PREVALENCE, _l("Theme prevalence"), [_l("none"), _l("under 10%"), _l("10% to 19%"), _l("20% to 29%"),
                                          _l("%(share)s or more", share="30%")]),
    (STATUS, _l("Peer review"), [STATE_LABELS[s] for s in ("proposed", "confirmed", "in_progress", "submitted",
                                                           "agreed")]),
    (STEPS_DONE, _l("Next steps done"), [_l("none"), _l("under half"), _l("half or more"),
                                         _l("three in four or more"), _l("all")]),
    (COUNT, _l("Next steps agreed, visits"), ["0", "1", "2", "3", _l("4 or more")]),
]


# --- the table's shape ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # stable, used by the CSV: "staff.q.st_enjoy", "parents.theme.workload", "review.status", ...
    label: str
    kind: str
    number: int | None = None  # the question's number in its survey


@dataclass
class ColumnGroup:
    key: str  # "staff", "parents", "review", "visits"
    title: str
    detail: str  # which run, round or period the figures come from
    columns: list[Column] = field(default_factory=list)
    empty_reason: str = ""  # why there are no columns (no closed run yet, ...)
    threshold: int | None = None  # the survey's threshold, for the withheld note


@dataclass(frozen=True)
class Value:
    """One cell: the figure as written (page and CSV), the raw number and its colour step."""

    text: str
    number: float | int | None = None
    step: int | None = None  # colour step 0..4; None: no colour (no data)
    withheld: bool = False

    @property
    def csv(self):
        if self.withheld:
            return "withheld"
        return self.text if self.number is None else self.csv_number

    @property
    def csv_number(self):
        if isinstance(self.number, float):
            return round(self.number * 100)  # shares as whole percentages, as on the page
        return self.number


WITHHELD = Value("", withheld=True)


@dataclass
class Row:
    school: School | None  # None: the whole partnership
    label: str
    clusters: list[str]
    values: dict[str, Value] = field(default_factory=dict)

    def value(self, key: str) -> Value | None:
        return self.values.get(key)


@dataclass(frozen=True)
class Filters:
    cluster_id: int | None = None
    phase: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.cluster_id or self.phase)


@dataclass
class Options:
    clusters: list[Cluster]
    phases: list[str]


@dataclass
class Dashboard:
    partnership: Partnership
    filters: Filters
    groups: list[ColumnGroup]
    partnership_row: Row
    rows: list[Row]
    visits_since: date

    @property
    def columns(self) -> list[Column]:
        return [c for g in self.groups for c in g.columns]


# --- reads ------------------------------------------------------------------------------


def filter_options(partnership: Partnership) -> Options:
    clusters = list(db.session.scalars(
        select(Cluster).where(Cluster.partnership_id == partnership.id).order_by(Cluster.name, Cluster.id)))
    phases = list(db.session.scalars(
        select(School.phase).where(School.partnership_id == partnership.id, School.phase.is_not(None),
                                   School.phase != "").distinct().order_by(School.phase)))
    return Options(clusters, phases)


def latest_closed_run(partnership: Partnership, audience: str, today: date) -> SurveyRun | None:
    """The partnership's run for this audience that closed most recently (results are released
    only once a run has closed)."""
    run = db.session.scalar(
        select(SurveyRun).where(SurveyRun.partnership_id == partnership.id, SurveyRun.audience == audience,
                                SurveyRun.closes_on < today)
        .order_by(SurveyRun.closes_on.desc(), SurveyRun.id.desc()).limit(1))
    return run if run is not None and results_released(run, today) else None


def latest_round(partnership: Partnership) -> ReviewRound | None:
    """The partnership's most recent published round (a draft round is a plan, not a review)."""
    return db.session.scalar(
        select(ReviewRound).where(ReviewRound.partnership_id == partnership.id, ReviewRound.status == "published")
        .order_by(ReviewRound.window_start.desc(), ReviewRound.id.desc()).limit(1))


def _schools(partnership: Partnership, filters: Filters) -> list[School]:
    stmt = select(School).where(School.partnership_id == partnership.id)
    if filters.phase:
        stmt = stmt.where(School.phase == filters.phase)
    if filters.cluster_id:
        stmt = stmt.where(School.id.in_(
            select(cluster_school.c.school_id).where(cluster_school.c.cluster_id == filters.cluster_id)))
    return list(db.session.scalars(stmt.order_by(School.name, School.id)))


def _cluster_names(partnership: Partnership) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for school_id, name in db.session.execute(
        select(cluster_school.c.school_id, Cluster.name).join(Cluster, Cluster.id == cluster_school.c.cluster_id)
        .where(Cluster.partnership_id == partnership.id).order_by(Cluster.name)
    ):
        names.setdefault(school_id, []).append(name)
    return names


# --- surveys ----------------------------------------------------------------------------


def _theme_name(key: str) -> str:
    theme = theme_book.THEMES.get(key)
    return str(theme.name) if theme else key.replace("_", " ").capitalize()


def _comments(results: RunResults, key) -> tuple[list[summaries.Comment], bool, bool]:
    """A group's comments over every free-text question shown for it (flagged ones are already
    left out by run_results), whether any free-text question was shown there, and whether any
    was withheld."""
    comments, shown, withheld = [], False, False
    for q in results.questions:
        if not q.is_text or key not in q.cells:
            continue
        cell = q.cells[key]
        if cell.shown:
            shown = True
            comments.extend(cell.comments)
        else:
            withheld = True
    return comments, shown, withheld


def _theme_shares(comments: list[summaries.Comment]) -> tuple[int, dict[str, float]]:
    summary = summaries.summarise(comments, top=len(theme_book.THEMES) + 1000, phrases=0, with_quotes=False)
    return summary.comments, {t.key: t.share for t in summary.themes}


def _survey_group(partnership: Partnership, audience: str, today: date, school_ids: frozenset[int],
                  locale: str, rows: dict, partnership_row: Row) -> ColumnGroup:
    title = _("Staff survey") if audience == "staff" else _("Parent survey")
    run = latest_closed_run(partnership, audience, today)
    if run is None:
        return ColumnGroup(audience, title, "", empty_reason=_("No closed survey yet."))
    group = ColumnGroup(audience, title, _("%(title)s, closed %(date)s", title=run.title,
                                           date=run.closes_on.strftime("%d/%m/%Y")), threshold=run.threshold)
    results = run_results(run, Scope(school_ids=school_ids, partnership=True), locale, compare=False)
    in_run = {g.key for g in results.groups}
    targets = [(PARTNERSHIP, partnership_row)] + [(sid, row) for sid, row in rows.items() if sid in in_run]

    # Share positive per question, exactly as run_results gives it.
    for q in results.questions:
        if q.is_text or not q.has_positive:
            continue
        column = Column(f"{audience}.q.{q.item.key}", f"{q.number}. {q.text}", SHARE, q.number)
        group.columns.append(column)
        for key, row in targets:
            cell = q.cells.get(key)
            if cell is None:
                continue
            if not cell.shown:
                row.values[column.key] = WITHHELD
            elif cell.summary is None or cell.summary.positive is None:
                row.values[column.key] = Value(_("no view given"))
            else:
                share = cell.summary.positive
                row.values[column.key] = Value(pct(share), share, share_step(share))

    # Theme prevalence: the run's top themes over the comments shown partnership-wide (never
    # a withheld school's), then each shown school's share of its own comments.
    whole, whole_shown, _withheld = _comments(results, PARTNERSHIP)
    _total, whole_shares = _theme_shares(whole) if whole_shown else (0, {})
    order = list(theme_book.THEMES)
    top = sorted(whole_shares, key=lambda k: (-whole_shares[k], order.index(k) if k in order else len(order), k))
    top = top[:TOP_THEMES]
    theme_columns = [Column(f"{audience}.theme.{key}", _("Theme: %(name)s", name=_theme_name(key)), PREVALENCE)
                     for key in top]
    group.columns.extend(theme_columns)
    for key, row in targets:
        comments, shown, withheld = _comments(results, key)
        if not shown:
            value = WITHHELD if withheld else Value(_("no comments"))
            for column in theme_columns:
                row.values[column.key] = value
            continue
        count, shares = _theme_shares(comments)
        for column, theme in zip(theme_columns, top):
            if not count:
                row.values[column.key] = Value(_("no comments"))
            else:
                share = shares.get(theme, 0.0)
                row.values[column.key] = Value(pct(share), share, prevalence_step(share))
    outside = Value(_("not in this survey"))
    for sid, row in rows.items():
        if sid not in in_run:
            row.values.update({column.key: outside for column in group.columns})
    if not group.columns:
        group.empty_reason = _("No question with a positive answer was shown.")
    return group


# --- peer reviews -----------------------------------------------------------------------


def _review_group(partnership: Partnership, rows: dict, partnership_row: Row) -> ColumnGroup:
    title = _("Peer review")
    review_round = latest_round(partnership)
    if review_round is None:
        return ColumnGroup("review", title, "", empty_reason=_("No published review round yet."))
    group = ColumnGroup("review", title, review_round.name, columns=[
        Column("review.status", _("State"), STATUS),
        Column("review.steps_agreed", _("Next steps agreed"), STEPS_AGREED),
        Column("review.steps_done", _("Next steps done"), STEPS_DONE),
    ])
    found = db.session.execute(
        select(Review.host_school_id, Review.status, ReviewReport.agreed_at,
               func.count(NextStep.id), func.count(NextStep.done_on))
        .outerjoin(ReviewReport, ReviewReport.review_id == Review.id)
        .outerjoin(NextStep, NextStep.report_id == ReviewReport.id)
        .where(Review.round_id == review_round.id)
        .group_by(Review.id, Review.host_school_id, Review.status, ReviewReport.agreed_at)
    ).all()
    by_school = {school_id: (status, agreed_at, steps, done) for school_id, status, agreed_at, steps, done in found}
    states: Counter = Counter()
    all_agreed = all_done = 0
    for school_id, (status, agreed_at, steps, done) in by_school.items():
        states[status] += 1
        if agreed_at is not None:
            all_agreed += steps
            all_done += done
    for school_id, row in rows.items():
        if school_id not in by_school:
            outside = Value(_("not in this round"))
            row.values.update({column.key: outside for column in group.columns})
            continue
        status, agreed_at, steps, done = by_school[school_id]
        row.values["review.status"] = Value(str(STATE_LABELS.get(status, status)), None, STATE_STEP.get(status))
        agreed = steps if agreed_at is not None else 0
        row.values["review.steps_agreed"] = Value(str(agreed), agreed, count_step(agreed))
        if agreed:
            row.values["review.steps_done"] = Value(_("%(done)d of %(agreed)d", done=done, agreed=agreed), done,
                                                    done_step(done, agreed))
        else:
            row.values["review.steps_done"] = Value(_("none agreed yet"))
    agreed_reviews = states.get("agreed", 0)
    partnership_row.values["review.status"] = Value(
        _("%(agreed)d of %(reviews)d agreed", agreed=agreed_reviews, reviews=len(by_school)))
    partnership_row.values["review.steps_agreed"] = Value(str(all_agreed), all_agreed)
    partnership_row.values["review.steps_done"] = Value(
        _("%(done)d of %(agreed)d", done=all_done, agreed=all_agreed) if all_agreed else _("none agreed yet"),
        all_done if all_agreed else None)
    return group


# --- pupil visits -----------------------------------------------------------------------


def _visit_group(partnership: Partnership, today: date, rows: dict, partnership_row: Row) -> tuple[ColumnGroup, date]:
    since = today - timedelta(days=VISIT_WINDOW_DAYS)
    group = ColumnGroup("visits", _("Pupil visits"), _("Closed visits since %(date)s", date=since.strftime("%d/%m/%Y")),
                        columns=[Column("visits.hosted", _("Hosted"), COUNT), Column("visits.made", _("Made"), COUNT)])
    closed = (PupilVisit.partnership_id == partnership.id, PupilVisit.status == "closed",
              PupilVisit.visit_date > since, PupilVisit.visit_date <= today)
    hosted = dict(db.session.execute(
        select(PupilVisit.host_school_id, func.count(PupilVisit.id)).where(*closed)
        .group_by(PupilVisit.host_school_id)).all())
    made = dict(db.session.execute(
        select(VisitingSchool.school_id, func.count(func.distinct(VisitingSchool.visit_id)))
        .join(PupilVisit, PupilVisit.id == VisitingSchool.visit_id).where(*closed)
        .group_by(VisitingSchool.school_id)).all())
    for school_id, row in rows.items():
        n_hosted, n_made = hosted.get(school_id, 0), made.get(school_id, 0)
        row.values["visits.hosted"] = Value(str(n_hosted), n_hosted, count_step(n_hosted))
        row.values["visits.made"] = Value(str(n_made), n_made, count_step(n_made))
    total_hosted, total_made = sum(hosted.values()), sum(made.values())
    partnership_row.values["visits.hosted"] = Value(str(total_hosted), total_hosted)
    partnership_row.values["visits.made"] = Value(str(total_made), total_made)
    return group, since


# --- the whole table --------------------------------------------------------------------


def build(partnership: Partnership, filters: Filters, today: date, locale: str = "en") -> Dashboard:
    """Every school of the partnership matching the filters, with its measures; the
    partnership's own row (all its schools, whatever the filters) first."""
    schools = _schools(partnership, filters)
    clusters = _cluster_names(partnership)
    rows = {s.id: Row(s, s.name, clusters.get(s.id, [])) for s in schools}
    partnership_row = Row(None, _("Whole partnership"), [])
    school_ids = frozenset(rows)
    groups = [_survey_group(partnership, audience, today, school_ids, locale, rows, partnership_row)
              for audience in SURVEY_AUDIENCES]
    groups.append(_review_group(partnership, rows, partnership_row))
    visit_group, since = _visit_group(partnership, today, rows, partnership_row)
    groups.append(visit_group)
    return Dashboard(partnership, filters, groups, partnership_row, list(rows.values()), since)


# --- CSV --------------------------------------------------------------------------------


def csv_table(dashboard: Dashboard) -> tuple[list[str], list[list]]:
    """The same table as the page, one row per school (the partnership first): a withheld
    figure is the word "withheld", shares are whole percentages, a cell with no figure is
    the words the page shows."""
    columns = ["school_urn", "school_name", "phase", "clusters"]
    for group in dashboard.groups:
        for column in group.columns:
            heading = f"{group.title}: {column.label}"
            if column.kind in (SHARE, PREVALENCE):
                heading += " (%)"
            columns.append(heading)
    out = []
    for row in [dashboard.partnership_row, *dashboard.rows]:
        school = row.school
        line = [school.urn if school else "", row.label, (school.phase or "") if school else "",
                "; ".join(row.clusters)]
        for column in dashboard.columns:
            value = row.values.get(column.key)
            line.append("" if value is None else value.csv)
        out.append(line)
    return columns, out
