"""Autosave of a reviewer's visit record: every save is applied whole or not at all, once,
and never lets something older overwrite something newer."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.reviews.models import (
    AutosaveReceipt,
    EvidenceEntry,
    LineOfEnquiry,
    RecordField,
    Review,
    ReviewerRecord,
)
from tests.conftest import get_token, sign_in


def record_url(review_id: int) -> str:
    return f"/manage/reviews/{review_id}/record"


class Tablet:
    """A signed-in reviewer's browser, saving the way review_record.js does."""

    def __init__(self, client, review_id: int):
        self.client = client
        self.review_id = review_id
        self._token = None

    def token(self) -> str:
        if self._token is None:
            response = self.client.get(record_url(self.review_id) + "/token")
            assert response.status_code == 200, response.get_data(as_text=True)
            self._token = response.get_json()["csrf_token"]
        return self._token

    def send(self, changes, save_id: str | None = None, raw: bytes | None = None):
        body = raw if raw is not None else json.dumps(
            {"save_id": save_id or str(uuid.uuid4()), "changes": changes}).encode()
        return self.client.post(record_url(self.review_id) + "/save", data=body,
                                headers={"X-CSRFToken": self.token(), "Content-Type": "application/json",
                                         "Accept": "application/json"})


def field(line_id, name, value, base):
    return {"type": "field", "line_id": line_id, "field": name, "value": value, "base": base}


def evidence(client_id, line_id, base, deleted=False, **values):
    full = {"activity": "", "who": "", "host_partner": "", "notes": "", "theme": ""} | values
    return {"type": "evidence", "client_id": client_id, "line_id": line_id, "values": full,
            "deleted": deleted, "base": base}


@pytest.fixture
def tablet(review_world, client):
    client.get("/logout")
    sign_in(client, review_world.reviewer.email)
    return Tablet(client, review_world.review.id)


@pytest.fixture
def lines(review_world):
    return [line.id for line in review_world.review.lines]


def stored_fields(review_world) -> dict:
    db.session.expire_all()
    rows = db.session.scalars(select(RecordField).join(ReviewerRecord).where(
        ReviewerRecord.person_id == review_world.reviewer.id)).all()
    return {(f.line_id, f.field): (f.value, f.version) for f in rows}


def stored_entries(review_world) -> list[EvidenceEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(EvidenceEntry).join(ReviewerRecord).where(
        ReviewerRecord.person_id == review_world.reviewer.id).order_by(EvidenceEntry.id)))


def receipts() -> int:
    return db.session.scalar(select(func.count()).select_from(AutosaveReceipt))


# --- applying --------------------------------------------------------------------------------


def test_a_save_applies_every_change_and_bumps_each_version(review_world, tablet, lines):
    entry_id = str(uuid.uuid4())
    first = tablet.send([
        field(lines[0], "strengths", "Phonics lessons are brisk and well matched.", 0),
        evidence(entry_id, lines[0], 0, activity="lesson_visit", who="Year 1 class teacher",
                 host_partner="Deputy head", notes="Pupils blend confidently.", theme="reading"),
    ])
    assert first.status_code == 200, first.get_data(as_text=True)
    assert first.get_json()["versions"] == {f"field:{lines[0]}:strengths": 1, f"evidence:{entry_id}": 1}
    assert "saved_at" in first.get_json()

    second = tablet.send([
        field(lines[0], "strengths", "Phonics lessons are brisk and well matched to need.", 1),
        evidence(entry_id, lines[0], 1, activity="lesson_visit", who="Year 1 class teacher",
                 host_partner="Deputy head", notes="Pupils blend confidently; two needed support.", theme="reading"),
    ])
    assert second.status_code == 200
    assert second.get_json()["versions"] == {f"field:{lines[0]}:strengths": 2, f"evidence:{entry_id}": 2}

    assert stored_fields(review_world) == {
        (lines[0], "strengths"): ("Phonics lessons are brisk and well matched to need.", 2)}
    [entry] = stored_entries(review_world)
    assert (entry.client_id, entry.line_id, entry.activity, entry.who, entry.host_partner, entry.notes,
            entry.theme, entry.version, entry.deleted) == (
        entry_id, lines[0], "lesson_visit", "Year 1 class teacher", "Deputy head",
        "Pupils blend confidently; two needed support.", "reading", 2, False)
    # The first save starts the visit.
    assert db.session.get(Review, review_world.review.id).status == "in_progress"


def test_blank_choices_are_stored_as_nothing_and_text_is_kept_as_typed(review_world, tablet, lines):
    entry_id = str(uuid.uuid4())
    response = tablet.send([evidence(entry_id, lines[1], 0, notes="Books show\r\nlonger pieces ")])
    assert response.status_code == 200
    [entry] = stored_entries(review_world)
    assert (entry.activity, entry.theme, entry.notes) == (None, None, "Books show\nlonger pieces ")


def test_entries_keep_the_order_they_were_made_in(review_world, tablet, lines):
    ids = [str(uuid.uuid4()) for _ in range(4)]
    assert tablet.send([evidence(i, lines[0], 0, notes=f"note {n}") for n, i in enumerate(ids[:3])]).status_code == 200
    assert tablet.send([evidence(ids[3], lines[0], 0, notes="note 3")]).status_code == 200
    assert [(e.client_id, e.notes) for e in stored_entries(review_world)] == [
        (i, f"note {n}") for n, i in enumerate(ids)]


def test_the_same_save_sent_twice_is_applied_once(review_world, tablet, lines):
    save_id = str(uuid.uuid4())
    entry_id = str(uuid.uuid4())
    changes = [field(lines[0], "areas", "Reading records at home.", 0),
               evidence(entry_id, lines[0], 0, activity="book_look", notes="Reading records checked.")]
    first = tablet.send(changes, save_id=save_id)
    again = tablet.send(changes, save_id=save_id)  # the answer to the first was lost on the way back

    assert first.status_code == 200
    assert again.status_code == 200
    assert again.get_json()["duplicate"] is True
    assert again.get_json()["versions"] == first.get_json()["versions"]
    assert again.get_json()["changed_since"] == []
    assert stored_fields(review_world) == {(lines[0], "areas"): ("Reading records at home.", 1)}
    assert [(e.client_id, e.version) for e in stored_entries(review_world)] == [(entry_id, 1)]
    assert receipts() == 1


def test_a_resend_after_another_device_changed_the_part_reports_the_newer_value(review_world, tablet, lines):
    save_id = str(uuid.uuid4())
    changes = [field(lines[0], "areas", "Tablet text.", 0)]
    assert tablet.send(changes, save_id=save_id).status_code == 200
    assert tablet.send([field(lines[0], "areas", "Laptop text.", 1)]).status_code == 200  # another device

    again = tablet.send(changes, save_id=save_id)
    assert again.status_code == 200
    body = again.get_json()
    assert body["duplicate"] is True
    assert body["versions"] == {f"field:{lines[0]}:areas": 2}
    assert body["changed_since"] == [{"item": f"field:{lines[0]}:areas", "value": "Laptop text.", "version": 2}]
    assert stored_fields(review_world) == {(lines[0], "areas"): ("Laptop text.", 2)}


def test_a_stale_save_arriving_after_a_newer_one_is_refused_and_the_newer_text_kept(review_world, tablet, lines):
    assert tablet.send([field(lines[0], "strengths", "First draft.", 0)]).status_code == 200
    newer = tablet.send([field(lines[0], "strengths", "Second draft, from the laptop.", 1)])
    assert newer.status_code == 200
    # An older save (made when the tablet had seen version 1) arrives late, with another change in it.
    stale = tablet.send([field(lines[1], "strengths", "Writing is purposeful.", 0),
                         field(lines[0], "strengths", "First draft, edited on the tablet.", 1)])

    assert stale.status_code == 409
    body = stale.get_json()
    assert body["error"]
    assert body["conflicts"] == [{"item": f"field:{lines[0]}:strengths", "value": "Second draft, from the laptop.",
                                  "version": 2}]
    # Nothing in the refused save was applied, not even the change that did not conflict.
    assert stored_fields(review_world) == {(lines[0], "strengths"): ("Second draft, from the laptop.", 2)}

    # The browser shows the choice; using the tablet's text re-sends it on the new base.
    resent = tablet.send([field(lines[1], "strengths", "Writing is purposeful.", 0),
                          field(lines[0], "strengths", "First draft, edited on the tablet.", 2)])
    assert resent.status_code == 200
    assert stored_fields(review_world) == {
        (lines[0], "strengths"): ("First draft, edited on the tablet.", 3),
        (lines[1], "strengths"): ("Writing is purposeful.", 1),
    }


def test_two_devices_creating_the_same_part_conflict_instead_of_overwriting(review_world, tablet, lines):
    assert tablet.send([field(lines[0], "areas", "From the laptop.", 0)]).status_code == 200
    late = tablet.send([field(lines[0], "areas", "From the tablet.", 0)])
    assert late.status_code == 409
    assert late.get_json()["conflicts"][0]["value"] == "From the laptop."
    assert stored_fields(review_world) == {(lines[0], "areas"): ("From the laptop.", 1)}


def test_the_same_text_from_two_devices_is_no_conflict_and_no_new_version(review_world, tablet, lines):
    assert tablet.send([field(lines[0], "areas", "Same words.", 0)]).status_code == 200
    same = tablet.send([field(lines[0], "areas", "Same words.", 0)])
    assert same.status_code == 200
    assert same.get_json()["versions"] == {f"field:{lines[0]}:areas": 1}
    assert stored_fields(review_world) == {(lines[0], "areas"): ("Same words.", 1)}


def test_saves_of_different_parts_delivered_out_of_order_both_apply(review_world, tablet, lines):
    made_first = [field(lines[0], "strengths", "Made first.", 0)]
    made_second = [field(lines[0], "areas", "Made second.", 0)]
    assert tablet.send(made_second).status_code == 200
    assert tablet.send(made_first).status_code == 200
    assert stored_fields(review_world) == {(lines[0], "strengths"): ("Made first.", 1),
                                           (lines[0], "areas"): ("Made second.", 1)}


def test_a_removed_entry_stays_removed_when_an_older_update_arrives_late(review_world, tablet, lines):
    entry_id = str(uuid.uuid4())
    assert tablet.send([evidence(entry_id, lines[0], 0, notes="Learning walk, KS1.")]).status_code == 200
    late_update = [evidence(entry_id, lines[0], 1, notes="Learning walk, KS1 and Reception.")]
    removed = tablet.send([evidence(entry_id, lines[0], 1, deleted=True, notes="Learning walk, KS1.")])
    assert removed.status_code == 200
    assert removed.get_json()["versions"] == {f"evidence:{entry_id}": 2}

    late = tablet.send(late_update)
    assert late.status_code == 409
    [conflict] = late.get_json()["conflicts"]
    assert conflict["item"] == f"evidence:{entry_id}"
    assert conflict["version"] == 2
    assert conflict["value"]["deleted"] is True
    assert conflict["value"]["values"]["notes"] == "Learning walk, KS1."

    [entry] = stored_entries(review_world)
    assert (entry.deleted, entry.version, entry.notes) == (True, 2, "Learning walk, KS1.")


def test_an_entry_added_and_removed_before_it_was_saved_is_not_stored(review_world, tablet, lines):
    entry_id = str(uuid.uuid4())
    response = tablet.send([evidence(entry_id, lines[0], 0, deleted=True)])
    assert response.status_code == 200
    assert response.get_json()["versions"] == {f"evidence:{entry_id}": 0}
    assert stored_entries(review_world) == []


def test_estimates_are_saved_when_the_round_uses_them(review_world, tablet, lines):
    review_world.round.use_estimates = True
    db.session.commit()
    assert tablet.send([field(lines[0], "estimate", "effective", 0)]).status_code == 200
    assert tablet.send([field(lines[0], "estimate", "", 1)]).status_code == 200  # cleared again
    assert stored_fields(review_world) == {(lines[0], "estimate"): ("", 2)}


# --- bad input ---------------------------------------------------------------------------------


def other_line(review_world) -> int:
    other = Review(round=review_world.round, host=review_world.birch, status="confirmed")
    other.lines = [LineOfEnquiry(position=0, question="To what extent...?", sip_priority="Maths")]
    db.session.add(other)
    db.session.commit()
    return other.lines[0].id


BAD_CHANGES = {
    "unknown field": lambda w, lines: field(lines[0], "weaknesses", "Hmm.", 0),
    "activity not in the list": lambda w, lines: evidence(str(uuid.uuid4()), lines[0], 0, activity="playground_chat"),
    "theme not in the codebook": lambda w, lines: evidence(str(uuid.uuid4()), lines[0], 0, theme="vibes"),
    "estimate when estimates are off": lambda w, lines: field(lines[0], "estimate", "leading", 0),
    "line of another review": lambda w, lines: field(other_line(w), "strengths", "Elsewhere.", 0),
    "unknown evidence value": lambda w, lines: {**evidence(str(uuid.uuid4()), lines[0], 0), "values": {"pupil": "Amy"}},
    "text too long": lambda w, lines: field(lines[0], "areas", "x" * 3001, 0),
    "who too long": lambda w, lines: evidence(str(uuid.uuid4()), lines[0], 0, who="y" * 201),
    "a NUL character": lambda w, lines: field(lines[0], "areas", "abc\x00def", 0),
    "no version": lambda w, lines: {**field(lines[0], "areas", "Fine.", 0), "base": "1"},
    "a bad entry id": lambda w, lines: evidence("not-a-uuid", lines[0], 0),
    "unknown kind": lambda w, lines: {"type": "photo", "line_id": lines[0], "base": 0},
    "a value that is not text": lambda w, lines: field(lines[0], "areas", ["list"], 0),
}


@pytest.mark.parametrize("case", BAD_CHANGES)
def test_bad_input_is_refused_whole_with_a_message(review_world, tablet, lines, case):
    good = field(lines[1], "areas", "A good change in the same save.", 0)
    response = tablet.send([good, BAD_CHANGES[case](review_world, lines)])
    assert response.status_code == 400
    assert response.is_json
    assert response.get_json()["error"]
    assert stored_fields(review_world) == {}
    assert stored_entries(review_world) == []
    assert receipts() == 0


def test_the_bad_change_is_named_so_the_browser_can_keep_the_rest(review_world, tablet, lines):
    response = tablet.send([field(lines[1], "areas", "Fine.", 0), field(lines[0], "areas", "z" * 5000, 0)])
    assert response.status_code == 400
    body = response.get_json()
    assert body["item"] == f"field:{lines[0]}:areas"
    assert "3000" in body["error"]


def test_ten_megabytes_of_text_is_refused(review_world, tablet, lines):
    response = tablet.send([field(lines[0], "strengths", "w" * (10 * 1024 * 1024), 0)])
    assert response.status_code == 400
    assert response.get_json()["error"]
    assert stored_fields(review_world) == {}


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"changes": []}', b'{"save_id": "x", "changes": []}',
                                 b'{"save_id": "6f1c1c2e-5a52-4a8c-9a40-1e0c8a8d8f10", "changes": {}}'])
def test_a_save_that_cannot_be_read_is_refused(review_world, tablet, raw):
    response = tablet.send([], raw=raw)
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_the_same_part_twice_in_one_save_is_refused(review_world, tablet, lines):
    response = tablet.send([field(lines[0], "areas", "One.", 0), field(lines[0], "areas", "Two.", 0)])
    assert response.status_code == 400
    assert stored_fields(review_world) == {}


# --- who may save, and when --------------------------------------------------------------------


def test_a_save_without_the_csrf_token_is_refused(review_world, tablet, lines):
    response = tablet.client.post(record_url(review_world.review.id) + "/save",
                                  json={"save_id": str(uuid.uuid4()), "changes": [field(lines[0], "areas", "x", 0)]},
                                  headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert stored_fields(review_world) == {}


@pytest.mark.parametrize("who, status", [("head_a", 403), ("head_b", 403), ("colleague", 403), ("admin", 403),
                                         ("other_admin", 404)])
def test_only_the_team_may_save(review_world, client, lines, who, status):
    sign_in(client, getattr(review_world, who).email)
    tablet = Tablet(client, review_world.review.id)
    tablet._token = get_token(client, "/")  # any page's token: the record's own pages are closed to them
    response = tablet.send([field(lines[0], "areas", "Not mine to write.", 0)])
    assert response.status_code == status
    assert response.is_json and response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(RecordField)) == 0


def test_a_signed_out_save_is_answered_in_json(review_world, client, lines):
    response = client.post(record_url(review_world.review.id) + "/save", json={"save_id": str(uuid.uuid4()),
                           "changes": []}, headers={"Accept": "application/json"})
    assert response.status_code in (400, 401)  # the CSRF check comes first without a session
    assert response.is_json
    token = client.get(record_url(review_world.review.id) + "/token")
    assert token.status_code == 401
    assert token.get_json()["code"] == "signed_out"


def test_after_submission_a_save_is_refused_but_a_resend_of_an_applied_one_is_not(review_world, tablet, lines):
    save_id = str(uuid.uuid4())
    changes = [field(lines[0], "strengths", "Written before the report went in.", 0)]
    assert tablet.send(changes, save_id=save_id).status_code == 200
    review = db.session.get(Review, review_world.review.id)
    review.status = "submitted"
    db.session.commit()

    late = tablet.send([field(lines[0], "strengths", "Written after.", 1)])
    assert late.status_code == 409
    assert late.get_json()["code"] == "closed"
    assert "Submitted" in late.get_json()["error"]
    assert tablet.send(changes, save_id=save_id).get_json()["duplicate"] is True
    assert stored_fields(review_world) == {(lines[0], "strengths"): ("Written before the report went in.", 1)}


def test_another_reviewers_record_is_their_own(review_world, client, lines):
    sign_in(client, review_world.lead.email)
    lead = Tablet(client, review_world.review.id)
    assert lead.send([field(lines[0], "strengths", "The lead's view.", 0)]).status_code == 200
    client.get("/logout")
    sign_in(client, review_world.reviewer.email)
    mine = Tablet(client, review_world.review.id)
    # Version 0: the reviewer's own record has no strengths yet, whatever the lead wrote.
    assert mine.send([field(lines[0], "strengths", "The reviewer's view.", 0)]).status_code == 200
    records = db.session.scalars(select(ReviewerRecord).order_by(ReviewerRecord.id)).all()
    assert [(r.person_id, [f.value for f in r.fields]) for r in records] == [
        (review_world.lead.id, ["The lead's view."]), (review_world.reviewer.id, ["The reviewer's view."])]


def test_a_change_committed_between_reading_and_writing_is_not_overwritten(review_world, tablet, lines, monkeypatch):
    from sqlalchemy import update

    from peerreview.reviews import record_ops

    assert tablet.send([field(lines[0], "areas", "Version one.", 0)]).status_code == 200
    read = record_ops._current
    raced = []

    def read_then_another_request_writes(record, changes):
        state = read(record, changes)
        if not raced:  # another device's save commits just after this one has read the record
            raced.append(True)
            with db.engine.begin() as conn:
                conn.execute(update(RecordField).values(value="Written meanwhile.", version=2))
        return state

    monkeypatch.setattr(record_ops, "_current", read_then_another_request_writes)
    response = tablet.send([field(lines[0], "areas", "Version two, from version one.", 1)])
    assert raced
    assert response.status_code == 409
    assert response.get_json()["conflicts"] == [{"item": f"field:{lines[0]}:areas", "value": "Written meanwhile.",
                                                 "version": 2}]
    assert stored_fields(review_world) == {(lines[0], "areas"): ("Written meanwhile.", 2)}
    assert receipts() == 1
