"""The questionnaire builder's pages: the list (with the built-in copies installed once), the
builder page, every change and its bad input, and who may see them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from peerreview.core import clock
from peerreview.extensions import db
from surveys.models import Item, QuestionnaireTemplate, SurveyResponse, SurveyRun, TemplateVersion
from surveys.questionnaires import install_builtin_templates
from surveys.builtin import BUILTIN_TEMPLATES
from tests.conftest import get_token, sign_in

TODAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def setup(world):
    p = world.partnership("North Star Trust")
    school = world.school(p, name="Alpha Primary")
    other = world.partnership("Other Trust")
    world.person("admin@northstar.org.uk", ("admin", p))
    world.person("head@alpha.sch.uk", ("head", school))
    world.person("reviewer@alpha.sch.uk", ("reviewer", school))
    world.person("coordinator@alpha.sch.uk", ("coordinator", school))
    world.person("admin@other.org.uk", ("admin", other))
    return {"p": p, "school": school, "other": other}


@pytest.fixture
def admin(client, setup):
    sign_in(client, "admin@northstar.org.uk")
    return client


def new_template(partnership, title="Our own survey", audience="staff"):
    from surveys import builder_ops
    return builder_ops.create_questionnaire(partnership, title, audience, actor=None)


def post(client, url, data=None, token_from=None):
    data = {"csrf_token": get_token(client, token_from or url), **(data or {})}
    return client.post(url, data=data)


def reload(template_id):
    db.session.expire_all()
    return db.session.get(QuestionnaireTemplate, template_id)


def button(client, template, path, **data):
    """Press a button on the builder page."""
    return post(client, f"/manage/questionnaires/{template.id}{path}", data,
                token_from=f"/manage/questionnaires/{template.id}")


def answer_once(template, school):
    """A run that opened, with one saved response, on the template's current version."""
    version = template.current
    run = SurveyRun(partnership_id=template.partnership_id, version_id=version.id, title="Spring survey",
                    audience=template.audience, opens_on=date(2027, 2, 1), closes_on=date(2027, 4, 1))
    db.session.add(run)
    db.session.flush()
    db.session.add(SurveyResponse(run_id=run.id, version_id=version.id, school_id=school.id,
                                  submitted_on=date(2027, 2, 2)))
    db.session.commit()
    return run


# --- the list ---------------------------------------------------------------------------


def test_the_list_installs_the_built_in_questionnaires_once_and_shows_them(admin, setup):
    html = admin.get("/manage/questionnaires").get_data(as_text=True)
    for builtin in BUILTIN_TEMPLATES:
        assert builtin.title_en in html
    count = db.session.scalar(select(func.count()).select_from(QuestionnaireTemplate)
                              .where(QuestionnaireTemplate.partnership_id == setup["p"].id))
    assert count == len(BUILTIN_TEMPLATES)
    admin.get("/manage/questionnaires")
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireTemplate)) == len(BUILTIN_TEMPLATES)
    assert 'href="/manage/questionnaires/new"' in html
    assert "Not yet" in html


def test_the_list_says_which_questionnaires_are_in_use(admin, setup):
    install_builtin_templates(setup["p"])
    db.session.commit()
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    answer_once(template, setup["school"])
    html = admin.get("/manage/questionnaires").get_data(as_text=True)
    row = html[html.index(template.current.title_en):].split("</tr>")[0]
    assert "1 response" in row
    assert ">14<" not in row or True  # the question count is shown in its own cell
    assert f">{len(template.current.items)}<" in row


def test_create_an_empty_questionnaire_and_a_copy(admin, setup):
    response = post(admin, "/manage/questionnaires/new",
                    {"title": "Governors' views", "audience": "staff", "start_from": ""})
    assert response.status_code == 302
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key.like("own_%")))
    assert template.current.title_en == "Governors' views"
    assert len(template.current.sections) == 1 and template.current.items == []
    assert response.headers["Location"].endswith(f"/manage/questionnaires/{template.id}")

    source = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    page = admin.get(f"/manage/questionnaires/new?from={source.id}").get_data(as_text=True)
    assert "Copy of Parent and carer survey" in page
    response = post(admin, "/manage/questionnaires/new",
                    {"title": "Parents, our way", "audience": "parents", "start_from": str(source.id)})
    assert response.status_code == 302
    copy = db.session.scalar(select(QuestionnaireTemplate).join(TemplateVersion)
                             .where(TemplateVersion.title_en == "Parents, our way"))
    assert [i.key for i in copy.current.items] == [i.key for i in source.current.items]
    assert copy.current.intro_cy == source.current.intro_cy
    assert {i.id for i in copy.current.items}.isdisjoint({i.id for i in source.current.items})


@pytest.mark.parametrize("data, message", [
    ({"title": "", "audience": "staff"}, "Enter a title"),
    ({"title": "x" * 201, "audience": "staff"}, "200 characters or fewer"),
    ({"title": "T", "audience": "governors"}, "Not a valid choice"),
    ({"title": "T", "audience": "staff", "start_from": "999999"}, "Not a valid choice"),
])
def test_create_refuses_bad_input(admin, setup, data, message):
    admin.get("/manage/questionnaires")
    before = db.session.scalar(select(func.count()).select_from(QuestionnaireTemplate))
    response = post(admin, "/manage/questionnaires/new", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(QuestionnaireTemplate)) == before


def test_another_partnerships_questionnaire_cannot_be_copied(admin, setup):
    theirs = new_template(setup["other"], "Their survey")
    admin.get("/manage/questionnaires")
    response = post(admin, "/manage/questionnaires/new",
                    {"title": "Stolen", "audience": "staff", "start_from": str(theirs.id)})
    assert response.status_code == 400


# --- the builder page -------------------------------------------------------------------


def test_the_builder_shows_sections_items_types_welsh_conditions_and_buttons(admin, setup):
    install_builtin_templates(setup["p"])
    db.session.commit()
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    html = admin.get(f"/manage/questionnaires/{template.id}").get_data(as_text=True)
    assert "My child is happy at this school." in html
    assert 'lang="cy">Mae fy mhlentyn yn hapus yn yr ysgol hon.' in html
    assert "Agree scale" in html and "Yes or no" in html and "Long text" in html
    assert "Shown only when the answer to “Does your child have special educational needs" in html
    assert "is “Yes”" in html
    assert f'action="/manage/questionnaires/{template.id}/questions/pv2/move"' in html
    assert f'action="/manage/questionnaires/{template.id}/questions/pv2/remove"' in html
    assert f'href="/manage/questionnaires/{template.id}/questions/pv2/edit"' in html
    assert html.count('name="csrf_token"') > 40
    # the first question has no Move up, the last no Move down
    first = html[html.index('id="item-pv1"'):].split("</li>")[0]
    assert 'value="up"' not in first and 'value="down"' in first
    assert "Versions" in html and "Not used" in html


def test_add_a_question_of_each_kind(admin, setup):
    template = new_template(setup["p"])
    base = f"/manage/questionnaires/{template.id}/sections/1/questions/new"
    page = admin.get(base).get_data(as_text=True)
    assert "What kind of question?" in page and "Rating from 0 to 10" in page
    cases = {
        "agree": {"dont_know": "y"},
        "yes_no": {"dont_know": "y", "yes_is_positive": "y"},
        "single": {"choices": "Every day | Bob dydd\nSometimes\n\nNever | Byth"},
        "multiple": {"choices": "Email\nText message"},
        "rating": {}, "short_text": {}, "long_text": {}, "faces": {},
    }
    for kind, extra in cases.items():
        response = post(admin, base, {"kind": kind, "text_en": f"A {kind} question", "text_cy": f"Cwestiwn {kind}",
                                      "hint_en": "A hint", "required": "y", **extra},
                        token_from=f"{base}?kind={kind}")
        assert response.status_code == 302, response.get_data(as_text=True)
    items = reload(template.id).current.items
    assert [i.kind for i in items] == list(cases)
    assert len({i.key for i in items}) == len(items)
    assert all(i.required and i.text_cy.startswith("Cwestiwn") and i.hint_en == "A hint" for i in items)
    single = items[2].options["choices"]
    assert [(c["en"], c.get("cy")) for c in single] == [("Every day", "Bob dydd"), ("Sometimes", None), ("Never", "Byth")]
    assert len({c["value"] for c in single}) == 3
    assert items[0].options["dont_know"] is True
    assert items[1].options == {"dont_know": True, "yes_is_positive": True}
    html = admin.get(f"/manage/questionnaires/{template.id}").get_data(as_text=True)
    assert "Bob dydd" in html and "A rating question" in html


@pytest.mark.parametrize("data, message", [
    ({"kind": "agree", "text_en": ""}, "Enter the question in English"),
    ({"kind": "agree", "text_en": "   "}, "Enter the question in English"),
    ({"kind": "agree", "text_en": "x" * 1001}, "1000 characters or fewer"),
    ({"kind": "agree", "text_en": "Fine", "text_cy": "x" * 1001}, "1000 characters or fewer"),
    ({"kind": "agree", "text_en": "Fine", "hint_en": "x" * 1001}, "1000 characters or fewer"),
    ({"kind": "single", "text_en": "Pick", "choices": "Only one"}, "at least 2 choices"),
    ({"kind": "single", "text_en": "Pick", "choices": ""}, "at least 2 choices"),
    ({"kind": "multiple", "text_en": "Pick", "choices": "A\na"}, "different"),
    ({"kind": "multiple", "text_en": "Pick", "choices": "A\n| Welsh only"}, "in English"),
    ({"kind": "single", "text_en": "Pick", "choices": "A\n" + "b" * 201}, "200 characters or fewer"),
    ({"kind": "single", "text_en": "Pick", "choices": "\n".join(f"c{n}" for n in range(31))}, "at most 30"),
    ({"kind": "essay", "text_en": "Fine"}, "Choose a kind of question"),
    ({"text_en": "Fine"}, "Choose a kind of question"),
])
def test_adding_a_question_refuses_bad_input(admin, setup, data, message):
    template = new_template(setup["p"])
    url = f"/manage/questionnaires/{template.id}/sections/1/questions/new"
    response = post(admin, url, data, token_from=f"{url}?kind=agree")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert reload(template.id).current.items == []


def test_unknown_kind_in_the_address_is_a_400_with_the_list(admin, setup):
    template = new_template(setup["p"])
    response = admin.get(f"/manage/questionnaires/{template.id}/sections/1/questions/new?kind=essay")
    assert response.status_code == 400
    assert "Choose a kind of question" in response.get_data(as_text=True)


def add(client, template, kind="agree", text="Q", section=1, **extra):
    url = f"/manage/questionnaires/{template.id}/sections/{section}/questions/new"
    response = post(client, url, {"kind": kind, "text_en": text, **extra}, token_from=f"{url}?kind={kind}")
    assert response.status_code == 302, response.get_data(as_text=True)


def test_edit_a_question_keeps_choice_values_of_unchanged_choices(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, "single", "How often?", choices="Daily\nWeekly")
    item = reload(template.id).current.items[0]
    daily = item.options["choices"][0]["value"]
    url = f"/manage/questionnaires/{template.id}/questions/{item.key}/edit"
    page = admin.get(url).get_data(as_text=True)
    assert "Daily\nWeekly" in page
    response = post(admin, url, {"text_en": "How often do you?", "text_cy": "Pa mor aml?",
                                 "choices": "Daily | Bob dydd\nMonthly\nWeekly"})
    assert response.status_code == 302
    item = reload(template.id).current.items[0]
    assert item.text_en == "How often do you?" and item.text_cy == "Pa mor aml?"
    assert [c["en"] for c in item.options["choices"]] == ["Daily", "Monthly", "Weekly"]
    assert item.options["choices"][0]["value"] == daily
    assert item.options["choices"][0]["cy"] == "Bob dydd"
    assert not item.required


def test_edit_refuses_bad_input_and_unknown_keys(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, "multiple", "Which?", choices="A\nB")
    key = reload(template.id).current.items[0].key
    url = f"/manage/questionnaires/{template.id}/questions/{key}/edit"
    response = post(admin, url, {"text_en": "", "choices": "A"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the question in English" in html and "at least 2 choices" in html
    assert reload(template.id).current.items[0].text_en == "Which?"
    assert admin.get(f"/manage/questionnaires/{template.id}/questions/nope/edit").status_code == 404
    response = button(admin, template, "/questions/nope/move", direction="up")
    assert response.status_code == 404
    assert "not in this questionnaire" in response.get_data(as_text=True)


def test_move_questions_up_and_down_across_sections_and_not_beyond_the_ends(admin, setup):
    template = new_template(setup["p"])
    for text in ("One", "Two", "Three"):
        add(admin, template, text=text)
    keys = [i.key for i in reload(template.id).current.items]
    assert button(admin, template, f"/questions/{keys[2]}/move", direction="up").status_code == 302
    assert [i.text_en for i in reload(template.id).current.items] == ["One", "Three", "Two"]
    response = button(admin, template, f"/questions/{keys[0]}/move", direction="up")
    assert response.status_code == 400 and "already the first" in response.get_data(as_text=True)
    response = button(admin, template, f"/questions/{keys[1]}/move", direction="down")
    assert response.status_code == 400 and "already the last" in response.get_data(as_text=True)
    response = button(admin, template, f"/questions/{keys[1]}/move", direction="sideways")
    assert response.status_code == 400
    # into a new second section and back
    assert post(admin, f"/manage/questionnaires/{template.id}/sections/new", {"title_en": "More"}).status_code == 302
    assert button(admin, template, f"/questions/{keys[1]}/move", direction="down").status_code == 302
    version = reload(template.id).current
    assert [i.text_en for i in version.sections[0].items] == ["One", "Three"]
    assert [i.text_en for i in version.sections[1].items] == ["Two"]
    assert [i.position for i in version.sections[0].items] == [0, 1]


def test_remove_a_question_asks_first(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, text="Doomed")
    key = reload(template.id).current.items[0].key
    response = button(admin, template, f"/questions/{key}/remove")
    assert response.status_code == 200 and "Remove this question?" in response.get_data(as_text=True)
    assert len(reload(template.id).current.items) == 1
    assert button(admin, template, f"/questions/{key}/remove", confirm="yes").status_code == 302
    assert reload(template.id).current.items == []


def test_removing_the_last_question_of_a_questionnaire_a_draft_survey_uses_is_refused(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, text="Only one")
    template = reload(template.id)
    db.session.add(SurveyRun(partnership_id=setup["p"].id, version_id=template.current.id, title="Later",
                             audience="staff", opens_on=date(2027, 5, 1), closes_on=date(2027, 6, 1)))
    db.session.commit()
    key = template.current.items[0].key
    response = button(admin, template, f"/questions/{key}/remove", confirm="yes")
    assert response.status_code == 400
    assert "has not opened yet" in response.get_data(as_text=True)
    assert len(reload(template.id).current.items) == 1
    assert "Later" in admin.get(f"/manage/questionnaires/{template.id}").get_data(as_text=True)


def test_a_question_others_follow_up_cannot_be_removed_or_moved_below_them(admin, setup):
    install_builtin_templates(setup["p"])
    db.session.commit()
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    response = button(admin, template, "/questions/pv7/remove", confirm="yes")
    assert response.status_code == 400 and "follow-up" in response.get_data(as_text=True)
    response = button(admin, template, "/questions/pv7/move", direction="down")
    assert response.status_code == 400 and "must come after" in response.get_data(as_text=True)
    assert [i.key for i in reload(template.id).current.items][6:8] == ["pv7", "pv7a"]
    assert len(reload(template.id).versions) == 1


def test_sections_add_rename_reorder_remove(admin, setup):
    template = new_template(setup["p"])
    base = f"/manage/questionnaires/{template.id}/sections"
    assert post(admin, f"{base}/new", {"title_en": "Second", "title_cy": "Ail"}).status_code == 302
    assert post(admin, f"{base}/1/edit", {"title_en": "First"}).status_code == 302
    assert button(admin, template, "/sections/2/move", direction="up").status_code == 302
    assert [(s.title_en, s.title_cy) for s in reload(template.id).current.sections] == [("Second", "Ail"), ("First", None)]
    response = button(admin, template, "/sections/1/move", direction="up")
    assert response.status_code == 400 and "already first" in response.get_data(as_text=True)
    assert button(admin, template, "/sections/2/move", direction="down").status_code == 400
    add(admin, template, text="Inside", section=2)
    response = button(admin, template, "/sections/2/remove")
    assert "Inside" in response.get_data(as_text=True) and "removed with it" in response.get_data(as_text=True)
    assert button(admin, template, "/sections/2/remove", confirm="yes").status_code == 302
    version = reload(template.id).current
    assert [s.title_en for s in version.sections] == ["Second"] and version.items == []
    response = button(admin, template, "/sections/1/remove", confirm="yes")
    assert response.status_code == 400 and "at least one section" in response.get_data(as_text=True)
    assert admin.get(f"{base}/9/edit").status_code == 404
    assert button(admin, template, "/sections/9/move", direction="up").status_code == 404
    response = post(admin, f"{base}/new", {"title_en": ""})
    assert response.status_code == 400 and "Enter a section title" in response.get_data(as_text=True)
    response = post(admin, f"{base}/1/edit", {"title_en": "x" * 201})
    assert response.status_code == 400


def test_title_and_introduction(admin, setup):
    template = new_template(setup["p"])
    url = f"/manage/questionnaires/{template.id}/details"
    response = post(admin, url, {"title_en": "Wellbeing", "title_cy": "Lles", "intro_en": "Hello\nthere",
                                 "intro_cy": "Helo"})
    assert response.status_code == 302
    version = reload(template.id).current
    assert (version.title_en, version.title_cy, version.intro_en, version.intro_cy) == ("Wellbeing", "Lles", "Hello\nthere", "Helo")
    response = post(admin, url, {"title_en": ""})
    assert response.status_code == 400 and "Enter a title in English" in response.get_data(as_text=True)
    response = post(admin, url, {"title_en": "T", "intro_en": "x" * 3001})
    assert response.status_code == 400


def test_a_post_without_a_csrf_token_is_refused(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, text="Q")
    key = reload(template.id).current.items[0].key
    response = admin.post(f"/manage/questionnaires/{template.id}/questions/{key}/remove", data={"confirm": "yes"})
    assert response.status_code == 400
    assert len(reload(template.id).current.items) == 1


# --- versions through the pages ---------------------------------------------------------


def test_an_edit_after_answers_makes_a_new_version_and_says_so(admin, setup):
    install_builtin_templates(setup["p"])
    db.session.commit()
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    answer_once(template, setup["school"])
    old_id = template.current.id
    page = admin.get(f"/manage/questionnaires/{template.id}").get_data(as_text=True)
    assert "Your next change will make version 2" in page
    # the form was loaded from version 1; the edit lands on the same question of version 2
    url = f"/manage/questionnaires/{template.id}/questions/pv2/edit"
    response = post(admin, url, {"text_en": "My child feels safe here.", "dont_know": "y"})
    assert response.status_code == 302
    assert "#" not in response.headers["Location"]  # the page opens at the message, not at the item
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert ("This questionnaire has been answered, so your change made version 2; results already "
            "collected keep the wording they answered") in page
    template = reload(template.id)
    assert [v.number for v in template.versions] == [1, 2]
    old = db.session.get(TemplateVersion, old_id)
    assert old.items[1].text_en == "My child feels safe at this school."
    assert template.current.items[1].text_en == "My child feels safe here."
    assert template.current.items[1].key == "pv2"
    # a second edit changes version 2 in place
    add(admin, template, text="New question")
    assert len(reload(template.id).versions) == 2
    # the history shows both
    page = admin.get(f"/manage/questionnaires/{template.id}").get_data(as_text=True)
    assert "1 response" in page and "(current)" in page


def test_a_new_item_never_takes_the_key_of_one_an_older_version_still_has(admin, setup):
    template = new_template(setup["p"])
    add(admin, template, text="A")
    add(admin, template, text="B")
    keys = [i.key for i in reload(template.id).current.items]
    answer_once(reload(template.id), setup["school"])
    button(admin, template, f"/questions/{keys[1]}/remove", confirm="yes")  # makes version 2 without B
    add(admin, template, text="C")
    template = reload(template.id)
    assert [i.key for i in template.versions[0].items] == keys
    new_keys = [i.key for i in template.current.items]
    assert new_keys[0] == keys[0] and new_keys[1] not in keys


# --- who may --------------------------------------------------------------------------


def routes(template_id, key):
    gets = ["/manage/questionnaires", "/manage/questionnaires/new", f"/manage/questionnaires/{template_id}",
            f"/manage/questionnaires/{template_id}/details", f"/manage/questionnaires/{template_id}/sections/new",
            f"/manage/questionnaires/{template_id}/sections/1/edit",
            f"/manage/questionnaires/{template_id}/sections/1/questions/new",
            f"/manage/questionnaires/{template_id}/questions/{key}/edit"]
    posts = [f"/manage/questionnaires/{template_id}/details",
             f"/manage/questionnaires/{template_id}/sections/new",
             f"/manage/questionnaires/{template_id}/sections/1/edit",
             f"/manage/questionnaires/{template_id}/sections/1/move",
             f"/manage/questionnaires/{template_id}/sections/1/remove",
             f"/manage/questionnaires/{template_id}/sections/1/questions/new",
             f"/manage/questionnaires/{template_id}/questions/{key}/edit",
             f"/manage/questionnaires/{template_id}/questions/{key}/move",
             f"/manage/questionnaires/{template_id}/questions/{key}/remove"]
    return gets, posts


@pytest.mark.parametrize("who, list_status, id_status", [
    (None, 302, 302),
    ("head@alpha.sch.uk", 403, 403),
    ("reviewer@alpha.sch.uk", 403, 403),
    ("coordinator@alpha.sch.uk", 403, 403),
    ("admin@other.org.uk", 200, 404),
    ("admin@northstar.org.uk", 200, 200),
])
def test_permissions_matrix(client, setup, who, list_status, id_status):
    template = new_template(setup["p"])
    from surveys import builder_ops
    builder_ops.add_item(template, TODAY, 1, "agree", builder_ops.ItemInput(text_en="Q"))
    key = reload(template.id).current.items[0].key
    if who:
        sign_in(client, who)
    token = get_token(client, "/manage/schools" if who else "/login")
    gets, posts = routes(template.id, key)
    for url in gets:
        expected = list_status if url in ("/manage/questionnaires", "/manage/questionnaires/new") else id_status
        assert client.get(url).status_code == expected, url
    for url in posts:
        expected = 302 if id_status == 302 else (id_status if id_status != 200 else None)
        status = client.post(url, data={"csrf_token": token}).status_code
        if expected is None:
            assert status in (200, 400), url  # the admin: a confirm page or a form with errors
        else:
            assert status == expected, url
    assert reload(template.id).current.items[0].text_en == "Q"
    assert len(reload(template.id).current.items) == 1


def test_an_admin_of_two_partnerships_sees_both_and_chooses(client, setup, world):
    world.person("both@trusts.org.uk", ("admin", setup["p"]), ("admin", setup["other"]))
    sign_in(client, "both@trusts.org.uk")
    html = client.get("/manage/questionnaires").get_data(as_text=True)
    assert "North Star Trust" in html and "Other Trust" in html
    page = client.get("/manage/questionnaires/new").get_data(as_text=True)
    assert 'name="partnership_id"' in page
    response = post(client, "/manage/questionnaires/new", {"partnership_id": str(setup["other"].id),
                                                           "title": "Theirs", "audience": "pupils"})
    assert response.status_code == 302
    template = db.session.scalar(select(QuestionnaireTemplate).join(TemplateVersion)
                                 .where(TemplateVersion.title_en == "Theirs"))
    assert template.partnership_id == setup["other"].id
