"""Who reaches which visits management page: a role x route matrix over every route of the
"visits" blueprint. Planners (admin, the host school's coordinator, the visiting schools' heads
and coordinators) run the visit; the host head chooses the focus, reads the feedback and
thanks; staff of a school with no part get 403; another partnership's admin gets 404; nobody
signed in is sent to sign in."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from peerreview.extensions import db
from peerreview.visits import sessions
from peerreview.visits.models import FeedbackSession, PupilVisit, VisitAdult, VisitPupil
from tests.conftest import get_token, sign_in

TODAY = date(2027, 2, 3)  # the day of the visit in visit_world
ROLES = ("anonymous", "admin", "head_a", "coordinator_a", "head_b", "coordinator_b", "coordinator_c", "head_d",
         "coordinator_d", "other_admin")
EMAILS = {
    "admin": "admin@north.example",
    "head_a": "head.ash@north.example",
    "coordinator_a": "coord.ash@north.example",
    "head_b": "head.birch@north.example",
    "coordinator_b": "coord.birch@north.example",
    "coordinator_c": "coord.cedar@north.example",
    "head_d": "head.damson@north.example",
    "coordinator_d": "coord.damson@north.example",
    "other_admin": "admin@faraway.example",
}
UNKNOWN = 987654
PLANNERS = ("admin", "coordinator_a", "head_b", "coordinator_b", "coordinator_c")


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


def expect(ok, allowed=(), *, outsiders=403, head_a=None, other_admin=404):
    """``ok`` for the roles in ``allowed``; 403 for the rest of the partnership (``outsiders``
    covers head_d and coordinator_d); 404 for the other partnership's admin; anonymous -> 302."""
    table = {"anonymous": 302, "other_admin": other_admin, "head_d": outsiders, "coordinator_d": outsiders}
    for role in ROLES:
        table.setdefault(role, ok if role in allowed else 403)
    if head_a is not None:
        table["head_a"] = head_a
    return table


VIEWERS = ("admin", "head_a", "coordinator_a", "head_b", "coordinator_b", "coordinator_c")
FOCUS = ("admin", "head_a")
READERS = ("admin", "head_a")
THANKERS = ("head_a",)
EVERYONE = {role: 200 for role in ROLES if role != "anonymous"} | {"anonymous": 302}
NOBODY = {role: 404 for role in ROLES if role != "anonymous"} | {"anonymous": 302}
CREATORS_GET = dict(EVERYONE, head_a=403, head_b=403, head_d=403)
# A coordinator anywhere in the partnership may plan a visit; another partnership's admin is
# offered only their own schools, so Ash and Birch are refused as a choice (400).
CREATORS_POST = dict(CREATORS_GET, admin=302, coordinator_a=302, coordinator_b=302, coordinator_c=302,
                     coordinator_d=302, other_admin=400)

# (method, url, expected by role, body, state of Ash's visit)
ROUTES = [
    ("GET", "/manage/visits", EVERYONE, None, "planned"),
    ("GET", "/manage/visits/new", CREATORS_GET, None, "planned"),
    ("POST", "/manage/visits/new", CREATORS_POST, "new_visit", "planned"),
    ("GET", "/manage/visits/{visit}", expect(200, VIEWERS), None, "planned"),
    ("GET", "/manage/visits/{unknown}", NOBODY, None, "planned"),
    ("GET", "/manage/visits/{other}", dict(NOBODY, other_admin=200), None, "planned"),
    ("GET", "/manage/visits/{visit}/edit", expect(200, PLANNERS), None, "planned"),
    ("GET", "/manage/visits/{visit}/edit", expect(409, PLANNERS), None, "open"),
    ("POST", "/manage/visits/{visit}/edit", expect(302, PLANNERS), "details", "planned"),
    ("GET", "/manage/visits/{visit}/people", expect(200, PLANNERS), None, "planned"),
    ("GET", "/manage/visits/{other}/people", dict(NOBODY, other_admin=200), None, "planned"),
    ("POST", "/manage/visits/{visit}/pupils", expect(302, PLANNERS), "pupils", "planned"),
    ("POST", "/manage/visits/{visit}/pupils/one", expect(302, PLANNERS), "one_pupil", "planned"),
    ("POST", "/manage/visits/{visit}/pupils/{pupil}/remove", expect(302, PLANNERS), "empty", "planned"),
    ("POST", "/manage/visits/{visit}/pupils/{other_pupil}/remove", expect(404, PLANNERS), "empty", "planned"),
    ("POST", "/manage/visits/{visit}/adults", expect(302, PLANNERS), "adult", "planned"),
    ("POST", "/manage/visits/{visit}/adults/{adult}/remove", expect(302, PLANNERS), "empty", "planned"),
    ("GET", "/manage/visits/{visit}/focus", expect(200, FOCUS), None, "planned"),
    ("POST", "/manage/visits/{visit}/focus", expect(302, FOCUS), "focus", "planned"),
    ("POST", "/manage/visits/{visit}/focus", expect(409, FOCUS), "focus", "closed"),
    ("GET", "/manage/visits/{visit}/session", expect(200, PLANNERS), None, "planned"),
    ("POST", "/manage/visits/{visit}/session", expect(302, PLANNERS), "empty", "planned"),
    ("POST", "/manage/visits/{visit}/session", expect(409, PLANNERS), "empty", "closed"),
    ("GET", "/manage/visits/{visit}/session/tally", expect(200, PLANNERS), None, "open"),
    ("GET", "/manage/visits/{visit}/close", expect(200, PLANNERS), None, "open"),
    ("POST", "/manage/visits/{visit}/close", expect(302, PLANNERS), "empty", "open"),
    ("POST", "/manage/visits/{visit}/close", expect(409, PLANNERS), "empty", "closed"),
    ("GET", "/manage/visits/{visit}/feedback", expect(200, READERS), None, "closed"),
    ("GET", "/manage/visits/{visit}/feedback", expect(200, READERS), None, "planned"),
    ("GET", "/manage/visits/{unknown}/feedback", NOBODY, None, "closed"),
    ("GET", "/manage/visits/{visit}/thanks", expect(200, THANKERS), None, "closed"),
    ("GET", "/manage/visits/{visit}/thanks", expect(409, THANKERS), None, "open"),
    ("POST", "/manage/visits/{visit}/thanks", expect(302, THANKERS), "thanks", "closed"),
]

MATRIX = [
    pytest.param(role, method, url, statuses[role], body, state, id=f"{role}-{method}-{url}-{state}")
    for method, url, statuses, body, state in ROUTES
    for role in ROLES
]


def other_partnership_visit(vw) -> PupilVisit:
    far_b = VisitPupil(school=vw.far, first_name="Gwen", year_group=5)
    visit = PupilVisit(partnership=vw.other_partnership, host=vw.far, visit_date=date(2027, 3, 1),
                       starts_at=datetime(2027, 3, 1, 9).time(), ends_at=datetime(2027, 3, 1, 11).time())
    visit.pupils = [far_b]
    db.session.add(visit)
    db.session.commit()
    return visit


def put_in_state(visit: PupilVisit, state: str) -> None:
    if state == "planned":
        return
    now = sessions.utcnow()
    visit.sessions.append(FeedbackSession(code_hash=sessions.hash_for("ABC234"), opened_at=now,
                                          expires_at=now + timedelta(hours=6),
                                          closed_at=now if state == "closed" else None))
    visit.status = state
    db.session.commit()


def body_for(kind: str, vw) -> dict:
    visit = vw.visit
    if kind == "new_visit":
        return {"host_school_id": str(vw.ash.id), "visit_date": ["10", "3", "2027"], "starts_at": "09:30",
                "ends_at": "11:30", "visiting": [str(vw.birch.id)]}
    if kind == "details":
        return {"host_school_id": str(vw.ash.id), "visit_date": ["3", "2", "2027"], "starts_at": "09:00",
                "ends_at": "12:00", "visiting": [str(vw.birch.id), str(vw.cedar.id)]}
    if kind == "pupils":
        return {"school_id": str(vw.birch.id), "lines": "Fern, 4\nGethin, Year 5"}
    if kind == "one_pupil":
        return {"one-school_id": str(vw.cedar.id), "one-first_name": "Hana", "one-year_group": "3"}
    if kind == "adult":
        return {"adult-name": "Ms Jones", "adult-school_id": str(vw.birch.id), "adult-phone": "07700 900123"}
    if kind == "focus":
        data = {"action": "save", "focus_key": "reading_areas", "focus_title": "Our reading areas"}
        for i, prompt in enumerate(visit.prompts):
            data[f"prompts-{i}-en"] = prompt.text_en
        return data
    if kind == "thanks":
        return {"message": "Thank you, everyone, for your kind and careful ideas."}
    return {}


@pytest.mark.parametrize("role, method, url, expected, body, state", MATRIX)
def test_role_and_route_matrix(client, visit_world, role, method, url, expected, body, state):
    vw = visit_world
    other = other_partnership_visit(vw)
    put_in_state(vw.visit, state)
    ids = {"visit": vw.visit.id, "other": other.id, "unknown": UNKNOWN, "pupil": vw.visit.pupils[0].id,
           "other_pupil": other.pupils[0].id, "adult": vw.visit.adults[0].id}
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    path = url.format(**ids)
    if method == "GET":
        response = client.get(path)
    else:
        token = get_token(client, "/" if role != "anonymous" else "/login")
        response = client.post(path, data={"csrf_token": token, **body_for(body, vw)})
    assert response.status_code == expected, response.get_data(as_text=True)[:1500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_the_matrix_covers_every_route_of_the_visits_blueprint(app):
    covered = {(method, re.sub(r"\{[^}]+\}", "*", url)) for method, url, *_rest in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("visits."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, re.sub(r"<[^>]+>", "*", rule.rule)) in covered, (method, rule.rule)


def test_a_pupil_of_another_visit_is_never_removed(client, visit_world):
    vw = visit_world
    other = other_partnership_visit(vw)
    sign_in(client, EMAILS["coordinator_b"])
    token = get_token(client, f"/manage/visits/{vw.visit.id}/people")
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils/{other.pupils[0].id}/remove",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(VisitPupil, other.pupils[0].id).first_name == "Gwen"


def test_an_adult_of_another_visit_is_never_removed(client, visit_world):
    vw = visit_world
    other = other_partnership_visit(vw)
    other.adults = [VisitAdult(school=vw.far, name="Mr Far")]
    db.session.commit()
    sign_in(client, EMAILS["admin"])
    token = get_token(client, f"/manage/visits/{vw.visit.id}/people")
    response = client.post(f"/manage/visits/{vw.visit.id}/adults/{other.adults[0].id}/remove",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert len(other.adults) == 1
