"""The children's side of a pupil visit, on a shared tablet: /v (type the code on the board),
/v/<code> (tap your name), /v/<code>/form (the feedback form made for children), a thank-you
with "Next child", and /v/<code>/interviews (notes of what host pupils said).

Thin: find the session a code opens (``child_queries``), check it still takes feedback, build
the form from questionnaire items (``child_form``), and store what a child sends
(``child_ops``). Every problem a child can meet gets a page in words for children and a 4xx:
an unknown code (404), a finished session (410), a name not on the list (404), a second form
from the same child (409), an empty form (400, with what they had). Answers are kept in the
tablet's browser storage as the child goes (static/js/visit_child.js) and cleared only once the
server has them, so nothing is lost.

Nothing here stores or logs anything about the tablet (no address, user agent or referrer), and
every page asks not to be cached.
"""
from __future__ import annotations

import hashlib
import uuid

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from peerreview.core import clock
from peerreview.core.private_pages import keep_private
from peerreview.extensions import limiter
from peerreview.visits import child_form, child_ops
from peerreview.visits import child_queries as queries
from peerreview.visits.focus import BY_KEY
from surveys.questions import field_name, question_for

bp = Blueprint("visit_feedback", __name__, url_prefix="/v")

ENGLISH = "en_GB"
WELSH = "cy"
# Unknown codes (and names) tried from one address: a class's tablets share one address, so
# only failed look-ups count, and a few mistyped codes are nothing.
DEFAULT_GUESS_LIMIT = "20 per minute"
DEFAULT_POST_LIMIT = "60 per minute"


# --- every response from these pages ------------------------------------------------------


bp.after_request(keep_private)


def _guess_limit() -> str:
    return current_app.config.get("VISIT_CODE_RATE_LIMIT", DEFAULT_GUESS_LIMIT)


def _post_limit() -> str:
    return current_app.config.get("OPEN_LINK_RATE_LIMIT", DEFAULT_POST_LIMIT)


def _post_key() -> str:
    # Per address and code, as survey links are: only a digest of the code, in memory, for a minute.
    code = (request.view_args or {}).get("code", "").upper()
    return f"visit-post:{get_remote_address()}:{hashlib.sha256(code.encode()).hexdigest()[:16]}"


# Failed look-ups from one address, across all these pages.
guesses = limiter.shared_limit(_guess_limit, scope="visit-code", key_func=get_remote_address,
                               deduct_when=lambda response: response.status_code == 404)
posts = limiter.limit(_post_limit, key_func=_post_key, methods=["POST"])


# --- language -----------------------------------------------------------------------------


def _locale() -> str:
    return WELSH if str(get_locale() or ENGLISH).startswith("cy") else ENGLISH


def _language_link() -> dict:
    """The switch to the other language, through the site's language cookie, back to this page."""
    other, label = (ENGLISH, "English") if _locale() == WELSH else (WELSH, "Cymraeg")
    here = request.full_path.rstrip("?") if request.method == "GET" else request.path + (
        f"?{request.query_string.decode()}" if request.query_string else "")
    return {"href": url_for("language.switch", code=other, next=here), "label": label,
            "lang": other.replace("_", "-")}


def _speech_lang() -> str:
    return "cy-GB" if _locale() == WELSH else "en-GB"


def _focus_title(visit) -> str:
    """The focus in the page's language: the bank's Welsh title when the head kept the bank's."""
    focus = BY_KEY.get(visit.focus_key or "")
    if focus and _locale() == WELSH and visit.focus_title in ("", focus.en):
        return focus.cy
    return visit.focus_title or (focus.en if focus else "")


def _page(template: str, status: int = 200, session=None, **context):
    visit = session.visit if session is not None else None
    html = render_template(
        template, visit=visit, host_name=visit.host.name if visit else None,
        focus_title=_focus_title(visit) if visit else "", language_link=_language_link(),
        speech_lang=_speech_lang(), **context)
    return make_response(html, status)


# --- pages for children when something is not right ---------------------------------------


def _message(status: int, title: str, paragraphs: list[str], *, session=None, link: dict | None = None):
    return _page("visits/child/message.html", status, session, title=title, paragraphs=paragraphs, link=link)


def _unknown_code():
    return _message(404, _("We cannot find that code"), [
        _("Check the code on the board and try again."), _("Ask your grown-up for help.")],
        link={"href": url_for("visit_feedback.enter"), "text": _("Type the code again")})


def _finished(session):
    return _message(410, _("This code has finished"), [
        _("This code has finished. Ask your grown-up for help."),
        _("If you were writing your ideas, they are still kept on this tablet."),
    ], session=session)


def _session_or_page(code: str):
    """(session, None) when the code's session takes feedback now, else (None, the page)."""
    session = queries.session_for_code(code)
    if session is None:
        return None, _unknown_code()
    if queries.problem(session):
        return None, _finished(session)
    return session, None


def _names_link(session) -> dict:
    return {"href": url_for("visit_feedback.start", code=_code(session)), "text": _("Back to the names")}


def _code(session) -> str:
    # The code as the address had it, tidied (the plain code is never stored).
    return queries.normalise((request.view_args or {}).get("code")) or ""


def _name_not_found(session):
    return _message(404, _("We cannot find that name"), [
        _("Go back and tap your name on the list."), _("Ask your grown-up for help.")],
        session=session, link=_names_link(session))


def _already_sent(session):
    return _message(409, _("You have already sent your ideas. Thank you!"), [
        _("Each child sends their ideas once."), _("If this is not your name, go back and tap your own name.")],
        session=session, link=_names_link(session))


# --- typing the code on the board -----------------------------------------------------------


def _enter_page(status: int = 200, error: str | None = None, value: str = "", notice: str | None = None):
    return _page("visits/child/enter.html", status, error=error, value=value, notice=notice)


@bp.get("")
@bp.get("/")
def enter():
    return _enter_page()


@bp.post("")
@bp.post("/")
@guesses
def enter_code():
    raw = (request.form.get("code") or "")[:100]
    if not raw.strip():
        return _enter_page(400, _("Type the code on the board."))
    session = queries.session_for_code(raw)
    if session is None:
        return _enter_page(404, _("We cannot find that code. Check it and try again."), raw)
    return redirect(url_for("visit_feedback.start", code=queries.normalise(raw)), code=303)


# --- tap your name ------------------------------------------------------------------------


@bp.get("/<code>")
@guesses
def start(code: str):
    session, page = _session_or_page(code)
    if page is not None:
        return page
    return _page("visits/child/names.html", session=session, groups=queries.names_by_school(session.visit),
                 code=_code(session), anon_draft_key=queries.draft_key(session, queries.ANONYMOUS))


# --- the form -------------------------------------------------------------------------------


def _pupil_or_page(session):
    """(pupil or None for "I'd rather not say", the ``pupil=`` value, None) or (.., .., the page)."""
    raw = (request.args.get("pupil") or "").strip()
    if raw == queries.ANONYMOUS:
        return None, queries.ANONYMOUS, None
    pupil = queries.pupil_on_visit(session.visit_id, raw)
    if pupil is None:
        return None, None, _name_not_found(session)
    if queries.has_sent(session.visit_id, pupil.id):
        return None, None, _already_sent(session)
    return pupil, str(pupil.id), None


def _question(item, form, locale: str) -> dict:
    """One question ready to show: its words, its field, and what the read-aloud button says."""
    bound = form[field_name(item)]
    text = child_form.text(item, locale)
    hint = child_form.hint(item, locale)
    choices = [label for _value, label in question_for(item).choices(locale)]
    speak = " ".join(part if part.endswith((".", "?", "!")) else part + "." for part in [text, hint, *choices] if part)
    return {"item": item, "field": bound, "text": text, "hint": hint, "kind": item.kind, "speak": speak,
            "max_length": child_form.max_length(item), "error": bound.errors[0] if bound.errors else None}


def _form_page(session, pupil, pupil_value: str, form, items, status: int = 200, notice: str | None = None):
    locale = _locale()
    questions = [_question(item, form, locale) for item in items]
    errors = [{"text": q["error"], "href": f"#{q['field'].id}"} for q in questions if q["error"]]
    if form.problem:
        errors.insert(0, {"text": form.problem, "href": f"#{questions[0]['field'].id}"})
    return _page(
        "visits/child/form.html", status, session, form=form, pupil=pupil,
        faces=[q for q in questions if q["kind"] == "faces"],
        texts=[q for q in questions if q["item"].key in child_form.TEXT_KEYS],
        like=next(q for q in questions if q["item"].key == child_form.LIKE_KEY),
        errors=errors, notice=notice, server_answers=status != 200 or notice is not None,
        draft_key=queries.draft_key(session, pupil_value), names_url=_names_link(session)["href"],
        action=url_for("visit_feedback.submit", code=_code(session), pupil=pupil_value),
    )


@bp.get("/<code>/form")
@guesses
def form(code: str):
    session, page = _session_or_page(code)
    if page is not None:
        return page
    pupil, pupil_value, page = _pupil_or_page(session)
    if page is not None:
        return page
    items = child_form.feedback_items(session.visit)
    return _form_page(session, pupil, pupil_value, child_form.build_form(items, _locale()), items)


@bp.post("/<code>/form")
@guesses
@posts
def submit(code: str):
    session, page = _session_or_page(code)
    if page is not None:
        return page
    pupil, pupil_value, page = _pupil_or_page(session)
    if page is not None:
        return page
    items = child_form.feedback_items(session.visit)
    sent = child_form.build_form(items, _locale(), request.form)
    feedback = child_form.check_feedback(sent, session.visit, items)
    if feedback is None:
        return _form_page(session, pupil, pupil_value, sent, items, status=400)
    try:
        child_ops.save_feedback(session, pupil.id if pupil else None, feedback, _locale(), clock.today())
    except child_ops.AlreadySent:
        return _already_sent(session)
    return redirect(url_for("visit_feedback.thanks", code=code, pupil=pupil_value), code=303)


@bp.get("/<code>/thanks")
@guesses
def thanks(code: str):
    session = queries.session_for_code(code)
    if session is None:
        return _unknown_code()
    raw = request.args.get("pupil") or ""
    pupil_value = raw if raw == queries.ANONYMOUS or (raw.isascii() and raw.isdigit() and len(raw) <= 9) else None
    return _page("visits/child/thanks.html", session=session, names_url=_names_link(session)["href"],
                 draft_key=queries.draft_key(session, pupil_value) if pupil_value else None)


# --- pupil interviews -----------------------------------------------------------------------


def _interviews_page(session, form, items, client_id: str, status: int = 200, saved: bool = False,
                     notice: str | None = None):
    locale = _locale()
    questions = {item.key: _question(item, form, locale) for item in items}
    errors = [{"text": q["error"], "href": f"#{q['field'].id}"} for q in questions.values() if q["error"]]
    if form.problem:
        errors.insert(0, {"text": form.problem, "href": f"#{questions['answer']['field'].id}"})
    count = queries.interview_count(session.visit_id)
    return _page(
        "visits/child/interviews.html", status, session, form=form, questions=questions, errors=errors,
        client_id=client_id, saved=saved, notice=notice, server_answers=status != 200 or notice is not None,
        count_text=ngettext("%(num)d note has been saved on this visit.",
                            "%(num)d notes have been saved on this visit.", count),
        draft_key=queries.interview_draft_key(session), names_url=_names_link(session)["href"],
        action=url_for("visit_feedback.interviews", code=_code(session)),
    )


@bp.get("/<code>/interviews")
@guesses
def interviews(code: str):
    session, page = _session_or_page(code)
    if page is not None:
        return page
    items = child_form.interview_items()
    return _interviews_page(session, child_form.build_form(items, _locale()), items, str(uuid.uuid4()),
                            saved=request.args.get("saved") == "1")


@bp.post("/<code>/interviews")
@guesses
@posts
def save_interview(code: str):
    session, page = _session_or_page(code)
    if page is not None:
        return page
    items = child_form.interview_items()
    sent = child_form.build_form(items, _locale(), request.form)
    raw_id = request.form.get("client_id")
    note = child_form.check_note(sent, items, raw_id)
    if note is None:
        return _interviews_page(session, sent, items, child_form.clean_client_id(raw_id) or str(uuid.uuid4()),
                                status=400)
    try:
        child_ops.save_interview_note(session, note)
    except child_ops.NoteIdTaken:
        sent.problem = _("Something went wrong. Please press Save again.")
        return _interviews_page(session, sent, items, str(uuid.uuid4()), status=409)
    return redirect(url_for("visit_feedback.interviews", code=_code(session), saved=1), code=303)


# --- when a submission cannot be taken as it is -------------------------------------------


def _again_with_answers(status: int, notice: str):
    """The form (or interview sheet) again with what was sent, and a notice, for a submission
    refused before it was looked at (an expired page, too many at once); None elsewhere."""
    code = (request.view_args or {}).get("code")
    if request.method != "POST" or not code or request.endpoint not in (
            "visit_feedback.submit", "visit_feedback.save_interview"):
        return None
    session, page = _session_or_page(code)
    if page is not None:
        return page
    if request.endpoint == "visit_feedback.save_interview":
        items = child_form.interview_items()
        return _interviews_page(session, child_form.build_form(items, _locale(), request.form), items,
                                child_form.clean_client_id(request.form.get("client_id")) or str(uuid.uuid4()),
                                status=status, notice=notice)
    pupil, pupil_value, page = _pupil_or_page(session)
    if page is not None:
        return page
    items = child_form.feedback_items(session.visit)
    return _form_page(session, pupil, pupil_value, child_form.build_form(items, _locale(), request.form), items,
                      status=status, notice=notice)


@bp.errorhandler(CSRFError)
def _expired(_e):
    page = _again_with_answers(400, _("This page was open for a long time. Your answers are still here. "
                                      "Please press the button again."))
    if page is not None:
        return page
    if request.endpoint == "visit_feedback.enter_code":
        return _enter_page(400, _("Please type the code again."))
    return _message(400, _("Please try again"), [_("Go back and try again."), _("Ask your grown-up for help.")])


@bp.errorhandler(TooManyRequests)
def _too_many(_e):
    text = _("Lots of tablets are sending at the same time. Wait a minute, then press the button again.")
    page = _again_with_answers(429, text)
    if page is not None:
        return page
    return _message(429, _("Please wait a minute"), [text, _("Ask your grown-up for help.")])


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_e):
    return _message(413, _("That was too long to send"), [
        _("Please make your writing shorter and send it again."), _("Ask your grown-up for help.")])
