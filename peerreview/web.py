"""Wiring for create_app: extensions, blueprints, commands, error pages, template helpers."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext as _
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from sqlalchemy import event

from peerreview.extensions import babel, csrf, db, limiter, login_manager, migrate


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers carry on while one request writes; the busy timeout makes a writer
    # wait for the lock instead of failing at once; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def import_models() -> None:
    """Every model module, so the metadata (and so migrations) know every table."""
    import peerreview.core.accounts.models  # noqa: F401
    import peerreview.core.audit  # noqa: F401
    import peerreview.core.directory.models  # noqa: F401
    import peerreview.packs.models  # noqa: F401
    import peerreview.reviews.models  # noqa: F401
    import peerreview.visits.models  # noqa: F401
    import surveys.insights.models  # noqa: F401
    import surveys.models  # noqa: F401


def register_extensions(app: Flask) -> None:
    from peerreview.core.i18n import select_locale

    import_models()

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    WTFormsHelpers(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)

    from peerreview.core.accounts import session as account_session

    account_session.configure(login_manager)


def register_blueprints(app: Flask) -> None:
    from peerreview.core.accounts.views import bp as accounts_bp
    from peerreview.core.directory.import_views import bp as schools_import_bp
    from peerreview.core.directory.views import bp as directory_bp
    from peerreview.core.health import bp as health_bp
    from peerreview.core.language import bp as language_bp
    from peerreview.dashboard.views import bp as dashboard_bp
    from peerreview.packs.views import bp as packs_bp
    from peerreview.reviews.calendar_views import bp as review_calendar_bp
    from peerreview.reviews.record_views import bp as review_records_bp
    from peerreview.reviews.report_views import bp as review_reports_bp
    from peerreview.reviews.review_views import bp as reviews_bp
    from peerreview.reviews.rounds_views import bp as review_rounds_bp
    from peerreview.visits.child_views import bp as visit_feedback_bp
    from peerreview.visits.manage_views import bp as visits_bp
    from surveys.builder_views import bp as questionnaires_bp
    from surveys.insights.queue_views import bp as safeguarding_bp
    from surveys.respond_views import bp as respond_bp
    from surveys.results_views import bp as survey_results_bp
    from surveys.run_views import bp as survey_runs_bp

    for bp in (health_bp, language_bp, accounts_bp, directory_bp, schools_import_bp, dashboard_bp,
               questionnaires_bp, survey_runs_bp, respond_bp, survey_results_bp, safeguarding_bp,
               review_rounds_bp, reviews_bp, review_records_bp, review_reports_bp, review_calendar_bp,
               visits_bp, visit_feedback_bp, packs_bp):
        app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    from peerreview.core.accounts.cli import create_user_command
    from peerreview.core.directory.cli import import_schools_command
    from peerreview.demo import seed_demo_command
    from peerreview.packs.worker import pack_worker_command
    from peerreview.packs.cli import render_all_packs_command, render_pack_command
    from peerreview.visits.cli import delete_pupil_names_command
    from surveys.insights.cli import analyse_text_command

    for command in (create_user_command, import_schools_command, seed_demo_command, analyse_text_command,
                    delete_pupil_names_command, render_pack_command, render_all_packs_command, pack_worker_command):
        app.cli.add_command(command)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def register_error_pages(app: Flask) -> None:
    messages = {
        400: lambda: _("Something in that request was not right. Go back and try again."),
        403: lambda: _("You do not have permission to see this page."),
        404: lambda: _("We could not find that page. Check the address, or go back to your home page."),
        405: lambda: _("That page cannot be used that way."),
        409: lambda: _("That cannot be done at the moment."),
        413: lambda: _("That file is too large. Upload a smaller file."),
        429: lambda: _("Too many attempts. Wait a few minutes, then try again."),
        500: lambda: _("Something went wrong on our side. Nothing you saved has been lost; try again shortly."),
    }
    titles = {
        400: lambda: _("Request not understood"),
        403: lambda: _("You cannot see this page"),
        404: lambda: _("Page not found"),
        405: lambda: _("Not allowed"),
        409: lambda: _("Not available yet"),
        413: lambda: _("File too large"),
        429: lambda: _("Too many attempts"),
        500: lambda: _("Sorry, there is a problem"),
    }

    def render_error(code: int, message: str | None = None):
        text = message or messages[code]()
        if _wants_json():
            return jsonify({"error": text}), code
        return render_template("error.html", code=code, title=titles[code](), message=text), code

    def handler(code: int):
        def handle(e):
            # A view may abort with its own description; werkzeug's English default is not shown.
            custom = getattr(e, "description", None)
            if custom == getattr(type(e), "description", None):
                custom = None
            return render_error(code, custom)
        return handle

    for code in messages:
        app.register_error_handler(code, handler(code))

    from peerreview.reviews.labels import STATE_LABELS
    from peerreview.reviews.workflow import WrongState

    @app.errorhandler(WrongState)
    def wrong_state(e):
        return render_error(409, _("This review is now “%(state)s”, so that cannot be changed any more.",
                                   state=STATE_LABELS[e.review.status]))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_error(400, _("This form had expired or was sent from somewhere else. Go back, reload the page and try again."))


def register_template_helpers(app: Flask) -> None:
    from peerreview.core import permissions
    from peerreview.core.i18n import html_lang

    @app.context_processor
    def inject():
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "current_locale": locale,
            "html_lang": html_lang(locale),
            "languages": app.config["LANGUAGES"],
            "perm": permissions,
        }

    app.jinja_env.filters["date"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["datetime"] = lambda d, fmt="medium": format_datetime(d, fmt) if d else ""
    app.jinja_env.filters["number"] = lambda n: format_decimal(n) if n is not None else ""
