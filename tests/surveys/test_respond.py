"""Answering a survey without an account at /s/<code>: every state a code can be in, a full
submission, Welsh, the already-answered cookie, and that nothing links a code to its response."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text

from peerreview.extensions import db, limiter
from surveys import codes
from surveys.models import AccessCode, Answer, QuestionnaireTemplate, RunSchool, SurveyResponse, SurveyRun
from surveys.questionnaires import clone_version, install_builtin_templates
from tests.conftest import csrf_token

TODAY = date(2026, 11, 23)
SECRET = "test-secret-key-not-for-production"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: TODAY)


@pytest.fixture(autouse=True)
def _fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


class Survey:
    """A run of one built-in questionnaire at one school, with an open link and codes."""

    count = 0

    def __init__(self, world, key="parent_view", audience="parents", welsh=False,
                 opens_on=TODAY - timedelta(days=3), closes_on=TODAY + timedelta(days=10), threshold=5):
        Survey.count += 1
        self.partnership = world.partnership(f"Trust {Survey.count}")
        self.school = world.school(self.partnership, name="Lanthorn Primary School")
        install_builtin_templates(self.partnership)
        db.session.commit()
        self.template = db.session.scalar(select(QuestionnaireTemplate).where(
            QuestionnaireTemplate.partnership_id == self.partnership.id, QuestionnaireTemplate.key == key))
        self.open_code = codes.new_open_code()
        self.run = SurveyRun(partnership=self.partnership, version=self.template.current, title="Autumn survey",
                             audience=audience, opens_on=opens_on, closes_on=closes_on, threshold=threshold, welsh=welsh)
        self.run.schools.append(RunSchool(school=self.school, open_code=self.open_code))
        db.session.add(self.run)
        db.session.commit()
        self._serial = 0

    def single_use_code(self) -> str:
        self._serial += 1
        code = codes.single_use_code(SECRET, self.run.id, self.school.id, self._serial)
        db.session.add(AccessCode(run_id=self.run.id, school_id=self.school.id, serial=self._serial,
                                  code_hash=codes.hash_code(SECRET, code)))
        db.session.commit()
        return code

    def responses(self) -> list[SurveyResponse]:
        db.session.expire_all()
        return list(db.session.scalars(select(SurveyResponse).where(SurveyResponse.run_id == self.run.id)))


@pytest.fixture
def survey(world):
    return Survey(world)


def answers_for(client, url: str, **answers) -> dict:
    page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return {"csrf_token": csrf_token(page.get_data(as_text=True)), **answers}


def body(response) -> str:
    return response.get_data(as_text=True)


def is_checked(html: str, name: str, value: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return re.search(r"\schecked", tag) is not None
    return False


PARENT_ANSWERS = {"q_pv1": "strongly_agree", "q_pv2": "agree", "q_pv4": "not_bullied", "q_pv7": "yes",
                  "q_pv7a": "disagree", "q_pv14": "yes", "q_pv_comments": "  The teachers are kind.  "}


# --- what a code opens ------------------------------------------------------------------


def test_open_link_shows_the_questionnaire_grouped_by_section(client, survey):
    response = client.get(f"/s/{survey.open_code}")
    html = body(response)
    assert response.status_code == 200
    assert "Parent and carer survey" in html
    assert "My child is happy at this school." in html
    assert html.index("Your child at school") < html.index("Special educational needs") < html.index("In your own words")
    assert "We do not record your name, email, device or IP address" in html
    assert "groups of at least 5 people" in html
    assert 'name="csrf_token"' in html
    assert '<html lang="en-GB"' in html
    # Radios have a legend: the question is the name of the group.
    assert re.search(r'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">\s*My child is happy', html)
    # The follow-up question says when to answer it (for when scripts do not run).
    assert "Only answer this if you answered “Yes” to the question: Does your child have special educational needs" in html
    assert 'data-condition-field="q_pv7" data-condition-equals="yes"' in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


def test_single_use_code_opens_its_school_questionnaire(client, survey):
    code = survey.single_use_code()
    response = client.get(f"/s/{code}")
    assert response.status_code == 200
    assert "Parent and carer survey" in body(response)
    # Typed any way: lower case, spaces, without the dash.
    assert client.get(f"/s/{code.lower().replace('-', '')}").status_code == 200


@pytest.mark.parametrize("code", ["nothing-here", "ABCDE-23456", "zzzzzzzzzzzz", "x" * 300, "%00", "<script>"])
def test_unknown_or_forged_code_gets_one_not_valid_page(client, survey, code):
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    html = body(response)
    assert "This survey link or code is not valid. Check it and try again." in html
    assert "Lanthorn" not in html and "Parent and carer" not in html
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_code_for_a_school_that_left_the_run_is_not_valid(client, survey):
    code = survey.single_use_code()
    db.session.delete(survey.run.schools[0])
    db.session.commit()
    assert client.get(f"/s/{code}").status_code == 404


def test_used_code_gets_410(client, survey):
    code = survey.single_use_code()
    db.session.execute(text("UPDATE access_code SET used = :t"), {"t": True})
    db.session.commit()
    for response in (client.get(f"/s/{code}"), client.post(f"/s/{code}", data={})):
        assert response.status_code == 410
        assert "This code has already been used. Each code can be used once." in body(response)


def test_run_not_open_yet_gets_403_with_the_date(client, world):
    survey = Survey(world, opens_on=TODAY + timedelta(days=7), closes_on=TODAY + timedelta(days=20))
    response = client.get(f"/s/{survey.open_code}")
    assert response.status_code == 403
    assert "This survey opens on 30 November 2026" in body(response)
    assert "My child is happy" not in body(response)


def test_closed_run_gets_410_with_the_date(client, world):
    survey = Survey(world, opens_on=TODAY - timedelta(days=30), closes_on=TODAY - timedelta(days=1))
    for response in (client.get(f"/s/{survey.open_code}"), client.post(f"/s/{survey.open_code}", data={})):
        assert response.status_code == 410
        assert "This survey closed on 22 November 2026. Thank you for your interest." in body(response)
    assert survey.responses() == []


def test_the_run_is_open_on_its_first_and_last_day(client, world):
    first = Survey(world, opens_on=TODAY, closes_on=TODAY + timedelta(days=1))
    assert client.get(f"/s/{first.open_code}").status_code == 200
    last = Survey(world, opens_on=TODAY - timedelta(days=1), closes_on=TODAY)
    assert client.get(f"/s/{last.open_code}").status_code == 200


def test_open_link_switched_off_gets_410(client, survey):
    survey.run.schools[0].open_link_enabled = False
    db.session.commit()
    response = client.get(f"/s/{survey.open_code}")
    assert response.status_code == 410
    assert "This survey link has been switched off" in body(response)
    # Single-use codes for the same school still work.
    assert client.get(f"/s/{survey.single_use_code()}").status_code == 200


# --- typing a code from a slip ----------------------------------------------------------


def test_code_entry_page_redirects_to_the_normalised_code(client, survey):
    page = client.get("/s/")
    assert page.status_code == 200
    assert 'name="code"' in body(page)
    code = survey.single_use_code()
    typed = " " + code.lower().replace("-", " - ") + " "
    response = client.get("/s/", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{codes.normalise(code)}")
    assert client.get(response.headers["Location"]).status_code == 200


def test_code_entry_page_empty_and_wrong_codes(client, survey):
    empty = client.get("/s/", query_string={"code": "  "})
    assert empty.status_code == 400
    assert "Enter the code from your letter or slip" in body(empty)
    assert 'href="#code"' in body(empty)
    garbage = client.get("/s/", query_string={"code": "not a code!"})
    assert garbage.status_code == 404
    assert "This survey link or code is not valid" in body(garbage)
    wrong = client.get("/s/", query_string={"code": "ABCDE-23456"}, follow_redirects=True)
    assert wrong.status_code == 404
    assert "This survey link or code is not valid" in body(wrong)


# --- submitting -------------------------------------------------------------------------


def test_a_full_valid_submission_stores_only_run_version_school_language_and_day(client, survey):
    url = f"/s/{survey.open_code}"
    response = client.post(url, data=answers_for(client, url, **PARENT_ANSWERS))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/s/{survey.open_code}/thanks")

    [stored] = survey.responses()
    assert (stored.run_id, stored.version_id, stored.school_id, stored.language, stored.submitted_on) == (
        survey.run.id, survey.run.version_id, survey.school.id, "en", TODAY)
    values = {a.item.key: a.value for a in stored.answers}
    assert values == {"pv1": "strongly_agree", "pv2": "agree", "pv4": "not_bullied", "pv7": "yes",
                      "pv7a": "disagree", "pv14": "yes", "pv_comments": "The teachers are kind."}
    # The row has no other columns than these.
    columns = {c["name"] for c in inspect(db.engine).get_columns("survey_response")}
    assert columns == {"id", "run_id", "version_id", "school_id", "language", "submitted_on"}

    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in body(thanks)
    assert "Your answers have been sent." in body(thanks)
    assert "data-clear-draft" in body(thanks)


def test_send_follow_up_is_dropped_when_the_child_has_no_send(client, survey):
    url = f"/s/{survey.open_code}"
    client.post(url, data=answers_for(client, url, q_pv7="no", q_pv7a="strongly_disagree", q_pv1="agree"))
    [stored] = survey.responses()
    assert {a.item.key: a.value for a in stored.answers} == {"pv7": "no", "pv1": "agree"}


def test_an_answer_to_a_question_of_another_version_is_ignored(client, survey):
    # A newer version of the same template with an extra question the run does not ask.
    newer = clone_version(survey.template.current)
    newer.sections[0].items[0].key = "pv_new"
    db.session.commit()
    url = f"/s/{survey.open_code}"
    response = client.post(url, data=answers_for(client, url, q_pv1="agree", q_pv_new="agree", q_made_up="x"))
    assert response.status_code == 303
    [stored] = survey.responses()
    assert stored.version_id == survey.run.version_id
    assert {a.item.key for a in stored.answers} == {"pv1"}
    assert all(a.item.section.version_id == survey.run.version_id for a in stored.answers)


def test_an_out_of_range_answer_is_refused_with_the_answers_kept(client, survey):
    url = f"/s/{survey.open_code}"
    response = client.post(url, data=answers_for(client, url, q_pv1="very_much", q_pv2="agree",
                                                 q_pv_comments="Kept answer"))
    assert response.status_code == 400
    html = body(response)
    assert "There is a problem" in html
    assert 'href="#q_pv1"' in html
    assert is_checked(html, "q_pv2", "agree")
    assert "Kept answer" in html
    assert survey.responses() == []


def test_a_huge_text_answer_is_refused_with_the_answers_kept(client, survey):
    url = f"/s/{survey.open_code}"
    response = client.post(url, data=answers_for(client, url, q_pv1="agree", q_pv_comments="Long. " * 2000))
    assert response.status_code == 400
    html = body(response)
    assert "Keep your answer to 3000 characters or fewer" in html
    assert 'href="#q_pv_comments"' in html
    assert "Long. Long." in html
    assert survey.responses() == []


def test_a_body_over_the_size_limit_gets_413(app, client, survey):
    url = f"/s/{survey.open_code}"
    data = answers_for(client, url, q_pv1="agree")
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    try:
        response = client.post(url, data={**data, "q_pv_comments": "x" * 20_000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert response.status_code == 413
    assert "too long to send" in body(response)
    assert survey.responses() == []


def test_a_required_question_left_out_is_refused(client, survey):
    item = survey.run.version.items[0]
    item.required = True
    db.session.commit()
    url = f"/s/{survey.open_code}"
    response = client.post(url, data=answers_for(client, url, q_pv2="agree"))
    assert response.status_code == 400
    assert "Answer this question" in body(response)
    assert 'data-required-message="Answer this question"' in body(response)
    assert survey.responses() == []


def test_post_without_a_csrf_token_is_refused_with_the_answers_kept(client, survey):
    response = client.post(f"/s/{survey.open_code}", data={"q_pv1": "agree", "q_pv_comments": "Still here"})
    assert response.status_code == 400
    assert "Still here" in body(response)
    assert 'name="csrf_token"' in body(response)
    assert survey.responses() == []


def test_single_use_code_is_marked_used_and_a_second_use_gets_410(client, survey):
    code = survey.single_use_code()
    url = f"/s/{code}"
    data = answers_for(client, url, q_pv1="agree")
    assert client.post(url, data=data).status_code == 303
    assert db.session.scalar(select(AccessCode.used)) is True
    # The thank-you page still shows after the code is used.
    assert client.get(f"{url}/thanks").status_code == 200
    again = client.post(url, data=data)
    assert again.status_code == 410
    assert "This code has already been used" in body(again)
    assert client.get(url).status_code == 410
    assert len(survey.responses()) == 1
    # A single-use code sets no already-answered cookie.
    assert client.get_cookie(f"answered_{survey.run.id}", path="/s/") is None


def test_a_code_used_between_loading_and_sending_gets_410(client, survey):
    code = survey.single_use_code()
    url = f"/s/{code}"
    data = answers_for(client, url, q_pv1="agree")
    db.session.execute(text("UPDATE access_code SET used = :t"), {"t": True})
    db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 410
    assert survey.responses() == []


def test_code_used_in_a_race_inside_save_gets_410(client, survey, monkeypatch):
    from surveys import respond_queries
    code = survey.single_use_code()
    url = f"/s/{code}"
    data = answers_for(client, url, q_pv1="agree")
    real_problem = respond_queries.problem

    def stale(access, today):
        # The page checked the code before another request used it.
        db.session.execute(text("UPDATE access_code SET used = :t"), {"t": True})
        db.session.commit()
        return None

    monkeypatch.setattr(respond_queries, "problem", stale)
    response = client.post(url, data=data)
    monkeypatch.setattr(respond_queries, "problem", real_problem)
    assert response.status_code == 410
    assert "This code has already been used" in body(response)
    assert survey.responses() == []


def test_open_link_sets_an_already_answered_cookie_and_refuses_a_second_go(client, survey):
    url = f"/s/{survey.open_code}"
    data = answers_for(client, url, q_pv1="agree")
    response = client.post(url, data=data)
    assert response.status_code == 303
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"answered_{survey.run.id}="))
    assert header.startswith(f"answered_{survey.run.id}=1;")
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/s/" in header
    max_age = int(re.search(r"Max-Age=(\d+)", header).group(1))
    assert max_age == 11 * 24 * 3600  # until the end of the run's last day
    # The thank-you page is still there; the questionnaire is not.
    assert client.get(f"{url}/thanks").status_code == 200
    for again in (client.get(url), client.post(url, data=data)):
        assert again.status_code == 409
        html = body(again)
        assert "You have already answered this survey on this device. Thank you." in html
        assert "<form" not in html
    assert len(survey.responses()) == 1
    # Another browser (no cookie) can still answer.
    other = client.application.test_client()
    assert other.post(url, data=answers_for(other, url, q_pv1="agree")).status_code == 303
    assert len(survey.responses()) == 2


def test_open_link_posts_are_rate_limited(app, client, survey):
    app.config["OPEN_LINK_RATE_LIMIT"] = "2 per minute"
    try:
        url = f"/s/{survey.open_code}"
        data = answers_for(client, url, q_pv1="agree", q_pv_comments="Kept when limited")
        statuses = []
        for _ in range(3):
            other = app.test_client()  # a new device each time, behind the same address
            response = other.post(url, data={**data, "csrf_token": answers_for(other, url)["csrf_token"]})
            statuses.append(response.status_code)
        assert statuses == [303, 303, 429]
        html = body(response)
        assert "Wait a minute, then send them again" in html
        assert "Kept when limited" in html
    finally:
        app.config["OPEN_LINK_RATE_LIMIT"] = "60 per minute"
    assert len(survey.responses()) == 2


# --- Welsh ------------------------------------------------------------------------------


def test_welsh_run_in_welsh_shows_welsh_item_texts(client, world):
    survey = Survey(world, welsh=True)
    url = f"/s/{survey.open_code}"
    client.set_cookie("lang", "cy")
    html = body(client.get(url))
    assert '<html lang="cy"' in html
    assert "Arolwg rhieni a gofalwyr" in html
    assert "Mae fy mhlentyn yn hapus yn yr ysgol hon." in html
    assert "Eich plentyn yn yr ysgol" in html
    assert "Nid yw fy mhlentyn wedi cael ei fwlio" in html
    assert "My child is happy" not in html
    # The switch back to English.
    assert re.search(r'href="/language/en_GB\?next=/s/' + survey.open_code + '"[^>]*lang="en-GB"', html)

    data = answers_for(client, url, q_pv1="agree")
    client.post(url, data=data)
    [stored] = survey.responses()
    assert stored.language == "cy"
    thanks = body(client.get(f"{url}/thanks"))
    assert '<html lang="cy"' in thanks


def test_welsh_by_lang_parameter(client, world):
    survey = Survey(world, welsh=True)
    html = body(client.get(f"/s/{survey.open_code}?lang=cy"))
    assert '<html lang="cy"' in html and "Mae fy mhlentyn yn hapus" in html
    assert f'action="/s/{survey.open_code}?lang=cy"' in html
    english = body(client.get(f"/s/{survey.open_code}"))
    assert '<html lang="en-GB"' in english and "My child is happy" in english
    assert "Cymraeg" in english  # the switch to Welsh


def test_run_without_welsh_is_english_even_when_the_cookie_says_welsh(client, survey):
    client.set_cookie("lang", "cy")
    html = body(client.get(f"/s/{survey.open_code}?lang=cy"))
    assert '<html lang="en-GB"' in html
    assert "My child is happy at this school." in html
    assert "Mae fy mhlentyn" not in html
    assert "Cymraeg" not in html  # no switch offered
    url = f"/s/{survey.open_code}"
    client.post(url, data=answers_for(client, url, q_pv1="agree"))
    assert survey.responses()[0].language == "en"


def test_closed_welsh_run_says_so_in_welsh(client, world):
    survey = Survey(world, welsh=True, opens_on=TODAY - timedelta(days=30), closes_on=TODAY - timedelta(days=1))
    client.set_cookie("lang", "cy")
    response = client.get(f"/s/{survey.open_code}")
    assert response.status_code == 410
    assert '<html lang="cy"' in body(response)
    assert "Tachwedd" in body(response)  # the date in Welsh


# --- other question types ---------------------------------------------------------------


def test_staff_and_pupil_questionnaires_render_and_save(client, world):
    staff = Survey(world, key="staff_wellbeing", audience="staff")
    url = f"/s/{staff.open_code}"
    html = body(client.get(url))
    assert "govuk-radios--inline app-rating" in html
    response = client.post(url, data=answers_for(client, url, q_st_wellbeing_rating="7", q_st_enjoy="agree"))
    assert response.status_code == 303
    assert {a.item.key: a.value for a in staff.responses()[0].answers} == {"st_wellbeing_rating": 7, "st_enjoy": "agree"}

    bad = client.application.test_client()
    response = bad.post(url, data=answers_for(bad, url, q_st_wellbeing_rating="11"))
    assert response.status_code == 400

    pupils = Survey(world, key="pupil_voice", audience="pupils")
    url = f"/s/{pupils.open_code}"
    html = body(client.get(url))
    assert html.count('class="app-face__svg"') == 3 * 4
    assert re.search(r'<label class="app-face__label" for="q_pu_happy">\s*<svg[^>]*aria-hidden="true"', html)
    assert '<span class="app-face__word">Happy</span>' in html
    response = client.post(url, data=answers_for(client, url, q_pu_happy="happy", q_pu_safe="ok"))
    assert response.status_code == 303
    assert {a.item.key: a.value for a in pupils.responses()[0].answers} == {"pu_happy": "happy", "pu_safe": "ok"}


# --- anonymity --------------------------------------------------------------------------


def test_nothing_in_the_database_links_a_code_to_its_response(client, survey):
    used_code = survey.single_use_code()
    survey.single_use_code()  # an unused one beside it
    url = f"/s/{used_code}"
    client.post(url, data=answers_for(client, url, q_pv1="agree", q_pv_comments="Fine"))
    [stored] = survey.responses()

    db.session.expire_all()
    code_columns = {c["name"] for c in inspect(db.engine).get_columns("access_code")}
    assert code_columns == {"id", "run_id", "school_id", "serial", "code_hash", "used"}
    response_columns = {c["name"] for c in inspect(db.engine).get_columns("survey_response")}
    assert response_columns == {"id", "run_id", "version_id", "school_id", "language", "submitted_on"}
    answer_columns = {c["name"] for c in inspect(db.engine).get_columns("answer")}
    assert answer_columns == {"id", "response_id", "item_id", "value"}
    # No foreign key between them, either way.
    for table, other in (("access_code", "survey_response"), ("survey_response", "access_code"), ("answer", "access_code")):
        assert all(fk["referred_table"] != other for fk in inspect(db.engine).get_foreign_keys(table))

    # No value of any column of the response or its answers holds the code, its hash, or
    # anything of the code row but the run and school they share.
    code_row = db.session.execute(text("SELECT * FROM access_code WHERE used = :t"), {"t": True}).mappings().one()
    response_row = db.session.execute(text("SELECT * FROM survey_response")).mappings().one()
    answer_rows = db.session.execute(text("SELECT * FROM answer")).mappings().all()
    secrets_ = {used_code, codes.normalise(used_code), code_row["code_hash"]}
    everything = [str(v) for v in response_row.values()] + [str(v) for row in answer_rows for v in row.values()]
    for value in everything:
        for secret in secrets_:
            assert secret not in value
    assert response_row["submitted_on"] in (TODAY, TODAY.isoformat())
    # Nothing else in the database mentions the code either.
    assert stored.answers and all(a.value in ("agree", "Fine") for a in stored.answers)


def test_nothing_about_the_respondent_is_kept(client, survey, caplog):
    url = f"/s/{survey.open_code}"
    data = answers_for(client, url, q_pv1="agree")
    with caplog.at_level("DEBUG"):
        client.post(url, data=data, headers={"User-Agent": "SecretBrowser/1.0", "Referer": "https://mail.example/x"},
                    environ_base={"REMOTE_ADDR": "203.0.113.77"})
    assert survey.open_code not in caplog.text
    assert "203.0.113.77" not in caplog.text
    row = db.session.execute(text("SELECT * FROM survey_response")).mappings().one()
    assert not any(str(v) in ("203.0.113.77", "SecretBrowser/1.0") for v in row.values())


def test_the_code_entry_page_follows_lang_cy_on_a_first_visit(client):
    page = client.get("/s/?lang=cy").get_data(as_text=True)
    assert 'lang="cy"' in page
