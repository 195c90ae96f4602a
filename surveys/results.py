"""A survey run's results, with small groups withheld: the reads every results page and
export uses, so the rule is applied in one place.

The rule (``surveys.anonymity.suppress`` decides; this module only feeds it):

1. Respondents per school. A school with fewer responses than the run's threshold is
   withheld entirely (not even its exact count is shown), and so is its complementary
   partner, so the partnership total minus the visible schools never gives a small group
   away. The partnership itself is withheld when its total is below the threshold.
2. Answers per school to each question. A question answered by too few people at an
   otherwise visible school is withheld there (with its complement). A school withheld at
   step 1 counts as withheld for every question: its answer count is capped below the
   threshold before it goes to ``suppress`` so that the complement is still worked out
   over it.
3. Free text only for groups shown at step 2, redacted, in a shuffled order. The
   partnership's comments are those of the schools shown, never of a withheld school.
   Each comment is analysed once (``surveys.insights.store``); the "What people said"
   summary of a group is made from the stored analyses of the comments shown. A comment
   flagged for safeguarding is never shown here (it goes to the administrators' queue);
   the page says how many were left out.

``run_results`` gives the aggregates (pages, aggregate exports), ``raw_answers`` the rows
(the raw export, admins only). Both take the same ``Scope``.
"""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from peerreview.core.directory.models import School
from peerreview.extensions import db
from surveys.anonymity import Suppression, suppress
from surveys.insights import store, summaries
from surveys.insights.models import TEXT_KINDS
from surveys.insights.redaction import known_names_for, redact
from surveys.insights.safeguarding import flags as safeguarding_flags
from surveys.models import Answer, Item, RunSchool, SurveyResponse, SurveyRun, TemplateVersion
from surveys.questions import QuestionType, Summary, localised, question_for

PARTNERSHIP = "partnership"  # the group key of the whole partnership (schools are keyed by id)

# Why a group is not shown.
FEW = "few"  # below the threshold itself
COMPLEMENT = "complement"  # hidden so that a smaller group cannot be worked out

_shuffler = random.SystemRandom()


@dataclass(frozen=True)
class Scope:
    """What a viewer may see: schools by id (None: every school in the run) and whether the
    partnership-wide figure is included."""

    school_ids: frozenset[int] | None = None
    partnership: bool = True

    def includes(self, school_id: int) -> bool:
        return self.school_ids is None or school_id in self.school_ids


EVERYTHING = Scope()


@dataclass
class Group:
    key: int | str  # school id, or PARTNERSHIP
    school: School | None
    shown: bool
    reason: str | None  # FEW or COMPLEMENT when not shown
    responses: int | None  # only when shown

    @property
    def is_partnership(self) -> bool:
        return self.key == PARTNERSHIP


@dataclass
class Cell:
    """One question's result for one group."""

    shown: bool
    reason: str | None
    summary: Summary | None = None  # only when shown
    unit: str = "answers"  # what was too few: "responses" (the whole group) or "answers" (this question)
    previous: Summary | None = None  # the previous run's, only when shown there too
    # Free text: the stored analyses of the comments shown (none flagged), how many flagged
    # comments were left out, and the summary of what people said.
    comments: list[summaries.Comment] = field(default_factory=list)
    previous_comments: list[summaries.Comment] | None = None
    flagged: int = 0
    insight: summaries.InsightSummary | None = None

    @property
    def change(self) -> float | None:
        """Change in the positive share since the previous run, where both are shown."""
        if not (self.summary and self.previous):
            return None
        if self.summary.positive is None or self.previous.positive is None:
            return None
        return self.summary.positive - self.previous.positive


@dataclass
class QuestionResult:
    number: int
    item: Item
    type: QuestionType
    text: str
    section: str
    cells: dict[int | str, Cell] = field(default_factory=dict)

    @property
    def is_text(self) -> bool:
        return self.type.is_text

    @property
    def has_positive(self) -> bool:
        return any(c.summary is not None and c.summary.positive is not None for c in self.cells.values())


@dataclass
class RunResults:
    run: SurveyRun
    threshold: int
    previous_run: SurveyRun | None
    groups: list[Group]  # the partnership first (when in scope), then schools by name
    questions: list[QuestionResult]

    def group(self, key) -> Group | None:
        return next((g for g in self.groups if g.key == key), None)

    def insight_for(self, key) -> summaries.InsightSummary | None:
        """What people said in a group across every free-text question shown for it."""
        cells = [q.cells[key] for q in self.questions if q.is_text and key in q.cells and q.cells[key].shown]
        if not cells:
            return None
        comments = [c for cell in cells for c in cell.comments]
        previous = [c for cell in cells if cell.previous_comments is not None for c in cell.previous_comments]
        has_previous = any(cell.previous_comments is not None for cell in cells)
        return summaries.summarise(comments, previous if has_previous else None)

    def flagged_for(self, key) -> int:
        return sum(q.cells[key].flagged for q in self.questions if q.is_text and key in q.cells)

    @property
    def schools(self) -> list[Group]:
        return [g for g in self.groups if not g.is_partnership]


@dataclass
class _Computed:
    """Everything about one run before it is cut down to a viewer's scope."""

    run: SurveyRun
    schools: list[School]
    responses: dict[int, int]  # school id -> responses
    respondents: Suppression
    # item key -> school id -> values (one per answer, in submission order)
    values: dict[str, dict[int, list]]
    per_question: dict[str, Suppression]
    rows: list[tuple[int, dict[str, object]]]  # (school id, item key -> value) per response
    answer_ids: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # parallel to values


def _reason(suppression: Suppression, counts: dict, key, threshold: int) -> str | None:
    if suppression.shows(key):
        return None
    return FEW if counts.get(key, 0) < threshold else COMPLEMENT


def _compute(run: SurveyRun) -> _Computed:
    schools = list(db.session.scalars(
        select(School).join(RunSchool, RunSchool.school_id == School.id)
        .where(RunSchool.run_id == run.id).order_by(School.name, School.id)
    ))
    school_ids = {s.id for s in schools}
    threshold = run.threshold
    keys_by_item_id = dict(db.session.execute(
        select(Item.id, Item.key).join(Item.section).join(TemplateVersion)
        .where(TemplateVersion.template_id == run.version.template_id)
    ).all())

    responses: dict[int, int] = {s: 0 for s in school_ids}
    rows_by_id: dict[int, tuple[int, dict]] = {}
    for response_id, school_id in db.session.execute(
        select(SurveyResponse.id, SurveyResponse.school_id).where(SurveyResponse.run_id == run.id)
        .order_by(SurveyResponse.id)
    ):
        if school_id not in school_ids:
            continue  # a school taken off the run keeps its responses, but they are not results
        responses[school_id] += 1
        rows_by_id[response_id] = (school_id, {})

    values: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    answer_ids: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for answer_id, response_id, item_id, value in db.session.execute(
        select(Answer.id, Answer.response_id, Answer.item_id, Answer.value)
        .join(SurveyResponse).where(SurveyResponse.run_id == run.id).order_by(Answer.response_id)
    ):
        if response_id not in rows_by_id or value in (None, "", []):
            continue
        key = keys_by_item_id.get(item_id)
        if key is None:
            continue
        school_id, row = rows_by_id[response_id]
        row[key] = value
        values[key][school_id].append(value)
        answer_ids[key][school_id].append(answer_id)

    respondents = suppress(responses, threshold)
    per_question = {}
    for item in run.version.items:
        answered = {s: len(values[item.key][s]) for s in school_ids}
        # A school withheld for its respondents stays withheld for every question: capped
        # below the threshold, suppress hides it and still finds its complement.
        counts = {s: (min(n, threshold - 1) if not respondents.shows(s) else n) for s, n in answered.items()}
        per_question[item.key] = suppress(counts, threshold)
    return _Computed(run, schools, responses, respondents, values, per_question, list(rows_by_id.values()),
                     answer_ids)


def results_released(run: SurveyRun, today: date) -> bool:
    """Results are shown only once a run has closed. While it is open, someone watching the
    figures change after a colleague says "I've just done it" could read that person's
    answers from the difference, however large the group."""
    return today > run.closes_on


def responses_so_far(run: SurveyRun) -> int:
    return db.session.scalar(select(func.count(SurveyResponse.id)).where(SurveyResponse.run_id == run.id)) or 0


def previous_run(run: SurveyRun) -> SurveyRun | None:
    """The latest run of the same questionnaire (any version of the template) in the same
    partnership that closed before this one opened."""
    return db.session.scalar(
        select(SurveyRun).join(TemplateVersion, SurveyRun.version_id == TemplateVersion.id)
        .where(
            SurveyRun.partnership_id == run.partnership_id,
            TemplateVersion.template_id == run.version.template_id,
            SurveyRun.closes_on < run.opens_on,
            SurveyRun.id != run.id,
        )
        .order_by(SurveyRun.closes_on.desc(), SurveyRun.id.desc())
        .limit(1)
    )


def _text_answers(computed: _Computed, item: Item, school_id: int) -> list[tuple[int, object]]:
    return list(zip(computed.answer_ids.get(item.key, {}).get(school_id, []),
                    computed.values.get(item.key, {}).get(school_id, [])))


def _cells(computed: _Computed, item: Item, locale: str, names: frozenset[str], scope: Scope,
           with_texts: bool, analyses: dict[int, summaries.Comment] | None = None) -> dict[int | str, Cell]:
    threshold = computed.run.threshold
    kind = question_for(item)
    by_school = computed.values.get(item.key, {})
    suppression = computed.per_question[item.key]
    answered = {s.id: len(by_school.get(s.id, [])) for s in computed.schools}
    cells: dict[int | str, Cell] = {}
    analyses = analyses or {}

    def summarise(values: list) -> Summary:
        return kind.summarise(values, locale)

    def text_cell(pairs: list[tuple[int, object]]) -> Cell:
        """A shown group's comments: flagged ones left out (and counted), the rest redacted
        (from the stored analysis) and shuffled."""
        shown: list[tuple[int, str]] = []
        comments: list[summaries.Comment] = []
        flagged = 0
        for answer_id, value in pairs:
            if not isinstance(value, str) or not value.strip():
                continue
            stored = analyses.get(answer_id)
            if (stored.flagged if stored is not None else bool(safeguarding_flags(value))):
                flagged += 1
                continue
            if stored is not None:
                comments.append(stored)
            shown.append((answer_id, value))
        _shuffler.shuffle(shown)
        summary = kind.summarise([v for _a, v in shown], locale)
        if with_texts:
            summary.texts = [analyses[a].redacted if a in analyses else redact(v, names) for a, v in shown]
        else:
            summary.texts = []
        return Cell(True, None, summary, comments=comments, flagged=flagged)

    for school in computed.schools:
        if not scope.includes(school.id):
            continue
        if not computed.respondents.shows(school.id):
            cells[school.id] = Cell(False, _reason(computed.respondents, computed.responses, school.id, threshold),
                                    unit="responses")
        elif not suppression.shows(school.id):
            cells[school.id] = Cell(False, _reason(suppression, answered, school.id, threshold))
        elif kind.is_text:
            cells[school.id] = text_cell(_text_answers(computed, item, school.id))
        else:
            cells[school.id] = Cell(True, None, summarise(by_school.get(school.id, [])))

    if scope.partnership:
        total_responses = sum(computed.responses.values())
        total_answered = sum(answered.values())
        if total_responses < threshold:
            cells[PARTNERSHIP] = Cell(False, FEW, unit="responses")
        elif total_answered < threshold:
            cells[PARTNERSHIP] = Cell(False, FEW)
        elif kind.is_text:
            # Only comments from schools shown for this question: a comment from a withheld
            # school must not surface in the partnership's list either.
            visible = [pair for s in computed.schools if suppression.shows(s.id) and computed.respondents.shows(s.id)
                       for pair in _text_answers(computed, item, s.id)]
            cells[PARTNERSHIP] = text_cell(visible)
        else:
            cells[PARTNERSHIP] = Cell(True, None, summarise([v for s in computed.schools for v in by_school.get(s.id, [])]))
    return cells


def run_results(run: SurveyRun, scope: Scope = EVERYTHING, locale: str = "en", *, with_texts: bool = True,
                compare: bool = True) -> RunResults:
    """The run's results per question for each school in ``scope`` and the partnership,
    beside the previous run of the same questionnaire, with every small group withheld."""
    computed = _compute(run)
    threshold = run.threshold
    names = known_names_for(run.partnership_id) if with_texts else frozenset()

    groups: list[Group] = []
    if scope.partnership:
        total = sum(computed.responses.values())
        shown = total >= threshold
        groups.append(Group(PARTNERSHIP, None, shown, None if shown else FEW, total if shown else None))
    for school in computed.schools:
        if scope.includes(school.id):
            shown = computed.respondents.shows(school.id)
            groups.append(Group(school.id, school, shown,
                                _reason(computed.respondents, computed.responses, school.id, threshold),
                                computed.responses[school.id] if shown else None))

    analyses = _stored_analyses(computed) if with_texts else {}

    previous = previous_run(run) if compare else None
    previous_cells: dict[str, dict] = {}
    if previous is not None:
        prev_computed = _compute(previous)
        prev_analyses = _stored_analyses(prev_computed) if with_texts else {}
        prev_items = {i.key: i for i in previous.version.items}
        for key, prev_item in prev_items.items():
            if key in computed.per_question:
                previous_cells[key] = _cells(prev_computed, prev_item, locale, names, scope, with_texts=False,
                                             analyses=prev_analyses)

    questions: list[QuestionResult] = []
    for number, item in enumerate(run.version.items, start=1):
        cells = _cells(computed, item, locale, names, scope, with_texts, analyses)
        before = previous_cells.get(item.key, {})
        for key, cell in cells.items():
            old = before.get(key)
            if cell.shown and old is not None and old.shown:
                cell.previous = old.summary
                if with_texts and item.kind in TEXT_KINDS:
                    cell.previous_comments = old.comments
            if cell.shown and with_texts and item.kind in TEXT_KINDS:
                cell.insight = summaries.summarise(cell.comments, cell.previous_comments)
        questions.append(QuestionResult(number, item, question_for(item), localised(item, "text", locale),
                                        localised(item.section, "title", locale), cells))
    return RunResults(run, threshold, previous, groups, questions)


def _stored_analyses(computed: _Computed) -> dict[int, summaries.Comment]:
    """The run's comments analysed (once: later calls find them stored) and read back."""
    store.ensure_analysed(run=computed.run)
    text_keys = {i.key for i in computed.run.version.items if i.kind in TEXT_KINDS}
    ids = [a for key in text_keys for ids in computed.answer_ids.get(key, {}).values() for a in ids]
    return store.analyses_for(ids)


# --- raw answers ------------------------------------------------------------------------


@dataclass
class RawAnswers:
    items: list[Item]
    schools: dict[int, School]
    rows: list[tuple[int, dict[str, object]]]  # (school id, item key -> display value), shuffled


def display_value(kind: QuestionType, value, locale: str = "en"):
    """An answer as a person reads it: the option's label rather than its key."""
    labels = dict(kind.choices(locale))
    if isinstance(value, list):
        return "; ".join(labels.get(str(v), str(v)) for v in value)
    if kind.is_text:
        return value
    if kind.kind == "rating":
        return value
    return labels.get(str(value), str(value))


def raw_answers(run: SurveyRun, locale: str = "en") -> RawAnswers:
    """One row per response from the schools shown for their respondents, in a shuffled
    order, with nothing about the response itself (no id, no date, no language). An answer
    to a question withheld at that school is left out; free text is redacted."""
    computed = _compute(run)
    names = known_names_for(run.partnership_id)
    items = run.version.items
    kinds = {item.key: question_for(item) for item in items}
    shown_schools = {s.id: s for s in computed.schools if computed.respondents.shows(s.id)}
    rows = []
    for school_id, answers in computed.rows:
        if school_id not in shown_schools:
            continue
        row = {}
        for item in items:
            if item.key not in answers or not computed.per_question[item.key].shows(school_id):
                continue
            value = display_value(kinds[item.key], answers[item.key], locale)
            if kinds[item.key].is_text and safeguarding_flags(str(value)):
                continue  # a flagged comment goes to the safeguarding queue, not into exports
            row[item.key] = redact(value, names) if kinds[item.key].is_text else value
        rows.append((school_id, row))
    _shuffler.shuffle(rows)
    return RawAnswers(items, shown_schools, rows)
