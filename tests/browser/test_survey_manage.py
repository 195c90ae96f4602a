"""Running surveys, in a real browser on a tablet (810x1080, touch): an admin creates a staff
survey and hands out its link and codes, an admin edits a questionnaire in the builder, a
head reads their school's results, and an admin reads the whole run's with small schools
withheld. axe-core checks every page visited."""
from __future__ import annotations

import csv
import io
import re
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from peerreview.core import clock
from peerreview.core.directory.models import Partnership
from peerreview.extensions import db
from surveys.models import AccessCode, Answer, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun
from surveys.questionnaires import install_builtin_templates
from tests.browser.conftest import TABLET, TIMEOUT_MS, check_page, main_menu, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser

ADMIN = "ada.admin@northstar.org.uk"
HEAD = "hal.head@lanthorn.sch.uk"
HEADS_SCHOOL = "Lanthorn Primary School"
MIDDLE_SCHOOL = "Beacon Hill Academy"  # 6 responses: withheld so the small school cannot be worked out
SMALL_SCHOOL = "Castle Mead Infant School"  # 2 responses: below the threshold of 5
OTHER_SCHOOL = "Deanery CofE Primary School"
RUN_TITLE = "Staff survey, spring"
SMALL_SCHOOL_COMMENT = "Only two of us work here and the car park is a mess"
HEADS_SCHOOL_COMMENT = "More time for planning together"
MIDDLE_SCHOOL_COMMENT = "A staff room with enough chairs"


# --- helpers ------------------------------------------------------------------------------


def seed_partnership(app):
    """North Star Trust: four schools (two in a cluster), an admin, and the head of one school."""
    with app.app_context():
        w = World()
        trust = w.partnership("North Star Trust")
        schools = {name: w.school(trust, name=name)
                   for name in (HEADS_SCHOOL, MIDDLE_SCHOOL, SMALL_SCHOOL, OTHER_SCHOOL)}
        w.cluster(trust, "West cluster", [schools[HEADS_SCHOOL], schools[MIDDLE_SCHOOL]])
        w.person(ADMIN, ("admin", trust), name="Ada Admin")
        w.person(HEAD, ("head", schools[HEADS_SCHOOL]), name="Hal Head")
        return trust.id, {name: s.id for name, s in schools.items()}


def seed_results(app):
    """A staff survey that ran last month in three schools: 8 responses at the head's school,
    6 at another and 2 at a third (threshold 5). Returns the run's id and the schools' ids."""
    trust_id, school_ids = seed_partnership(app)
    with app.app_context():
        trust_schools = [school_ids[n] for n in (HEADS_SCHOOL, MIDDLE_SCHOOL, SMALL_SCHOOL)]
        trust = db.session.get(Partnership, trust_id)
        install_builtin_templates(trust)
        db.session.commit()
        template = db.session.scalar(select(QuestionnaireTemplate).where(
            QuestionnaireTemplate.partnership_id == trust_id, QuestionnaireTemplate.key == "staff_wellbeing"))
        today = clock.today()
        run = SurveyRun(partnership_id=trust_id, version_id=template.current.id, title=RUN_TITLE,
                        audience="staff", opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=10))
        for school_id in trust_schools:
            run.schools.append(RunSchool(school_id=school_id, open_code=secrets.token_hex(8)))
        db.session.add(run)
        db.session.commit()

        # The head's school: 6 of 8 find their workload manageable (75%), all enjoy it.
        add_responses(run, school_ids[HEADS_SCHOOL], 8, lambda i: {
            "st_workload_manageable": "agree" if i < 6 else "disagree",
            "st_enjoy": "strongly_agree" if i < 4 else "agree",
            "st_wellbeing_rating": 7 if i < 5 else 4,
            "st_change": HEADS_SCHOOL_COMMENT if i == 0 else (f"Fewer meetings, please ({i})" if i < 6 else None),
        })
        # 5 of 6 agree: the partnership is then 5 + 6 = 11 of 16 (69%).
        add_responses(run, school_ids[MIDDLE_SCHOOL], 6, lambda i: {
            "st_workload_manageable": "agree" if i < 5 else "disagree",
            "st_enjoy": "agree", "st_wellbeing_rating": 8, "st_change": MIDDLE_SCHOOL_COMMENT,
        })
        add_responses(run, school_ids[SMALL_SCHOOL], 2, lambda i: {
            "st_workload_manageable": "strongly_disagree", "st_enjoy": "strongly_disagree",
            "st_wellbeing_rating": 1, "st_change": SMALL_SCHOOL_COMMENT,
        })
        return run.id, school_ids


def add_responses(run, school_id: int, n: int, answers) -> None:
    items = {item.key: item for item in run.version.items}
    for i in range(n):
        response = SurveyResponse(run_id=run.id, version_id=run.version_id, school_id=school_id,
                                  language="en", submitted_on=run.opens_on + timedelta(days=1))
        for key, value in answers(i).items():
            if value is not None:
                response.answers.append(Answer(item_id=items[key].id, value=value))
        db.session.add(response)
    db.session.commit()


def fill_date(page, legend: str, day) -> None:
    """A GOV.UK date input: Day, Month and Year boxes in a fieldset named by its legend."""
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def question(page, text: str):
    """A question's group of answers on a survey page, found by its wording."""
    return page.get_by_role("group", name=text, exact=True)


def no_sideways_scroll(page) -> None:
    """On a tablet the page itself never scrolls sideways (a wide table may, in its own box)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px on a {TABLET['width']}px-wide tablet"


def download_text(page, trigger) -> tuple[str, str]:
    """Tap what starts a download; return the file's suggested name and its text (BOM removed)."""
    with page.expect_download() as info:
        trigger.tap()
    download = info.value
    assert download.failure() is None, download.failure()
    return download.suggested_filename, Path(download.path()).read_bytes().decode("utf-8-sig")


def new_tablet(browser, live_server):
    """Another person's browser: a fresh tablet context, not signed in."""
    context = browser.new_context(base_url=live_server, viewport=TABLET, has_touch=True, locale="en-GB",
                                  bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.document_responses = []

    def on_response(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.document_responses.append((response.url, response.status))

    page.on("response", on_response)
    return context, page


# --- an admin runs a staff survey ---------------------------------------------------------


def test_an_admin_creates_a_staff_survey_hands_out_link_and_codes_and_staff_answer(
        app, page, check, browser, live_server):
    _, school_ids = seed_partnership(app)
    with app.app_context():
        today = clock.today()
    closes = today + timedelta(days=14)

    sign_in(page, check, ADMIN)
    main_menu(page).get_by_role("link", name="Surveys", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/surveys$"))
    check()
    expect(page.get_by_text("There are no surveys yet.")).to_be_visible()

    page.get_by_role("link", name="Create a survey").tap()
    expect(page).to_have_url(re.compile(r"/manage/surveys/new$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a survey")
    page.get_by_label("Survey title").fill("Staff wellbeing, autumn")
    page.get_by_role("group", name="Questionnaire", exact=True) \
        .get_by_role("radio", name=re.compile(r"^Staff wellbeing and workload survey")).check()
    schools = page.get_by_role("group", name="Schools", exact=True)
    schools.get_by_role("checkbox", name=HEADS_SCHOOL).check()
    schools.get_by_role("checkbox", name=SMALL_SCHOOL).check()
    expect(schools.get_by_role("checkbox", name=OTHER_SCHOOL)).not_to_be_checked()
    fill_date(page, "Opens on", today)
    fill_date(page, "Closes on", closes)
    expect(page.get_by_label("Anonymity threshold")).to_have_value("5")
    check()
    page.get_by_role("button", name="Create survey").tap()

    # The run page: open today, both schools listed with their open links.
    expect(page).to_have_url(re.compile(r"/manage/surveys/\d+$"))
    check()
    run_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Staff wellbeing, autumn")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Open")
    expect(page.get_by_text("Survey “Staff wellbeing, autumn” created.", exact=False)).to_be_visible()
    expect(page.get_by_text("Staff wellbeing and workload survey, version 1")).to_be_visible()
    expect(page.get_by_text("Results for fewer than 5 respondents are withheld")).to_be_visible()
    school_table = page.get_by_role("table", name="Schools taking part")
    expect(school_table.get_by_role("row")).to_have_count(3)  # a header and two schools
    expect(school_table.get_by_text(OTHER_SCHOOL)).to_have_count(0)
    no_sideways_scroll(page)

    # A school's links and codes.
    school_table.get_by_role("link", name=re.compile("^" + re.escape(HEADS_SCHOOL))).tap()
    expect(page).to_have_url(re.compile(rf"/manage/surveys/{run_id}/schools/{school_ids[HEADS_SCHOOL]}$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADS_SCHOOL)
    expect(page.get_by_role("heading", name=re.compile(r"^Open link"))).to_be_visible()
    open_url = page.locator("#open-url").inner_text().strip()
    assert re.fullmatch(re.escape(live_server) + r"/s/[A-Za-z0-9]+", open_url), open_url
    expect(page.get_by_text("No codes created yet.")).to_be_visible()
    no_sideways_scroll(page)

    page.get_by_label("How many codes?").fill("20")
    page.get_by_role("button", name="Create codes").tap()
    expect(page).to_have_url(re.compile(r"\?first=1&last=20#codes$"))
    check()
    expect(page.get_by_text("Codes 1 to 20 created.", exact=False)).to_be_visible()
    expect(page.get_by_text("20 codes created so far")).to_be_visible()
    expect(page.get_by_label("From number")).to_have_value("1")
    expect(page.get_by_label("To number")).to_have_value("20")

    # The printable slips: 20 slips, 10 to an A4 page, each with the address and a code.
    page.get_by_role("button", name="Print slips").tap()
    expect(page).to_have_url(re.compile(r"/codes/slips\?"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Code slips for {HEADS_SCHOOL}")
    slips = page.locator(".slip")
    expect(slips).to_have_count(20)
    expect(page.get_by_role("region", name=re.compile(r"^Page \d"))).to_have_count(2)
    first_slip = slips.first
    expect(first_slip).to_contain_text(HEADS_SCHOOL)
    expect(first_slip.locator(".slip__url")).to_contain_text("/s/")
    first_code = first_slip.locator(".slip__code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,}(-[A-Z0-9]+)*", first_code), first_code
    slip_codes = [c.strip() for c in page.locator(".slip__code").all_inner_texts()]
    assert len(set(slip_codes)) == 20
    page.get_by_role("link", name="Back to links and codes").tap()
    expect(page).to_have_url(re.compile(rf"/schools/{school_ids[HEADS_SCHOOL]}$"))
    check()

    # The same codes for a mail merge: a header and 20 rows.
    name, text = download_text(page, page.get_by_role("button", name="Download for a mail merge (CSV)"))
    assert name.endswith("-codes-1-20.csv"), name
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["serial", "code", "url", "used"]
    assert len(rows) == 21
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 21)]
    assert [r[1] for r in rows[1:]] == slip_codes
    assert all(r[2] == f"{live_server}/s/{r[1]}" for r in rows[1:])
    assert all(r[3] == "" for r in rows[1:])

    # A member of staff follows the open link on their own tablet, not signed in.
    context, staff = new_tablet(browser, live_server)
    try:
        staff.goto(open_url)
        check_page(staff)
        expect(staff.get_by_role("heading", level=1)).to_have_text("Staff wellbeing and workload survey")
        expect(staff.get_by_role("button", name="Sign out")).to_have_count(0)
        progress = staff.locator("[data-progress-text]")
        expect(progress).to_have_text("Section 1 of 5")
        question(staff, "My workload is manageable.").get_by_role("radio", name="Agree", exact=True).check()
        staff.get_by_role("button", name="Continue").tap()
        expect(progress).to_have_text("Section 2 of 5")
        question(staff, "I enjoy working at this school.").get_by_role("radio", name="Strongly agree").check()
        check_page(staff)
        for number in (3, 4, 5):
            staff.get_by_role("button", name="Continue").tap()
            expect(progress).to_have_text(f"Section {number} of 5")
        staff.get_by_role("button", name="Send my answers").tap()
        expect(staff).to_have_url(re.compile(r"/thanks$"))
        check_page(staff)
        expect(staff.get_by_role("heading", level=1)).to_have_text("Thank you")
    finally:
        context.close()

    with app.app_context():
        responses = db.session.scalars(select(SurveyResponse).where(SurveyResponse.run_id == run_id)).all()
        assert [(r.school_id, {a.item.key: a.value for a in r.answers}) for r in responses] == [
            (school_ids[HEADS_SCHOOL], {"st_workload_manageable": "agree", "st_enjoy": "strongly_agree"})]
        assert db.session.scalar(select(func.count(AccessCode.id)).where(AccessCode.run_id == run_id)) == 20

    # Back on the admin's page: the answer is counted.
    page.reload()
    check()
    expect(page.get_by_text("1 response so far.")).to_be_visible()


# --- an admin edits a questionnaire -------------------------------------------------------


NEW_QUESTION = "How does your child usually get to school?"


def test_an_admin_adds_moves_and_removes_a_question_in_the_builder(app, page, check):
    seed_partnership(app)

    sign_in(page, check, ADMIN)
    main_menu(page).get_by_role("link", name="Questionnaires", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/questionnaires$"))
    check()
    page.get_by_role("main").get_by_role("link", name="Parent and carer survey").tap()
    expect(page).to_have_url(re.compile(r"/manage/questionnaires/\d+$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parent and carer survey")
    no_sideways_scroll(page)
    section = page.get_by_role("region", name=re.compile(r"Your child at school"))
    expect(section.locator(".app-builder__item")).to_have_count(6)

    # Add a question to section 1: one choice from a list of three.
    section.get_by_role("link", name="Add a question to section 1").tap()
    expect(page).to_have_url(re.compile(r"/sections/1/questions/new$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("What kind of question?")
    page.get_by_role("radio", name="One choice from a list").check()
    page.get_by_role("button", name="Continue").tap()
    expect(page).to_have_url(re.compile(r"/sections/1/questions/new\?kind=single$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
    page.get_by_label("Question in English").fill(NEW_QUESTION)
    page.get_by_label("Choices").fill("Walk\nCar\nBus")
    check()
    page.get_by_role("button", name="Add question").tap()

    expect(page).to_have_url(re.compile(r"/manage/questionnaires/\d+#item-"))
    check()
    expect(page.get_by_text("Question added.")).to_be_visible()
    builder_url = page.url.split("#")[0]
    new_item = page.locator(".app-builder__item", has_text=NEW_QUESTION)
    expect(new_item).to_have_count(1)
    expect(new_item).to_contain_text("Question 7")
    expect(new_item).to_contain_text("One choice from a list")
    expect(new_item.get_by_role("listitem")).to_have_text(["Walk", "Car", "Bus"])
    expect(section.locator(".app-builder__item")).to_have_count(7)
    expect(section.locator(".app-builder__item").last).to_contain_text(NEW_QUESTION)

    # Move it up one place.
    new_item.get_by_role("button", name="Move up question 7").tap()
    expect(page.get_by_text("Question moved.")).to_be_visible()
    check()
    items = section.locator(".app-builder__item")
    expect(items.nth(5)).to_contain_text(NEW_QUESTION)
    expect(items.nth(5)).to_contain_text("Question 6")
    expect(items.nth(6)).to_contain_text("When I have raised concerns with the school")

    # Remove it: a page asks first.
    page.locator(".app-builder__item", has_text=NEW_QUESTION).get_by_role("button", name="Remove question 6").tap()
    expect(page).to_have_url(re.compile(r"/questions/[^/]+/remove$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove this question?")
    expect(page.get_by_role("main")).to_contain_text(NEW_QUESTION)
    page.get_by_role("button", name="Remove question").tap()
    expect(page).to_have_url(builder_url)
    check()
    expect(page.get_by_text("Question removed.")).to_be_visible()
    expect(page.get_by_text(NEW_QUESTION)).to_have_count(0)
    expect(section.locator(".app-builder__item")).to_have_count(6)
    # Nothing answered it, so no new version was needed.
    expect(page.get_by_text("questionnaire, version 1")).to_be_visible()


# --- results ------------------------------------------------------------------------------


def test_a_head_reads_their_schools_results_beside_the_partnerships(app, page, check):
    run_id, school_ids = seed_results(app)

    sign_in(page, check, HEAD)
    page.get_by_role("link", name="Surveys: links, codes and results").tap()
    expect(page).to_have_url(re.compile(rf"/manage/surveys/schools/{school_ids[HEADS_SCHOOL]}$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_have_text("Surveys")
    row = page.get_by_role("row", name=re.compile(re.escape(RUN_TITLE)))
    expect(row).to_contain_text("Closed")
    row.get_by_role("link", name=f"Results for {RUN_TITLE}").tap()

    expect(page).to_have_url(re.compile(rf"/manage/surveys/{run_id}/results/schools/{school_ids[HEADS_SCHOOL]}$"))
    check()
    no_sideways_scroll(page)
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results: {RUN_TITLE}")
    expect(main).to_contain_text(HEADS_SCHOOL)
    expect(main.get_by_text("Responses from this school").locator("xpath=..")).to_contain_text("8 responses")
    expect(main.get_by_text("Responses across the partnership").locator("xpath=..")).to_contain_text("16 responses")

    # Question 2 (My workload is manageable): the school's figure and the partnership's.
    workload = page.get_by_role("region", name="2. My workload is manageable.")
    expect(workload).to_contain_text("This school: 75% agree or strongly agree (of 8 with a view)")
    expect(workload).to_contain_text("Partnership: 69% agree or strongly agree (of 16 with a view)")
    chart = workload.get_by_role("img", name=re.compile(r"^Answers to question 2\b"))
    expect(chart).to_be_visible()
    assert chart.evaluate("el => el.tagName.toLowerCase()") == "svg"
    table = workload.get_by_role("table", name="Answers to question 2")
    expect(table).to_have_count(1)
    expect(table.get_by_role("columnheader")).to_have_text([
        "Answer", re.compile(r"^This school"), re.compile(r"^Partnership")])
    expect(table.get_by_role("row", name=re.compile(r"^Agree\b"))).to_contain_text("6 (75%)")
    expect(page.locator("svg[role=img]").first).to_be_visible()

    # The head's own school's comment; never the small school, nor the school withheld with it.
    expect(main).to_contain_text(HEADS_SCHOOL_COMMENT)
    for comment in (SMALL_SCHOOL_COMMENT, MIDDLE_SCHOOL_COMMENT):
        expect(main).not_to_contain_text(comment)
    for other in (SMALL_SCHOOL, MIDDLE_SCHOOL):
        expect(main).not_to_contain_text(other)

    # Another school's results are not the head's to read.
    page.goto(f"/manage/surveys/{run_id}/results/schools/{school_ids[SMALL_SCHOOL]}")
    assert page.document_responses[-1][1] in (403, 404)
    page.goto(f"/manage/surveys/{run_id}/results")
    assert page.document_responses[-1][1] in (403, 404)


def test_an_admin_sees_small_schools_withheld_and_downloads_the_figures(app, page, check):
    run_id, school_ids = seed_results(app)

    sign_in(page, check, ADMIN)
    main_menu(page).get_by_role("link", name="Surveys", exact=True).tap()
    expect(page).to_have_url(re.compile(r"/manage/surveys$"))
    check()
    page.get_by_role("main").get_by_role("link", name=RUN_TITLE).tap()
    expect(page).to_have_url(re.compile(rf"/manage/surveys/{run_id}$"))
    check()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    page.get_by_role("link", name="See results").tap()

    expect(page).to_have_url(re.compile(rf"/manage/surveys/{run_id}/results$"))
    check()
    no_sideways_scroll(page)
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Results: {RUN_TITLE}")
    expect(main).to_contain_text("16 responses across the partnership")
    expect(main).to_contain_text("1 of 3 schools")

    compared = page.get_by_role("table", name="Share of positive answers by school and question")
    small = compared.get_by_role("row", name=re.compile("^" + re.escape(SMALL_SCHOOL)))
    expect(small).to_contain_text("Fewer than 5 responses")
    expect(small.get_by_role("cell")).to_have_count(1)  # one withheld cell: no figure for any question
    middle = compared.get_by_role("row", name=re.compile("^" + re.escape(MIDDLE_SCHOOL)))
    expect(middle).to_contain_text("Hidden to protect a small group")
    expect(middle.get_by_role("cell")).to_have_count(1)
    heads = compared.get_by_role("row", name=re.compile("^" + re.escape(HEADS_SCHOOL)))
    expect(heads.get_by_role("cell").first).to_have_text("8")
    expect(heads).to_contain_text("75%")
    partnership = compared.get_by_role("row", name=re.compile(r"^Partnership"))
    expect(partnership.get_by_role("cell").first).to_have_text("16")

    # Partnership results question by question, with a chart and a table; comments only from
    # the schools shown.
    workload = page.get_by_role("region", name="2. My workload is manageable.")
    expect(workload).to_contain_text("Partnership: 69% agree or strongly agree (of 16 with a view)")
    expect(workload.get_by_role("img", name=re.compile(r"^Answers to question 2\b"))).to_be_visible()
    expect(workload.get_by_role("table", name="Answers to question 2")).to_have_count(1)
    expect(main).to_contain_text(HEADS_SCHOOL_COMMENT)
    for comment in (SMALL_SCHOOL_COMMENT, MIDDLE_SCHOOL_COMMENT):
        expect(main).not_to_contain_text(comment)

    # The aggregates: the small school (and the one withheld with it) named, but with no figures.
    csv_link = main.get_by_role("link", name="Figures for every school and the partnership (CSV)")
    name, text = download_text(page, csv_link)
    assert name == f"survey-{run_id}-aggregates.csv"
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows, "the CSV has rows"
    by_group = {}
    for r in rows:
        by_group.setdefault(r["school_name"] if r["group"] == "school" else "partnership", []).append(r)
    assert set(by_group) == {"partnership", HEADS_SCHOOL, MIDDLE_SCHOOL, SMALL_SCHOOL}
    for withheld in (SMALL_SCHOOL, MIDDLE_SCHOOL):
        for r in by_group[withheld]:
            assert (r["responses"], r["count"], r["share"], r["withheld"]) == ("", "", "", "yes"), r
    heads = [r for r in by_group[HEADS_SCHOOL] if r["question_key"] == "st_workload_manageable"]
    assert {r["option_key"]: r["count"] for r in heads}["agree"] == "6"
    assert all(r["responses"] == "8" and r["withheld"] != "yes" for r in heads)
    whole = [r for r in by_group["partnership"] if r["question_key"] == "st_workload_manageable"]
    assert {r["option_key"]: r["count"] for r in whole}["agree"] == "11"
    assert SMALL_SCHOOL_COMMENT not in text
