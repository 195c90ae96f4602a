"""What a pack gathers for a school and a period (``packs.content.gather``): only reported
reviews, closed visits and released surveys in the period; themes seen in two or more sources
marked corroborated, with each source's evidence; nothing from a withheld survey group; the
next steps brought together; progress reported as it goes."""
from __future__ import annotations

from datetime import date, datetime, time
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from peerreview.extensions import db
from peerreview.packs.content import gather
from peerreview.packs.render import render_pack
from peerreview.reviews.models import (
    LineOfEnquiry,
    NextStep,
    ReportFinding,
    Review,
    ReviewReport,
    ReviewRound,
)
from peerreview.visits.models import (
    ChildFeedback,
    PupilVisit,
    VisitingSchool,
    VisitPrompt,
    VisitPupil,
)
from tests.packs.pack_helpers import staff_run

TODAY = date(2027, 3, 1)
START, END = date(2026, 9, 1), date(2027, 2, 28)


def _review(round_, host, status, day, *, steps=(), finding=("", "")) -> Review:
    review = Review(round=round_, host=host, status=status, review_date=day)
    review.lines = [LineOfEnquiry(position=0, question="How well do pupils learn to read?", sip_priority="Reading")]
    db.session.add(review)
    db.session.flush()
    if status in ("submitted", "agreed"):
        report = ReviewReport(review=review, summary="Reading is taught well and pupils enjoy their reading books.",
                              submitted_at=datetime.combine(day, time(16)), head_reply="We agree.",
                              agreed_at=datetime.combine(day, time(17)) if status == "agreed" else None)
        report.findings = [ReportFinding(line_id=review.lines[0].id, went_well=finding[0], even_better_if=finding[1])]
        report.next_steps = [NextStep(position=i, action=a, owner=o, due_on=due, done_on=done)
                             for i, (a, o, due, done) in enumerate(steps)]
        db.session.add(report)
    db.session.commit()
    return review


def _visit(p, host, visiting, day, status, feedback) -> PupilVisit:
    visit = PupilVisit(partnership=p, host=host, visit_date=day, starts_at=time(9, 30), ends_at=time(11),
                       focus_key="reading_areas", focus_title="Our reading areas", status=status)
    visit.prompts = [VisitPrompt(position=0, text_en="Would you like to read here?", text_cy="Hoffet ti ddarllen yma?")]
    visit.visiting_schools = [VisitingSchool(school=visiting)]
    visit.pupils = [VisitPupil(school=visiting, first_name=name, year_group=5) for name in ("Tegan", "Rhys", "Cai")]
    db.session.add(visit)
    db.session.flush()
    for pupil, (face, star, wish) in zip(visit.pupils, feedback):
        db.session.add(ChildFeedback(visit_id=visit.id, pupil_id=pupil.id, faces={str(visit.prompts[0].id): face},
                                     star_1=star, wish=wish, like_at_school="yes", submitted_on=day))
    db.session.commit()
    return visit


@pytest.fixture
def school_year(world, monkeypatch):
    """Ash (the school whose pack is made) in a partnership of five schools, with reviews, visits
    and staff surveys inside and outside the period, and Elm too small for its survey results."""
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)
    p = world.partnership()
    ash, birch, cedar, damson, elm = (world.school(p, f"{n} Primary") for n in ("Ash", "Birch", "Cedar", "Damson", "Elm"))
    round_ = ReviewRound(partnership=p, name="Autumn reviews", window_start=date(2026, 9, 1),
                         window_end=date(2026, 12, 20), status="published")
    db.session.add(round_)
    agreed = _review(round_, ash, "agreed", date(2026, 10, 5), finding=(
        "Pupils read fluently and the reading books match their phonics.",
        "Reading at home is patchy for the slowest readers; reading records are not checked."),
        steps=[("Check reading records weekly", "English lead", date(2026, 11, 1), None),
               ("Phonics training for new staff", "Deputy head", date(2027, 4, 1), None),
               ("Buy decodable books", "Office", date(2026, 10, 20), date(2026, 10, 18))])
    round_2 = ReviewRound(partnership=p, name="Spring reviews", window_start=date(2027, 1, 5),
                          window_end=date(2027, 3, 20), status="published")
    db.session.add(round_2)
    in_progress = _review(round_2, ash, "in_progress", date(2027, 2, 1))
    old_round = ReviewRound(partnership=p, name="Old reviews", window_start=date(2025, 9, 1),
                            window_end=date(2025, 12, 20), status="published")
    db.session.add(old_round)
    old = _review(old_round, ash, "agreed", date(2025, 10, 1), steps=[("An old step", "Head", date(2025, 12, 1), None)])
    closed = _visit(p, ash, birch, date(2026, 11, 10), "closed", [
        ("happy", "The reading corner was cosy and full of books", "I wish reading time was longer"),
        ("happy", "Tegan showed us the library books", "I wish there were more books about space"),
        ("ok", "Everyone was reading quietly", "More cushions please"),
    ])
    planned = _visit(p, ash, cedar, date(2027, 2, 20), "planned", [])
    everyone = {ash: 14, birch: 12, cedar: 12, damson: 12, elm: 3}  # Elm, and Birch beside it, withheld
    texts = {ash: ["Reading is a real strength and the phonics training was great.",
                   "Our reading scheme books are lovely and the children love reading.",
                   "Workload is heavy at report time.", "Workload has improved this year.", "Marking takes ages.",
                   "Leaders listen."],
             birch: ["Staff meetings run to time."] * 6,  # withheld with Elm's, so Ash's can be shown
             elm: ["The reading books are falling apart, says Mr Quigley of Elm."] * 3}
    autumn = staff_run(p, everyone, opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 21), comments=texts)
    open_now = staff_run(p, everyone, opens_on=date(2027, 2, 20), closes_on=date(2027, 3, 10))
    too_old = staff_run(p, everyone, opens_on=date(2026, 6, 1), closes_on=date(2026, 6, 30))
    without_ash = staff_run(p, {birch: 8, cedar: 8}, opens_on=date(2026, 10, 1), closes_on=date(2026, 10, 21))
    return SimpleNamespace(p=p, ash=ash, elm=elm, agreed=agreed, in_progress=in_progress, old=old, closed=closed,
                           planned=planned, autumn=autumn, open_now=open_now, too_old=too_old, without_ash=without_ash)


def _gather(app, school, start=START, end=END, locale="en_GB"):
    with app.test_request_context(), force_locale(locale):
        return gather(school, start, end)


def test_only_reported_reviews_closed_visits_and_released_surveys_in_the_period(app, school_year):
    pack = _gather(app, school_year.ash)
    assert [r.review_date for r in pack.reviews] == [school_year.agreed.review_date]
    assert [v.visit_date for v in pack.visits] == [school_year.closed.visit_date]
    assert [s.title for s in pack.surveys] == [school_year.autumn.title]
    assert {s.key: s.count for s in pack.sources} == {"review": 1, "visit": 1, "staff": 1, "parents": 0, "pupils": 0}
    review = pack.reviews[0]
    assert review.status == "agreed" and review.head_reply == "We agree."
    assert review.findings[0].question == "How well do pupils learn to read?"
    visit = pack.visits[0]
    assert visit.children == 3 and visit.prompts[0].counts == {"happy": 2, "ok": 1, "sad": 0}
    survey = pack.surveys[0]
    assert survey.shown and survey.responses == 14 and survey.comments == 6
    workload = next(q for q in survey.questions if q.text == "My workload is manageable.")
    assert workload.school == 1.0 and workload.school_base == 14 and workload.partnership == 1.0


def test_a_period_without_anything_gives_an_empty_pack(app, school_year):
    pack = _gather(app, school_year.ash, date(2024, 1, 1), date(2024, 12, 31))
    assert not pack.has_data and pack.glance == [] and pack.steps == []


def test_themes_seen_in_two_or_more_sources_are_corroborated_with_each_sources_evidence(app, school_year):
    pack = _gather(app, school_year.ash)
    reading = next(t for t in pack.glance if t.key == "reading")
    assert reading.corroborated
    evidence = {e.source: e for e in reading.evidence}
    assert set(evidence) == {"review", "visit", "staff"}
    assert evidence["staff"].mentions == 2 and evidence["staff"].texts == 6
    assert evidence["visit"].detail == {"stars": 3, "wishes": 2} and evidence["visit"].mentions == 5
    assert all(e.quotes for e in reading.evidence)
    # A visiting child's first name never reaches a quote.
    assert not any("Tegan" in q for t in pack.glance for e in t.evidence for q in e.quotes)
    workload = next(t for t in pack.glance if t.key == "workload")
    assert not workload.corroborated and [e.source for e in workload.evidence] == ["staff"]
    assert pack.corroborated[0].key == "reading"  # most sources first


def test_a_withheld_school_adds_nothing_to_the_glance_or_the_survey_part(app, school_year):
    pack = _gather(app, school_year.elm)
    assert len(pack.surveys) == 1
    survey = pack.surveys[0]
    assert not survey.shown and survey.withheld_reason == "few"
    assert survey.responses is None and survey.questions == [] and survey.themes == [] and survey.comments == 0
    assert pack.glance == []


def test_next_steps_are_brought_together_open_first_by_due_date(app, school_year):
    pack = _gather(app, school_year.ash)
    assert [s.action for s in pack.steps] == [
        "Check reading records weekly", "Phonics training for new staff", "Buy decodable books"]
    assert [s.status(TODAY) for s in pack.steps] == ["overdue", "open", "done"]


def test_progress_is_reported_from_0_to_100_in_order(app, school_year):
    seen = []
    with app.test_request_context():
        render_pack(school_year.ash, START, END, "en", progress=seen.append)
    assert seen[0] == 0 and seen[-1] == 100
    assert seen == sorted(seen) and len(set(seen)) >= 5
    assert all(0 <= n <= 100 for n in seen)


def test_a_period_the_wrong_way_round_or_an_unknown_language_is_refused(app, school_year):
    with app.test_request_context():
        with pytest.raises(ValueError):
            render_pack(school_year.ash, END, START, "en")
        with pytest.raises(ValueError):
            render_pack(school_year.ash, START, END, "fr")
