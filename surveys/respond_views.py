"""Answering a survey without an account: /s/<code> on a phone, a tablet or a computer.

Thin: find what the code opens (``respond_queries``), check it can be answered today,
build the form (``responding.build_form``), and on a valid submission save it
(``responding.save_response``, which also marks a single-use code used).

Anonymity: nothing here stores or logs anything about the respondent (no address, user
agent, referrer, or the code next to the response). Every page says to keep no copy
(``Cache-Control: no-store``) and to send no referrer. Answers stay in the browser until
they are sent (static/js/respond.js); the server sees them only on submit.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from peerreview.core import clock
from peerreview.core.i18n import character_count_texts
from peerreview.core.private_pages import keep_private
from peerreview.extensions import limiter
from surveys import respond_queries as queries
from surveys.questions import (
    LONG_TEXT_MAX,
    SHORT_TEXT_MAX,
    field_name,
    localised,
)
from surveys.responding import (
    CodeAlreadyUsed,
    build_form,
    form_from_specs,
    item_specs,
    pages,
    save_response,
)

bp = Blueprint("respond", __name__, url_prefix="/s")

ENGLISH = "en_GB"
WELSH = "cy"
DEFAULT_RATE_LIMIT = "60 per minute"


# --- every response from these pages ------------------------------------------------------


bp.after_request(keep_private)


# --- language -----------------------------------------------------------------------------


def _asked_language() -> str | None:
    asked = (request.args.get("lang") or "").strip().lower()
    if asked in ("cy",):
        return WELSH
    if asked in ("en", "en_gb", "en-gb"):
        return ENGLISH
    return None


def _locale_for(run) -> str:
    """Welsh only when the run offers it and the person asked for it (the site's language
    switch, ?lang=cy, or their browser); English otherwise, whatever the cookie says."""
    if run is None:
        return _asked_language() or (WELSH if str(get_locale() or ENGLISH).startswith("cy") else ENGLISH)
    if not run.welsh:
        return ENGLISH
    asked = _asked_language()
    if asked:
        return asked
    return WELSH if str(get_locale() or ENGLISH).startswith("cy") else ENGLISH


def _language_links(locale: str, path: str) -> list[dict]:
    """The switch to the other language, through the site's language cookie."""
    other, label = (ENGLISH, "English") if locale == WELSH else (WELSH, "Cymraeg")
    return [{"href": url_for("language.switch", code=other, next=path), "label": label,
             "lang": other.replace("_", "-")}]


def _lang_arg() -> dict:
    """Keep an explicit ?lang= on the addresses a page links or posts to."""
    asked = _asked_language()
    return {"lang": "cy" if asked == WELSH else "en"} if asked else {}


# --- pages about a code that cannot be answered -----------------------------------------


def _message(status: int, title: str, paragraphs: list[str], *, locale: str | None = None, access=None,
             try_again: bool = False):
    locale = locale or _locale_for(access.run if access else None)
    with force_locale(locale):
        html = render_template(
            "surveys/respond/message.html", title=title, paragraphs=paragraphs, try_again=try_again,
            school=access.school if access else None,
            language_links=_language_links(locale, request.path) if access is None or access.run.welsh else [],
        )
    return make_response(html, status)


def _not_valid():
    locale = _locale_for(None)
    with force_locale(locale):
        return _message(404, _("This survey link or code is not valid"),
                        [_("This survey link or code is not valid. Check it and try again.")],
                        locale=locale, try_again=True)


def _problem_page(access, problem: str):
    locale = _locale_for(access.run)
    run = access.run
    with force_locale(locale):
        if problem == queries.NOT_OPEN_YET:
            return _message(403, _("This survey is not open yet"), [
                _("This survey opens on %(date)s. Come back then to give your views.",
                  date=format_date(run.opens_on, "long")),
                _("Keep your link or code until then: you will need it."),
            ], locale=locale, access=access)
        if problem == queries.CLOSED:
            return _message(410, _("This survey has closed"), [
                _("This survey closed on %(date)s. Thank you for your interest.",
                  date=format_date(run.closes_on, "long")),
            ], locale=locale, access=access)
        if problem == queries.LINK_OFF:
            return _message(410, _("This survey link is no longer in use"), [
                _("This survey link has been switched off, so it cannot be used to answer the survey."),
                _("If you still want to take part, ask the school for a new link or a code."),
            ], locale=locale, access=access)
        return _message(410, _("This code has already been used"), [
            _("This code has already been used. Each code can be used once."),
            _("If you did not use it yourself, ask the school for a new code."),
        ], locale=locale, access=access)


def _already_answered(access):
    locale = _locale_for(access.run)
    with force_locale(locale):
        return _message(409, _("You have already answered this survey"), [
            _("You have already answered this survey on this device. Thank you."),
        ], locale=locale, access=access)


def _answered_cookie(run_id: int) -> str:
    return f"answered_{run_id}"


def _access_or_page(code: str, with_questionnaire: bool = True):
    """(access, None) when the code can be answered now, else (None, the page to show)."""
    access = queries.find_access(code, current_app.config["SECRET_KEY"], with_questionnaire)
    if access is None:
        return None, _not_valid()
    problem = queries.problem(access, clock.today())
    if problem:
        return None, _problem_page(access, problem)
    if access.is_open_link and request.cookies.get(_answered_cookie(access.run.id)):
        return None, _already_answered(access)
    return access, None


# --- the questionnaire ------------------------------------------------------------------


def _question_params(question, condition, mark_optional: bool) -> dict:
    """GOV.UK macro parameters for one question (legend or label, hint, limits). When some
    questions must be answered, the others say "(optional)"."""
    item, field = question.item, question.field
    text = field.label.text
    if mark_optional and not item.required:
        text = _("%(question)s (optional)", question=text)
    hints = []
    if condition:
        hints.append(_("Only answer this if you answered “%(answer)s” to the question: %(question)s",
                       answer=condition.answer, question=condition.question))
    if field.description:
        hints.append(str(field.description))
    hint = {"html": Markup("<br>").join(hints)} if hints else None
    if item.kind in ("short_text", "long_text"):
        params = {"label": {"text": text, "classes": "govuk-label--s"}, "hint": hint}
        if item.kind == "long_text":
            params.update(character_count_texts())
            params["maxlength"] = (item.options or {}).get("max_length", LONG_TEXT_MAX)
            params["rows"] = 5
        else:
            params["attributes"] = {"maxlength": (item.options or {}).get("max_length", SHORT_TEXT_MAX)}
            params["spellcheck"] = True
        return params
    params = {"fieldset": {"legend": {"text": text, "classes": "govuk-fieldset__legend--s"}},
              "idPrefix": field.id, "hint": hint}
    if item.kind == "rating":
        params["classes"] = "govuk-radios--inline app-rating"
    if item.kind == "yes_no" and len(field.choices) == 2:
        params["classes"] = "govuk-radios--inline"
    return params


def _error_list(version, form, locale: str) -> list[dict]:
    """The error summary: one line per question, in the order they appear, each naming the
    question and linking to its first control."""
    found = []
    for item in version.items:
        field = form[field_name(item)]
        if field.errors:
            question = localised(item, "text", locale)
            found.append({"text": _("%(error)s: %(question)s", question=question, error=field.errors[0]),
                          "href": f"#{field.id}"})
    return found


def _questionnaire(access, form, locale: str, status: int = 200, notice: str | None = None):
    version = access.version
    condition_by_key = queries.conditions(version, locale)
    survey_pages = pages(version, form, locale)
    items = version.items
    all_optional = not any(item.required for item in items)
    params = {}
    for page in survey_pages:
        for question in page.questions:
            params[question.item.key] = _question_params(
                question, condition_by_key.get(question.item.key), mark_optional=not all_optional)
    html = render_template(
        "surveys/respond/questionnaire.html",
        access=access, run=access.run, school=access.school,
        title=localised(version, "title", locale), intro=localised(version, "intro", locale),
        pages=survey_pages, params=params, conditions=condition_by_key, form=form,
        errors=_error_list(version, form, locale) if form.errors else [], notice=notice,
        all_optional=all_optional,
        draft_key=queries.draft_key(access),
        action=url_for("respond.submit", code=access.code, **_lang_arg()),
        language_links=_language_links(locale, url_for("respond.questionnaire", code=access.code))
        if access.run.welsh else [],
    )
    return make_response(html, status)


def _form(access, locale: str, formdata=None):
    return build_form(access.version, locale, formdata)


@bp.get("/<code>")
def questionnaire(code: str):
    access, page = _access_or_page(code)
    if page is not None:
        return page
    locale = _locale_for(access.run)
    with force_locale(locale):
        return _questionnaire(access, _form(access, locale), locale)


def _rate_key() -> str:
    # Per address and link: a school's parents and staff share one address, so each link
    # has its own allowance. Only a digest of the code is held, in memory, for a minute.
    code = (request.view_args or {}).get("code", "").lower()
    return f"survey-post:{get_remote_address()}:{hashlib.sha256(code.encode()).hexdigest()[:16]}"


@bp.post("/<code>")
@limiter.limit(lambda: current_app.config.get("OPEN_LINK_RATE_LIMIT", DEFAULT_RATE_LIMIT), key_func=_rate_key)
def submit(code: str):
    # The busiest route: the questionnaire is read as plain values (item_specs) and its
    # form class comes from a cache; the full questionnaire loads only to show errors.
    access, page = _access_or_page(code, with_questionnaire=False)
    if page is not None:
        return page
    locale = _locale_for(access.run)
    # Read before saving: the save commits, and a committed object would be read again.
    run_id, closes_on, code, open_link = access.run.id, access.run.closes_on, access.code, access.is_open_link
    with force_locale(locale):
        specs = item_specs(access.run.version_id)
        form = form_from_specs(specs, locale, request.form)
        if not form.validate():
            return _questionnaire(access, form, locale, status=400)
        try:
            save_response(access.run, access.run_school.school_id, form, locale, clock.today(),
                          access_code=access.access_code, specs=specs)
        except CodeAlreadyUsed:
            return _problem_page(access, queries.USED)
    response = redirect(url_for("respond.thanks", code=code, **_lang_arg()), code=303)
    if open_link:
        # Says only "already answered": no time, no school, nothing about the person.
        days_left = (closes_on - clock.today()).days + 1
        response.set_cookie(
            _answered_cookie(run_id), "1", max_age=int(timedelta(days=days_left).total_seconds()),
            path=url_for("respond.start"), httponly=True, samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


@bp.get("/<code>/thanks")
def thanks(code: str):
    access = queries.find_access(code, current_app.config["SECRET_KEY"])
    if access is None:
        return _not_valid()
    locale = _locale_for(access.run)
    with force_locale(locale):
        html = render_template(
            "surveys/respond/thanks.html", access=access, run=access.run, school=access.school,
            title=localised(access.version, "title", locale), draft_key=queries.draft_key(access),
            language_links=_language_links(locale, request.path) if access.run.welsh else [],
        )
    return make_response(html, 200)


# --- typing a code from a paper slip ------------------------------------------------------


@bp.get("/")
def start():
    raw = request.args.get("code")
    locale = _locale_for(None)
    error = None
    if raw is not None:
        code = queries.canonical_code(raw)
        if code is None and raw.strip():
            return _not_valid()
        if code is not None:
            return redirect(url_for("respond.questionnaire", code=code))
        with force_locale(locale):
            error = _("Enter the code from your letter or slip")
    with force_locale(locale):
        html = render_template("surveys/respond/start.html", error=error, value=raw or "",
                               language_links=_language_links(locale, request.path))
    return make_response(html, 400 if error else 200)


# --- when a submission cannot be taken as it is -------------------------------------------


def _again_with_answers(status: int, notice) -> object | None:
    """The questionnaire again with what was sent still filled in, and a notice (``notice()``
    gives its text in the page's language), for a submission refused before it was looked
    at: an expired form, too many at once. None when there is no questionnaire to show."""
    code = (request.view_args or {}).get("code")
    if request.method != "POST" or not code:
        return None
    access, page = _access_or_page(code)
    if page is not None:
        return page
    locale = _locale_for(access.run)
    with force_locale(locale):
        return _questionnaire(access, _form(access, locale, request.form), locale, status=status, notice=notice())


@bp.errorhandler(CSRFError)
def _expired(_e):
    page = _again_with_answers(400, lambda: _(
        "This page was open for a long time, so your answers have not been sent yet. "
        "Check them, then send them again."))
    if page is not None:
        return page
    locale = _locale_for(None)
    with force_locale(locale):
        return _message(400, _("This page has expired"), [_("Go back, reload the page and try again.")],
                        locale=locale)


def _too_many_text() -> str:
    return _("A lot of answers have been sent from your network in the last minute, so yours have "
             "not been sent yet. Wait a minute, then send them again.")


@bp.errorhandler(TooManyRequests)
def _too_many(_e):
    page = _again_with_answers(429, _too_many_text)
    if page is not None:
        return page
    locale = _locale_for(None)
    with force_locale(locale):
        return _message(429, _("Too many answers at once"), [_too_many_text()], locale=locale)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_e):
    locale = _locale_for(None)
    with force_locale(locale):
        return _message(413, _("Your answers were too long to send"), [
            _("What you sent was far longer than any answer can be, so it was not saved."),
            _("Go back, shorten your longest answer and send your answers again."),
        ], locale=locale)
