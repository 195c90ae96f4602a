"""The versioning rule: an edit changes the current version in place until something has
answered it or a survey using it has opened; from then on an edit makes a new version and
the old one, which responses point at, never changes."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from peerreview.extensions import db
from surveys import builder_ops as ops
from surveys.models import Answer, Item, QuestionnaireTemplate, SurveyResponse, SurveyRun, TemplateVersion
from surveys.questionnaires import editable_version, install_builtin_templates, version_in_use
from surveys.responding import build_form, save_response

TODAY = date(2027, 3, 1)


@pytest.fixture
def parent_view(world):
    p = world.partnership()
    school = world.school(p)
    install_builtin_templates(p)
    db.session.commit()
    template = db.session.scalar(select(QuestionnaireTemplate).where(QuestionnaireTemplate.key == "parent_view"))
    return template, school


def run_of(version, opens_on, closes_on=date(2027, 12, 31)):
    run = SurveyRun(partnership_id=version.template.partnership_id, version_id=version.id, title="Survey",
                    audience="parents", opens_on=opens_on, closes_on=closes_on)
    db.session.add(run)
    db.session.commit()
    return run


def answer(app, run, school):
    data = {f"q_{item.key}": "agree" for item in run.version.items if item.kind == "agree"}
    data.update({"q_pv7": "no", "q_pv14": "yes", "q_pv_comments": "Lovely school"})
    with app.test_request_context(method="POST"):
        form = build_form(run.version, "en", MultiDict(data), meta={"csrf": False})
        assert form.validate(), form.errors
        return db.session.get(SurveyResponse, save_response(run, school.id, form, "en", TODAY))


def reword(template, key, text):
    return ops.update_item(template, TODAY, key, ops.ItemInput(text_en=text))


def test_an_edit_before_any_answer_changes_the_version_in_place(parent_view):
    template, _school = parent_view
    version_id = template.current.id
    item_id = next(i.id for i in template.current.items if i.key == "pv1")
    result = reword(template, "pv1", "My child enjoys this school.")
    assert not result.made_new_version and result.number == 1
    db.session.expire_all()
    assert len(template.versions) == 1 and template.current.id == version_id
    assert db.session.get(Item, item_id).text_en == "My child enjoys this school."


def test_a_draft_survey_does_not_lock_the_version(parent_view):
    template, _school = parent_view
    run_of(template.current, opens_on=date(2027, 4, 1))
    assert not version_in_use(template.current, TODAY)
    assert not reword(template, "pv1", "Changed before opening").made_new_version
    assert len(template.versions) == 1


def test_after_a_response_an_edit_makes_version_2_and_the_response_keeps_version_1(app, parent_view):
    template, school = parent_view
    v1 = template.current
    run = run_of(v1, opens_on=date(2027, 2, 1))
    response = answer(app, run, school)
    v1_items = {i.id: (i.key, i.text_en, i.position, dict(i.options)) for i in v1.items}

    result = reword(template, "pv1", "My child is happy here.")
    assert result.made_new_version and result.reason == "answered" and result.number == 2

    db.session.expire_all()
    template = db.session.get(QuestionnaireTemplate, template.id)
    assert [v.number for v in template.versions] == [1, 2]
    v1 = db.session.get(TemplateVersion, v1.id)
    assert {i.id: (i.key, i.text_en, i.position, dict(i.options)) for i in v1.items} == v1_items
    v2 = template.current
    assert v2.id != v1.id
    assert [i.key for i in v2.items] == [i.key for i in v1.items]
    assert {i.id for i in v2.items}.isdisjoint({i.id for i in v1.items})
    assert next(i for i in v2.items if i.key == "pv1").text_en == "My child is happy here."
    response = db.session.get(SurveyResponse, response.id)
    assert response.version_id == v1.id
    answered_items = set(db.session.scalars(select(Answer.item_id).where(Answer.response_id == response.id)))
    assert answered_items <= {i.id for i in v1.items}
    assert db.session.get(SurveyRun, run.id).version_id == v1.id

    # Further edits change version 2 in place: nothing has answered it.
    again = reword(template, "pv2", "My child feels safe here.")
    assert not again.made_new_version and again.number == 2


def test_an_opened_survey_locks_the_version_even_without_answers(parent_view):
    template, _school = parent_view
    v1 = template.current
    run_of(v1, opens_on=TODAY)
    assert version_in_use(v1, TODAY)
    result = ops.add_section(template, TODAY, title_en="Extra")
    assert result.made_new_version and result.reason == "opened" and result.number == 2
    db.session.expire_all()
    assert [s.title_en for s in db.session.get(TemplateVersion, v1.id).sections][-1] != "Extra"
    assert [s.title_en for s in template.current.sections][-1] == "Extra"


def test_every_kind_of_edit_after_answers_leaves_version_1_alone(app, parent_view):
    template, school = parent_view
    v1 = template.current
    answer(app, run_of(v1, opens_on=date(2027, 2, 1)), school)
    snapshot = [(s.title_en, [(i.key, i.text_en, i.required) for i in s.items]) for s in v1.sections]
    title = v1.title_en
    ops.move_item(template, TODAY, "pv3", "up")
    ops.remove_item(template, TODAY, "pv5")
    ops.add_item(template, TODAY, 1, "rating", ops.ItemInput(text_en="How happy, 0 to 10?"))
    ops.rename_section(template, TODAY, 1, title_en="Your child")
    ops.move_section(template, TODAY, 2, "down")
    ops.update_details(template, TODAY, title_en="Parents' survey")
    db.session.expire_all()
    v1 = db.session.get(TemplateVersion, v1.id)
    assert [(s.title_en, [(i.key, i.text_en, i.required) for i in s.items]) for s in v1.sections] == snapshot
    assert v1.title_en == title
    template = db.session.get(QuestionnaireTemplate, template.id)
    assert len(template.versions) == 2
    v2 = template.current
    assert v2.title_en == "Parents' survey" and v2.sections[0].title_en == "Your child"
    keys = [i.key for i in v2.sections[0].items]
    assert keys[:3] == ["pv1", "pv3", "pv2"] and "pv5" not in keys and keys[-1].startswith("q")


def test_a_refused_edit_after_answers_makes_no_version(app, parent_view):
    template, school = parent_view
    answer(app, run_of(template.current, opens_on=date(2027, 2, 1)), school)
    with pytest.raises(ops.BuilderError):
        ops.move_item(template, TODAY, "pv1", "up")
    with pytest.raises(ops.NotFound):
        reword(template, "no_such_key", "x")
    db.session.expire_all()
    assert len(db.session.get(QuestionnaireTemplate, template.id).versions) == 1

