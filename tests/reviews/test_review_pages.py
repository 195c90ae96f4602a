"""The review's page and "My reviews": who reaches which page (the role x route matrix for the
review pages, preparation and attachments), what each person sees, and what they are told to
do next."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from werkzeug.datastructures import FileStorage

from peerreview.extensions import db
from peerreview.reviews import review_ops
from peerreview.reviews.models import ReportShare, Review, ReviewRound, TeamMember
from tests.conftest import get_token, sign_in

TODAY = date(2027, 1, 5)  # a week before Ash's visit on 2027-01-12
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ROLES = ("anonymous", "admin", "head_a", "lead", "reviewer", "head_b", "colleague", "other_admin")
EMAILS = {
    "admin": "admin@north.example",
    "head_a": "head.ash@north.example",
    "head_b": "head.birch@north.example",
    "lead": "lead@north.example",
    "reviewer": "reviewer@north.example",
    "colleague": "colleague@north.example",
    "other_admin": "admin@faraway.example",
}
UNKNOWN = 987654


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


def pdf_upload(name="plan.pdf", content=PDF) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type="application/pdf")


def expect(**by_role):
    """Statuses by role; anonymous is always sent to sign in; ``outsiders`` are head_b and colleague
    (same partnership, no part in Ash's review)."""
    outsiders = by_role.pop("outsiders", None)
    table = {"anonymous": 302}
    if outsiders is not None:
        table.update(head_b=outsiders, colleague=outsiders)
    table.update(by_role)
    assert set(table) == set(ROLES), by_role
    return table


def valid_preparation(review) -> dict:
    data = {"action": "save", "self_evaluation": "Reading is strong; writing is our focus."}
    for i, line in enumerate(review.lines):
        data.update({f"lines-{i}-key": f"l{line.id}", f"lines-{i}-line_id": str(line.id),
                     f"lines-{i}-question": line.question, f"lines-{i}-sip_priority": line.sip_priority})
    return data


VIEWERS = dict(admin=200, head_a=200, lead=200, reviewer=200, outsiders=403, other_admin=404)
PREPARERS_GET = dict(admin=200, head_a=200, lead=403, reviewer=403, outsiders=403, other_admin=404)
PREPARERS_POST = dict(admin=302, head_a=302, lead=403, reviewer=403, outsiders=403, other_admin=404)
NOBODY = dict(admin=404, head_a=404, lead=404, reviewer=404, outsiders=404, other_admin=404)

# (method, url, expected by role, body). {review} and {attachment} are Ash's; {other} is a
# review in the other partnership; {unknown} exists nowhere.
ROUTES = [
    ("GET", "/manage/reviews", expect(admin=200, head_a=200, lead=200, reviewer=200, outsiders=200,
                                      other_admin=200), None),
    ("GET", "/manage/reviews/{review}", expect(**VIEWERS), None),
    ("GET", "/manage/reviews/{unknown}", expect(**NOBODY), None),
    ("GET", "/manage/reviews/{other}", expect(**{**NOBODY, "other_admin": 200}), None),
    ("GET", "/manage/reviews/{review}/prepare", expect(**PREPARERS_GET), None),
    ("POST", "/manage/reviews/{review}/prepare", expect(**PREPARERS_POST), "preparation"),
    ("GET", "/manage/reviews/{unknown}/prepare", expect(**NOBODY), None),
    ("POST", "/manage/reviews/{review}/attachments", expect(**PREPARERS_POST), "upload"),
    ("POST", "/manage/reviews/{unknown}/attachments", expect(**NOBODY), "upload"),
    ("GET", "/manage/reviews/{review}/attachments/{attachment}", expect(**VIEWERS), None),
    ("GET", "/manage/reviews/{review}/attachments/{unknown}", expect(**{**VIEWERS, "admin": 404, "head_a": 404,
                                                                         "lead": 404, "reviewer": 404}), None),
    ("GET", "/manage/reviews/{other}/attachments/{attachment}", expect(**{**NOBODY, "other_admin": 404}), None),
    ("POST", "/manage/reviews/{review}/attachments/{attachment}/delete", expect(**PREPARERS_POST), "empty"),
]

MATRIX = [
    pytest.param(role, method, url, statuses[role], body, id=f"{role}-{method}-{url}")
    for method, url, statuses, body in ROUTES
    for role in ROLES
]


def other_partnership_review(rw) -> Review:
    far_round = ReviewRound(partnership=rw.other_partnership, name="Far round", window_start=date(2027, 1, 4),
                            window_end=date(2027, 2, 26), status="published")
    review = Review(round=far_round, host=rw.far, status="confirmed", review_date=date(2027, 1, 20))
    db.session.add(far_round)
    db.session.commit()
    return review


@pytest.mark.parametrize("role, method, url, expected, body", MATRIX)
def test_role_and_route_matrix(client, review_world, role, method, url, expected, body):
    rw = review_world
    attachment = review_ops.add_attachment(rw.review, pdf_upload(), actor=rw.head_a)
    ids = {"review": rw.review.id, "other": other_partnership_review(rw).id, "attachment": attachment.id,
           "unknown": UNKNOWN}
    if role != "anonymous":
        assert sign_in(client, EMAILS[role]).status_code == 302
    path = url.format(**ids)
    if method == "GET":
        response = client.get(path)
    else:
        token = get_token(client, "/" if role != "anonymous" else "/login")
        data = {"csrf_token": token}
        if body == "preparation":
            data.update(valid_preparation(rw.review))
        elif body == "upload":
            data["file"] = (io.BytesIO(PDF), "plan.pdf")
        response = client.post(path, data=data, content_type="multipart/form-data")
    assert response.status_code == expected, response.get_data(as_text=True)[:800]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_the_matrix_covers_every_route_of_the_reviews_blueprint(app):
    covered = {(method, re.sub(r"\{[^}]+\}", "*", url)) for method, url, _s, _b in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("reviews."):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (method, re.sub(r"<[^>]+>", "*", rule.rule)) in covered, (method, rule.rule)


# --- the review's page ----------------------------------------------------------------------


def test_review_page_shows_host_date_team_preparation_and_documents(client, review_world):
    rw = review_world
    review_ops.add_attachment(rw.review, pdf_upload("School improvement plan.pdf"), actor=rw.head_a)
    sign_in(client, EMAILS["reviewer"])
    html = client.get(f"/manage/reviews/{rw.review.id}").get_data(as_text=True)
    assert "Review of Ash Primary" in html
    assert "Tuesday, 12 January 2027" in html
    assert "Confirmed" in html
    # The team, lead marked, each with the school they review from.
    team = html[html.index('id="team"'):html.index('id="self-evaluation"')]
    assert re.search(r"Lead.*Birch Primary.*Lead reviewer", team, re.S)
    assert re.search(r"Reviewer.*Cedar Academy", team, re.S)
    assert "We are proud of our early reading" in html
    assert "To what extent does phonics teaching help pupils read fluently?" in html
    assert "Priority 2: writing" in html
    assert "Year 1 and 2 phonics lessons; reading records." in html
    assert "School improvement plan.pdf" in html
    # A reviewer cannot prepare: no button for it.
    assert f"/manage/reviews/{rw.review.id}/prepare" not in html


def test_host_head_is_offered_prepare_until_the_visit_starts(client, review_world):
    rw = review_world
    sign_in(client, EMAILS["head_a"])
    assert f'href="/manage/reviews/{rw.review.id}/prepare"' in client.get(f"/manage/reviews/{rw.review.id}").get_data(as_text=True)
    rw.review.status = "in_progress"
    db.session.commit()
    html = client.get(f"/manage/reviews/{rw.review.id}").get_data(as_text=True)
    assert f'href="/manage/reviews/{rw.review.id}/prepare"' not in html


def test_the_lead_is_offered_the_record_the_report_and_the_calendar(client, review_world):
    rw = review_world
    sign_in(client, EMAILS["lead"])
    html = client.get(f"/manage/reviews/{rw.review.id}").get_data(as_text=True)
    for href in (f"/manage/reviews/{rw.review.id}/record", f"/manage/reviews/{rw.review.id}/report",
                 f"/manage/reviews/{rw.review.id}/calendar.ics"):
        assert f'href="{href}"' in html


def test_host_head_sees_no_team_while_the_round_is_a_draft(client, review_world):
    rw = review_world
    rw.round.status = "draft"
    db.session.commit()
    sign_in(client, EMAILS["head_a"])
    html = client.get(f"/manage/reviews/{rw.review.id}").get_data(as_text=True)
    assert "The team is shown once the round is published." in html
    assert "Birch Primary" not in html
    # and the team members cannot open it at all yet
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, EMAILS["lead"])
    assert client.get(f"/manage/reviews/{rw.review.id}").status_code == 403


# --- my reviews -----------------------------------------------------------------------------


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_my_reviews_for_the_host_head(client, review_world):
    rw = review_world
    # Ash is prepared (two lines): nothing to do. A new review with no lines asks for preparation.
    autumn = ReviewRound(partnership=rw.partnership, name="Autumn 2027", window_start=date(2027, 9, 6),
                         window_end=date(2027, 11, 26), status="draft")
    fresh = Review(round=autumn, host=rw.ash, status="proposed")
    db.session.add(autumn)
    db.session.commit()
    sign_in(client, EMAILS["head_a"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    hosting = section(html, "hosting")
    assert "Spring 2027" in hosting and "Autumn 2027" in hosting
    assert f'href="/manage/reviews/{fresh.id}/prepare">Prepare your lines of enquiry' in hosting
    assert "Nothing for now" in hosting  # Ash's spring review is ready
    assert 'id="reviewing"' not in html and 'id="partnership"' not in html


def test_my_reviews_for_the_team(client, review_world, monkeypatch):
    rw = review_world
    sign_in(client, EMAILS["lead"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    mine = section(html, "reviewing")
    assert "Ash Primary" in mine and "Lead reviewer" in mine
    assert "Fill in your visit record" in mine
    # After the visit day the lead's next step is the report.
    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2027, 1, 13))
    assert "Write the report" in section(client.get("/manage/reviews").get_data(as_text=True), "reviewing")

    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, EMAILS["reviewer"])
    mine = section(client.get("/manage/reviews").get_data(as_text=True), "reviewing")
    assert "Fill in your visit record" in mine and "Lead reviewer" not in mine


def test_my_reviews_shared_and_reply(client, review_world):
    rw = review_world
    rw.review.status = "submitted"
    db.session.add(ReportShare(review_id=rw.review.id, person_id=rw.colleague.id, shared_by_id=rw.head_a.id))
    db.session.commit()
    sign_in(client, EMAILS["colleague"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    assert "Read the report" in section(html, "shared")
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, EMAILS["head_a"])
    assert "Read and reply" in section(client.get("/manage/reviews").get_data(as_text=True), "hosting")


def test_my_reviews_for_admins_lists_the_partnership_and_nothing_else(client, review_world):
    rw = review_world
    far_review = other_partnership_review(rw)
    sign_in(client, EMAILS["admin"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    everything = section(html, "partnership")
    assert "Spring 2027" in everything and "Ash Primary" in everything
    assert "Faraway School" not in html
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, EMAILS["other_admin"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    assert "Ash Primary" not in html and "Faraway School" in html
    assert f"/manage/reviews/{far_review.id}" in html


def test_my_reviews_with_no_part_anywhere(client, review_world):
    sign_in(client, EMAILS["head_b"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    assert "You have no peer reviews yet." in html
    assert "Ash Primary" not in html


def test_team_members_of_an_unpublished_round_do_not_see_it(client, review_world):
    rw = review_world
    rw.round.status = "draft"
    db.session.commit()
    sign_in(client, EMAILS["lead"])
    assert "Ash Primary" not in client.get("/manage/reviews").get_data(as_text=True)


def test_grouping_agrees_with_access_parts(review_world):
    """The list's groups come from the same facts as the permission rules."""
    from peerreview.reviews import access, review_queries

    rw = review_world
    db.session.add(ReportShare(review_id=rw.review.id, person_id=rw.lead.id))
    db.session.commit()
    for person in (rw.admin, rw.head_a, rw.lead, rw.reviewer, rw.head_b):
        mine = review_queries.my_reviews(person, TODAY)
        parts = access.parts(person, rw.review)
        assert bool(mine.hosting) == ("host_head" in parts)
        assert bool(mine.reviewing) == bool(parts & {"lead", "reviewer"})
        assert [lead for _row, lead in mine.reviewing] == (["lead" in parts] if mine.reviewing else [])
        assert bool(mine.shared) == ("shared" in parts)
        assert bool(mine.partnership_rounds) == ("admin" in parts)


def test_a_team_member_added_by_hand_appears_once(client, review_world):
    rw = review_world
    rw.review.team.append(TeamMember(person=rw.head_b, is_lead=False, source="manual"))
    db.session.commit()
    sign_in(client, EMAILS["head_b"])
    html = client.get("/manage/reviews").get_data(as_text=True)
    assert section(html, "reviewing").count("Ash Primary</a>") == 1


def test_admins_reach_each_round_from_my_reviews(client, review_world, app):
    rw = review_world
    sign_in(client, EMAILS["admin"])
    html = section(client.get("/manage/reviews").get_data(as_text=True), "partnership")
    assert f'href="/manage/rounds/{rw.round.id}"' in html
    assert 'href="/manage/rounds"' in html
