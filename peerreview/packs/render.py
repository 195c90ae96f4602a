"""One school's feedback pack as a PDF: ``render_pack``.

Content comes from ``packs.content.gather`` (in the chosen language), becomes HTML through
``templates/packs/pack/pack.html`` and a PDF through ``core.pdf`` (tagged PDF/UA-1, the
restricted URL fetcher). The progress callback hears 0..100 as the parts are gathered and
the document is laid out and written, for the job runner's progress bar.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup

from peerreview.core import clock, pdf
from peerreview.core.directory.models import School
from peerreview.packs import charts
from peerreview.packs.content import PackContent, SurveyPart, VisitPart, gather
from peerreview.reviews.labels import ESTIMATE_LABELS
from peerreview.visits.labels import FACE_LABELS, LIKE_LABELS
from surveys.results import COMPLEMENT
from surveys.results_display import mean_in_words, sentiment_label

LANGUAGES = {"en": "en_GB", "cy": "cy"}
TEMPLATE = "packs/pack/pack.html"


def default_period(today: date | None = None) -> tuple[date, date]:
    """The twelve months to today (365 days back, both ends included): a school year's
    reviews, visits and surveys, whenever the pack is made. (packs.periods labels it.)"""
    today = today or clock.today()
    return today - timedelta(days=365), today


# --- wording the template uses ------------------------------------------------------------


def pct(share: float | None) -> str:
    if share is None:
        return ""
    if 0 < share < 0.005:
        return "<1%"
    return f"{round(share * 100):d}%"


def points(gap: float | None) -> str:
    """How far the school's share is from the partnership's, in words: "3 points above"."""
    if gap is None:
        return ""
    n = round(gap * 100)
    if n > 0:
        return ngettext("%(num)d point above", "%(num)d points above", n)
    if n < 0:
        return ngettext("%(num)d point below", "%(num)d points below", -n)
    return _("the same")


def signed_points(change: float | None) -> str:
    """A change in a share as signed points: "+8", "−14" (a minus sign), "0"."""
    if change is None:
        return ""
    n = round(change * 100)
    return f"+{n}" if n > 0 else (f"\u2212{-n}" if n < 0 else "0")




def source_label(key: str) -> str:
    return {
        "review": _("Peer review"),
        "visit": _("Pupil visit"),
        "staff": _("Staff survey"),
        "parents": _("Parent survey"),
        "pupils": _("Pupil survey"),
    }.get(key, key)


def audience_heading(audience: str) -> str:
    return {"staff": _("Staff survey"), "parents": _("Parent and carer survey"),
            "pupils": _("Pupil survey")}.get(audience, audience)


def survey_withheld(part: SurveyPart) -> str:
    if part.withheld_reason == COMPLEMENT:
        return _("Withheld to protect a smaller group elsewhere in the partnership: no figures or "
                 "comments from this school are shown.")
    return _("Withheld (fewer than %(n)d responses): no figures or comments from this school are shown.",
             n=part.threshold)


def survey_withheld_short(part: SurveyPart) -> str:
    if part.withheld_reason == COMPLEMENT:
        return _("withheld to protect a smaller group")
    return _("withheld (fewer than %(n)d responses)", n=part.threshold)


def step_status(step, today: date) -> str:
    status = step.status(today)
    if status == "done":
        return _("Done")
    if status == "overdue":
        return _("Overdue")
    return _("Open")


def evidence_detail(evidence) -> str:
    """How many texts of a source raise a theme, in words."""
    if evidence.source == "visit":
        parts = []
        if evidence.detail.get("stars"):
            parts.append(ngettext("%(num)d star", "%(num)d stars", evidence.detail["stars"]))
        if evidence.detail.get("wishes"):
            parts.append(ngettext("%(num)d wish", "%(num)d wishes", evidence.detail["wishes"]))
        return ", ".join(parts)
    if evidence.source == "review":
        return ngettext("%(num)d of %(total)d notes and findings", "%(num)d of %(total)d notes and findings",
                        evidence.mentions, total=evidence.texts)
    return ngettext("%(num)d of %(total)d comments", "%(num)d of %(total)d comments", evidence.mentions,
                    total=evidence.texts)


def feeling(mean: float | None) -> str:
    return mean_in_words(mean) if mean is not None else ""


def survey_chart(part: SurveyPart, school_name: str) -> Markup | None:
    rows = []
    for q in part.questions:
        rows.append(charts.Row(
            str(q.number),
            charts.Bar(q.school, pct(q.school) if q.school is not None else _("withheld")),
            charts.Bar(q.partnership, pct(q.partnership) if q.partnership is not None else _("withheld")),
        ))
    if not any(r.school.share is not None for r in rows):
        return None
    description = " ".join(
        _("Question %(n)s: this school %(school)s, partnership %(partnership)s.", n=r.label, school=r.school.text,
          partnership=r.partnership.text) for r in rows)
    return charts.share_positive_chart(
        _("Share positive per question: %(title)s. The same figures are in the table that follows.",
          title=part.title), description, rows, school_name, _("Partnership"))


def faces_chart(part: VisitPart) -> Markup | None:
    rows = [(str(i), p.counts) for i, p in enumerate(part.prompts, start=1) if p.answered]
    if not rows:
        return None
    labels = {face: str(FACE_LABELS[face]) for face in ("happy", "ok", "sad")}
    description = " ".join(
        _("Prompt %(n)s: %(happy)d happy, %(ok)d OK, %(sad)d sad.", n=label, happy=c["happy"], ok=c["ok"], sad=c["sad"])
        for label, c in rows)
    return charts.faces_chart(_("Children's faces for each prompt. The same figures are in the table that follows."),
                              description, rows, labels)


def page_footer_css() -> str:
    """CSS ``content`` values for the page footer, translated: "Page 3 of 12"."""
    marker_page, marker_pages = "\x00page\x00", "\x00pages\x00"
    text = _("Page %(page)s of %(pages)s", page=marker_page, pages=marker_pages)
    pieces = []
    for chunk in text.replace(marker_pages, "\x01pages\x01").replace(marker_page, "\x01page\x01").split("\x01"):
        if chunk in ("page", "pages"):
            pieces.append(f"counter({chunk})")
        elif chunk:
            pieces.append(_css_string(chunk))
    return " ".join(pieces)


def _css_string(text: str) -> Markup:
    """A CSS string for a <style> element: quotes and backslashes escaped, and <, > and & as CSS
    escapes (HTML entities are not decoded inside <style>, and "</style>" must never appear)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
               .replace("<", "\\3c ").replace(">", "\\3e ").replace("&", "\\26 "))
    return Markup(f'"{escaped}"')


HELPERS = {
    "pct": pct, "points": points, "signed_points": signed_points, "source_label": source_label,
    "audience_heading": audience_heading, "survey_withheld": survey_withheld,
    "survey_withheld_short": survey_withheld_short, "step_status": step_status,
    "evidence_detail": evidence_detail, "feeling": feeling, "survey_chart": survey_chart,
    "faces_chart": faces_chart, "sentiment_label": sentiment_label, "estimate_labels": ESTIMATE_LABELS,
    "face_labels": FACE_LABELS, "like_labels": LIKE_LABELS, "css_string": _css_string,
}


# --- the pack -----------------------------------------------------------------------------


def pack_html(content: PackContent) -> str:
    return render_template(TEMPLATE, pack=content, footer=Markup(page_footer_css()),
                           today=content.generated_on, **HELPERS)


def render_pack(school: School, period_start: date | None = None, period_end: date | None = None,
                language: str = "en", progress: Callable[[int], None] | None = None) -> bytes:
    """The school's pack for ``period_start``..``period_end`` (default: the twelve months to
    today) in English ("en") or Welsh ("cy"), as PDF bytes."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    report = progress or (lambda _n: None)
    if period_start is None or period_end is None:
        default_start, default_end = default_period()
        period_start, period_end = period_start or default_start, period_end or default_end
    if period_start > period_end:
        raise ValueError("the period must start before it ends")
    report(0)
    with force_locale(LANGUAGES[language]):
        content = gather(school, period_start, period_end, progress=lambda n: report(min(n, 50)))
        html = pack_html(content)
        report(55)
        document = pdf.render_document(html)
        report(85)
        data = pdf.write_pdf(document)
    report(100)
    return data
