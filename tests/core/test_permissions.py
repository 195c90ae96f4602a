"""Who may do what: a role x route matrix over every directory page, and permissions.can itself.

The world: North Star Trust ("P") with schools A and B and a cluster C holding both;
Other Trust ("Q") with school X and cluster Y. People: an admin of each, and the head,
a reviewer and a coordinator of school A.
"""
from __future__ import annotations

import re

import pytest
from flask_login import AnonymousUserMixin

from peerreview.core import permissions
from peerreview.core.permissions import Action
from tests.conftest import get_token, sign_in

ROLES = ("anonymous", "admin", "other_admin", "head", "reviewer", "coordinator")
EMAILS = {
    "admin": "admin@northstar.org.uk",
    "other_admin": "admin@other.org.uk",
    "head": "head@a.sch.uk",
    "reviewer": "reviewer@a.sch.uk",
    "coordinator": "coordinator@a.sch.uk",
}
UNKNOWN = 987654

# A valid body for each POST route, so a refusal is about the person, never the input.
POST_BODIES = {
    "new": {"name": "Fresh cluster"},
    "edit": {"name": "Renamed"},
    "delete": {},
}


def build_world(world):
    p = world.partnership("North Star Trust")
    a = world.school(p, name="School A")
    b = world.school(p, name="School B")
    c = world.cluster(p, "Cluster C", [a, b])
    q = world.partnership("Other Trust")
    x = world.school(q, name="School X")
    y = world.cluster(q, "Cluster Y", [x])
    people = {
        "admin": world.person(EMAILS["admin"], ("admin", p)),
        "other_admin": world.person(EMAILS["other_admin"], ("admin", q)),
        "head": world.person(EMAILS["head"], ("head", a)),
        "reviewer": world.person(EMAILS["reviewer"], ("reviewer", a)),
        "coordinator": world.person(EMAILS["coordinator"], ("coordinator", a)),
    }
    return {"P": p, "Q": q, "A": a.id, "B": b.id, "C": c.id, "X": x.id, "Y": y.id, "unknown": UNKNOWN,
            "people": people}


def expect(**by_role):
    """Expected statuses: anonymous is always sent to sign in; `members` covers head, reviewer, coordinator."""
    members = by_role.pop("members", None)
    table = {"anonymous": 302}
    if members is not None:
        table.update(head=members, reviewer=members, coordinator=members)
    table.update(by_role)
    assert set(table) == set(ROLES), by_role
    return table


# (method, url template, expected status by role). {A} etc. are filled in from the world.
ROUTES = [
    ("GET", "/manage/schools", expect(admin=200, other_admin=200, members=200)),
    ("GET", "/manage/schools/{A}", expect(admin=200, other_admin=404, members=200)),
    ("GET", "/manage/schools/{B}", expect(admin=200, other_admin=404, members=403)),
    ("GET", "/manage/schools/{X}", expect(admin=404, other_admin=200, members=404)),
    ("GET", "/manage/schools/{unknown}", expect(admin=404, other_admin=404, members=404)),
    ("GET", "/manage/clusters", expect(admin=200, other_admin=200, members=200)),
    ("GET", "/manage/clusters/{C}", expect(admin=200, other_admin=404, members=200)),
    ("GET", "/manage/clusters/{Y}", expect(admin=404, other_admin=200, members=404)),
    ("GET", "/manage/clusters/{unknown}", expect(admin=404, other_admin=404, members=404)),
    ("GET", "/manage/clusters/new", expect(admin=200, other_admin=200, members=403)),
    ("POST", "/manage/clusters/new", expect(admin=302, other_admin=302, members=403)),
    ("GET", "/manage/clusters/{C}/edit", expect(admin=200, other_admin=404, members=403)),
    ("POST", "/manage/clusters/{C}/edit", expect(admin=302, other_admin=404, members=403)),
    ("GET", "/manage/clusters/{Y}/edit", expect(admin=404, other_admin=200, members=404)),
    ("POST", "/manage/clusters/{Y}/edit", expect(admin=404, other_admin=302, members=404)),
    ("GET", "/manage/clusters/{unknown}/edit", expect(admin=404, other_admin=404, members=404)),
    ("POST", "/manage/clusters/{unknown}/edit", expect(admin=404, other_admin=404, members=404)),
    ("GET", "/manage/clusters/{C}/delete", expect(admin=200, other_admin=404, members=403)),
    ("POST", "/manage/clusters/{C}/delete", expect(admin=302, other_admin=404, members=403)),
    ("GET", "/manage/clusters/{Y}/delete", expect(admin=404, other_admin=200, members=404)),
    ("POST", "/manage/clusters/{Y}/delete", expect(admin=404, other_admin=302, members=404)),
    ("GET", "/manage/clusters/{unknown}/delete", expect(admin=404, other_admin=404, members=404)),
    ("POST", "/manage/clusters/{unknown}/delete", expect(admin=404, other_admin=404, members=404)),
]

MATRIX = [
    pytest.param(role, method, url, statuses[role], id=f"{role}-{method}-{url}")
    for method, url, statuses in ROUTES
    for role in ROLES
]


@pytest.mark.parametrize("role, method, url, expected", MATRIX)
def test_role_and_route_matrix(client, world, role, method, url, expected):
    ids = build_world(world)
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    path = url.format(**ids)
    if method == "GET":
        response = client.get(path)
    else:
        # A real token for this session (from a page anyone can load), so CSRF is never the reason.
        token = get_token(client, "/" if role != "anonymous" else "/login")
        body = POST_BODIES[path.rsplit("/", 1)[-1]] if not path.endswith("/new") else POST_BODIES["new"]
        response = client.post(path, data={"csrf_token": token, **body})
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_the_matrix_covers_every_directory_route(app):
    """A new directory route (or method) must be added to ROUTES above."""
    covered = {(method, re.sub(r"\{[^}]+\}", "*", url)) for method, url, _s in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("directory."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, re.sub(r"<[^>]+>", "*", rule.rule)) in covered, (method, rule.rule)


def test_someone_with_no_role_is_refused_the_lists_and_cannot_see_anything(client, world):
    ids = build_world(world)
    world.person("nobody@example.org")
    sign_in(client, "nobody@example.org")
    assert client.get("/manage/schools").status_code == 403
    assert client.get("/manage/clusters").status_code == 403
    assert client.get(f"/manage/schools/{ids['A']}").status_code == 404
    assert client.get(f"/manage/clusters/{ids['C']}").status_code == 404
    assert client.get("/manage/clusters/new").status_code == 403


def test_a_switched_off_account_can_see_nothing_even_in_a_live_session(client, world):
    ids = build_world(world)
    sign_in(client, EMAILS["admin"])
    from peerreview.extensions import db
    ids["people"]["admin"].active = False
    db.session.commit()
    assert client.get("/manage/schools").status_code in (302, 403)
    assert client.get(f"/manage/schools/{ids['A']}").status_code in (302, 404)
    assert client.get(f"/manage/clusters/{ids['C']}/edit").status_code in (302, 404)


def test_school_ids_that_are_not_numbers_are_not_found(client, world):
    build_world(world)
    sign_in(client, EMAILS["admin"])
    for path in ("/manage/schools/abc", "/manage/schools/-1", "/manage/clusters/1.5", "/manage/clusters/x/edit"):
        assert client.get(path).status_code == 404, path


# --- permissions.can, unit by unit ------------------------------------------------------------------


@pytest.fixture
def w(world):
    ids = build_world(world)
    from peerreview.core.directory.models import Cluster, School
    from peerreview.extensions import db
    ids.update(
        school_a=db.session.get(School, ids["A"]), school_b=db.session.get(School, ids["B"]),
        school_x=db.session.get(School, ids["X"]),
        cluster_c=db.session.get(Cluster, ids["C"]), cluster_y=db.session.get(Cluster, ids["Y"]),
    )
    ids["people"]["anonymous"] = AnonymousUserMixin()
    ids["people"]["none"] = None
    return ids


def person(w, role):
    return w["people"][role]


# (role, action, target key, expected)
CAN = [
    # the partnership itself
    *[(r, Action.VIEW_DIRECTORY, "P", r in {"admin", "head", "reviewer", "coordinator"}) for r in (*ROLES, "none")],
    *[(r, Action.VIEW_DIRECTORY, "Q", r == "other_admin") for r in (*ROLES, "none")],
    *[(r, Action.MANAGE_PARTNERSHIP, "P", r == "admin") for r in (*ROLES, "none")],
    *[(r, Action.MANAGE_PARTNERSHIP, "Q", r == "other_admin") for r in (*ROLES, "none")],
    *[(r, Action.VIEW_SCHOOL, "P", False) for r in ROLES],  # not an action on a partnership
    # schools
    *[(r, Action.VIEW_DIRECTORY, "school_a", r in {"admin", "head", "reviewer", "coordinator"}) for r in ROLES],
    *[(r, Action.VIEW_DIRECTORY, "school_x", r == "other_admin") for r in ROLES],
    *[(r, Action.VIEW_SCHOOL, "school_a", r in {"admin", "head", "reviewer", "coordinator"}) for r in ROLES],
    *[(r, Action.VIEW_SCHOOL, "school_b", r == "admin") for r in ROLES],
    *[(r, Action.VIEW_SCHOOL, "school_x", r == "other_admin") for r in ROLES],
    *[(r, Action.MANAGE_PARTNERSHIP, "school_a", r == "admin") for r in ROLES],
    *[(r, Action.MANAGE_PARTNERSHIP, "school_x", r == "other_admin") for r in ROLES],
    # clusters
    *[(r, Action.VIEW_DIRECTORY, "cluster_c", r in {"admin", "head", "reviewer", "coordinator"}) for r in ROLES],
    *[(r, Action.VIEW_DIRECTORY, "cluster_y", r == "other_admin") for r in ROLES],
    *[(r, Action.MANAGE_PARTNERSHIP, "cluster_c", r == "admin") for r in ROLES],
    *[(r, Action.MANAGE_PARTNERSHIP, "cluster_y", r == "other_admin") for r in ROLES],
    *[(r, Action.VIEW_SCHOOL, "cluster_c", False) for r in ROLES],
]


@pytest.mark.parametrize("role, action, target, expected", [
    pytest.param(*case, id=f"{case[0]}-{case[1].value}-{case[2]}") for case in CAN
])
def test_can(w, role, action, target, expected):
    who = person(w, role)
    assert permissions.can(who, action, w[target]) is expected


@pytest.mark.parametrize("role, target, expected", [
    ("admin", "head", True), ("admin", "other_admin", False), ("other_admin", "head", False),
    ("head", "reviewer", False), ("reviewer", "head", False), ("anonymous", "head", False),
])
def test_can_manage_a_person_only_as_an_admin_of_their_partnership(w, role, target, expected):
    assert permissions.can(person(w, role), Action.MANAGE_PARTNERSHIP, w["people"][target]) is expected


def test_a_switched_off_person_can_do_nothing(w, ctx):
    from peerreview.extensions import db
    admin = person(w, "admin")
    admin.active = False
    db.session.commit()
    for action in Action:
        for target in ("P", "school_a", "cluster_c"):
            assert permissions.can(admin, action, w[target]) is False


def test_unknown_targets_are_refused(w):
    for action in Action:
        assert permissions.can(person(w, "admin"), action, object()) is False
        assert permissions.can(person(w, "admin"), action, None) is False


def test_lookups_hide_what_is_outside_the_persons_partnerships(w, app):
    from werkzeug.exceptions import NotFound
    head = person(w, "head")
    assert permissions.school_or_404(head, w["B"]).id == w["B"]  # in reach: found (then 403 on VIEW_SCHOOL)
    assert permissions.cluster_or_404(head, w["C"]).id == w["C"]
    for lookup, key in ((permissions.school_or_404, "X"), (permissions.school_or_404, "unknown"),
                        (permissions.cluster_or_404, "Y"), (permissions.cluster_or_404, "unknown")):
        with pytest.raises(NotFound):
            lookup(head, w[key])
    with pytest.raises(NotFound):
        permissions.school_or_404(None, w["A"])


def test_require_refuses_with_403(w):
    from werkzeug.exceptions import Forbidden
    with pytest.raises(Forbidden):
        permissions.require(person(w, "head"), Action.VIEW_SCHOOL, w["school_b"])
    permissions.require(person(w, "head"), Action.VIEW_SCHOOL, w["school_a"])


def test_id_sets(w):
    head, admin = person(w, "head"), person(w, "admin")
    assert permissions.partnership_ids(head) == {w["P"].id}
    assert permissions.admin_partnership_ids(head) == set()
    assert permissions.admin_partnership_ids(admin) == {w["P"].id}
    assert permissions.school_ids(head) == {w["A"]}
    assert permissions.school_ids(admin) == set()
    assert permissions.has_role(head, "head") and not permissions.has_role(head, "admin")
    assert permissions.partnership_ids(person(w, "anonymous")) == set()
