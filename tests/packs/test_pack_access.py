"""Who may make, follow and download a school's feedback packs: a role x route matrix over every
packs route. Only the school's head and the partnership's admins; another head or a reviewer or
coordinator of the school is refused (403); an admin of another partnership is told it is not
found (404), as is an id that does not exist; anyone signed out is sent to sign in."""
from __future__ import annotations

import re

import pytest

from peerreview.core import permissions
from peerreview.extensions import db
from peerreview.packs import access, jobs
from peerreview.packs.models import PackJob
from peerreview.packs.periods import school_year
from tests.conftest import get_token, sign_in
from tests.packs.jobs_world import EMAILS, FAKE_PDF, TODAY, FakeRender, build

ROLES = ("anonymous", "head", "admin", "other_head", "reviewer", "coordinator", "other_admin")
UNKNOWN = 987654


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)
    monkeypatch.setattr("peerreview.packs.render.render_pack", FakeRender())


def stored_job(school, status="done") -> PackJob:
    period = school_year(2026)
    job = PackJob(school_id=school.id, period_start=period.start, period_end=period.end, language="en",
                  status=status, progress=100 if status == "done" else 0, requested_at=jobs.utcnow(),
                  finished_at=jobs.utcnow())
    if status == "done":
        name = f"{status}-{school.id}-test.pdf"
        (jobs.pack_dir() / name).write_bytes(FAKE_PDF)
        job.stored_name, job.size_bytes = name, len(FAKE_PDF)
    db.session.add(job)
    db.session.commit()
    return job


def expect(**by_role):
    table = {"anonymous": 302, **by_role}
    assert set(table) == set(ROLES), by_role
    return table


ALLOWED_FOR_ASH = {"head": 200, "admin": 200, "other_head": 403, "reviewer": 403, "coordinator": 403, "other_admin": 404}
POSTED_FOR_ASH = {"head": 303, "admin": 303, "other_head": 403, "reviewer": 403, "coordinator": 403, "other_admin": 404}
NOT_FOUND = {"head": 404, "admin": 404, "other_head": 404, "reviewer": 404, "coordinator": 404, "other_admin": 404}

ROUTES = [
    # The list: heads of one school go straight to it; admins choose; no head or admin role, 403.
    ("GET", "/manage/packs", expect(head=302, admin=200, other_head=302, reviewer=403, coordinator=403,
                                    other_admin=302)),
    ("GET", "/manage/packs/schools/{ash}", expect(**ALLOWED_FOR_ASH)),
    ("POST", "/manage/packs/schools/{ash}/generate", expect(**POSTED_FOR_ASH)),
    ("GET", "/manage/packs/schools/{far}", expect(head=404, admin=404, other_head=404, reviewer=404, coordinator=404,
                                                  other_admin=200)),
    ("GET", "/manage/packs/schools/{unknown}", expect(**NOT_FOUND)),
    ("POST", "/manage/packs/schools/{unknown}/generate", expect(**NOT_FOUND)),
    ("GET", "/manage/packs/{done}", expect(**ALLOWED_FOR_ASH)),
    ("GET", "/manage/packs/{done}/status", expect(**ALLOWED_FOR_ASH)),
    ("GET", "/manage/packs/{done}/download", expect(**ALLOWED_FOR_ASH)),
    ("POST", "/manage/packs/{failed}/retry", expect(**POSTED_FOR_ASH)),
    # Another school's pack: its own head and the admins only.
    ("GET", "/manage/packs/{birch_done}/download", expect(head=403, admin=200, other_head=200, reviewer=403,
                                                          coordinator=403, other_admin=404)),
    ("GET", "/manage/packs/{far_done}/download", expect(head=404, admin=404, other_head=404, reviewer=404,
                                                        coordinator=404, other_admin=200)),
    ("GET", "/manage/packs/{unknown}", expect(**NOT_FOUND)),
    ("GET", "/manage/packs/{unknown}/status", expect(**NOT_FOUND)),
    ("GET", "/manage/packs/{unknown}/download", expect(**NOT_FOUND)),
    ("POST", "/manage/packs/{unknown}/retry", expect(**NOT_FOUND)),
]

MATRIX = [
    pytest.param(role, method, url, statuses[role], id=f"{role}-{method}-{url}")
    for method, url, statuses in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize("role, method, url, expected", MATRIX)
def test_role_and_route_matrix(client, world, role, method, url, expected):
    w = build(world)
    ids = {"ash": w.ash.id, "far": w.far.id, "unknown": UNKNOWN, "done": stored_job(w.ash).id,
           "failed": stored_job(w.ash, "failed").id, "birch_done": stored_job(w.birch).id,
           "far_done": stored_job(w.far).id}
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    path = url.format(**ids)
    if method == "GET":
        response = client.get(path)
    else:
        # A real token for this session, so CSRF is never the reason; a valid body, so input is not either.
        token = get_token(client, "/" if role != "anonymous" else "/login")
        response = client.post(path, data={"csrf_token": token, "period": "2026", "language": "en"})
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    if path.endswith("/download") and expected == 200:
        assert response.data == FAKE_PDF


def test_the_matrix_covers_every_packs_route(app):
    """A new packs route (or method) must be added to ROUTES above."""
    covered = {(method, re.sub(r"\{[^}]+\}", "*", url)) for method, url, _s in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("packs."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, re.sub(r"<[^>]+>", "*", rule.rule)) in covered, (method, rule.rule)


def test_refusals_leave_nothing_behind(client, world):
    """A refused generate or retry makes no job; a refused download is not a download."""
    w = build(world)
    failed = stored_job(w.ash, "failed")
    sign_in(client, EMAILS["other_head"])
    token = get_token(client, "/")
    client.post(f"/manage/packs/schools/{w.ash.id}/generate", data={"csrf_token": token, "period": "2026", "language": "en"})
    client.post(f"/manage/packs/{failed.id}/retry", data={"csrf_token": token})
    assert db.session.query(PackJob).count() == 1


def test_a_head_of_one_school_is_sent_to_its_packs_and_an_admin_chooses(client, world):
    w = build(world)
    sign_in(client, EMAILS["head"])
    assert client.get("/manage/packs").headers["Location"].endswith(f"/manage/packs/schools/{w.ash.id}")
    admin = client.application.test_client()
    sign_in(admin, EMAILS["admin"])
    page = admin.get("/manage/packs").get_data(as_text=True)
    assert "Ash Primary" in page and "Birch Primary" in page and "Faraway School" not in page


@pytest.mark.parametrize("role, school, allowed", [
    ("head", "ash", True), ("admin", "ash", True), ("admin", "birch", True), ("other_head", "ash", False),
    ("reviewer", "ash", False), ("coordinator", "ash", False), ("other_admin", "ash", False),
    ("other_admin", "far", True), ("head", "birch", False),
])
def test_the_rule_in_one_place(world, role, school, allowed):
    w = build(world)
    assert access.can_use_packs(getattr(w, role), getattr(w, school)) is allowed


def test_a_switched_off_head_can_use_no_packs(world):
    w = build(world)
    w.head.active = False
    db.session.commit()
    assert not access.can_use_packs(w.head, w.ash)
    assert access.schools_for(w.head) == [] and not permissions.head_school_ids(w.head)


@pytest.mark.parametrize("role, shown", [("head", True), ("admin", True), ("reviewer", False), ("coordinator", False)])
def test_the_menu_offers_feedback_packs_to_heads_and_admins_only(client, world, role, shown):
    build(world)
    sign_in(client, EMAILS[role])
    page = client.get("/").get_data(as_text=True)
    assert ('href="/manage/packs"' in page) is shown
