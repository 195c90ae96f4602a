"""The peer review and pupil-voice platform: the app factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import Config, config_from_env

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None, **overrides) -> Flask:
    config_class = config_class or config_from_env()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(overrides.get("INSTANCE_DIR", config_class.INSTANCE_DIR))),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    app.config["INSTANCE_DIR"] = app.instance_path
    config_class.init_app(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    # Our templates first, then the GOV.UK Frontend macros and WTForms widgets.
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])

    from peerreview import web

    web.register_extensions(app)
    web.register_blueprints(app)
    web.register_commands(app)
    web.register_error_pages(app)
    web.register_template_helpers(app)
    return app
