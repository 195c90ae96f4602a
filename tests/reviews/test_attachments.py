"""The host's PDF attachments: only real PDFs, size-limited, at most five, stored under the
instance folder (never static/), downloaded only by those who may see the review, audited."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.extensions import db
from peerreview.reviews import attachments, review_ops
from peerreview.reviews.models import Attachment, Review, ReviewRound
from tests.conftest import get_token, sign_in

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
HEAD = "head.ash@north.example"


@pytest.fixture(autouse=True)
def no_files_left_from_other_tests(app):
    """The instance folder lasts the whole session while ids start again: start each test empty."""
    shutil.rmtree(Path(app.instance_path) / "uploads" / "reviews", ignore_errors=True)


@pytest.fixture
def host(client, review_world):
    sign_in(client, HEAD)
    rw = review_world
    rw.base = f"/manage/reviews/{rw.review.id}"
    return rw


def upload(client, rw, content=PDF, name="Improvement plan.pdf", content_type="application/pdf"):
    token = get_token(client, f"{rw.base}/prepare")
    return client.post(f"{rw.base}/attachments", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name, content_type)})


def stored_files(app, review_id) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "reviews" / str(review_id)
    return sorted(folder.glob("*")) if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_pdf_is_stored_outside_static_and_listed_on_the_review(app, client, host):
    rw = host
    response = upload(client, rw)
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.original_name == "Improvement plan.pdf"
    assert attachment.size_bytes == len(PDF)
    files = stored_files(app, rw.review.id)
    assert [f.name for f in files] == [attachment.stored_name]
    assert files[0].read_bytes() == PDF
    assert "static" not in files[0].parts
    assert "Improvement plan" not in attachment.stored_name  # the host's name is never part of a path
    html = client.get(rw.base).get_data(as_text=True)
    assert "Improvement plan.pdf" in html
    assert f"{rw.base}/attachments/{attachment.id}" in html


def test_download_is_an_attachment_with_nosniff_and_is_audited(client, host):
    rw = host
    upload(client, rw, name="Données ŵ.pdf")
    attachment = db.session.scalars(select(Attachment)).one()
    client.post("/logout", data={"csrf_token": get_token(client, "/")})
    sign_in(client, "reviewer@north.example")
    response = client.get(f"{rw.base}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Donn%C3%A9es%20%C5%B5.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.attachment.downloaded")).all()
    assert len(events) == 1
    assert events[0].actor_id == rw.reviewer.id and events[0].partnership_id == rw.partnership.id


def test_a_png_named_pdf_is_refused(app, client, host):
    rw = host
    response = upload(client, rw, content=PNG, name="plan.pdf")
    assert response.status_code == 400
    assert "The file must be a PDF" in response.get_data(as_text=True)
    assert count(Attachment) == 0
    assert stored_files(app, rw.review.id) == []


def test_no_file_and_an_empty_file_are_refused(client, host):
    rw = host
    token = get_token(client, f"{rw.base}/prepare")
    response = client.post(f"{rw.base}/attachments", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose a PDF file to upload" in response.get_data(as_text=True)
    response = upload(client, rw, content=b"")
    assert response.status_code == 400
    assert "empty" in response.get_data(as_text=True)
    assert count(Attachment) == 0


def test_an_oversized_pdf_is_413_and_nothing_is_kept(app, client, host, monkeypatch):
    rw = host
    monkeypatch.setitem(app.config, "REVIEW_ATTACHMENT_MAX_BYTES", 1024 * 1024)
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client, rw, content=big)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file must be smaller than 1 MB" in html
    assert count(Attachment) == 0
    assert stored_files(app, rw.review.id) == []
    # what was already saved is untouched
    assert "To what extent does phonics teaching help pupils read fluently?" in html
    assert len(db.session.get(Review, rw.review.id).lines) == 2


def test_a_request_over_the_apps_whole_limit_gets_the_pdf_message(app, client, host, monkeypatch):
    rw = host
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    response = upload(client, rw, content=PDF + b"0" * (512 * 1024))
    assert response.status_code == 413
    assert "The file must be smaller than" in response.get_data(as_text=True)
    assert count(Attachment) == 0


def test_the_attachment_limit_stays_under_the_whole_request_limit(app, monkeypatch):
    with app.app_context():
        assert attachments.max_bytes() == app.config["REVIEW_ATTACHMENT_MAX_BYTES"] == 10 * 1024 * 1024
        assert attachments.max_bytes() < app.config["MAX_CONTENT_LENGTH"]
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5 * 1024 * 1024)
        assert attachments.max_bytes() == 5 * 1024 * 1024 - attachments.MULTIPART_SLACK


def test_at_most_five_attachments(app, client, host):
    rw = host
    for i in range(5):
        assert upload(client, rw, name=f"doc {i}.pdf").status_code == 302
    response = upload(client, rw, name="sixth.pdf")
    assert response.status_code == 400
    assert "up to 5 attachments" in response.get_data(as_text=True)
    assert count(Attachment) == 5
    assert len(stored_files(app, rw.review.id)) == 5


def test_another_reviews_attachment_is_not_found_through_this_review(client, host):
    rw = host
    other_round = ReviewRound(partnership=rw.partnership, name="Other", window_start=rw.round.window_start,
                              window_end=rw.round.window_end, status="published")
    other = Review(round=other_round, host=rw.birch, status="confirmed")
    db.session.add(other_round)
    db.session.commit()
    from werkzeug.datastructures import FileStorage
    theirs = review_ops.add_attachment(other, FileStorage(io.BytesIO(PDF), "birch.pdf"), actor=rw.admin)
    assert client.get(f"{rw.base}/attachments/{theirs.id}").status_code == 404
    token = get_token(client, f"{rw.base}/prepare")
    assert client.post(f"{rw.base}/attachments/{theirs.id}/delete", data={"csrf_token": token}).status_code == 404
    assert count(Attachment) == 1


def test_delete_removes_the_row_and_the_file(app, client, host):
    rw = host
    upload(client, rw)
    attachment = db.session.scalars(select(Attachment)).one()
    token = get_token(client, f"{rw.base}/prepare")
    response = client.post(f"{rw.base}/attachments/{attachment.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert count(Attachment) == 0
    assert stored_files(app, rw.review.id) == []
    assert count(AuditEvent) >= 2  # added and deleted


def test_attachments_are_fixed_once_the_visit_starts(app, client, host):
    rw = host
    upload(client, rw)
    attachment = db.session.scalars(select(Attachment)).one()
    rw.review.status = "in_progress"
    db.session.commit()
    token = get_token(client, "/")
    response = client.post(f"{rw.base}/attachments", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(PDF), "late.pdf")})
    assert response.status_code == 409
    response = client.post(f"{rw.base}/attachments/{attachment.id}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert count(Attachment) == 1
    assert len(stored_files(app, rw.review.id)) == 1
    # still downloadable
    assert client.get(f"{rw.base}/attachments/{attachment.id}").status_code == 200


def test_a_missing_file_is_a_clear_404(app, client, host):
    rw = host
    upload(client, rw)
    attachment = db.session.scalars(select(Attachment)).one()
    for path in stored_files(app, rw.review.id):
        path.unlink()
    response = client.get(f"{rw.base}/attachments/{attachment.id}")
    assert response.status_code == 404
    assert "no longer available" in response.get_data(as_text=True)


@pytest.mark.parametrize("raw, shown", [
    ("plan.pdf", "plan.pdf"),
    ("C:\\Users\\head\\Documents\\SIP 2027.PDF", "SIP 2027.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("Cynllun   gwella\x00 ysgol ŵ.pdf", "Cynllun gwella ysgol ŵ.pdf"),
    ("", "document.pdf"),
    (".pdf", "document.pdf"),
    ("a" * 500 + ".pdf", "a" * 196 + ".pdf"),
])
def test_display_name(raw, shown):
    assert attachments.display_name(raw) == shown


def test_only_names_this_module_made_map_to_a_path(app):
    with app.app_context():
        assert attachments.path_for(1, "../../secret_key") is None
        assert attachments.path_for(1, "0" * 32 + ".pdf") is not None


def test_files_left_without_a_row_can_be_cleared(app, client, host):
    rw = host
    upload(client, rw, name="keep.pdf")
    upload(client, rw, name="gone.pdf")
    gone = db.session.scalars(select(Attachment).where(Attachment.original_name == "gone.pdf")).one()
    db.session.delete(gone)  # as when a review is deleted with its round: the row goes, the file stays
    db.session.commit()
    assert len(stored_files(app, rw.review.id)) == 2
    assert review_ops.remove_orphaned_attachment_files() == 1
    kept = db.session.scalars(select(Attachment)).one()
    assert [f.name for f in stored_files(app, rw.review.id)] == [kept.stored_name]
