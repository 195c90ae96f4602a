"""Import schools from a GIAS extract in the browser: upload, preview, confirm.

The upload is kept as ``instance/imports/<token>.csv`` with ``<token>.json`` beside it
(partnership, uploader, time). Nothing is written to the school table until the admin
confirms; the confirm re-reads the stored file and applies it in one commit. Tokens are
tied to the uploader and partnership and expire after an hour.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.utils import secure_filename

from peerreview.core.directory.gias import GiasFileError
from peerreview.core.directory.import_forms import ConfirmForm, UploadForm
from peerreview.core.directory.importing import import_schools
from peerreview.core.directory.models import Partnership
from peerreview.core.permissions import Action, admin_partnership_ids, require
from peerreview.extensions import db

bp = Blueprint("schools_import", __name__, url_prefix="/manage/schools/import")

MAX_AGE_SECONDS = 60 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PREVIEW_ROWS = 50
PREVIEW_PROBLEMS = 500

FIELD_LABELS = {
    "name": _l("Name"),
    "establishment_type": _l("Type"),
    "phase": _l("Phase"),
    "status": _l("Status"),
    "postcode": _l("Postcode"),
    "easting": _l("Easting"),
    "northing": _l("Northing"),
    "local_authority": _l("Local authority"),
    "trust_name": _l("Trust"),
    "head_name": _l("Headteacher"),
}


# ---------------------------------------------------------------------------------------
# Stored uploads


def _imports_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _paths(token: str) -> tuple[Path, Path]:
    folder = _imports_dir()
    return folder / f"{token}.csv", folder / f"{token}.json"


def _clean_up_old_uploads() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in _imports_dir().iterdir():
        if path.suffix in {".csv", ".json"} and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _store(upload, partnership: Partnership) -> tuple[str, str]:
    _clean_up_old_uploads()
    token = secrets.token_urlsafe(24)
    csv_path, meta_path = _paths(token)
    upload.save(csv_path)
    filename = secure_filename(upload.filename or "") or "upload.csv"
    meta_path.write_text(json.dumps({
        "partnership_id": partnership.id,
        "uploader_id": current_user.id,
        "created_at": time.time(),
        "filename": filename,
    }))
    return token, filename


def _discard(token: str) -> None:
    for path in _paths(token):
        path.unlink(missing_ok=True)


def _stored_upload(token: str | None) -> tuple[Path, dict]:
    """The stored file and its details, or 404 when the token is unknown, expired or not the user's."""
    not_found = _("That import has expired or could not be found. Upload the file again.")
    if not token or not TOKEN_PATTERN.fullmatch(token):
        abort(404, description=not_found)
    csv_path, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        abort(404, description=not_found)
    if not csv_path.exists() or meta.get("uploader_id") != current_user.id:
        abort(404, description=not_found)
    if time.time() - float(meta.get("created_at", 0)) > MAX_AGE_SECONDS:
        _discard(token)
        abort(404, description=not_found)
    return csv_path, meta


# ---------------------------------------------------------------------------------------
# Views


def _admin_partnerships() -> list[Partnership]:
    ids = admin_partnership_ids(current_user)
    if not ids:
        return []
    return list(db.session.scalars(select(Partnership).where(Partnership.id.in_(ids)).order_by(Partnership.name)))


@bp.route("/", methods=["GET", "POST"])
@login_required
def upload():
    partnerships = _admin_partnerships()
    if not partnerships:
        abort(403)
    form = UploadForm()
    if len(partnerships) == 1:
        del form.partnership
    else:
        form.partnership.choices = [(p.id, p.name) for p in partnerships]

    status = 200
    if form.validate_on_submit():
        if len(partnerships) == 1:
            partnership = partnerships[0]
        else:
            partnership = next(p for p in partnerships if p.id == form.partnership.data)
        require(current_user, Action.MANAGE_PARTNERSHIP, partnership)
        token, filename = _store(form.file.data, partnership)
        csv_path, _meta = _paths(token)
        try:
            report = import_schools(csv_path, partnership, dry_run=True)
        except GiasFileError as error:
            _discard(token)
            form.file.errors.append(str(error))
            status = 400
        else:
            db.session.rollback()  # a preview writes nothing; end the read transaction
            return _render_preview(report, token, filename)
    elif request.method == "POST":
        status = 400
    return render_template("directory/import/upload.html", form=form, partnerships=partnerships), status


def _render_preview(report, token: str, filename: str):
    changes = [("add", row, []) for row in report.added] + [("update", u.row, u.changes) for u in report.updated]
    changes.sort(key=lambda item: item[1].row)
    confirm = ConfirmForm(token=token)
    return render_template(
        "directory/import/preview.html",
        report=report,
        partnership=report.partnership,
        filename=filename,
        sample=changes[:PREVIEW_ROWS],
        sample_total=len(changes),
        problems=report.problems[:PREVIEW_PROBLEMS],
        field_labels=FIELD_LABELS,
        confirm_form=confirm,
    )


@bp.post("/confirm")
@login_required
def confirm():
    form = ConfirmForm()
    if not form.validate_on_submit():
        _stored_upload(None)  # 404
    token = form.token.data
    csv_path, meta = _stored_upload(token)
    partnership = db.session.get(Partnership, meta.get("partnership_id"))
    if partnership is None:
        _discard(token)
        abort(404)
    require(current_user, Action.MANAGE_PARTNERSHIP, partnership)
    try:
        report = import_schools(csv_path, partnership, actor=current_user, audit_detail=meta.get("filename", ""))
    except GiasFileError as error:
        _discard(token)
        abort(400, description=str(error))
    except SQLAlchemyError:
        current_app.logger.exception("schools import failed")
        abort(400, description=_("The schools could not be saved, perhaps because they changed while you were "
                                 "checking them. Nothing from the file was saved. Upload the file again."))
    _discard(token)
    flash(_("Imported: added %(added)d, updated %(updated)d", added=len(report.added), updated=len(report.updated)),
          "success")
    return redirect(url_for("directory.schools"))
