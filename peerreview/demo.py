"""``flask seed-demo``: a realistic demo partnership in an empty database.

It grows as features land. Demo people live at example.org (a domain reserved for
documentation) so no demo email can reach anyone. The logins are printed in the
contract's exact format and also kept in ``instance/demo-logins.txt`` so the demo
command can show them again on a later start.
"""
from __future__ import annotations

import random
import re
import secrets
import uuid
from datetime import date, datetime, time, timedelta
from importlib import resources
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from peerreview.core.accounts.models import Person, RoleAssignment
from peerreview.core.accounts.passwords import hash_password
from peerreview.core.clock import today
from peerreview.demo_data import comments, reviews, visits
from peerreview.core.directory.importing import import_schools
from peerreview.core.directory.models import Cluster, Partnership, School
from peerreview.extensions import db
from peerreview.reviews.models import (
    EvidenceEntry, LineOfEnquiry, NextStep, RecordField, ReportFinding, Review, ReviewerRecord, ReviewReport,
    ReviewRound, TeamMember,
)
from peerreview.reviews.rules import Place, distance_km
from peerreview.visits.focus import BY_KEY
from peerreview.visits.models import (
    ChildFeedback, FeedbackSession, InterviewNote, PupilVisit, VisitAdult, VisitingSchool, VisitPrompt, VisitPupil,
)
from surveys import codes
from surveys.insights import store
from surveys.models import AccessCode, Answer, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun
from surveys.questionnaires import install_builtin_templates

DEMO_DOMAIN = "riverside.example.org"
DEMO_PARTNERSHIP = "Riverside Learning Trust"

# (cluster name, description, names of member schools as substrings)
CLUSTERS = [
    ("North hub", "Schools north of the river, meeting at Harbour View each half term.", 0),
    ("South hub", "Schools south of the river.", 1),
    ("Early reading network", "Primary and infant schools working on phonics and early reading.", None),
]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")


def _person(name: str, email: str, password: str | None = None) -> Person:
    person = Person(name=name, email=email, password_hash=hash_password(password) if password else None)
    db.session.add(person)
    return person


def _school_role(person: Person, role: str, school: School, trained_on: date | None = None,
                 can_lead: bool = False) -> None:
    person.roles.append(RoleAssignment(role=role, school=school, partnership_id=school.partnership_id,
                                       trained_on=trained_on, can_lead=can_lead))


def seed_directory() -> tuple[Partnership, list[tuple[str, str, str]]]:
    """The trust, its schools (from a GIAS-format file), clusters and people.
    Returns the partnership and the demo logins as (role, email, password)."""
    partnership = Partnership(name=DEMO_PARTNERSHIP, kind="trust")
    db.session.add(partnership)
    db.session.flush()
    source = resources.files("peerreview.demo_data").joinpath("demo_schools.csv").read_bytes()
    import_schools(source, partnership)

    schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id).order_by(School.urn)))
    early_years = [s for s in schools if (s.phase or "").lower() in {"primary", "infant", "nursery", "first"}]
    halves = (schools[: len(schools) // 2], schools[len(schools) // 2 :])
    for name, description, half in CLUSTERS:
        members = halves[half] if half is not None else early_years
        db.session.add(Cluster(partnership=partnership, name=name, description=description, schools=list(members)))

    passwords = {role: f"demo-{role}-{secrets.token_hex(3)}" for role in ("admin", "head", "reviewer", "coordinator")}
    home, reviewer_school, coordinator_school = schools[0], schools[1], schools[2]

    admin = _person("Priya Natarajan", f"admin@{DEMO_DOMAIN}", passwords["admin"])
    admin.roles.append(RoleAssignment(role="admin", partnership=partnership))

    head = _person(home.head_name or "Demo Head", f"head@{DEMO_DOMAIN}", passwords["head"])
    _school_role(head, "head", home)
    # A head who is also a trained reviewer, as many are.
    _school_role(head, "reviewer", home, trained_on=date(2025, 10, 8))

    reviewer = _person("Tom Okafor", f"reviewer@{DEMO_DOMAIN}", passwords["reviewer"])
    # An experienced reviewer who leads teams.
    _school_role(reviewer, "reviewer", reviewer_school, trained_on=date(2024, 9, 17), can_lead=True)

    coordinator = _person("Gwen Price", f"coordinator@{DEMO_DOMAIN}", passwords["coordinator"])
    _school_role(coordinator, "coordinator", coordinator_school)

    # Every other school has a head (and most a trained reviewer) without a password yet:
    # the admin would hand each a set-password link.
    for index, school in enumerate(schools[1:], start=1):
        head_name = school.head_name or f"Head of {school.name}"
        other_head = _person(head_name, f"head.{_slug(school.name)}@{DEMO_DOMAIN}")
        _school_role(other_head, "head", school)
        if index % 3 != 0:
            # Heads trained before this school year have led reviews and may lead a team.
            _school_role(other_head, "reviewer", school, trained_on=date(2024 + index % 3, 9, 10 + index),
                         can_lead=index % 3 == 1)

    db.session.commit()
    logins = [(role, f"{role}@{DEMO_DOMAIN}", passwords[role]) for role in ("admin", "head", "reviewer", "coordinator")]
    return partnership, logins


# --- surveys ---------------------------------------------------------------------------

# The demo's small school: its results must be withheld everywhere.
SMALL_SCHOOL_RESPONSES = 3


def _agree(rng: random.Random, mood: float, item) -> str:
    extra = [o["value"] for o in item.options.get("extra", [])]
    if extra and rng.random() < 0.45:
        return extra[0]  # "My child has not been bullied", "I have not raised any concerns"
    if rng.random() < 0.06:
        return "dont_know"
    if rng.random() < mood:
        return "strongly_agree" if rng.random() < 0.42 else "agree"
    return "disagree" if rng.random() < 0.72 else "strongly_disagree"


def _answers(rng: random.Random, version, mood: float, texts: dict[str, list[str]]) -> list[Answer]:
    """One respondent's answers: agreeable in a happy school, less so elsewhere."""
    given: dict[str, object] = {}
    answers = []
    for item in version.items:
        if item.condition and given.get(item.condition["key"]) != item.condition["equals"]:
            continue
        if item.kind == "agree":
            value = _agree(rng, mood, item)
        elif item.kind == "yes_no":
            if item.options.get("yes_is_positive"):
                value = "yes" if rng.random() < min(0.97, mood + 0.1) else "no"
            else:
                value = "yes" if rng.random() < 0.16 else "no"
        elif item.kind == "rating":
            value = max(0, min(10, round(rng.gauss(3 + 6 * mood, 1.6))))
        elif item.kind == "faces":
            value = "happy" if rng.random() < mood + 0.05 else ("ok" if rng.random() < 0.7 else "sad")
        elif item.kind in ("long_text", "short_text"):
            bank = texts.get(item.key)
            if not bank or rng.random() > 0.42:
                continue
            value = rng.choice(bank)
        else:
            continue
        given[item.key] = value
        answers.append(Answer(item_id=item.id, value=value))
    return answers


def _run(partnership, template, title, opens_on, closes_on, schools, welsh=False) -> SurveyRun:
    run = SurveyRun(partnership=partnership, version=template.current, title=title, audience=template.audience,
                    opens_on=opens_on, closes_on=closes_on, threshold=5, welsh=welsh)
    for school in schools:
        run.schools.append(RunSchool(school=school, open_code=codes.new_open_code()))
    db.session.add(run)
    db.session.flush()
    return run


def _respond(rng, run, schools, sizes, moods, texts, welsh_share=0.0) -> int:
    count = 0
    for school in schools:
        for _ in range(sizes[school.id]):
            day = run.opens_on + timedelta(days=rng.randrange(max(1, min((run.closes_on - run.opens_on).days, (today() - run.opens_on).days) + 1)))
            response = SurveyResponse(run_id=run.id, version_id=run.version_id, school_id=school.id,
                                      language="cy" if rng.random() < welsh_share else "en", submitted_on=min(day, today()))
            response.answers = _answers(rng, run.version, moods[school.id], texts)
            db.session.add(response)
            count += 1
    return count


def seed_surveys(partnership: Partnership) -> dict[str, int]:
    """A staff survey last year and this year (so results compare), a parent survey last summer
    (closed) and one open now with Welsh, a few hundred responses, free text, and one school too small to show."""
    rng = random.Random(2026)
    install_builtin_templates(partnership)
    db.session.flush()
    templates = {t.key: t for t in db.session.scalars(
        select(QuestionnaireTemplate).where(QuestionnaireTemplate.partnership_id == partnership.id))}
    schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id).order_by(School.urn)))
    small = schools[-1]
    moods = {s.id: 0.62 + 0.3 * rng.random() for s in schools}
    now = today()

    staff_texts = {"st_well": comments.STAFF_WELL, "st_change": comments.STAFF_CHANGE}
    staff_last = _run(partnership, templates["staff_wellbeing"], "Staff wellbeing survey, last autumn",
                      now - timedelta(days=400), now - timedelta(days=379), schools)
    staff_now = _run(partnership, templates["staff_wellbeing"], "Staff wellbeing survey, autumn",
                     now - timedelta(days=50), now - timedelta(days=30), schools)
    # Last summer's parent survey is closed, so its results (and every demo school's pack) are complete.
    parents_summer = _run(partnership, templates["parent_view"], "Parent and carer survey, summer term",
                          now - timedelta(days=190), now - timedelta(days=169), schools, welsh=True)
    parents = _run(partnership, templates["parent_view"], "Parent and carer survey", now - timedelta(days=21),
                   now + timedelta(days=18), schools, welsh=True)

    staff_sizes = {s.id: rng.randint(9, 24) for s in schools} | {small.id: SMALL_SCHOOL_RESPONSES}
    counts = {
        "staff last year": _respond(rng, staff_last, schools, {k: max(3, v - 4) for k, v in staff_sizes.items()},
                                    {k: v - 0.08 for k, v in moods.items()}, staff_texts),
        "staff": _respond(rng, staff_now, schools, staff_sizes, moods, staff_texts),
        "parents last summer": _respond(rng, parents_summer, schools,
                                        {s.id: rng.randint(12, 30) for s in schools} | {small.id: 2},
                                        {k: v - 0.04 for k, v in moods.items()}, {"pv_comments": comments.PARENT},
                                        welsh_share=0.08),
        "parents": _respond(rng, parents, schools, {s.id: rng.randint(14, 36) for s in schools} | {small.id: 2},
                            moods, {"pv_comments": comments.PARENT}, welsh_share=0.08),
    }

    # One staff member raises a safeguarding concern (fictional), once.
    change = next(item for item in staff_now.version.items if item.key == "st_change")
    db.session.add(SurveyResponse(run_id=staff_now.id, version_id=staff_now.version_id, school_id=schools[1].id,
                                  language="en", submitted_on=staff_now.closes_on,
                                  answers=[Answer(item_id=change.id, value=comments.SAFEGUARDING_EXAMPLE)]))

    # Paper slips for the first school's parents: 40 printed, 12 used so far.
    secret = current_app.config["SECRET_KEY"]
    for serial in range(1, 41):
        code = codes.single_use_code(secret, parents.id, schools[0].id, serial)
        db.session.add(AccessCode(run_id=parents.id, school_id=schools[0].id, serial=serial,
                                  code_hash=codes.hash_code(secret, code), used=serial <= 12))
    db.session.commit()
    # Every comment analysed now, so results pages and the safeguarding queue show insight at once.
    store.ensure_analysed(partnership_id=partnership.id)
    return counts


# --- peer reviews ----------------------------------------------------------------------

def _record(review: Review, person: Person, evidence, findings) -> None:
    record = ReviewerRecord(review=review, person=person)
    for line_index, activity, who, partner, notes, theme in evidence:
        record.evidence.append(EvidenceEntry(
            line_id=review.lines[line_index].id, client_id=str(uuid.uuid4()), activity=activity, who=who,
            host_partner=partner, notes=notes, theme=theme))
    for line, (strengths, areas) in zip(review.lines, findings):
        for field, value in (("strengths", strengths), ("areas", areas)):
            if value:
                record.fields.append(RecordField(line_id=line.id, field=field, value=value))
    db.session.add(record)


def _review(review_round, host, status, day, team, self_evaluation, lines) -> Review:
    review = Review(round=review_round, host=host, status=status, review_date=day, self_evaluation=self_evaluation)
    db.session.add(review)
    for position, (question, priority, context, wanted) in enumerate(lines):
        review.lines.append(LineOfEnquiry(position=position, question=question, sip_priority=priority,
                                          context=context, evidence_wanted=wanted))
    for person, is_lead in team:
        review.team.append(TeamMember(person=person, is_lead=is_lead, source="proposed",
                                      distance_km=distance_km(_place(_home(person)), _place(host))))
    db.session.flush()
    return review


def _home(person: Person) -> School:
    return next(r.school for r in person.roles if r.role == "reviewer")


def _place(school: School) -> Place:
    return Place(school_id=school.id, easting=school.easting, northing=school.northing)


def seed_reviews(partnership: Partnership) -> dict[str, int]:
    """This term's published round: an agreed review of the demo head's school, one in progress
    today (led by the demo reviewer, with the demo head on the team) and upcoming ones; and next
    term's round as a draft, ready for the admin to propose teams."""
    now = today()
    schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id).order_by(School.urn)))
    by_email = {p.email: p for p in db.session.scalars(select(Person))}
    head = by_email[f"head@{DEMO_DOMAIN}"]
    reviewer = by_email[f"reviewer@{DEMO_DOMAIN}"]

    def head_of(school: School) -> Person:
        return next(r.person for r in db.session.scalars(
            select(RoleAssignment).where(RoleAssignment.school_id == school.id, RoleAssignment.role == "head")))

    autumn = ReviewRound(partnership=partnership, name="Autumn term peer reviews", window_start=now - timedelta(days=60),
                         window_end=now + timedelta(days=25), max_distance_km=40, status="published",
                         published_at=datetime.combine(now - timedelta(days=70), time(9)))
    db.session.add(autumn)
    st_marys, riverside_park, ferry_lane, kingsway = schools[0], schools[4], schools[9], schools[5]
    agreed_day = _weekday(now - timedelta(days=42))
    agreed = _review(autumn, st_marys, "agreed", agreed_day, [(head_of(riverside_park), True), (reviewer, False)],
                     reviews.AGREED_SELF_EVALUATION, reviews.AGREED_LINES)
    _record(agreed, head_of(riverside_park), reviews.AGREED_EVIDENCE_LEAD, reviews.AGREED_FINDINGS_LEAD)
    _record(agreed, reviewer, reviews.AGREED_EVIDENCE_MEMBER, reviews.AGREED_FINDINGS_MEMBER)
    report = ReviewReport(review=agreed, summary=reviews.AGREED_REPORT_SUMMARY,
                          submitted_at=datetime.combine(agreed_day + timedelta(days=3), time(16, 30)),
                          submitted_by_id=head_of(riverside_park).id, head_reply=reviews.AGREED_HEAD_REPLY,
                          agreed_at=datetime.combine(agreed_day + timedelta(days=8), time(8, 15)), agreed_by_id=head.id)
    for line, (went_well, even_better_if) in zip(agreed.lines, reviews.AGREED_REPORT_FINDINGS):
        report.findings.append(ReportFinding(line_id=line.id, went_well=went_well, even_better_if=even_better_if))
    for position, (action, owner, days) in enumerate(reviews.AGREED_NEXT_STEPS):
        report.next_steps.append(NextStep(position=position, action=action, owner=owner,
                                          due_on=agreed_day + timedelta(days=days)))
    db.session.add(report)

    in_progress = _review(autumn, ferry_lane, "in_progress", _weekday(now), [(reviewer, True), (head, False)],
                          reviews.IN_PROGRESS_SELF_EVALUATION, reviews.IN_PROGRESS_LINES)
    _record(in_progress, reviewer, reviews.IN_PROGRESS_EVIDENCE_LEAD, reviews.IN_PROGRESS_FINDINGS_LEAD)

    upcoming = _review(autumn, kingsway, "confirmed", _weekday(now + timedelta(days=15)),
                       [(head_of(schools[7]), True), (head_of(schools[10]), False)], "", [])
    db.session.commit()

    spring = ReviewRound(partnership=partnership, name="Spring term peer reviews",
                         window_start=_weekday(now + timedelta(days=60)), window_end=now + timedelta(days=130),
                         max_distance_km=40, exclude_same_cluster=False, status="draft")
    spring.reviews = [Review(host=school) for school in schools
                      if school.id not in {st_marys.id, ferry_lane.id, kingsway.id}]
    db.session.add(spring)
    db.session.commit()
    return {"reviews": 3 + len(spring.reviews), "upcoming": upcoming.id}


# --- pupil visits ----------------------------------------------------------------------

def _visit(partnership, host, day, focus_key, visiting, pupils, creator) -> PupilVisit:
    focus = BY_KEY[focus_key]
    visit = PupilVisit(partnership=partnership, host=host, visit_date=day, starts_at=time(9, 30),
                       ends_at=time(11, 45), focus_key=focus.key, focus_title=focus.en, created_by_id=creator.id)
    visit.prompts = [VisitPrompt(position=i, text_en=p.en, text_cy=p.cy) for i, p in enumerate(focus.prompts)]
    visit.visiting_schools = [VisitingSchool(school=school) for school in visiting]
    visit.pupils = [VisitPupil(school=visiting[school_index], first_name=name, year_group=year)
                    for name, year, school_index in pupils]
    visit.adults = [VisitAdult(school=school, name=name) for school, name in
                    zip(visiting, ("Mrs Hollis", "Mr Adeyemi"))]
    db.session.add(visit)
    db.session.flush()
    return visit


def seed_visits(partnership: Partnership) -> dict[str, int]:
    """A finished visit to the demo head's school (feedback from twelve children, interview notes,
    the head's thank-you) with the demo coordinator's pupils among the visitors, and one to come."""
    now = today()
    schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id).order_by(School.urn)))
    coordinator = db.session.scalar(select(Person).where(Person.email == f"coordinator@{DEMO_DOMAIN}"))
    st_marys, coordinator_school = schools[0], schools[2]

    finished_day = _weekday(now - timedelta(days=17))
    finished = _visit(partnership, st_marys, finished_day, "reading_areas", [coordinator_school, schools[8]],
                      visits.FINISHED_PUPILS, coordinator)
    finished.status = "closed"
    opened = datetime.combine(finished_day, time(11, 0))
    finished.sessions = [FeedbackSession(code_hash=secrets.token_hex(32), opened_at=opened,
                                         expires_at=opened + timedelta(hours=6), closed_at=opened + timedelta(minutes=40),
                                         opened_by_id=coordinator.id)]
    for pupil, (faces, star_1, star_2, wish, like) in zip(finished.pupils, visits.FINISHED_FEEDBACK):  # in the order listed
        db.session.add(ChildFeedback(
            visit_id=finished.id, pupil_id=pupil.id, faces={str(p.id): face for p, face in zip(finished.prompts, faces)},
            star_1=star_1, star_2=star_2, wish=wish, like_at_school=like, language="en", submitted_on=finished_day))
    for year, question, answer in visits.FINISHED_INTERVIEWS:
        db.session.add(InterviewNote(visit_id=finished.id, client_id=str(uuid.uuid4()), host_year_group=year,
                                     question=question, answer=answer))
    finished.thank_you = visits.FINISHED_THANK_YOU
    finished.thank_you_sent_at = datetime.combine(finished_day + timedelta(days=2), time(15, 0))

    upcoming = _visit(partnership, schools[4], _weekday(now + timedelta(days=9)), "maths_walk",
                      [coordinator_school, schools[5]], visits.UPCOMING_PUPILS, coordinator)
    db.session.commit()
    return {"visits": 2, "feedback": len(visits.FINISHED_FEEDBACK), "upcoming": upcoming.id}


def _weekday(day: date) -> date:
    """The same day, or the Monday after if it falls at a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def demo_logins_file() -> Path:
    return Path(current_app.instance_path) / "demo-logins.txt"


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with a demo partnership and print the demo logins."""
    if db.session.scalar(select(Partnership.id).limit(1)) is not None:
        raise click.ClickException(
            "The database already holds a partnership; seed-demo only fills an empty database."
        )
    partnership, logins = seed_directory()
    seed_surveys(partnership)
    seed_reviews(partnership)
    seed_visits(partnership)
    lines = [f"demo login: {role} {email} {password}" for role, email, password in logins]
    path = demo_logins_file()
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    for line in lines:
        click.echo(line)
