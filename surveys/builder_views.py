"""The questionnaire builder: a partnership's questionnaires, and a page per questionnaire to
change its wording, sections and questions.

Thin: parse, ask ``permissions``, call ``builder_queries``/``builder_ops``, render. Every
change goes through ``builder_ops.edit`` and so through the versioning rule.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from peerreview.core import clock, permissions
from peerreview.core.permissions import Action
from surveys import builder_ops as ops
from surveys import builder_queries as queries
from surveys.builder_forms import AUDIENCE_LABELS, ActionForm, DetailsForm, ItemForm, NewQuestionnaireForm, SectionForm
from surveys.questions import QUESTION_TYPES, question_for

bp = Blueprint("questionnaires", __name__, url_prefix="/manage/questionnaires")

KIND_HINTS = {
    "agree": _l("Strongly agree, Agree, Disagree, Strongly disagree, and Don't know if you want it."),
    "yes_no": _l("Yes or No, and Don't know if you want it."),
    "single": _l("Radio buttons: people choose one of your choices."),
    "multiple": _l("Checkboxes: people tick any of your choices."),
    "rating": _l("A number from 0 to 10."),
    "short_text": _l("A line of text, up to 200 characters."),
    "long_text": _l("A paragraph of text, up to 3,000 characters."),
    "faces": _l("Happy, OK or Sad faces with their words, for younger pupils."),
}


def _admin_partnerships():
    partnerships = queries.partnerships(permissions.admin_partnership_ids(current_user))
    if not partnerships:
        abort(403)
    return partnerships


def _template(template_id: int):
    template = queries.template_or_404(current_user, template_id)
    permissions.require(current_user, Action.MANAGE_SURVEYS, template.partnership)
    return template


def _flash_result(result: ops.EditResult, done: str) -> None:
    if result.made_new_version and result.reason == "answered":
        flash(_("This questionnaire has been answered, so your change made version %(number)d; results "
                "already collected keep the wording they answered.", number=result.number), "version")
    elif result.made_new_version:
        flash(_("A survey that has opened uses this questionnaire, so your change made version %(number)d; "
                "that survey keeps the wording it opened with.", number=result.number), "version")
    else:
        flash(done, "success")


def _to_builder(template, anchor: str | None = None, result: ops.EditResult | None = None):
    if result is not None and result.made_new_version:
        anchor = None  # the page opens at its top, where the message about the new version is
    return redirect(url_for("questionnaires.builder", template_id=template.id) + (f"#{anchor}" if anchor else ""))


# --- the list ---------------------------------------------------------------------------


@bp.get("")
@login_required
def index():
    partnerships = _admin_partnerships()
    groups = []
    for partnership in partnerships:
        permissions.require(current_user, Action.MANAGE_SURVEYS, partnership)
        ops.ensure_builtin_templates(partnership)
        groups.append((partnership, queries.templates_of(partnership.id)))
    return render_template("surveys/builder/index.html", groups=groups, several=len(partnerships) > 1,
                           audience_labels=AUDIENCE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    partnerships = _admin_partnerships()
    for partnership in partnerships:
        ops.ensure_builtin_templates(partnership)
    rows = [row for p in partnerships for row in queries.templates_of(p.id)]
    form = NewQuestionnaireForm(partnerships=partnerships, templates=rows)
    if request.method == "GET" and request.args.get("from", "").isdigit():
        form.start_from.data = request.args["from"]
        source = next((r for r in rows if str(r.template.id) == form.start_from.data), None)
        if source:
            form.title.data = _("Copy of %(title)s", title=source.title)
            form.audience.data = source.audience
            form.partnership_id.data = source.template.partnership_id
    status = 200
    if form.validate_on_submit():
        partnership = next(p for p in partnerships if p.id == form.partnership_id.data)
        permissions.require(current_user, Action.MANAGE_SURVEYS, partnership)
        copy_of = next((r.template for r in rows if str(r.template.id) == form.start_from.data), None)
        try:
            template = ops.create_questionnaire(partnership, form.title.data, form.audience.data,
                                                actor=current_user, copy_of=copy_of)
        except ops.BuilderError as error:
            getattr(form, error.field or "start_from").errors.append(error.message)
            status = 400
        else:
            flash(_("Questionnaire “%(title)s” created.", title=template.current.title_en), "success")
            return _to_builder(template)
    elif request.method == "POST":
        status = 400
    return render_template("surveys/builder/new.html", form=form), status


# --- the builder page -------------------------------------------------------------------


def _condition_text(version, item) -> str | None:
    condition = item.condition
    if not condition:
        return None
    trigger = queries.find_item(version, condition.get("key", ""))
    if trigger is None:
        return _("Shown only after an answer to a question that is no longer here")
    labels = dict(question_for(trigger).choices("en"))
    return _("Shown only when the answer to “%(question)s” is “%(answer)s”",
             question=trigger.text_en, answer=labels.get(condition.get("equals"), condition.get("equals")))


def _builder_page(template, *, error: str | None = None, status: int = 200):
    today = clock.today()
    version = template.current
    return render_template(
        "surveys/builder/builder.html",
        template=template, version=version, action=ActionForm(),
        history=queries.version_history(template, today),
        fixed=queries.why_fixed(version, today), drafts=queries.draft_runs(version, today),
        type_name=queries.type_name, condition_text=lambda item: _condition_text(version, item),
        audience_labels=AUDIENCE_LABELS, error=error,
    ), status


def _refused(template, error: ops.BuilderError):
    return _builder_page(template, error=error.message, status=404 if isinstance(error, ops.NotFound) else 400)


@bp.get("/<int:template_id>")
@login_required
def builder(template_id: int):
    return _builder_page(_template(template_id))


@bp.route("/<int:template_id>/details", methods=["GET", "POST"])
@login_required
def details(template_id: int):
    template = _template(template_id)
    version = template.current
    form = DetailsForm() if request.method == "POST" else DetailsForm(data={
        "title_en": version.title_en, "title_cy": version.title_cy or "",
        "intro_en": version.intro_en or "", "intro_cy": version.intro_cy or ""})
    if form.validate_on_submit():
        try:
            result = ops.update_details(template, clock.today(), title_en=form.title_en.data,
                                        title_cy=form.title_cy.data, intro_en=form.intro_en.data,
                                        intro_cy=form.intro_cy.data, actor=current_user)
        except ops.BuilderError as error:
            return _refused(template, error)
        _flash_result(result, _("Title and introduction saved."))
        return _to_builder(template)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/builder/details.html", form=form, template=template), status


# --- sections ---------------------------------------------------------------------------


@bp.route("/<int:template_id>/sections/new", methods=["GET", "POST"])
@login_required
def section_add(template_id: int):
    template = _template(template_id)
    form = SectionForm()
    if form.validate_on_submit():
        result = ops.add_section(template, clock.today(), title_en=form.title_en.data, title_cy=form.title_cy.data,
                                 actor=current_user)
        _flash_result(result, _("Section “%(title)s” added.", title=form.title_en.data))
        return _to_builder(template, f"section-{len(result.version.sections)}", result)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/builder/section.html", form=form, template=template, number=None), status


def _section_or_404(template, number: int):
    sections = template.current.sections
    if not 1 <= number <= len(sections):
        abort(404)
    return sections[number - 1]


@bp.route("/<int:template_id>/sections/<int:number>/edit", methods=["GET", "POST"])
@login_required
def section_edit(template_id: int, number: int):
    template = _template(template_id)
    section = _section_or_404(template, number)
    form = SectionForm() if request.method == "POST" else \
        SectionForm(data={"title_en": section.title_en, "title_cy": section.title_cy or ""})
    if form.validate_on_submit():
        try:
            result = ops.rename_section(template, clock.today(), number, title_en=form.title_en.data,
                                        title_cy=form.title_cy.data, actor=current_user)
        except ops.BuilderError as error:
            return _refused(template, error)
        _flash_result(result, _("Section renamed."))
        return _to_builder(template, f"section-{number}", result)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/builder/section.html", form=form, template=template, number=number,
                           section=section), status


@bp.post("/<int:template_id>/sections/<int:number>/move")
@login_required
def section_move(template_id: int, number: int):
    template = _template(template_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    direction = form.direction.data
    try:
        result = ops.move_section(template, clock.today(), number, direction, actor=current_user)
    except ops.BuilderError as error:
        return _refused(template, error)
    _flash_result(result, _("Section moved."))
    return _to_builder(template, f"section-{number - 1 if direction == 'up' else number + 1}", result)


@bp.post("/<int:template_id>/sections/<int:number>/remove")
@login_required
def section_remove(template_id: int, number: int):
    template = _template(template_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    section = _section_or_404(template, number)
    if form.confirm.data != "yes":
        return render_template("surveys/builder/confirm.html", template=template, action=form,
                               heading=_("Remove the section “%(title)s”?", title=section.title_en),
                               lines=[i.text_en for i in section.items],
                               warning=_("Its questions are removed with it.") if section.items else None,
                               post_to=request.path, button=_("Remove section"))
    title = section.title_en
    try:
        result = ops.remove_section(template, clock.today(), number, actor=current_user)
    except ops.BuilderError as error:
        return _refused(template, error)
    _flash_result(result, _("Section “%(title)s” removed.", title=title))
    return _to_builder(template)


# --- questions --------------------------------------------------------------------------


@bp.route("/<int:template_id>/sections/<int:number>/questions/new", methods=["GET", "POST"])
@login_required
def item_add(template_id: int, number: int):
    template = _template(template_id)
    section = _section_or_404(template, number)
    kind = (request.form.get("kind") if request.method == "POST" else request.args.get("kind")) or ""
    if kind not in QUESTION_TYPES:
        error = None
        if kind or request.method == "POST" or "kind" in request.args:
            error = _("Choose a kind of question from the list")
        return render_template(
            "surveys/builder/choose_kind.html", template=template, section=section, number=number,
            kinds=[(k, str(cls.name), KIND_HINTS.get(k, "")) for k, cls in QUESTION_TYPES.items()], error=error,
        ), (400 if error else 200)
    form = ItemForm(item_kind=kind, data={"kind": kind, "dont_know": kind == "agree"})
    if form.validate_on_submit():
        try:
            result, key = ops.add_item(template, clock.today(), number, kind, form.item_input(), actor=current_user)
        except ops.BuilderError as error:
            return _refused(template, error)
        _flash_result(result, _("Question added."))
        return _to_builder(template, f"item-{key}", result)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/builder/item.html", form=form, template=template, section=section,
                           number=number, item=None, kind_name=queries.type_name(kind)), status


def _item_or_404(template, key: str):
    item = queries.find_item(template.current, key)
    if item is None:
        abort(404)
    return item


@bp.route("/<int:template_id>/questions/<key>/edit", methods=["GET", "POST"])
@login_required
def item_edit(template_id: int, key: str):
    template = _template(template_id)
    item = _item_or_404(template, key)
    form = ItemForm(item_kind=item.kind) if request.method == "POST" else ItemForm.for_item(item)
    if form.validate_on_submit():
        try:
            result = ops.update_item(template, clock.today(), key, form.item_input(), actor=current_user)
        except ops.BuilderError as error:
            return _refused(template, error)
        _flash_result(result, _("Question saved."))
        return _to_builder(template, f"item-{key}", result)
    status = 400 if request.method == "POST" else 200
    return render_template("surveys/builder/item.html", form=form, template=template, section=item.section,
                           number=template.current.sections.index(item.section) + 1, item=item,
                           kind_name=queries.type_name(item.kind)), status


@bp.post("/<int:template_id>/questions/<key>/move")
@login_required
def item_move(template_id: int, key: str):
    template = _template(template_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = ops.move_item(template, clock.today(), key, form.direction.data, actor=current_user)
    except ops.BuilderError as error:
        return _refused(template, error)
    _flash_result(result, _("Question moved."))
    return _to_builder(template, f"item-{key}", result)


@bp.post("/<int:template_id>/questions/<key>/remove")
@login_required
def item_remove(template_id: int, key: str):
    template = _template(template_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    item = _item_or_404(template, key)
    if form.confirm.data != "yes":
        return render_template("surveys/builder/confirm.html", template=template, action=form,
                               heading=_("Remove this question?"), lines=[item.text_en], warning=None,
                               post_to=request.path, button=_("Remove question"))
    try:
        result = ops.remove_item(template, clock.today(), key, actor=current_user)
    except ops.BuilderError as error:
        return _refused(template, error)
    _flash_result(result, _("Question removed."))
    return _to_builder(template)
