"""The PDF helper: HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, behind a restricted URL
fetcher.

A document is rendered against a made-up origin, ``APP_ORIGIN``; a template links the app's
own static files as ``/static/...`` (or ``static/...``), which resolve to
``https://app.invalid/static/...`` (``.invalid`` is reserved: it never reaches a network). The
fetcher serves exactly those URLs from the static folder on disk, and refuses everything else:
``file:`` (nothing on the server's disk outside ``static/``, however the path is spelled),
``http:``/``https:`` to any real host, ``ftp:`` and any other scheme. ``data:`` is allowed
only for images (an inline PNG or SVG carries nothing from outside the document). A refused
resource is left out of the PDF; WeasyPrint logs a warning and carries on.

Only DejaVu fonts are on the machine: the font is set on ``@page`` as well as the body, or
page margin boxes (the page numbers) fall back to a serif.
"""
from __future__ import annotations

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

APP_ORIGIN = "https://app.invalid/"
STATIC_PREFIX = "/static/"
# Tagged PDF/UA-1 (pdf_tags too: the variant only fills options left at None, and tags default to False).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}
FONT_FAMILY = '"DejaVu Sans", sans-serif'
BASE_CSS = f"""
@page {{ font-family: {FONT_FAMILY}; }}
html {{ font-family: {FONT_FAMILY}; }}
"""


class RefusedURL(ValueError):
    """The fetcher does not serve this URL."""


class StaticOnlyFetcher(URLFetcher):
    """Serves the app's own static files from disk and nothing else."""

    def __init__(self, static_folder: str | Path):
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.static_root = Path(static_folder).resolve()
        self.refused: list[str] = []  # what a render asked for and did not get (for logs and tests)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except RefusedURL:
            self.refused.append(url)
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            media_type = url[5:].split(",", 1)[0].split(";", 1)[0].strip().lower()
            if not media_type.startswith("image/"):
                raise RefusedURL(f"only inline images may be data: URLs, not {media_type or 'text'}")
            return super().fetch(url)  # urllib's data handler decodes it; nothing leaves the process
        if scheme != "https" or parts.netloc.lower() != urlsplit(APP_ORIGIN).netloc:
            raise RefusedURL(f"not one of the app's static files: {url[:200]}")
        path = unquote(parts.path)
        if not path.startswith(STATIC_PREFIX):
            raise RefusedURL(f"not under {STATIC_PREFIX}: {path[:200]}")
        target = (self.static_root / path[len(STATIC_PREFIX):]).resolve()
        if not target.is_relative_to(self.static_root) or not target.is_file():
            raise RefusedURL(f"no such static file: {path[:200]}")
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": media_type})


_local = threading.local()  # pack workers may be threads: each keeps its own fonts and base CSS


def font_config() -> FontConfiguration:
    """One font configuration per thread: building it is the slow part of a first render."""
    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
        _local.css = CSS(string=BASE_CSS, font_config=fonts)
    return fonts


def _base_stylesheets() -> list[CSS]:
    """The fonts for the page margin boxes too (parsed once per thread, with ``font_config``)."""
    font_config()
    return [_local.css]


def static_folder() -> Path:
    from flask import current_app

    return Path(current_app.static_folder)


def render_document(html: str, base_url: str = APP_ORIGIN, *, static: str | Path | None = None,
                    fetcher: StaticOnlyFetcher | None = None):
    """The laid-out WeasyPrint document (pages known), before it is written out."""
    fetcher = fetcher or StaticOnlyFetcher(static or static_folder())
    fonts = font_config()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.render(stylesheets=_base_stylesheets(), font_config=fonts, **PDF_OPTIONS)


def write_pdf(document) -> bytes:
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(html: str, base_url: str = APP_ORIGIN, *, static: str | Path | None = None,
               fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """``html`` as a tagged PDF (PDF/UA-1). Needs an app context unless ``static`` is given."""
    return write_pdf(render_document(html, base_url, static=static, fetcher=fetcher))
