"""Clusters: the list, a cluster's page, and creating, editing and deleting them (admins only)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from peerreview.core.audit import AuditEvent
from peerreview.core.directory import operations
from peerreview.core.directory.models import Cluster, School
from peerreview.extensions import db
from tests.conftest import get_token, sign_in


@pytest.fixture
def setup(world):
    p = world.partnership("North Star Trust")
    schools = [world.school(p, name=f"School {c}") for c in "ABCDE"]
    east = world.cluster(p, "East", schools[:2])
    other = world.partnership("Other Trust")
    foreign = world.school(other, name="Foreign School")
    foreign_cluster = world.cluster(other, "Elsewhere", [foreign])
    admin = world.person("admin@northstar.org.uk", ("admin", p), name="Ada Admin")
    world.person("head@a.sch.uk", ("head", schools[0]))
    return {"p": p, "other": other, "schools": schools, "east": east, "foreign": foreign,
            "foreign_cluster": foreign_cluster, "admin": admin, "world": world}


@pytest.fixture
def admin(client, setup):
    sign_in(client, "admin@northstar.org.uk")
    return client


def clusters_named(name):
    return list(db.session.scalars(select(Cluster).where(Cluster.name == name)))


def events(action):
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def post(client, url, data, token_from=None):
    data = {"csrf_token": get_token(client, token_from or url), **data}
    return client.post(url, data=data)


# --- list and page -----------------------------------------------------------------------


def test_the_list_shows_clusters_with_school_counts_and_a_create_button_for_admins(admin, setup):
    setup["world"].cluster(setup["p"], "Empty")
    html = admin.get("/manage/clusters").get_data(as_text=True)
    assert f'href="/manage/clusters/{setup["east"].id}"' in html
    east_row = html[html.index(">East<"):]
    assert ">2<" in east_row.split("</tr>")[0]
    assert ">0<" in html[html.index(">Empty<"):].split("</tr>")[0]
    assert "Elsewhere" not in html
    assert 'href="/manage/clusters/new"' in html


def test_a_head_sees_the_clusters_but_no_create_button(client, setup):
    sign_in(client, "head@a.sch.uk")
    html = client.get("/manage/clusters").get_data(as_text=True)
    assert "East" in html
    assert "/manage/clusters/new" not in html


def test_an_empty_list_says_so(client, world):
    p = world.partnership()
    world.person("admin@x.org", ("admin", p))
    sign_in(client, "admin@x.org")
    assert "There are no clusters yet." in client.get("/manage/clusters").get_data(as_text=True)


def test_a_cluster_page_shows_its_description_and_schools(admin, setup):
    east = setup["east"]
    east.description = "Schools east of the river"
    db.session.commit()
    html = admin.get(f"/manage/clusters/{east.id}").get_data(as_text=True)
    assert "Schools east of the river" in html
    assert "2 schools" in html
    for school in setup["schools"][:2]:
        assert f'href="/manage/schools/{school.id}"' in html
    assert "School C" not in html
    assert f'href="/manage/clusters/{east.id}/edit"' in html
    assert f'href="/manage/clusters/{east.id}/delete"' in html


def test_a_head_sees_a_cluster_with_a_link_only_to_their_own_school(client, setup):
    sign_in(client, "head@a.sch.uk")
    html = client.get(f"/manage/clusters/{setup['east'].id}").get_data(as_text=True)
    a, b = setup["schools"][:2]
    assert f'href="/manage/schools/{a.id}"' in html
    assert f'href="/manage/schools/{b.id}"' not in html and b.name in html
    assert "/edit" not in html and "/delete" not in html


# --- create ----------------------------------------------------------------------------------


def test_create_a_cluster(admin, setup):
    response = post(admin, "/manage/clusters/new", {"name": "  North   hub ", "description": "Around the moor"})
    assert response.status_code == 302
    [cluster] = clusters_named("North hub")
    assert cluster.description == "Around the moor"
    assert cluster.partnership_id == setup["p"].id
    assert response.headers["Location"].endswith(f"/manage/clusters/{cluster.id}/edit")
    [event] = events("cluster.created")
    assert event.actor_id == setup["admin"].id and event.partnership_id == setup["p"].id
    assert "North hub" in event.detail


def test_create_without_a_description(admin):
    assert post(admin, "/manage/clusters/new", {"name": "South"}).status_code == 302
    [cluster] = clusters_named("South")
    assert cluster.description is None


@pytest.mark.parametrize("name", ["East", "east", " EAST "])
def test_a_duplicate_name_is_a_field_error_not_a_crash(admin, name):
    response = post(admin, "/manage/clusters/new", {"name": name})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is already a cluster with this name" in html
    assert "There is a problem" in html  # the error summary
    assert len(clusters_named("East")) == 1


def test_the_same_name_in_another_partnership_is_fine(admin, setup):
    assert post(admin, "/manage/clusters/new", {"name": "Elsewhere"}).status_code == 302
    assert len(clusters_named("Elsewhere")) == 2


@pytest.mark.parametrize("name, message", [
    ("", "Enter a name for the cluster"),
    ("    ", "Enter a name for the cluster"),
    ("x" * 121, "Name must be 120 characters or fewer"),
])
def test_a_bad_name_is_refused_with_a_message(admin, name, message):
    response = post(admin, "/manage/clusters/new", {"name": name})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Cluster)) == 2


def test_a_description_too_long_is_refused(admin):
    response = post(admin, "/manage/clusters/new", {"name": "South", "description": "x" * 501})
    assert response.status_code == 400
    assert "Description must be 500 characters or fewer" in response.get_data(as_text=True)


def test_create_refuses_a_partnership_the_admin_does_not_run(admin, setup):
    response = post(admin, "/manage/clusters/new", {"name": "Sneaky", "partnership_id": str(setup["other"].id)})
    assert response.status_code == 400
    assert clusters_named("Sneaky") == []


def test_an_admin_of_two_partnerships_chooses_which(client, setup):
    setup["world"].person("both@x.org", ("admin", setup["p"]), ("admin", setup["other"]))
    sign_in(client, "both@x.org")
    html = client.get("/manage/clusters/new").get_data(as_text=True)
    assert 'name="partnership_id"' in html and "Other Trust" in html
    assert post(client, "/manage/clusters/new", {"name": "Second", "partnership_id": str(setup["other"].id)}).status_code == 302
    [cluster] = clusters_named("Second")
    assert cluster.partnership_id == setup["other"].id


def test_a_name_taken_at_the_last_moment_is_reported_not_raised(setup, ctx):
    with pytest.raises(operations.ClusterNameTaken):
        operations.create_cluster(setup["p"], "East", None, actor=setup["admin"])
    assert len(clusters_named("East")) == 1
    assert events("cluster.created") == []


# --- edit --------------------------------------------------------------------------------------


def test_edit_shows_the_schools_as_checkboxes_with_members_ticked(admin, setup):
    html = admin.get(f"/manage/clusters/{setup['east'].id}/edit").get_data(as_text=True)
    assert html.count('type="checkbox"') == 5
    assert html.count("checked") == 2
    assert "Foreign School" not in html
    assert 'value="East"' in html


def test_edit_renames_describes_and_sets_schools(admin, setup):
    east, (a, b, c, *_rest) = setup["east"], setup["schools"]
    response = post(admin, f"/manage/clusters/{east.id}/edit",
                    {"name": "East hub", "description": "New", "schools": [str(b.id), str(c.id)]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/clusters/{east.id}")
    db.session.expire_all()
    cluster = db.session.get(Cluster, east.id)
    assert cluster.name == "East hub" and cluster.description == "New"
    assert {s.id for s in cluster.schools} == {b.id, c.id}
    [event] = events("cluster.updated")
    assert "renamed from 'East' to 'East hub'" in event.detail
    assert "added School C" in event.detail and "removed School A" in event.detail
    assert event.actor_id == setup["admin"].id


def test_edit_can_empty_a_cluster_and_keeps_its_schools_in_the_partnership(admin, setup):
    east = setup["east"]
    assert post(admin, f"/manage/clusters/{east.id}/edit", {"name": "East"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cluster, east.id).schools == []
    assert db.session.scalar(select(db.func.count()).select_from(School)) == 6


def test_saving_without_changes_records_no_event(admin, setup):
    east = setup["east"]
    ids = [str(s.id) for s in east.schools]
    assert post(admin, f"/manage/clusters/{east.id}/edit", {"name": "East", "schools": ids}).status_code == 302
    assert events("cluster.updated") == []


@pytest.mark.parametrize("bad", ["foreign", "abc", "999999"])
def test_a_school_from_elsewhere_is_refused_and_nothing_is_saved(admin, setup, bad):
    east = setup["east"]
    bad_id = str(setup["foreign"].id) if bad == "foreign" else bad
    response = post(admin, f"/manage/clusters/{east.id}/edit",
                    {"name": "Renamed", "schools": [str(setup["schools"][2].id), bad_id]})
    assert response.status_code == 400
    assert "Choose only schools from this partnership" in response.get_data(as_text=True)
    db.session.expire_all()
    cluster = db.session.get(Cluster, east.id)
    assert cluster.name == "East"
    assert {s.id for s in cluster.schools} == {s.id for s in setup["schools"][:2]}
    assert events("cluster.updated") == []


def test_a_foreign_school_is_refused_by_the_operation_too(setup, ctx):
    with pytest.raises(operations.ForeignSchool):
        operations.update_cluster(setup["east"], "East", None, [setup["foreign"].id], actor=setup["admin"])
    db.session.expire_all()
    assert len(db.session.get(Cluster, setup["east"].id).schools) == 2


def test_renaming_to_a_taken_name_is_a_field_error(admin, setup):
    setup["world"].cluster(setup["p"], "West")
    response = post(admin, f"/manage/clusters/{setup['east'].id}/edit", {"name": "west"})
    assert response.status_code == 400
    assert "There is already a cluster with this name" in response.get_data(as_text=True)


def test_keeping_the_same_name_with_other_case_is_allowed(admin, setup):
    response = post(admin, f"/manage/clusters/{setup['east'].id}/edit", {"name": "EAST"})
    assert response.status_code == 302
    assert clusters_named("EAST")


# --- delete ---------------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes(admin, setup):
    east = setup["east"]
    html = admin.get(f"/manage/clusters/{east.id}/delete").get_data(as_text=True)
    assert "Are you sure you want to delete the cluster “East”?" in html
    assert "It holds 2 schools." in html
    assert db.session.get(Cluster, east.id) is not None
    response = post(admin, f"/manage/clusters/{east.id}/delete", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/manage/clusters")
    db.session.expire_all()
    assert db.session.get(Cluster, east.id) is None
    assert db.session.scalar(select(db.func.count()).select_from(School)) == 6
    [event] = events("cluster.deleted")
    assert "East" in event.detail and event.partnership_id == setup["p"].id
    assert "deleted" in admin.get("/manage/clusters").get_data(as_text=True)  # the flash message


# --- CSRF -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, data", [
    ("/manage/clusters/new", {"name": "South"}),
    ("/manage/clusters/{east}/edit", {"name": "Renamed"}),
    ("/manage/clusters/{east}/delete", {}),
])
def test_a_post_without_a_csrf_token_is_refused(admin, setup, path, data):
    response = admin.post(path.format(east=setup["east"].id), data=data)
    assert response.status_code == 400
    assert "This form had expired" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [c.name for c in db.session.scalars(select(Cluster).order_by(Cluster.id))] == ["East", "Elsewhere"]


def test_a_post_with_a_wrong_csrf_token_is_refused(admin, setup):
    response = admin.post(f"/manage/clusters/{setup['east'].id}/delete", data={"csrf_token": "nope"})
    assert response.status_code == 400
    assert db.session.get(Cluster, setup["east"].id) is not None


def test_control_characters_are_cleaned_not_stored(admin):
    response = post(admin, "/manage/clusters/new", {"name": "Moor\x00side\u00a0hub", "description": "Line one\nline\x00two"})
    assert response.status_code == 302
    [cluster] = clusters_named("Moor side hub")
    assert cluster.description == "Line one\nline two"


def test_a_name_of_only_control_characters_is_refused(admin):
    response = post(admin, "/manage/clusters/new", {"name": "\x00\x01"})
    assert response.status_code == 400
    assert "Enter a name for the cluster" in response.get_data(as_text=True)
