"""The pack as a PDF, read back with poppler: the restricted URL fetcher; the demo school's full
pack (sections, figures from surveys.results, bookmarks, contents links, tagged); nothing from a
withheld group; Welsh; a school with no data."""
from __future__ import annotations

import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from babel.dates import format_date as babel_date
from flask_babel import force_locale, gettext
from sqlalchemy import select

from peerreview.core import clock
from peerreview.core.directory.models import School
from peerreview.core.pdf import APP_ORIGIN, RefusedURL, StaticOnlyFetcher, render_pdf
from peerreview.demo import seed_directory, seed_reviews, seed_surveys, seed_visits
from peerreview.extensions import db
from peerreview.packs.render import render_pack
from peerreview.reviews.models import NextStep
from surveys.models import SurveyRun
from surveys.results import Scope, run_results
from tests.packs.pack_helpers import (
    pdf_images,
    pdf_info,
    pdf_internal_links,
    pdf_objects,
    pdf_outline,
    pdf_text,
    staff_run,
    words_in_order,
)

# A PNG of one pixel: what an image the fetcher did serve would embed.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000040001f61738550000000049454e44ae426082")


def _page(body: str) -> str:
    return f'<!DOCTYPE html><html lang="en"><head><title>Test</title></head><body>{body}</body></html>'


# --- the fetcher -----------------------------------------------------------------------------


@pytest.fixture
def static(tmp_path):
    folder = tmp_path / "static"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "dot.png").write_bytes(PNG)
    (folder / "print.css").write_text("p.extra::after { content: 'FROM-STATIC-CSS'; }")
    (tmp_path / "secret.png").write_bytes(PNG)
    (tmp_path / "secret.css").write_text("body::before { content: 'SECRET-CSS-WAS-READ'; }")
    return folder


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://example.com/",
    "https://example.com/static/img/dot.png",
    "ftp://example.com/x.png",
    "data:text/html,<p>hi</p>",
    f"{APP_ORIGIN}static/../secret.png",
    f"{APP_ORIGIN}static/%2e%2e/secret.png",
    f"{APP_ORIGIN}etc/passwd",
    f"{APP_ORIGIN}static/missing.png",
])
def test_the_fetcher_refuses_anything_but_the_apps_static_files(static, url):
    fetcher = StaticOnlyFetcher(static)
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files_and_inline_images(static):
    fetcher = StaticOnlyFetcher(static)
    response = fetcher.fetch(f"{APP_ORIGIN}static/img/dot.png")
    assert response.read() == PNG
    assert response.content_type == "image/png"
    inline = fetcher.fetch("data:image/png;base64,iVBORw0KGgo=")
    assert inline.read().startswith(b"\x89PNG")
    assert fetcher.refused == []


def test_a_rendered_document_embeds_nothing_from_outside_static(static, tmp_path):
    secret_png, secret_css = (tmp_path / "secret.png").as_uri(), (tmp_path / "secret.css").as_uri()
    fetcher = StaticOnlyFetcher(static)
    html = _page(
        f'<link rel="stylesheet" href="{secret_css}"><link rel="stylesheet" href="http://example.com/x.css">'
        '<h1>Refused</h1><img src="file:///etc/passwd" alt="a"><img src="' + secret_png + '" alt="b">'
        '<img src="http://example.com/a.png" alt="c">')
    data = render_pdf(html, static=static, fetcher=fetcher)
    assert "SECRET-CSS-WAS-READ" not in pdf_text(data)
    assert pdf_images(data) == 0
    assert set(fetcher.refused) >= {"file:///etc/passwd", secret_png, secret_css, "http://example.com/a.png"}
    assert b"root:" not in data

    # The same page with the app's own files does get them (so the test above can fail).
    fetcher = StaticOnlyFetcher(static)
    data = render_pdf(_page('<link rel="stylesheet" href="/static/print.css"><p class="extra">x</p>'
                            '<img src="/static/img/dot.png" alt="dot">'), static=static, fetcher=fetcher)
    assert "FROM-STATIC-CSS" in pdf_text(data)
    assert pdf_images(data) >= 1  # the image (and its transparency mask)
    assert pdf_info(data)["Tagged"] == "yes"


def test_documents_render_side_by_side_in_worker_threads(static):
    from concurrent.futures import ThreadPoolExecutor

    def render(n: int) -> str:
        return pdf_text(render_pdf(_page(f"<h1>Document {n}</h1>" + "<p>Some text.</p>" * 200), static=static))

    with ThreadPoolExecutor(max_workers=3) as pool:
        texts = list(pool.map(render, range(6)))
    assert [t.split()[:2] for t in texts] == [["Document", str(n)] for n in range(6)]


# --- the demo school's pack ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(app):
    """The demo partnership from seed-demo's own functions, its packs rendered a month later
    (when the parent survey, open on the day of seeding, has closed). Everything the tests read
    is kept as plain values: the database is emptied after the first test."""
    with app.app_context():
        partnership, _logins = seed_directory()
        seed_surveys(partnership)
        seed_reviews(partnership)
        seed_visits(partnership)
        later = clock.today() + timedelta(days=30)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("peerreview.core.clock.today", lambda: later)
            schools = list(db.session.scalars(select(School).where(School.partnership_id == partnership.id)
                                              .order_by(School.urn)))
            school, small = schools[0], schools[-1]
            start = later - timedelta(days=365)
            facts = SimpleNamespace(school=school.name, small=small.name, start=start, end=later, surveys={},
                                    audiences=set())
            for run in db.session.scalars(select(SurveyRun).where(SurveyRun.closes_on >= start)):
                results = run_results(run, Scope(frozenset({school.id}), True), "en")
                first = next(q for q in results.questions if q.type.kind == "agree")
                facts.audiences.add(run.audience)
                facts.surveys[run.title] = SimpleNamespace(
                    responses=results.group(school.id).responses, question=first.text,
                    share=f"{round(first.cells[school.id].summary.positive * 100)}%")
            facts.steps = [s.action for s in db.session.scalars(select(NextStep))]
            facts.en = render_pack(school, start, later, "en")
            facts.cy = render_pack(school, start, later, "cy")
            facts.small_pdf = render_pack(small, start, later, "en")
        db.session.remove()
    facts.text, facts.cy_text, facts.small_text = pdf_text(facts.en), pdf_text(facts.cy), pdf_text(facts.small_pdf)
    return facts


def test_the_demo_schools_pack_has_every_section_with_the_figures_from_the_results(demo):
    text = demo.text
    for heading in ("Contents", "At a glance", "Themes seen in two or more sources", "Corroborated", "Peer review",
                    "Focus and findings", "The head's reply", "Pupil voice", "Next steps brought together",
                    "Method and anonymity"):
        assert heading in text, heading
    assert demo.school in text
    # This autumn's staff survey and the parent surveys (last year's staff survey closed too long ago).
    assert len(demo.surveys) >= 2 and {"staff", "parents"} <= demo.audiences
    for title, survey in demo.surveys.items():
        assert title in text
        assert f"{survey.responses} responses from this school" in text
        assert f"{survey.question} {survey.share}" in text  # the question's row: its text, then the share
    for action in demo.steps:
        assert " ".join(action.split()) in text
    assert "12 children gave feedback" in text


def test_the_demo_pack_is_tagged_with_bookmarks_and_a_contents_page_that_links(demo):
    info = pdf_info(demo.en)
    assert info["Tagged"] == "yes"
    assert 6 <= int(info["Pages"]) <= 25
    outline = dict(pdf_outline(demo.en))
    for heading in ("At a glance", "Peer review", "Pupil voice", "Next steps brought together", "Method and anonymity"):
        assert heading in outline, heading
    assert outline["At a glance"] < outline["Peer review"] < outline["Pupil voice"] < outline["Method and anonymity"]
    # The contents page links to the pages the bookmarks point at, and prints their numbers.
    contents_page = outline["Contents"]
    links = set(pdf_internal_links(demo.en, contents_page))
    assert {outline["At a glance"], outline["Peer review"], outline["Method and anonymity"]} <= links
    numbers = dict(re.findall(r"(At a glance|Peer review|Method and anonymity) (\d+)", pdf_text(demo.en, contents_page)))
    assert {k: int(v) for k, v in numbers.items()} == {
        k: outline[k] for k in ("At a glance", "Peer review", "Method and anonymity")}
    assert f"Page 2 of {info['Pages']}" in demo.text
    # Each chart is a tagged figure with a text alternative; tables have header cells.
    structure = pdf_objects(demo.en)
    for title in demo.surveys:
        assert f"/Alt (Share positive per question: {title}.".encode() in structure
    assert b"/Alt (Children's faces for each prompt." in structure
    assert b"/TH" in structure and b"/Lang (en-GB)" in structure


def test_the_demo_small_schools_pack_withholds_its_surveys(demo):
    text = demo.small_text
    assert "Withheld (fewer than 5 responses)" in text
    assert "responses from this school" not in text
    assert "Share positive per question" not in text
    assert "What people said" not in text


def test_the_welsh_pack_is_in_welsh(app, demo):
    text = demo.cy_text
    with app.test_request_context(), force_locale("cy"):
        headings = [gettext(h) for h in ("Contents", "At a glance", "Peer review", "Pupil voice",
                                         "Next steps brought together", "Method and anonymity")]
    for heading in headings:
        assert heading in text, heading
    # Dates in Welsh (from the locale's data) and the questions' and prompts' own Welsh wording.
    assert babel_date(demo.end, "long", locale="cy") in text
    assert "Rwy'n mwynhau gweithio yn yr ysgol hon." in text
    assert "Mae fy mhlentyn yn hapus yn yr ysgol hon." in text
    assert pdf_info(demo.cy)["Tagged"] == "yes"
    assert "I enjoy working at this school." not in text


# --- withheld groups, no data ----------------------------------------------------------------

TODAY = date(2027, 3, 1)
DISTINCTIVE = "The Zanzibar marmalade committee keeps us sane"


@pytest.fixture
def surveyed(world, monkeypatch):
    """Four schools in one staff survey: Small (3 responses, all strongly disagreeing, with a
    distinctive comment), Large (six comments on leaders and workload; Medium's six are
    withheld with Small's, so Large's can be shown), Medium (10: withheld with it, so Small cannot be worked out), and
    Large and Largest (12 and 14, shown)."""
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)
    p = world.partnership()
    small, medium = world.school(p, "Small Primary"), world.school(p, "Medium Primary")
    large, largest = world.school(p, "Large Primary"), world.school(p, "Largest Primary")
    staff_run(p, {small: 3, medium: 10, large: 12, largest: 14}, opens_on=date(2027, 1, 10),
              closes_on=date(2027, 1, 31), mood={small: "low"},
              comments={small: [DISTINCTIVE], medium: ["Staff meetings run to time."] * 6,
                        large: ["Leaders support staff workload really well here."] * 6})
    return SimpleNamespace(p=p, small=small, medium=medium, large=large, largest=largest)


def _pack(school, language="en") -> str:
    return pdf_text(render_pack(school, date(2026, 3, 2), TODAY, language))


def test_nothing_from_a_school_below_the_threshold_reaches_any_pack(surveyed):
    text = _pack(surveyed.small)
    assert "Withheld (fewer than 5 responses)" in text
    assert words_in_order("At a glance Staff survey: withheld (fewer than 5 responses)", text)
    assert "Zanzibar" not in text
    assert "My workload is manageable." not in text  # no question rows at all
    assert "0%" not in text and "(of 3)" not in text and "3 responses" not in text
    for school in (surveyed.large, surveyed.largest, surveyed.medium):
        assert "Zanzibar" not in _pack(school)


def test_a_school_withheld_to_protect_a_smaller_one_says_so_and_shows_nothing(surveyed):
    text = _pack(surveyed.medium)
    assert "Withheld to protect a smaller group" in text
    assert words_in_order("At a glance Staff survey: withheld to protect a smaller group", text)
    assert "fewer than 5" not in text.lower()  # it had more than 5: the page must not say otherwise
    assert "responses from this school" not in text
    assert "My workload is manageable." not in text


def test_a_shown_school_gets_its_figures_and_the_partnership_without_the_withheld_ones(surveyed):
    text = _pack(surveyed.large)
    assert "12 responses from this school" in text
    # The partnership counts every school's answers (Small's 3 disagreeing among them: 36 of 39 agree);
    # the complement withheld beside Small is what keeps Small's own figure from being worked out.
    assert "My workload is manageable. 100% (of 12) 92%" in text
    assert "Leaders support staff workload really well here." in text


def test_a_school_name_with_quotes_and_markup_is_printed_as_written(world, monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)
    name = 'A&B "Oak" \\ <i>x</i></style>'
    data = render_pack(world.school(world.partnership(), name), date(2026, 3, 2), TODAY, "en")
    assert pdf_text(data, 1).count(name) >= 2  # the title and the school line on the cover
    assert name in pdf_text(data, 2)  # the page footer (set in the stylesheet)


def test_a_school_with_no_data_gets_a_short_pack_that_says_so(world, monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)
    school = world.school(world.partnership(), "Quiet Primary")
    data = render_pack(school, date(2026, 3, 2), TODAY, "en")
    text = pdf_text(data)
    assert "There is no data for this school in this period yet" in text
    assert "Method and anonymity" in text
    assert "At a glance" not in text
    info = pdf_info(data)
    assert info["Tagged"] == "yes" and int(info["Pages"]) <= 2
