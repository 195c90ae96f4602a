"""The host's PDF attachments on disk: checking an upload, where each file lives, removing it.

Files live under ``<instance>/uploads/reviews/<review_id>/<random hex>.pdf``, never under
``static/``, so the only way to read one is the download view, which checks who is asking.
The name the host gave the file is kept (cleaned) for display and for the download's name;
it never becomes part of a path. An upload is a PDF only if its bytes start with ``%PDF-``:
the name and the browser's content type are not trusted.
"""
from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

PDF_MAGIC = b"%PDF-"
MAX_PER_REVIEW = 5
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Room for the multipart envelope and the other form fields within MAX_CONTENT_LENGTH.
MULTIPART_SLACK = 64 * 1024
NAME_MAX = 200
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")


class AttachmentProblem(Exception):
    """An upload that cannot be kept: ``status`` is 400 (not a PDF, empty, too many) or 413."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


def max_bytes() -> int:
    """The largest PDF accepted: the configured limit, kept under the whole-request limit so
    the attachments' own message is the one people see."""
    configured = int(current_app.config.get("REVIEW_ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)
    whole_request = current_app.config.get("MAX_CONTENT_LENGTH")
    if whole_request:
        configured = min(configured, int(whole_request) - MULTIPART_SLACK)
    return max(configured, 1)


def size_label(size: int) -> str:
    """A size for people: "820 KB", "10 MB"."""
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f} MB" if megabytes >= 10 or megabytes.is_integer() else f"{megabytes:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def display_name(raw: str | None) -> str:
    """The uploaded file's name, safe to show and to offer as a download name: no folders,
    no control characters, at most NAME_MAX characters, ending in .pdf. Letters outside
    ASCII (Welsh ŵ and ŷ) are kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch if ch.isprintable() else " " for ch in name)
    name = " ".join(name.split())
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" .")[: NAME_MAX - 4].rstrip(" .")
    return f"{stem or 'document'}.pdf"


def too_many_message():
    return _l("A review can have up to %(max)d attachments. Delete one you no longer need, then upload "
              "this one.", max=MAX_PER_REVIEW)


def folder(review_id: int) -> Path:
    return Path(current_app.instance_path) / "uploads" / "reviews" / str(int(review_id))


def path_for(review_id: int, stored_name: str) -> Path | None:
    """Where a stored attachment lives; None for a name this module did not make."""
    if not STORED_NAME.match(stored_name or ""):
        return None
    return folder(review_id) / stored_name


def measure(upload) -> int:
    """The upload's size in bytes (werkzeug has already spooled it to memory or a temp file)."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def check(upload) -> int:
    """Raise AttachmentProblem unless ``upload`` is a non-empty PDF within the limit; returns its size."""
    if upload is None or not (upload.filename or "").strip():
        raise AttachmentProblem(_l("Choose a PDF file to upload"))
    size = measure(upload)
    if size == 0:
        raise AttachmentProblem(_l("The file you chose is empty. Choose a PDF file."))
    limit = max_bytes()
    if size > limit:
        raise AttachmentProblem(_l("The file must be smaller than %(size)s. Make the PDF smaller "
                                   "(for example, save it with smaller pictures) or split it.",
                                   size=size_label(limit)), status=413)
    head = upload.stream.read(len(PDF_MAGIC))
    upload.stream.seek(0)
    if head != PDF_MAGIC:
        raise AttachmentProblem(_l("The file must be a PDF. Save or export the document as a PDF, "
                                   "then upload that."))
    return size


def store(upload, review_id: int) -> str:
    """Write a checked upload to disk under a new random name; returns that name."""
    target_folder = folder(review_id)
    target_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.pdf"
    target = target_folder / stored_name
    with open(target, "xb") as out:  # "x": a clash of random names never overwrites a file
        upload.stream.seek(0)
        while chunk := upload.stream.read(64 * 1024):
            out.write(chunk)
    return stored_name


def orphaned_files(known: set[tuple[int, str]]) -> list[Path]:
    """Stored files with no attachment row (``known``: every (review_id, stored_name) there
    is), for example left behind when a review was deleted with its round."""
    root = Path(current_app.instance_path) / "uploads" / "reviews"
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.glob("*/*")):
        review_id = int(path.parent.name) if path.parent.name.isdigit() else None
        if (review_id, path.name) not in known:
            found.append(path)
    return found


def remove(review_id: int, stored_name: str) -> None:
    """Remove a stored file if it is there (a missing file is not an error)."""
    path = path_for(review_id, stored_name)
    if path is not None:
        path.unlink(missing_ok=True)
