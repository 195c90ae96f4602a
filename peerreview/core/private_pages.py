"""Headers for pages people reach by a code instead of an account (survey answers, pupil visit
feedback): the code in the address must not leak through a referrer, a cache or a search index."""
from __future__ import annotations


def keep_private(response):
    """An ``after_request`` hook for a respondent-facing blueprint."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
