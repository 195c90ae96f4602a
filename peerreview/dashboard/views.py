"""Each role's landing page, and the partnership dashboard for partnership admins."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from peerreview.core import clock, permissions
from peerreview.dashboard import measures, operations, queries
from peerreview.dashboard.display import row_cells
from peerreview.packs.access import can_use_packs
from surveys.exports import to_csv
from surveys.results_display import current_locale

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def home():
    return render_template("dashboard/home.html", landing=queries.landing_for(current_user))


# --- the partnership dashboard (partnership admins only) --------------------------------


def _dashboard_partnership():
    """The partnership the dashboard is for: the one asked for (?partnership=ID), else the
    admin's first. 403 for someone who administers no partnership; 404 for an id outside every
    partnership they belong to (or not a number); 403 for one they belong to but do not run."""
    admin_of = permissions.admin_partnerships(current_user)
    if not admin_of:
        abort(403, description=_("Only partnership administrators can see the partnership dashboard."))
    requested = request.args.get("partnership")
    if requested in (None, ""):
        return admin_of, admin_of[0]
    if not requested.isdigit():
        abort(404)
    chosen = next((p for p in admin_of if p.id == int(requested)), None)
    if chosen is None:
        if int(requested) in permissions.partnership_ids(current_user):
            abort(403, description=_("Only partnership administrators can see the partnership dashboard."))
        abort(404)
    return admin_of, chosen


def _filters(options: measures.Options) -> tuple[measures.Filters, list[str]]:
    """The cluster and phase asked for. A value that is not one of the options is ignored (a
    shared or hand-edited link still shows a page) and the page says so."""
    ignored = []
    cluster_id, phase = request.args.get("cluster") or None, request.args.get("phase") or None
    if cluster_id is not None:
        if cluster_id.isdigit() and int(cluster_id) in {c.id for c in options.clusters}:
            cluster_id = int(cluster_id)
        else:
            cluster_id = None
            ignored.append(_("The cluster asked for is not one of this partnership's, so every cluster is shown."))
    if phase is not None and phase not in options.phases:
        phase = None
        ignored.append(_("The phase asked for is not one of this partnership's, so every phase is shown."))
    return measures.Filters(cluster_id=cluster_id, phase=phase), ignored


def _query_args(partnership, admin_of, filters: measures.Filters) -> dict:
    args = {"partnership": partnership.id if len(admin_of) > 1 else None,
            "cluster": filters.cluster_id, "phase": filters.phase}
    return {k: v for k, v in args.items() if v}


@bp.get("/manage/dashboard")
@login_required
def partnership():
    admin_of, chosen = _dashboard_partnership()
    options = measures.filter_options(chosen)
    filters, ignored = _filters(options)
    dashboard = measures.build(chosen, filters, clock.today(), current_locale())
    return render_template("dashboard/partnership.html", dashboard=dashboard, options=options, ignored=ignored,
                           admin_of=admin_of, legend=measures.LEGEND, row_cells=row_cells,
                           can_use_packs=can_use_packs,
                           csv_url=url_for("dashboard.partnership_csv", **_query_args(chosen, admin_of, filters)))


@bp.get("/manage/dashboard.csv")
@login_required
def partnership_csv():
    _admin_of, chosen = _dashboard_partnership()
    options = measures.filter_options(chosen)
    filters, _ignored = _filters(options)
    dashboard = measures.build(chosen, filters, clock.today(), current_locale())
    columns, rows = measures.csv_table(dashboard)
    body = to_csv(columns, rows)
    operations.record_download(dashboard, current_user)
    name = f"dashboard-{chosen.id}-{clock.today().isoformat()}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
