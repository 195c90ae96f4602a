"""The review report: the lead writes it from the team's records and submits it; the host head
reads it, replies, agrees the next steps and shares it; everyone else is kept out."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from peerreview.core import clock
from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.reviews.models import (
    EvidenceEntry,
    NextStep,
    RecordField,
    ReportShare,
    Review,
    ReviewerRecord,
    ReviewReport,
)
from tests.conftest import csrf_token, get_token, sign_in

# Notes whose themes surveys/insights/themes.py finds: reading x3 (with the findings below, x5),
# behaviour x2, teaching x1, environment x1; "Extended writing in Year 6 history." is curriculum.
LEAD_NOTES = [
    "Pupils in Year 2 read fluently from their phonics books.",
    "Phonics lessons were brisk; every child read aloud.",
]
REVIEWER_NOTES = [
    "Behaviour in the corridors was calm and routines were clear.",
    "Some low level disruption in Year 5 during independent work.",
    "Mrs Jones said the library is well used and children talk about authors.",
]


def url(review, suffix=""):
    return f"/manage/reviews/{review.id}/report{suffix}"


def add_records(rw):
    """The lead's and the reviewer's visit records, written straight into the database."""
    line1, line2 = rw.review.lines
    lead = ReviewerRecord(review_id=rw.review.id, person_id=rw.lead.id)
    lead.fields = [RecordField(line_id=line1.id, field="strengths", value="Phonics is consistent across KS1."),
                   RecordField(line_id=line1.id, field="areas", value="Check the lowest 20% of readers.")]
    lead.evidence = [EvidenceEntry(line_id=line1.id, client_id=f"lead-{i}", activity="lesson_visit",
                                   who="Year 2", notes=text) for i, text in enumerate(LEAD_NOTES)]
    lead.evidence.append(EvidenceEntry(line_id=line1.id, client_id="lead-deleted", activity="book_look",
                                       notes="A note the lead deleted", deleted=True))
    reviewer = ReviewerRecord(review_id=rw.review.id, person_id=rw.reviewer.id)
    reviewer.fields = [RecordField(line_id=line2.id, field="strengths", value="Extended writing in Year 6 history.")]
    reviewer.evidence = [EvidenceEntry(line_id=line2.id, client_id=f"rev-{i}", activity="learning_walk",
                                       notes=text) for i, text in enumerate(REVIEWER_NOTES)]
    db.session.add_all([lead, reviewer])
    rw.review.status = "in_progress"
    db.session.commit()


def editor_form(client, review, **values):
    """The editor's fields as the page gives them (csrf token and base included), overridden by ``values``."""
    html = client.get(url(review)).get_data(as_text=True)
    base = re.search(r'name="base" value="([^"]*)"', html).group(1)
    data = {"csrf_token": csrf_token(html), "base": base, "summary": ""}
    for line in review.lines:
        data[f"line-{line.id}-went_well"] = ""
        data[f"line-{line.id}-even_better_if"] = ""
    data.update(values)
    return data


def complete(review, due=None):
    due = due or clock.today() + timedelta(days=30)
    values = {"summary": "A school that knows itself well.", "action": "save",
              "steps-0-action": "Train all staff in the new phonics scheme", "steps-0-owner": "Reading lead",
              "steps-0-due-day": str(due.day), "steps-0-due-month": str(due.month), "steps-0-due-year": str(due.year)}
    for line in review.lines:
        values[f"line-{line.id}-went_well"] = f"Well done on line {line.position + 1}"
        values[f"line-{line.id}-even_better_if"] = f"Better still on line {line.position + 1}"
    return values


def stored(review) -> ReviewReport | None:
    db.session.expire_all()
    return db.session.scalar(select(ReviewReport).where(ReviewReport.review_id == review.id))


def submit_report(client, review):
    assert client.post(url(review), data=editor_form(client, review, **complete(review))).status_code == 302
    token = get_token(client, url(review, "/submit"))
    return client.post(url(review, "/submit"), data={"csrf_token": token})


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- the lead's editor ------------------------------------------------------------------------------


def test_lead_sees_each_line_with_the_teams_records_and_who_wrote_them(client, review_world):
    add_records(review_world)
    sign_in(client, review_world.lead.email)
    page = client.get(url(review_world.review))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Write the report" in html
    for line in review_world.review.lines:
        assert line.question in html
        assert f'name="line-{line.id}-went_well"' in html and f'name="line-{line.id}-even_better_if"' in html
    assert "Phonics is consistent across KS1." in html and "Check the lowest 20% of readers." in html
    assert "Extended writing in Year 6 history." in html
    assert LEAD_NOTES[0] in html and REVIEWER_NOTES[0] in html
    assert "A note the lead deleted" not in html
    assert f"written by {review_world.reviewer.name}" in html and f"written by {review_world.lead.name}" in html
    assert "Agreed estimate" not in html  # estimates are off unless the round turns them on


def test_estimates_are_offered_when_the_round_uses_them(client, review_world):
    review_world.round.use_estimates = True
    db.session.commit()
    sign_in(client, review_world.lead.email)
    line = review_world.review.lines[0]
    html = client.get(url(review_world.review)).get_data(as_text=True)
    assert f'name="line-{line.id}-estimate"' in html and "Working towards effective" in html
    data = editor_form(client, review_world.review, **{f"line-{line.id}-estimate": "effective"})
    assert client.post(url(review_world.review), data=data).status_code == 302
    assert {f.line_id: f.estimate for f in stored(review_world.review).findings}[line.id] == "effective"
    data = editor_form(client, review_world.review, **{f"line-{line.id}-estimate": "outstanding"})
    response = client.post(url(review_world.review), data=data)
    assert response.status_code == 400 and "choose one of the estimates listed" in response.get_data(as_text=True)


def test_lead_saves_an_incomplete_draft_and_everything_is_kept(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    line1 = review.lines[0]
    due = clock.today() + timedelta(days=60)
    data = editor_form(client, review, **{
        "summary": "First thoughts.", f"line-{line1.id}-went_well": "Phonics is strong.",
        "steps-0-action": "Moderate writing", "steps-0-owner": "",  # the owner can wait for a draft
        "steps-0-due-day": str(due.day), "steps-0-due-month": str(due.month), "steps-0-due-year": str(due.year),
        "steps-1-action": "", "steps-1-owner": "", "action": "save",  # an empty row is dropped
    })
    response = client.post(url(review), data=data)
    assert response.status_code == 302
    report = stored(review)
    assert report.summary == "First thoughts."
    assert {f.line_id: f.went_well for f in report.findings}[line1.id] == "Phonics is strong."
    assert [(s.action, s.owner, s.due_on) for s in report.next_steps] == [("Moderate writing", "", due)]
    assert report.submitted_at is None and review.status == "confirmed"
    html = client.get(url(review)).get_data(as_text=True)
    assert "First thoughts." in html and "Phonics is strong." in html and "Moderate writing" in html


def test_a_draft_with_an_unreadable_date_is_refused_with_a_message_and_nothing_changes(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    client.post(url(review), data=editor_form(client, review, summary="Saved before."))
    data = editor_form(client, review, **{"summary": "Typed after.", "steps-0-action": "Do a thing",
                                          "steps-0-due-day": "31", "steps-0-due-month": "2", "steps-0-due-year": "2027"})
    response = client.post(url(review), data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Next step 1: enter a real date" in html
    assert "Typed after." in html and "Do a thing" in html  # what was typed is shown again
    assert stored(review).summary == "Saved before."


def test_incomplete_submit_is_refused_with_messages_and_nothing_is_lost(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    line1, line2 = review.lines
    data = editor_form(client, review, **{"summary": "Only a summary so far.",
                                          f"line-{line1.id}-went_well": "Good phonics.", "action": "submit"})
    response = client.post(url(review), data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/submit")
    assert stored(review).summary == "Only a summary so far."  # saved before anything was checked

    page = client.get(url(review, "/submit"))
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    for message in ("Line of enquiry 1: write what would make it even better",
                    "Line of enquiry 2: write what went well", "Add at least one next step"):
        assert message in html
    assert "Only a summary so far." in html and "Good phonics." in html

    response = client.post(url(review, "/submit"), data={"csrf_token": csrf_token(html)})
    assert response.status_code == 422
    assert "Add at least one next step" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, review.id).status == "confirmed"
    assert stored(review).submitted_at is None and stored(review).summary == "Only a summary so far."
    assert "review.report_submitted" not in audit_actions()


def test_a_next_step_due_in_the_past_or_without_an_owner_blocks_submission(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    values = complete(review, due=clock.today() - timedelta(days=1))
    values["steps-0-owner"] = ""
    client.post(url(review), data=editor_form(client, review, **values))
    html = client.get(url(review, "/submit")).get_data(as_text=True)
    assert "Next step 1: the date it is due by must be today or later" in html
    assert "Next step 1: say who owns it" in html


def test_lead_submits_a_complete_report_after_confirming(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    client.post(url(review), data=editor_form(client, review, **complete(review, due=clock.today())))
    page = client.get(url(review, "/submit"))
    assert page.status_code == 200 and "Submit the report to Ash Primary?" in page.get_data(as_text=True)
    assert db.session.get(Review, review.id).status == "confirmed"  # the question changes nothing

    response = client.post(url(review, "/submit"), data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    db.session.expire_all()
    report = stored(review)
    assert db.session.get(Review, review.id).status == "submitted"
    assert report.submitted_at is not None and report.submitted_by_id == review_world.lead.id
    assert "review.report_submitted" in audit_actions()
    # The lead now reads the report as submitted, no longer an editor.
    html = client.get(url(review)).get_data(as_text=True)
    assert "Train all staff in the new phonics scheme" in html and 'name="summary"' not in html


def test_an_edit_after_submission_is_409_and_changes_nothing(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    data = editor_form(client, review, **complete(review))  # a tab opened before submitting
    assert submit_report(client, review).status_code == 302
    before = stored(review)
    summary, steps = before.summary, [(s.action, s.due_on) for s in before.next_steps]

    data["summary"] = "Changed after submission"
    response = client.post(url(review), data=data)
    assert response.status_code == 409
    assert "cannot be changed any more" in response.get_data(as_text=True)
    response = client.post(url(review), data=data, headers={"Accept": "application/json"})
    assert response.status_code == 409 and "error" in response.get_json()
    token = get_token(client, url(review))
    assert client.post(url(review, "/submit"), data={"csrf_token": token}).status_code == 409
    after = stored(review)
    assert after.summary == summary and [(s.action, s.due_on) for s in after.next_steps] == steps


def test_a_tab_opened_before_another_save_cannot_overwrite_it_unseen(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    old_tab = editor_form(client, review, summary="From the old tab")
    client.post(url(review), data=editor_form(client, review, summary="From the tablet"))
    response = client.post(url(review), data=old_tab)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "saved from another tab or device" in html and "From the old tab" in html
    assert stored(review).summary == "From the tablet"
    # Saving again from the page now shown keeps the old tab's version, knowingly.
    base = re.search(r'name="base" value="([^"]*)"', html).group(1)
    assert client.post(url(review), data={**old_tab, "base": base}).status_code == 302
    assert stored(review).summary == "From the old tab"


def test_next_steps_can_be_added_and_removed(client, review_world):
    sign_in(client, review_world.lead.email)
    review = review_world.review
    values = complete(review)
    response = client.post(url(review), data=editor_form(client, review, **{**values, "action": "add_step"}))
    assert response.status_code == 302 and "add=1" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="steps-1-action"' in html  # the new empty row
    due = clock.today() + timedelta(days=10)
    two = {**values, "steps-1-action": "Second step", "steps-1-owner": "Head",
           "steps-1-due-day": str(due.day), "steps-1-due-month": str(due.month), "steps-1-due-year": str(due.year)}
    client.post(url(review), data=editor_form(client, review, **two))
    assert [s.action for s in stored(review).next_steps] == ["Train all staff in the new phonics scheme", "Second step"]
    client.post(url(review), data=editor_form(client, review, **two, remove_step="0"))
    assert [(s.action, s.position) for s in stored(review).next_steps] == [("Second step", 0)]


def test_themes_panel_shows_the_themes_of_the_teams_notes_and_how_many_it_rests_on(client, review_world):
    add_records(review_world)
    sign_in(client, review_world.lead.email)
    html = client.get(url(review_world.review)).get_data(as_text=True)
    panel = html[html.index('id="themes"'):html.index('id="report-form"')]
    # 5 evidence notes (the deleted one left out) + 3 written findings.
    assert "Based on 8 notes and findings written by the team." in panel
    assert 'data-notes="8"' in panel
    themes = re.findall(r'data-theme="([a-z_]+)"', panel)
    assert themes[0] == "reading" and "behaviour" in themes
    reading = panel[panel.index('data-theme="reading"'):]
    assert re.search(r"<strong>Reading and phonics</strong>:\s+5 notes \(6\d%\)", reading)
    assert re.search(r"<strong>Behaviour</strong>:\s+2 notes \(25%\)", panel)
    assert "Mrs Jones" not in panel and "Mrs [name] said the library" in panel  # snippets are redacted
    curriculum = panel[panel.index('data-theme="curriculum"'):]
    assert "Extended writing in Year 6 history." in curriculum[:curriculum.index("</li>")]  # a neutral note too
    assert "A note the lead deleted" not in panel


def test_themes_panel_says_when_there_is_nothing_to_go_on(client, review_world):
    sign_in(client, review_world.lead.email)
    html = client.get(url(review_world.review)).get_data(as_text=True)
    assert "The team has not written any evidence notes or findings yet." in html


# --- the host head ------------------------------------------------------------------------------------


def test_host_head_and_admin_see_a_friendly_page_until_the_report_is_submitted(client, review_world):
    sign_in(client, review_world.lead.email)
    client.post(url(review_world.review), data=editor_form(client, review_world.review, summary="Secret draft"))
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    for email in (review_world.head_a.email, review_world.admin.email):
        sign_in(client, email)
        page = client.get(url(review_world.review))
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "The lead reviewer has not submitted the report yet" in html and "Secret draft" not in html
        client.post("/logout", data={"csrf_token": get_token(client, "/")})


def test_host_head_reads_replies_and_agrees_the_next_steps(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})

    sign_in(client, review_world.head_a.email)
    page = client.get(url(review))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "A school that knows itself well." in html and "Reading lead" in html
    token = csrf_token(html)
    response = client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "Thank you; a fair picture.",
                                                       "action": "save"})
    assert response.status_code == 302
    assert stored(review).head_reply == "Thank you; a fair picture."
    assert db.session.get(Review, review.id).status == "submitted"  # a draft reply, changeable

    response = client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "Thank you; fair.",
                                                       "action": "agree"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/report/agree")
    assert "Agree the next steps?" in client.get(url(review, "/agree")).get_data(as_text=True)
    assert client.post(url(review, "/agree"), data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    report = stored(review)
    assert db.session.get(Review, review.id).status == "agreed"
    assert report.head_reply == "Thank you; fair."
    assert report.agreed_at is not None and report.agreed_by_id == review_world.head_a.id
    assert "review.report_agreed" in audit_actions()


def test_a_reply_after_agreement_is_409_and_changes_nothing(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, review_world.head_a.email)
    token = get_token(client, url(review))
    client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "Agreed reply", "action": "save"})
    client.post(url(review, "/agree"), data={"csrf_token": token})
    response = client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "Rewritten", "action": "save"})
    assert response.status_code == 409
    assert client.post(url(review, "/agree"), data={"csrf_token": token}).status_code == 409
    assert stored(review).head_reply == "Agreed reply"


def test_head_marks_an_agreed_next_step_done(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, review_world.head_a.email)
    token = get_token(client, url(review))
    step = stored(review).next_steps[0]
    # Not before agreement.
    assert client.post(url(review, f"/steps/{step.id}"), data={"csrf_token": token, "done": "yes"}).status_code == 409
    client.post(url(review, "/agree"), data={"csrf_token": token})
    assert client.post(url(review, f"/steps/{step.id}"), data={"csrf_token": token, "done": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(NextStep, step.id).done_on == clock.today()
    assert client.post(url(review, "/steps/999999"), data={"csrf_token": token, "done": "yes"}).status_code == 404


def test_the_head_cannot_write_the_report_and_the_lead_cannot_reply(client, review_world):
    review = review_world.review
    sign_in(client, review_world.head_a.email)
    token = get_token(client, "/")
    assert client.post(url(review), data={"csrf_token": token, "summary": "Head's words"}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    token = get_token(client, url(review))
    assert client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "x"}).status_code == 403
    assert client.post(url(review, "/agree"), data={"csrf_token": token}).status_code == 403
    assert stored(review).head_reply == ""


# --- who is kept out -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reviewer", "head_b", "colleague"])
def test_people_without_a_part_in_the_report_get_403(client, review_world, who):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, getattr(review_world, who).email)
    assert client.get(url(review)).status_code == 403
    token = get_token(client, "/")
    assert client.post(url(review), data={"csrf_token": token, "summary": "x"}).status_code == 403
    assert client.post(url(review, "/reply"), data={"csrf_token": token, "head_reply": "x"}).status_code == 403


def test_non_lead_reviewer_cannot_open_the_draft_either(client, review_world):
    sign_in(client, review_world.reviewer.email)
    assert client.get(url(review_world.review)).status_code == 403
    assert client.get(url(review_world.review, "/submit")).status_code == 403


def test_an_admin_of_another_partnership_gets_404(client, review_world):
    sign_in(client, review_world.other_admin.email)
    assert client.get(url(review_world.review)).status_code == 404
    token = get_token(client, "/")
    assert client.post(url(review_world.review, "/shares"), data={"csrf_token": token}).status_code == 404
    assert client.get("/manage/reviews/999999/report").status_code == 404


# --- sharing ------------------------------------------------------------------------------------------


def test_a_shared_person_reads_the_report_until_it_is_unshared(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})

    sign_in(client, review_world.head_a.email)
    html = client.get(url(review)).get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)">', html[html.index('id="person_id"'):])
    # People who already see it (the head, the admin, the lead) are not offered.
    assert str(review_world.colleague.id) in options and str(review_world.reviewer.id) in options
    for person in (review_world.head_a, review_world.admin, review_world.lead, review_world.other_admin):
        assert str(person.id) not in options
    token = csrf_token(html)
    assert client.post(url(review, "/shares"), data={"csrf_token": token,
                                                     "person_id": review_world.colleague.id}).status_code == 302
    assert db.session.get(ReportShare, (review.id, review_world.colleague.id)) is not None
    client.post("/logout", data={"csrf_token": token})

    sign_in(client, review_world.colleague.email)
    page = client.get(url(review))
    assert page.status_code == 200 and "A school that knows itself well." in page.get_data(as_text=True)
    assert "Share with" not in page.get_data(as_text=True)  # sharing is the head's
    client.post("/logout", data={"csrf_token": get_token(client, "/")})

    sign_in(client, review_world.head_a.email)
    token = get_token(client, url(review))
    assert client.post(url(review, f"/shares/{review_world.colleague.id}/remove"),
                       data={"csrf_token": token}).status_code == 302
    client.post("/logout", data={"csrf_token": token})
    sign_in(client, review_world.colleague.email)
    assert client.get(url(review)).status_code == 403
    actions = audit_actions()
    assert "review.report_shared" in actions and "review.report_unshared" in actions


def test_sharing_with_someone_outside_the_partnership_or_twice_is_refused(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, review_world.head_a.email)
    token = get_token(client, url(review))
    for person_id in (review_world.other_admin.id, review_world.admin.id, "", "abc"):
        response = client.post(url(review, "/shares"), data={"csrf_token": token, "person_id": person_id})
        assert response.status_code == 400
        assert "Choose someone from the list" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ReportShare)) == 0
    response = client.post(url(review, f"/shares/{review_world.colleague.id}/remove"), data={"csrf_token": token})
    assert response.status_code == 400


def test_only_the_host_head_shares(client, review_world):
    review = review_world.review
    sign_in(client, review_world.admin.email)
    token = get_token(client, "/")
    response = client.post(url(review, "/shares"), data={"csrf_token": token, "person_id": review_world.colleague.id})
    assert response.status_code == 403
    assert db.session.get(ReportShare, (review.id, review_world.colleague.id)) is None


def test_print_view_hides_forms_and_navigation(client, review_world):
    review = review_world.review
    sign_in(client, review_world.lead.email)
    submit_report(client, review)
    html = client.get(url(review)).get_data(as_text=True)
    assert "@media print" in html and "Print this report" in html
