"""Language choice and Babel-formatted dates and numbers."""
from __future__ import annotations

from flask import current_app, has_request_context, request

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The language asked for by the switch (cookie), else the browser's, else British English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages), default=current_app.config["BABEL_DEFAULT_LOCALE"])


def html_lang(locale: str) -> str:
    """The value for <html lang>, e.g. en-GB or cy."""
    return locale.replace("_", "-")


def character_count_texts() -> dict:
    """The words GOV.UK Frontend's character count shows, translated (its script fills in
    %{count}; Welsh plural forms fall back to "other"). One place for every long-text field."""
    from flask_babel import gettext as _

    count = "%{count}"
    return {
        "textareaDescriptionText": _("You can enter up to %(count)s characters", count=count),
        "charactersUnderLimitText": {"one": _("You have %(count)s character remaining", count=count),
                                     "other": _("You have %(count)s characters remaining", count=count)},
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {"one": _("You have %(count)s character too many", count=count),
                                    "other": _("You have %(count)s characters too many", count=count)},
    }
