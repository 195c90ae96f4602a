"""The visit record page: who may open it, what opening it does, the state another device picks
up, the read-only page once the report is in, and the plain form without scripts."""
from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from peerreview.extensions import db
from peerreview.reviews.models import EvidenceEntry, RecordField, Review, ReviewerRecord
from peerreview.reviews.record_form import digest
from tests.conftest import csrf_token, sign_in


def url(review_world) -> str:
    return f"/manage/reviews/{review_world.review.id}/record"


def embedded_state(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="record-state">(.*?)</script>', html, re.S)
    assert match, "the page should embed the record's state"
    return json.loads(match.group(1))


def status_of(review_world) -> str:
    db.session.expire_all()
    return db.session.get(Review, review_world.review.id).status


def test_opening_the_record_starts_it_and_moves_the_review_to_in_progress(review_world, client):
    sign_in(client, review_world.reviewer.email)
    assert status_of(review_world) == "confirmed"
    response = client.get(url(review_world))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert status_of(review_world) == "in_progress"
    assert db.session.scalar(select(func.count()).select_from(ReviewerRecord)) == 1
    # Each line of enquiry with what the school asked for, an evidence log and the findings.
    assert "To what extent does phonics teaching help pupils read fluently?" in html
    assert "Priority 1: early reading" in html
    assert "Year 1 and 2 phonics lessons; reading records." in html
    assert html.count('data-add-entry="') == 2
    assert "Areas to explore" in html and "Strengths" in html
    assert "Estimate" not in html  # off unless the round uses estimates
    assert 'aria-live="polite"' in html and ">Saved<" in html
    assert embedded_state(html) == {"fields": {}, "evidence": {}}

    client.get(url(review_world))  # opening again makes no second record
    assert db.session.scalar(select(func.count()).select_from(ReviewerRecord)) == 1


def test_the_estimate_is_offered_only_when_the_round_uses_it(review_world, client):
    review_world.round.use_estimates = True
    db.session.commit()
    sign_in(client, review_world.lead.email)
    html = client.get(url(review_world)).get_data(as_text=True)
    assert "Estimate" in html
    for label in ("Leading", "Effective", "Working towards effective", "Ineffective"):
        assert f">{label}</label>" in html


def test_another_device_gets_the_saved_state_with_versions(review_world, client):
    sign_in(client, review_world.reviewer.email)
    token = client.get(url(review_world) + "/token").get_json()["csrf_token"]
    line = review_world.review.lines[0].id
    entry_id = str(uuid.uuid4())
    saved = client.post(url(review_world) + "/save", json={"save_id": str(uuid.uuid4()), "changes": [
        {"type": "field", "line_id": line, "field": "strengths", "value": "Fluent readers in Year 2.", "base": 0},
        {"type": "evidence", "client_id": entry_id, "line_id": line, "base": 0, "deleted": False,
         "values": {"activity": "pupil_conversation", "who": "Six Year 2 pupils", "host_partner": "Reading lead",
                    "notes": "They talked about favourite authors.", "theme": "reading"}},
    ]}, headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert saved.status_code == 200

    html = client.get(url(review_world)).get_data(as_text=True)
    assert embedded_state(html) == {
        "fields": {f"field:{line}:strengths": {"value": "Fluent readers in Year 2.", "version": 1}},
        "evidence": {f"evidence:{entry_id}": {
            "client_id": entry_id, "line_id": line, "version": 1,
            "values": {"activity": "pupil_conversation", "who": "Six Year 2 pupils", "host_partner": "Reading lead",
                       "notes": "They talked about favourite authors.", "theme": "reading"}}},
    }
    assert ">Fluent readers in Year 2.</textarea>" in html
    assert 'value="Six Year 2 pupils"' in html


def test_the_record_is_read_only_once_the_report_is_submitted(review_world, client):
    sign_in(client, review_world.reviewer.email)
    client.get(url(review_world))
    record = db.session.scalar(select(ReviewerRecord))
    db.session.add(RecordField(record_id=record.id, line_id=review_world.review.lines[0].id, field="strengths",
                               value="Strong early reading.", version=1))
    review = db.session.get(Review, review_world.review.id)
    review.status = "submitted"
    db.session.commit()

    response = client.get(url(review_world))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Strong early reading." in html
    assert "can no longer be changed" in html
    assert "<textarea" not in html and "<form method=\"post\" action=\"/manage" not in html
    assert "review_record.js" not in html
    # A post from a page left open is refused, and nothing changes.
    token = csrf_token(html)
    posted = client.post(url(review_world), data={"csrf_token": token, "save_id": str(uuid.uuid4())})
    assert posted.status_code == 409
    assert status_of(review_world) == "submitted"


@pytest.mark.parametrize("who, status", [("head_a", 403), ("head_b", 403), ("colleague", 403), ("admin", 403),
                                         ("other_admin", 404)])
def test_only_the_team_opens_a_record(review_world, client, who, status):
    sign_in(client, getattr(review_world, who).email)
    assert client.get(url(review_world)).status_code == status
    assert client.get(url(review_world) + "/token").status_code == status
    assert db.session.scalar(select(func.count()).select_from(ReviewerRecord)) == 0
    assert status_of(review_world) == "confirmed"


def test_signed_out_the_page_asks_to_sign_in(review_world, client):
    response = client.get(url(review_world))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_review_in_a_draft_round_is_not_the_teams_yet(review_world, client):
    review_world.round.status = "draft"
    db.session.commit()
    sign_in(client, review_world.reviewer.email)
    assert client.get(url(review_world)).status_code == 403


def test_welsh_labels_come_from_the_items(review_world, client):
    sign_in(client, review_world.reviewer.email)
    client.set_cookie("lang", "cy")
    html = client.get(url(review_world)).get_data(as_text=True)
    assert "Cryfderau" in html and "Meysydd i’w harchwilio" in html
    assert "Gweithgaredd" in html and "Nodiadau" in html


# --- without scripts -------------------------------------------------------------------------


def plain_form(html: str) -> dict:
    """The form's fields as a browser without scripts would post them (the new-entry cards in
    <noscript> included, the script's template left out)."""
    html = html.split('<template id="entry-template">')[0]
    html = html.replace("<noscript>", "").replace("</noscript>", "")
    data: dict = {}
    for tag in re.finditer(r'<(input|textarea|select)\b([^>]*)>(.*?)(?=<)', html, re.S):
        kind, attrs, after = tag.groups()
        name = re.search(r'name="([^"]+)"', attrs)
        if not name:
            continue
        name = name.group(1)
        if kind == "textarea":
            value = after
        elif kind == "select":
            options = html[tag.end():].split("</select>", 1)[0]
            chosen = re.search(r'<option value="([^"]*)" selected>', options)
            value = chosen.group(1) if chosen else ""
        else:
            if 'type="radio"' in attrs or 'type="checkbox"' in attrs:
                if "checked" not in attrs:
                    continue
            value = re.search(r'value="([^"]*)"', attrs).group(1)
        if name == "entry":
            data.setdefault("entry", []).append(value)
        else:
            data[name] = value
    return data


def test_without_scripts_the_whole_page_saves_at_once(review_world, client):
    sign_in(client, review_world.reviewer.email)
    html = client.get(url(review_world)).get_data(as_text=True)
    data = plain_form(html)
    line1 = review_world.review.lines[0].id
    new_entries = data["entry"]
    assert len(new_entries) == 2  # one blank card per line
    data[f"f-{line1}-strengths"] = "Phonics is taught daily."
    first = new_entries[0]
    data.update({f"e-{first}-activity": "learning_walk", f"e-{first}-who": "KS1 classes",
                 f"e-{first}-notes": "Reading corners are inviting.", f"e-{first}-theme": "environment"})

    response = client.post(url(review_world), data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert [(f.line_id, f.field, f.value, f.version) for f in db.session.scalars(select(RecordField))] == [
        (line1, "strengths", "Phonics is taught daily.", 1)]  # the untouched fields are not saved as blanks
    [entry] = db.session.scalars(select(EvidenceEntry)).all()
    assert (entry.client_id, entry.line_id, entry.activity, entry.who, entry.notes, entry.theme) == (
        first, line1, "learning_walk", "KS1 classes", "Reading corners are inviting.", "environment")
    assert "Saved" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Pressing Save twice (the same page posted again) applies nothing twice.
    again = client.post(url(review_world), data=data)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(EvidenceEntry)) == 1
    assert db.session.scalar(select(RecordField.version)) == 1

    # The page opened again and saved with nothing changed: nothing is written.
    unchanged = plain_form(client.get(url(review_world)).get_data(as_text=True))
    assert unchanged[f"e-{first}-activity"] == "learning_walk"
    assert client.post(url(review_world), data=unchanged).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(EvidenceEntry.version)) == 1
    assert db.session.scalar(select(RecordField.version)) == 1


def test_without_scripts_an_entry_can_be_removed(review_world, client):
    sign_in(client, review_world.reviewer.email)
    data = plain_form(client.get(url(review_world)).get_data(as_text=True))
    first = data["entry"][0]
    data[f"e-{first}-notes"] = "To be removed."
    assert client.post(url(review_world), data=data).status_code == 302
    data = plain_form(client.get(url(review_world)).get_data(as_text=True))
    data[f"e-{first}-remove"] = "1"
    assert client.post(url(review_world), data=data).status_code == 302
    db.session.expire_all()
    entry = db.session.scalar(select(EvidenceEntry))
    assert (entry.deleted, entry.version) == (True, 2)
    assert "To be removed." not in client.get(url(review_world)).get_data(as_text=True)


def test_without_scripts_a_change_made_elsewhere_meanwhile_is_kept_and_mine_shown(review_world, client):
    sign_in(client, review_world.reviewer.email)
    data = plain_form(client.get(url(review_world)).get_data(as_text=True))
    line1 = review_world.review.lines[0].id
    # Another device saves the areas to explore after this page was opened.
    other = dict(data, **{f"f-{line1}-areas": "From the other device."})
    assert client.post(url(review_world), data=other).status_code == 302

    data["save_id"] = str(uuid.uuid4())
    data[f"f-{line1}-areas"] = "From this page."
    data[f"f-{line1}-strengths"] = "Also typed here."
    new = data["entry"][0]
    data[f"e-{new}-notes"] = "A new entry typed here."
    response = client.post(url(review_world), data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed on another device" in html
    assert ">From the other device.</textarea>" in html
    assert "Your text, not saved:" in html and "From this page." in html
    # What did not conflict is not saved yet, but shown as typed.
    assert ">Also typed here.</textarea>" in html and ">A new entry typed here.</textarea>" in html
    db.session.expire_all()
    assert {f.field: f.value for f in db.session.scalars(select(RecordField))} == {"areas": "From the other device."}

    # Saving that page again saves the rest and leaves the other device's text alone.
    assert client.post(url(review_world), data=plain_form(html)).status_code == 302
    db.session.expire_all()
    assert {f.field: f.value for f in db.session.scalars(select(RecordField))} == {
        "areas": "From the other device.", "strengths": "Also typed here."}
    assert [e.notes for e in db.session.scalars(select(EvidenceEntry))] == ["A new entry typed here."]


def test_without_scripts_bad_input_is_shown_again_not_lost(review_world, client):
    sign_in(client, review_world.reviewer.email)
    data = plain_form(client.get(url(review_world)).get_data(as_text=True))
    line1 = review_world.review.lines[0].id
    data[f"f-{line1}-strengths"] = "s" * 3001
    data[f"f-{line1}-areas"] = "Kept while the other field is fixed."
    response = client.post(url(review_world), data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "3000 characters or fewer" in html
    assert "Kept while the other field is fixed." in html and "s" * 3001 in html
    assert db.session.scalar(select(func.count()).select_from(RecordField)) == 0


def test_the_digest_ignores_line_endings(ctx):
    assert digest("a\r\nb") == digest("a\nb")
    assert digest({"a": "1"}) != digest({"a": "2"})


def test_without_scripts_an_entry_removed_elsewhere_shows_this_pages_version(review_world, client):
    sign_in(client, review_world.reviewer.email)
    data = plain_form(client.get(url(review_world)).get_data(as_text=True))
    first = data["entry"][0]
    data[f"e-{first}-notes"] = "Assembly on kindness."
    assert client.post(url(review_world), data=data).status_code == 302
    page = plain_form(client.get(url(review_world)).get_data(as_text=True))
    removed = dict(page, save_id=str(uuid.uuid4()), **{f"e-{first}-remove": "1"})  # on another device
    assert client.post(url(review_world), data=removed).status_code == 302

    page[f"e-{first}-notes"] = "Assembly on kindness, led by Year 6."
    response = client.post(url(review_world), data=page)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Your version, not saved:" in html and "Assembly on kindness, led by Year 6." in html
    db.session.expire_all()
    entry = db.session.scalar(select(EvidenceEntry))
    assert (entry.deleted, entry.notes) == (True, "Assembly on kindness.")
