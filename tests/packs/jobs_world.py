"""Helpers for the pack job tests: a small partnership, a fake renderer and a queue that only
records, so tests decide when (and whether) a job runs. The real renderer is used by the
render helper's tests and by the browser test."""
from __future__ import annotations

from datetime import date, time
from types import SimpleNamespace

from peerreview.extensions import db
from peerreview.packs import tasks
from peerreview.visits.models import ChildFeedback, PupilVisit

TODAY = date(2027, 3, 10)
FAKE_PDF = b"%PDF-1.7\n% a fake pack for the job tests\n%%EOF\n"

EMAILS = {
    "admin": "admin@north.example",
    "head": "head.ash@north.example",
    "other_head": "head.birch@north.example",
    "reviewer": "reviewer.ash@north.example",
    "coordinator": "coord.ash@north.example",
    "other_admin": "admin@faraway.example",
}


def build(world) -> SimpleNamespace:
    """North Star Trust: Ash Primary (head, reviewer, coordinator) and Birch Primary (its head),
    an admin; Faraway Partnership with its own school and admin."""
    p = world.partnership("North Star Trust")
    ash = world.school(p, "Ash Primary")
    birch = world.school(p, "Birch Primary")
    q = world.partnership("Faraway Partnership")
    far = world.school(q, "Faraway School")
    people = {
        "admin": world.person(EMAILS["admin"], ("admin", p), name="Ada Admin"),
        "head": world.person(EMAILS["head"], ("head", ash), name="Hana Head"),
        "other_head": world.person(EMAILS["other_head"], ("head", birch)),
        "reviewer": world.person(EMAILS["reviewer"], ("reviewer", ash)),
        "coordinator": world.person(EMAILS["coordinator"], ("coordinator", ash)),
        "other_admin": world.person(EMAILS["other_admin"], ("admin", q)),
    }
    return SimpleNamespace(p=p, q=q, ash=ash, birch=birch, far=far, **people)


class FakeRender:
    """Stands in for peerreview.packs.render.render_pack: reports progress, returns a tiny PDF,
    or raises for the first ``fail`` calls."""

    def __init__(self, fail: int = 0, error: Exception | None = None):
        self.fail = fail
        self.error = error or RuntimeError("layout exploded")
        self.calls = []
        self.progress_seen = []

    def __call__(self, school, period_start, period_end, language, progress=None):
        self.calls.append((school.id, period_start, period_end, language))
        for n in (0, 20, 50, 85):
            progress(n)
            self.progress_seen.append(n)
        if len(self.calls) <= self.fail:
            raise self.error
        progress(100)
        self.progress_seen.append(100)
        return FAKE_PDF


class RecordingQueue:
    """A queue that keeps the ids it is given; ``run_all`` runs them as a worker would."""

    def __init__(self, fail_with: Exception | None = None):
        self.ids: list[int] = []
        self.fail_with = fail_with

    def enqueue(self, job_id: int) -> None:
        if self.fail_with:
            raise self.fail_with
        self.ids.append(job_id)


def use_recording_queue(app, monkeypatch, **kwargs) -> RecordingQueue:
    queue = RecordingQueue(**kwargs)
    monkeypatch.setitem(app.extensions, tasks.EXTENSION_KEY, queue)
    return queue


def closed_visit(school, day: date, children: int = 3) -> PupilVisit:
    visit = PupilVisit(partnership_id=school.partnership_id, host=school, visit_date=day, starts_at=time(9, 30),
                       ends_at=time(11, 0), focus_key="reading_areas", focus_title="Our reading areas",
                       status="closed")
    db.session.add(visit)
    db.session.flush()
    for _n in range(children):
        db.session.add(ChildFeedback(visit_id=visit.id, faces={}, star_1="The library is cosy", wish="More books",
                                     submitted_on=day))
    db.session.commit()
    return visit
