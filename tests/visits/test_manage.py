"""Planning a pupil visit: the list of visits, creating and editing a visit's details, the
children typed one per line (first name and year group only), single children and adults, and
what each kind of bad input is told."""
from __future__ import annotations

import html
from datetime import date, time

import pytest
from sqlalchemy import inspect, select

from peerreview.extensions import db
from peerreview.visits.manage_forms import parse_pupil_lines, parse_time, parse_year
from peerreview.visits.models import PupilVisit, VisitAdult, VisitPupil
from tests.conftest import get_token, sign_in

TODAY = date(2027, 1, 20)  # two weeks before the visit on 2027-02-03


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def new_visit_data(vw, **changes) -> dict:
    data = {"host_school_id": str(vw.ash.id), "visit_date": ["10", "3", "2027"], "starts_at": "9:30",
            "ends_at": "11.45", "visiting": [str(vw.birch.id), str(vw.cedar.id)]}
    data.update(changes)
    return data


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_each_visit_with_the_persons_part_and_what_to_do_next(app, client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    page = text_of(client.get("/manage/visits"))
    assert "Pupil visits" in page and "Ash Primary" in page and "Our reading areas" in page
    assert "Visiting school, Organiser" in page
    assert "Plan a visit" in page
    assert "Planned" in page

    client = app.test_client()
    sign_in(client, "head.ash@north.example")
    page = text_of(client.get("/manage/visits"))
    assert "Host school’s head" in page
    assert "Plan a visit" not in page  # heads do not create visits

    vw.visit.focus_title, vw.visit.focus_key = "", None
    db.session.commit()
    page = text_of(client.get("/manage/visits"))
    assert "Choose the focus and prompts" in page
    assert f'href="/manage/visits/{vw.visit.id}/focus"' in page


def test_the_next_step_on_the_day_is_to_open_feedback(client, visit_world, monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2027, 2, 3))
    sign_in(client, "coord.cedar@north.example")
    page = text_of(client.get("/manage/visits"))
    assert "Open feedback for the tablets" in page
    assert f'href="/manage/visits/{visit_world.visit.id}/session"' in page


def test_staff_of_a_school_with_no_part_see_no_visits(client, visit_world):
    sign_in(client, "head.damson@north.example")
    page = text_of(client.get("/manage/visits"))
    assert "You have no pupil visits yet" in page
    assert "Ash Primary" not in page


# --- create and edit ------------------------------------------------------------------------


def test_a_coordinator_plans_a_visit_and_is_taken_to_add_the_children(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.damson@north.example")
    token = get_token(client, "/manage/visits/new")
    response = client.post("/manage/visits/new", data={"csrf_token": token, **new_visit_data(vw)})
    assert response.status_code == 302
    visit = db.session.scalars(select(PupilVisit).where(PupilVisit.visit_date == date(2027, 3, 10))).one()
    assert response.headers["Location"].endswith(f"/manage/visits/{visit.id}/people")
    assert (visit.host_school_id, visit.starts_at, visit.ends_at, visit.status) == (vw.ash.id, time(9, 30),
                                                                                   time(11, 45), "planned")
    assert {v.school_id for v in visit.visiting_schools} == {vw.birch.id, vw.cedar.id}
    assert visit.created_by_id == db.session.scalars(select(PupilVisit.created_by_id)
                                                     .where(PupilVisit.id == visit.id)).one()
    page = text_of(client.get(f"/manage/visits/{visit.id}/people"))
    assert "The visit is planned" in page and "Add children from Birch Primary" in page


@pytest.mark.parametrize("changes, message", [
    ({"starts_at": "11:30", "ends_at": "09:30"}, "The end time must be after the start time"),
    ({"ends_at": "09:30", "starts_at": "09:30"}, "The end time must be after the start time"),
    ({"visiting": ["HOST"]}, "The host school cannot also be a visiting school"),
    ({"visiting": []}, "Choose at least one visiting school"),
    ({"visit_date": ["31", "2", "2027"]}, "Enter a real date"),
    ({"visit_date": ["", "", ""]}, "Enter the date of the visit"),
    ({"visit_date": ["5", "1", "2027"]}, "The date of the visit must be today or in the future"),
    ({"starts_at": "half nine"}, "Enter a time such as 09:30"),
    ({"ends_at": ""}, "Enter the time the visit ends"),
    ({"host_school_id": ""}, "Choose the school the children visit"),
    ({"host_school_id": "FAR"}, "Choose one of the schools listed"),
    ({"visiting": ["FAR"]}, "Choose only schools from this partnership"),
])
def test_bad_details_are_refused_with_a_message_and_what_was_typed_stays(client, visit_world, changes, message):
    vw = visit_world
    swap = {"HOST": str(vw.ash.id), "FAR": str(vw.far.id)}
    changes = {k: ([swap.get(x, x) for x in v] if isinstance(v, list) else swap.get(v, v)) for k, v in changes.items()}
    sign_in(client, "coord.birch@north.example")
    token = get_token(client, "/manage/visits/new")
    before = db.session.scalar(select(db.func.count()).select_from(PupilVisit))
    response = client.post("/manage/visits/new", data={"csrf_token": token, **new_visit_data(vw, **changes)})
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert "There is a problem" in page
    assert db.session.scalar(select(db.func.count()).select_from(PupilVisit)) == before
    if "starts_at" not in changes:
        assert 'value="9:30"' in page  # what was typed is on the page again


def test_editing_the_details_keeps_the_children_and_refuses_to_drop_a_school_that_has_some(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    url = f"/manage/visits/{vw.visit.id}/edit"
    page = text_of(client.get(url))
    assert 'value="09:30"' in page and 'value="11:30"' in page
    token = get_token(client, url)
    response = client.post(url, data={"csrf_token": token, **new_visit_data(vw, visiting=[str(vw.birch.id)])})
    assert response.status_code == 400
    assert "Cedar Academy still has children or adults on this visit" in text_of(response)
    db.session.expire_all()
    assert {v.school_id for v in vw.visit.visiting_schools} == {vw.birch.id, vw.cedar.id}

    response = client.post(url, data={"csrf_token": token, **new_visit_data(
        vw, visiting=[str(vw.birch.id), str(vw.cedar.id), str(vw.damson.id)], starts_at="10:00")})
    assert response.status_code == 302
    db.session.expire_all()
    assert vw.visit.visit_date == date(2027, 3, 10) and vw.visit.starts_at == time(10, 0)
    assert {v.school_id for v in vw.visit.visiting_schools} == {vw.birch.id, vw.cedar.id, vw.damson.id}
    assert len(vw.visit.pupils) == 6


def test_once_feedback_has_opened_the_plan_cannot_change(client, visit_world):
    vw = visit_world
    vw.visit.status = "open"
    db.session.commit()
    sign_in(client, "coord.birch@north.example")
    token = get_token(client, f"/manage/visits/{vw.visit.id}")
    for url, data in ((f"/manage/visits/{vw.visit.id}/edit", new_visit_data(vw)),
                      (f"/manage/visits/{vw.visit.id}/pupils", {"school_id": str(vw.birch.id), "lines": "Iolo, 4"}),
                      (f"/manage/visits/{vw.visit.id}/pupils/{vw.visit.pupils[0].id}/remove", {})):
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 409
        assert "can no longer change" in text_of(response)
    db.session.expire_all()
    assert len(vw.visit.pupils) == 6


# --- children -------------------------------------------------------------------------------


def test_children_typed_one_per_line_are_added_for_their_school(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    url = f"/manage/visits/{vw.visit.id}/people"
    token = get_token(client, url)
    lines = "Fern, 4\nGethin, Year 5\n\n  iolo  y3\nSiân, R\nMary-Jane\t6"
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils",
                           data={"csrf_token": token, "school_id": str(vw.birch.id), "lines": lines})
    assert response.status_code == 302
    db.session.expire_all()
    added = {(p.first_name, p.year_group) for p in vw.visit.pupils if p.school_id == vw.birch.id}
    assert {("Fern", 4), ("Gethin", 5), ("Iolo", 3), ("Siân", 0), ("Mary-Jane", 6)} <= added
    page = text_of(client.get(url))
    assert "5 children added." in page
    assert "Siân, Reception" in page


def test_bad_lines_are_refused_by_line_number_and_nothing_is_added(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    token = get_token(client, f"/manage/visits/{vw.visit.id}/people")
    lines = "Fern, 4\nBen Smith, 5\nGwen, Year 15\nAmara, 4\nHuw"
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils",
                           data={"csrf_token": token, "school_id": str(vw.birch.id), "lines": lines})
    assert response.status_code == 400
    page = text_of(response)
    assert "Line 2: “Ben Smith” looks like more than a first name. First names only, please" in page
    assert "Line 3: we could not read the year group “Year 15”" in page
    assert "Line 4: Amara in the same year group is already on this school’s list" in page
    assert "Line 5: add the year group after the name" in page
    assert "Line 1" not in page
    assert lines in page  # everything typed is back in the box
    db.session.expire_all()
    assert len(vw.visit.pupils) == 6


def test_children_can_only_be_added_for_a_visiting_school(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    token = get_token(client, f"/manage/visits/{vw.visit.id}/people")
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils",
                           data={"csrf_token": token, "school_id": str(vw.ash.id), "lines": "Fern, 4"})
    assert response.status_code == 400
    db.session.expire_all()
    assert len(vw.visit.pupils) == 6


def test_one_child_is_added_and_removed(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.cedar@north.example")
    url = f"/manage/visits/{vw.visit.id}/people"
    token = get_token(client, url)
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils/one", data={
        "csrf_token": token, "one-school_id": str(vw.cedar.id), "one-first_name": "nia", "one-year_group": "0"})
    assert response.status_code == 302
    db.session.expire_all()
    nia = next(p for p in vw.visit.pupils if p.first_name == "Nia")
    assert (nia.school_id, nia.year_group) == (vw.cedar.id, 0)
    assert "Nia (Reception) added." in text_of(client.get(url))

    response = client.post(f"/manage/visits/{vw.visit.id}/pupils/{nia.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert all(p.first_name != "Nia" for p in vw.visit.pupils)


@pytest.mark.parametrize("fields, message", [
    ({"one-first_name": "Nia Jones"}, "First names only, please"),
    ({"one-first_name": ""}, "Write the child’s first name"),
    ({"one-year_group": "14"}, "Choose the child’s year group"),
    ({"one-school_id": "ASH"}, "Choose one of the schools listed"),
])
def test_one_child_with_bad_input_is_refused(client, visit_world, fields, message):
    vw = visit_world
    fields = {k: (str(vw.ash.id) if v == "ASH" else v) for k, v in fields.items()}
    sign_in(client, "coord.cedar@north.example")
    token = get_token(client, f"/manage/visits/{vw.visit.id}/people")
    data = {"csrf_token": token, "one-school_id": str(vw.cedar.id), "one-first_name": "Nia", "one-year_group": "2"}
    response = client.post(f"/manage/visits/{vw.visit.id}/pupils/one", data={**data, **fields})
    assert response.status_code == 400
    assert message in text_of(response)
    db.session.expire_all()
    assert len(vw.visit.pupils) == 6


def test_nothing_but_a_first_name_and_year_group_is_stored_for_a_child(ctx):
    columns = {c["name"] for c in inspect(db.engine).get_columns("visit_pupil")}
    assert columns == {"id", "visit_id", "school_id", "first_name", "year_group"}


# --- adults ---------------------------------------------------------------------------------


def test_adults_are_added_with_an_optional_phone_and_removed(client, visit_world):
    vw = visit_world
    sign_in(client, "coord.birch@north.example")
    url = f"/manage/visits/{vw.visit.id}/people"
    token = get_token(client, url)
    response = client.post(f"/manage/visits/{vw.visit.id}/adults", data={
        "csrf_token": token, "adult-name": "Ms Jones", "adult-school_id": str(vw.birch.id),
        "adult-phone": "07700 900123"})
    assert response.status_code == 302
    adult = db.session.scalars(select(VisitAdult).where(VisitAdult.name == "Ms Jones")).one()
    assert adult.phone == "07700 900123"
    page = text_of(client.get(f"/manage/visits/{vw.visit.id}"))
    assert "Ms Jones (Birch Primary)" in page and "07700 900123" in page

    response = client.post(f"/manage/visits/{vw.visit.id}/adults", data={
        "csrf_token": token, "adult-name": "Mr Bad", "adult-school_id": str(vw.birch.id), "adult-phone": "call me"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Enter a phone number" in page and 'value="Mr Bad"' in page

    response = client.post(f"/manage/visits/{vw.visit.id}/adults/{adult.id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalars(select(VisitAdult).where(VisitAdult.name == "Ms Jones")).first() is None


# --- the visit's page -----------------------------------------------------------------------


def test_the_visit_page_shows_the_plan_and_when_names_will_be_deleted(client, visit_world):
    vw = visit_world
    sign_in(client, "head.birch@north.example")
    page = text_of(client.get(f"/manage/visits/{vw.visit.id}"))
    for expected in ("Pupil visit to Ash Primary", "Birch Primary, Cedar Academy", "Our reading areas",
                     "How easy is it to find a book you want to read?", "Amara, Year 4", "Dylan, Year 3",
                     "Mrs Lewis (Birch Primary)"):
        assert expected in page
    assert "deleted 30 days after the visit, on 6 March 2027" in page


# --- parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw, year", [
    ("4", 4), ("Year 4", 4), ("y4", 4), ("Yr. 4", 4), ("R", 0), ("Reception", 0), ("rec", 0), ("Blwyddyn 2", 2),
    ("Derbyn", 0), ("13", 13), ("14", None), ("Year", None), ("four", None), ("", None),
])
def test_year_groups_as_schools_write_them(ctx, raw, year):
    assert parse_year(raw) == year


@pytest.mark.parametrize("raw, expected", [
    ("09:30", time(9, 30)), ("9.30", time(9, 30)), ("0930", time(9, 30)), ("9am", time(9, 0)),
    ("2:15pm", time(14, 15)), ("12pm", time(12, 0)), ("12am", time(0, 0)), ("25:00", None), ("9:75", None),
    ("13pm", None), ("soon", None),
])
def test_times_as_people_type_them(ctx, raw, expected):
    assert parse_time(raw) == expected


def test_two_children_with_the_same_name_and_year_at_one_school_are_refused(ctx):
    pupils, problems = parse_pupil_lines("Ben, 5\nben, Year 5\nBen, 4")
    assert [(p.first_name, p.year_group) for p in pupils] == [("Ben", 5), ("Ben", 4)]
    assert [p.line for p in problems] == [2]


def test_an_empty_box_asks_for_at_least_one_child(ctx):
    pupils, problems = parse_pupil_lines("\n  \n")
    assert pupils == [] and "type at least one child" in str(problems[0])
