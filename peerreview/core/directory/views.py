"""The partnership directory's pages: schools (list and page) and clusters (list, page, create, edit, delete).

Thin: parse the request, ask ``permissions``, call ``queries``/``operations``, render.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from peerreview.core import permissions
from peerreview.core.directory import operations, queries
from peerreview.core.directory.forms import ClusterForm, ConfirmForm, parse_filters
from peerreview.core.permissions import Action

bp = Blueprint("directory", __name__, url_prefix="/manage")


def _member_partnership_ids() -> set[int]:
    ids = permissions.partnership_ids(current_user)
    if not ids:
        abort(403, description=_("You do not have a role in a partnership yet. "
                                 "Ask your partnership's administrator to give you one."))
    return ids


def _pagination(page, make_url) -> dict:
    """Parameters for the GOV.UK pagination macro: first, last, and the pages around the current one."""
    if page.pages <= 1:
        return {}
    numbers = sorted({1, page.pages, page.page - 1, page.page, page.page + 1} & set(range(1, page.pages + 1)))
    items, previous_number = [], 0
    for n in numbers:
        if n - previous_number > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": make_url(n), "current": n == page.page,
                      "visuallyHiddenText": _("Page %(number)d", number=n)})
        previous_number = n
    params = {"items": items, "landmarkLabel": _("Pages of results")}
    if page.page > 1:
        params["previous"] = {"href": make_url(page.page - 1),
                              "html": _('Previous<span class="govuk-visually-hidden"> page</span>')}
    if page.page < page.pages:
        params["next"] = {"href": make_url(page.page + 1),
                          "html": _('Next<span class="govuk-visually-hidden"> page</span>')}
    return params


# --- schools --------------------------------------------------------------------------


@bp.get("/schools")
@login_required
def schools():
    ids = _member_partnership_ids()
    options = queries.filter_options(ids)
    filters, page_number = parse_filters(request.args, options)
    page = queries.search_schools(ids, filters, page_number)

    def page_url(n: int) -> str:
        args = {"q": filters.q, "phase": filters.phase, "la": filters.local_authority,
                "cluster": filters.cluster_id, "page": n if n > 1 else None}
        return url_for("directory.schools", **{k: v for k, v in args.items() if v})

    return render_template(
        "directory/schools.html",
        filters=filters,
        options=options,
        page=page,
        pagination=_pagination(page, page_url),
        several_partnerships=len(ids) > 1,
        can_import=bool(permissions.admin_partnership_ids(current_user)),
    )


@bp.get("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    school = permissions.school_or_404(current_user, school_id)
    permissions.require(current_user, Action.VIEW_SCHOOL, school)
    my_roles = [r.role for r in current_user.roles if r.school_id == school.id]
    return render_template(
        "directory/school.html",
        school=school,
        people=queries.people_at_school(school),
        is_admin=permissions.can(current_user, Action.MANAGE_PARTNERSHIP, school),
        my_roles=my_roles,
    )


# --- clusters -------------------------------------------------------------------------


@bp.get("/clusters")
@login_required
def clusters():
    ids = _member_partnership_ids()
    return render_template(
        "directory/clusters.html",
        clusters=queries.clusters_with_counts(ids),
        can_create=bool(permissions.admin_partnership_ids(current_user)),
        several_partnerships=len(ids) > 1,
    )


@bp.get("/clusters/<int:cluster_id>")
@login_required
def cluster(cluster_id: int):
    cluster = permissions.cluster_or_404(current_user, cluster_id)
    permissions.require(current_user, Action.VIEW_DIRECTORY, cluster)
    return render_template(
        "directory/cluster.html",
        cluster=cluster,
        schools=queries.cluster_schools(cluster),
        can_manage=permissions.can(current_user, Action.MANAGE_PARTNERSHIP, cluster),
    )


@bp.route("/clusters/new", methods=["GET", "POST"])
@login_required
def cluster_create():
    admin_of = queries.partnerships(permissions.admin_partnership_ids(current_user))
    if not admin_of:
        abort(403)
    form = ClusterForm(partnerships=admin_of)
    status = 200
    if form.validate_on_submit():
        partnership = next(p for p in admin_of if p.id == form.partnership_id.data)
        permissions.require(current_user, Action.MANAGE_PARTNERSHIP, partnership)
        try:
            cluster = operations.create_cluster(partnership, form.name.data, form.description.data,
                                                actor=current_user)
        except operations.ClusterNameTaken:
            form.name.errors.append(_("There is already a cluster with this name. Choose another name"))
            status = 400
        else:
            flash(_("Cluster “%(name)s” created. Now choose its schools.", name=cluster.name), "success")
            return redirect(url_for("directory.cluster_edit", cluster_id=cluster.id))
    elif request.method == "POST":
        status = 400
    return render_template("directory/cluster_form.html", form=form, cluster=None), status


@bp.route("/clusters/<int:cluster_id>/edit", methods=["GET", "POST"])
@login_required
def cluster_edit(cluster_id: int):
    cluster = permissions.cluster_or_404(current_user, cluster_id)
    permissions.require(current_user, Action.MANAGE_PARTNERSHIP, cluster)
    school_choices = [(s.id, f"{s.name} ({s.urn})") for s in queries.partnership_schools(cluster.partnership_id)]
    form = ClusterForm(
        partnerships=[cluster.partnership],
        school_choices=school_choices,
        cluster_id=cluster.id,
        partnership_id=cluster.partnership_id,
        name=cluster.name,
        description=cluster.description or "",
        schools=[s.id for s in cluster.schools],
    )
    status = 200
    if form.validate_on_submit():
        try:
            operations.update_cluster(cluster, form.name.data, form.description.data, form.schools.data,
                                      actor=current_user)
        except operations.ClusterNameTaken:
            form.name.errors.append(_("There is already a cluster with this name. Choose another name"))
            status = 400
        except operations.ForeignSchool:
            form.schools.errors.append(_("Choose only schools from this partnership"))
            status = 400
        else:
            flash(_("Cluster “%(name)s” saved.", name=cluster.name), "success")
            return redirect(url_for("directory.cluster", cluster_id=cluster.id))
    elif request.method == "POST":
        status = 400
    return render_template("directory/cluster_form.html", form=form, cluster=cluster), status


@bp.route("/clusters/<int:cluster_id>/delete", methods=["GET", "POST"])
@login_required
def cluster_delete(cluster_id: int):
    cluster = permissions.cluster_or_404(current_user, cluster_id)
    permissions.require(current_user, Action.MANAGE_PARTNERSHIP, cluster)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = cluster.name
        operations.delete_cluster(cluster, actor=current_user)
        flash(_("Cluster “%(name)s” deleted. Its schools have not changed.", name=name), "success")
        return redirect(url_for("directory.clusters"))
    status = 400 if request.method == "POST" else 200
    return render_template("directory/cluster_delete.html", cluster=cluster, confirm=form,
                           school_count=len(cluster.schools)), status
