"""GOV.UK widgets with the interface text the JavaScript shows translated too."""
from __future__ import annotations

from flask_babel import gettext as _
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput


class PasswordInput(GovPasswordInput):
    """The password field with its Show/Hide button and announcements in the page's language."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        texts = {
            "showPasswordText": _("Show"),
            "hidePasswordText": _("Hide"),
            "showPasswordAriaLabelText": _("Show password"),
            "hidePasswordAriaLabelText": _("Hide password"),
            "passwordShownAnnouncementText": _("Your password is visible"),
            "passwordHiddenAnnouncementText": _("Your password is hidden"),
        }
        for key, text in texts.items():
            params.setdefault(key, text)
        return params
