"""The host's preparation: the self-evaluation and one to three lines of enquiry, kept as typed
when something is wrong, never deleting a line someone has written against, and fixed once
the visit has started."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.reviews import review_forms, review_ops, review_queries
from peerreview.reviews.models import LineOfEnquiry, RecordField, Review, ReviewerRecord, ReviewRound
from peerreview.reviews.workflow import WrongState
from tests.conftest import get_token, sign_in

HEAD = "head.ash@north.example"


@pytest.fixture
def host(client, review_world):
    sign_in(client, HEAD)
    rw = review_world
    rw.url = f"/manage/reviews/{rw.review.id}/prepare"
    return rw


def post(client, url, lines, self_evaluation="Our self-evaluation.", action="save", **extra):
    """Post the preparation form; ``lines`` is a list of dicts (key, line_id, question, sip_priority, ...)."""
    data = {"csrf_token": get_token(client, url), "action": action, "self_evaluation": self_evaluation, **extra}
    for i, line in enumerate(lines):
        data[f"lines-{i}-key"] = line.get("key", f"n{i}abcd")
        data[f"lines-{i}-line_id"] = str(line.get("line_id") or "")
        for name in review_forms.LINE_FIELDS:
            data[f"lines-{i}-{name}"] = line.get(name, "")
    return client.post(url, data=data)


def existing(review) -> list[dict]:
    return [{"key": f"l{line.id}", "line_id": line.id, "question": line.question, "sip_priority": line.sip_priority,
             "context": line.context, "evidence_wanted": line.evidence_wanted} for line in review.lines]


def stored(review_id) -> list[tuple]:
    db.session.expire_all()
    review = db.session.get(Review, review_id)
    return [(line.position, line.question, line.sip_priority) for line in review.lines]


def snapshot(review_id):
    db.session.expire_all()
    review = db.session.get(Review, review_id)
    return (review.self_evaluation, [(line.id, line.position, line.question, line.sip_priority, line.context,
                                      line.evidence_wanted) for line in review.lines])


def write_against(review, line, person):
    """A reviewer's record with a finding for ``line``."""
    record = ReviewerRecord(review_id=review.id, person_id=person.id)
    record.fields.append(RecordField(line_id=line.id, field="strengths", value="Phonics lessons are brisk."))
    db.session.add(record)
    db.session.commit()


def test_prepare_page_shows_what_is_saved(client, host):
    html = client.get(host.url).get_data(as_text=True)
    assert "We are proud of our early reading" in html
    assert "To what extent does phonics teaching help pupils read fluently?" in html
    assert "Priority 2: writing" in html
    assert html.count("Remove line of enquiry") == 2
    assert "Add another line of enquiry" in html
    assert 'maxlength="5000"' in html or 'data-maxlength="5000"' in html  # the self-evaluation's counter


def test_saving_updates_the_lines_in_place(client, host):
    rw = host
    ids = [line.id for line in rw.review.lines]
    lines = existing(rw.review)
    lines[1]["question"] = "To what extent do pupils in Years 4 to 6 write at length?"
    lines[1]["context"] = "Writing dipped in 2026.\nNew scheme this year."
    response = post(client, rw.url, lines, self_evaluation="Reading strong.\n\nWriting next.")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/reviews/{rw.review.id}")
    db.session.expire_all()
    review = db.session.get(Review, rw.review.id)
    assert [line.id for line in review.lines] == ids  # same lines, so what reviewers wrote stays attached
    assert review.self_evaluation == "Reading strong.\n\nWriting next."
    assert review.lines[1].question == "To what extent do pupils in Years 4 to 6 write at length?"
    assert review.lines[1].context == "Writing dipped in 2026.\nNew scheme this year."
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your preparation is saved" in page
    assert f'data-clear-draft="review-prepare:{rw.review.id}"' in page  # the browser's draft copy goes


def test_a_third_line_can_be_added_and_a_fourth_cannot(client, host):
    rw = host
    lines = existing(rw.review)
    html = post(client, rw.url, lines, action="add").get_data(as_text=True)
    assert "Line of enquiry 3 added" in html
    assert 'name="lines-2-question"' in html
    assert "Add another line of enquiry" not in html  # three is the most
    third = {"question": "To what extent is behaviour at lunchtime calm?", "sip_priority": "Priority 3: behaviour"}
    assert post(client, rw.url, lines + [third]).status_code == 302
    assert [q for _p, q, _s in stored(rw.review.id)][2] == third["question"]

    before = snapshot(rw.review.id)
    lines = existing(db.session.get(Review, rw.review.id))
    response = post(client, rw.url, lines + [{"question": "To what extent is a fourth allowed?", "sip_priority": "P4"}])
    assert response.status_code == 400
    assert "up to 3 lines of enquiry" in response.get_data(as_text=True)
    assert snapshot(rw.review.id) == before
    assert post(client, rw.url, lines, action="add").status_code == 400


def test_at_least_one_line_is_needed(client, host):
    rw = host
    before = snapshot(rw.review.id)
    blank = [{"key": "nabcd1234"}]  # a blank new block is not a line
    response = post(client, rw.url, blank, self_evaluation="Only this.")
    assert response.status_code == 400
    assert "Write at least one line of enquiry" in response.get_data(as_text=True)
    assert snapshot(rw.review.id) == before


def test_a_problem_keeps_everything_typed(client, host):
    rw = host
    before = snapshot(rw.review.id)
    lines = existing(rw.review)
    lines[0]["question"] = "To what extent is our new phonics scheme consistent?"
    lines.append({"key": "nnew1234", "question": "To what extent is maths fluency improving?", "sip_priority": "",
                  "context": "Times tables check results were low."})
    response = post(client, rw.url, lines, self_evaluation="A new self-evaluation, not yet saved.")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Line of enquiry 3: Enter the school improvement plan priority" in html
    assert 'href="#lines-2-sip_priority"' in html
    for typed in ("To what extent is our new phonics scheme consistent?", "To what extent is maths fluency improving?",
                  "Times tables check results were low.", "A new self-evaluation, not yet saved."):
        assert typed in html
    assert 'value="nnew1234"' in html  # the block keeps its key, so the browser's draft still matches
    assert snapshot(rw.review.id) == before


def test_too_long_text_is_refused_with_a_message(client, host):
    rw = host
    before = snapshot(rw.review.id)
    lines = existing(rw.review)
    lines[0]["question"] = "To what extent " + "x" * 400 + "?"
    response = post(client, rw.url, lines, self_evaluation="y" * 5001)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must be 5000 characters or fewer" in html
    assert "must be 300 characters or fewer" in html
    assert snapshot(rw.review.id) == before


def test_a_line_that_is_not_a_question_is_saved_with_a_warning(client, host):
    rw = host
    lines = existing(rw.review)
    lines[1]["question"] = "Writing across the curriculum"
    response = post(client, rw.url, lines)
    assert response.status_code == 302
    assert stored(rw.review.id)[1][1] == "Writing across the curriculum"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Line of enquiry 2 does not read like a question" in html
    assert "Line of enquiry 1 does not read like a question" not in html


def test_looks_like_a_question():
    assert review_forms.looks_like_question("To what extent do pupils read widely")
    assert review_forms.looks_like_question("Are pupils safe at lunchtime?")
    assert not review_forms.looks_like_question("Reading for pleasure")


def test_removing_a_line_renumbers_the_rest(client, host):
    rw = host
    lines = existing(rw.review)
    third = {"question": "To what extent is behaviour at lunchtime calm?", "sip_priority": "Priority 3"}
    assert post(client, rw.url, lines + [third]).status_code == 302
    review = db.session.get(Review, rw.review.id)
    lines = existing(review)
    # The Remove button only takes the block off the page; nothing changes until Save.
    html = post(client, rw.url, lines, action=f"remove:{lines[0]['key']}").get_data(as_text=True)
    assert "It stays saved until you press Save" in html
    assert "help pupils read fluently" not in html
    assert len(stored(rw.review.id)) == 3
    assert post(client, rw.url, lines[1:]).status_code == 302
    assert stored(rw.review.id) == [
        (0, "To what extent do pupils write at length across the curriculum?", "Priority 2: writing"),
        (1, "To what extent is behaviour at lunchtime calm?", "Priority 3"),
    ]
    # and one can be added again after them
    lines = existing(db.session.get(Review, rw.review.id))
    assert post(client, rw.url, lines + [{"question": "To what extent?", "sip_priority": "P"}]).status_code == 302
    assert [p for p, _q, _s in stored(rw.review.id)] == [0, 1, 2]


def test_a_line_a_reviewer_wrote_against_cannot_be_removed(client, host):
    rw = host
    write_against(rw.review, rw.review.lines[0], rw.lead)
    before = snapshot(rw.review.id)
    lines = existing(rw.review)
    # by its Remove button
    response = post(client, rw.url, lines, action=f"remove:{lines[0]['key']}")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "cannot be removed: the review team has already written against it" in html
    assert "help pupils read fluently" in html  # still on the page
    # by leaving it out of a save (an old page, another tab)
    response = post(client, rw.url, lines[1:])
    assert response.status_code == 409
    assert snapshot(rw.review.id) == before
    assert db.session.scalar(select(func.count()).select_from(RecordField)) == 1
    # the other line is free to go
    assert post(client, rw.url, lines[:1]).status_code == 302
    assert len(stored(rw.review.id)) == 1
    assert db.session.scalar(select(func.count()).select_from(RecordField)) == 1


def test_the_last_line_has_no_remove_button_and_a_forged_remove_keeps_a_blank_block(client, host):
    rw = host
    lines = existing(rw.review)[:1]
    assert post(client, rw.url, lines).status_code == 302
    html = client.get(rw.url).get_data(as_text=True)
    assert "Remove line of enquiry" not in html
    response = post(client, rw.url, lines, action=f"remove:{lines[0]['key']}")
    assert response.status_code == 200
    assert 'name="lines-0-question"' in response.get_data(as_text=True)
    assert len(stored(rw.review.id)) == 1
    assert post(client, rw.url, lines, action="remove:nosuchkey").status_code == 400
    assert post(client, rw.url, lines, action="explode").status_code == 400


def test_another_reviews_line_id_is_never_touched(client, host):
    rw = host
    other_round = ReviewRound(partnership=rw.partnership, name="Other", window_start=date(2027, 1, 11),
                              window_end=date(2027, 3, 26), status="published")
    other = Review(round=other_round, host=rw.birch, status="confirmed")
    other.lines = [LineOfEnquiry(position=0, question="Birch's own question?", sip_priority="Birch P1")]
    db.session.add(other_round)
    db.session.commit()
    birch_line = other.lines[0].id
    lines = existing(rw.review)
    lines.append({"key": f"l{birch_line}", "line_id": birch_line, "question": "Hijack?", "sip_priority": "X"})
    assert post(client, rw.url, lines).status_code == 302
    db.session.expire_all()
    assert db.session.get(LineOfEnquiry, birch_line).question == "Birch's own question?"
    assert db.session.get(LineOfEnquiry, birch_line).review_id == other.id
    # the text was kept, as a new line of Ash's review
    assert stored(rw.review.id)[2][1] == "Hijack?"


def test_prepare_after_the_visit_started_is_409_and_changes_nothing(client, host):
    rw = host
    rw.review.status = "in_progress"
    db.session.commit()
    before = snapshot(rw.review.id)
    assert client.get(rw.url).status_code == 409
    token = get_token(client, "/")
    lines = existing(rw.review)
    lines[0]["question"] = "To what extent can this still change?"
    data = {"csrf_token": token, "action": "save", "self_evaluation": "Changed late"}
    for i, line in enumerate(lines):
        for name, value in line.items():
            data[f"lines-{i}-{name}"] = str(value or "")
    response = client.post(rw.url, data=data)
    assert response.status_code == 409
    assert "In progress" in response.get_data(as_text=True)
    assert snapshot(rw.review.id) == before
    # and the operation itself refuses, whoever calls it
    with pytest.raises(WrongState):
        review_ops.save_preparation(rw.review, "x", [review_ops.LineInput(None, "q?", "p")])
    assert snapshot(rw.review.id) == before


def test_the_preparation_version_changes_when_it_is_saved(client, host):
    rw = host
    before = review_queries.preparation_version(rw.review)
    assert f'data-draft-version="{before}"' in client.get(rw.url).get_data(as_text=True)
    lines = existing(rw.review)
    assert post(client, rw.url, lines, self_evaluation="Something new").status_code == 302
    db.session.expire_all()
    assert review_queries.preparation_version(db.session.get(Review, rw.review.id)) != before


def test_control_characters_are_cleaned(client, host):
    rw = host
    lines = existing(rw.review)
    lines[0]["question"] = "To what\x00 extent   do\tpupils read?"
    assert post(client, rw.url, lines, self_evaluation="Line one\r\nLine\x07 two").status_code == 302
    db.session.expire_all()
    review = db.session.get(Review, rw.review.id)
    assert review.lines[0].question == "To what extent do pupils read?"
    assert review.self_evaluation == "Line one\nLine  two"


def test_the_admin_may_prepare_on_the_hosts_behalf(client, review_world):
    rw = review_world
    sign_in(client, "admin@north.example")
    url = f"/manage/reviews/{rw.review.id}/prepare"
    assert post(client, url, existing(rw.review), self_evaluation="Written with the head").status_code == 302
    assert snapshot(rw.review.id)[0] == "Written with the head"
