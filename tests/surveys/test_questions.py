"""Each question type: its field's validation through build_form (as a respondent's POST would
arrive), and its summary of a set of stored answers."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from surveys.models import Item, Section, SurveyResponse, TemplateVersion
from surveys.questions import LONG_TEXT_MAX, SHORT_TEXT_MAX, QUESTION_TYPES, question_for
from surveys.responding import build_form

CHOICES = [{"value": "daily", "en": "Every day", "cy": "Bob dydd", "positive": True},
           {"value": "weekly", "en": "Every week"},
           {"value": "never", "en": "Never", "cy": "Byth"}]


def item(kind, key="q1", required=False, options=None, condition=None, **fields):
    return Item(key=key, kind=kind, text_en=fields.pop("text_en", f"A {kind} question"), required=required,
                options=options if options is not None else {}, condition=condition, position=0, **fields)


def version_of(*items):
    version = TemplateVersion(number=1, title_en="T")
    section = Section(position=0, title_en="S")
    for position, it in enumerate(items):
        it.position = position
        section.items.append(it)
    version.sections.append(section)
    return version


@pytest.fixture
def post_form(app):
    """Build and validate a form from a version and a submitted MultiDict, inside a request."""
    def post(version, data, locale="en"):
        with app.test_request_context(method="POST"):
            form = build_form(version, locale, MultiDict(data), meta={"csrf": False})
            valid = form.validate()
            return valid, form
    return post


def errors(form, key="q1"):
    return [str(e) for e in form[f"q_{key}"].errors]


# --- validation -------------------------------------------------------------------------


VALID = {
    "agree": "agree", "yes_no": "yes", "single": "weekly", "multiple": ["daily", "never"],
    "rating": "10", "short_text": "Fine", "long_text": "All good", "faces": "happy",
}
OPTIONS = {"single": {"choices": CHOICES}, "multiple": {"choices": CHOICES}}


@pytest.mark.parametrize("kind", sorted(QUESTION_TYPES))
def test_a_required_question_must_be_answered_and_an_optional_one_may_be_left(post_form, kind):
    valid, form = post_form(version_of(item(kind, required=True, options=OPTIONS.get(kind, {}))), {})
    assert not valid
    assert errors(form) and ("Answer this question" in errors(form)[0] or "Write an answer" in errors(form)[0])
    valid, form = post_form(version_of(item(kind, options=OPTIONS.get(kind, {}))), {})
    assert valid, form.errors


@pytest.mark.parametrize("kind", sorted(QUESTION_TYPES))
def test_a_good_answer_is_accepted_and_cleaned(post_form, kind):
    value = VALID[kind]
    data = MultiDict([("q_q1", v) for v in value]) if isinstance(value, list) else {"q_q1": value}
    it = item(kind, required=True, options=OPTIONS.get(kind, {}))
    valid, form = post_form(version_of(it), data)
    assert valid, form.errors
    cleaned = question_for(it).clean(form.q_q1.data)
    assert question_for(it).is_valid_value(cleaned)
    if kind == "rating":
        assert cleaned == 10
    if kind == "multiple":
        assert cleaned == ["daily", "never"]


@pytest.mark.parametrize("kind, value", [
    ("rating", "11"), ("rating", "-1"), ("rating", "7.5"), ("rating", "ten"),
    ("agree", "maybe"), ("agree", "dont_know_really"),
    ("yes_no", "dont_know"),  # Don't know is only offered when the item asks for it
    ("single", "monthly"), ("faces", "angry"),
])
def test_a_value_outside_the_choices_is_refused(post_form, kind, value):
    valid, form = post_form(version_of(item(kind, options=OPTIONS.get(kind, {}))), {"q_q1": value})
    assert not valid
    assert errors(form)


def test_multiple_choice_refuses_any_unknown_value_among_good_ones(post_form):
    data = MultiDict([("q_q1", "daily"), ("q_q1", "sometimes")])
    valid, form = post_form(version_of(item("multiple", options={"choices": CHOICES})), data)
    assert not valid and errors(form)


def test_dont_know_and_extra_answers_are_accepted_where_the_item_offers_them(post_form):
    agree = item("agree", options={"extra": [{"value": "not_bullied", "en": "My child has not been bullied"}]})
    assert post_form(version_of(agree), {"q_q1": "not_bullied"})[0]
    assert post_form(version_of(item("agree")), {"q_q1": "dont_know"})[0]
    assert not post_form(version_of(item("agree", options={"dont_know": False})), {"q_q1": "dont_know"})[0]
    assert post_form(version_of(item("yes_no", options={"dont_know": True})), {"q_q1": "dont_know"})[0]


@pytest.mark.parametrize("kind, limit", [("short_text", SHORT_TEXT_MAX), ("long_text", LONG_TEXT_MAX)])
def test_text_over_the_limit_is_refused_with_the_limit_in_the_message(post_form, kind, limit):
    assert post_form(version_of(item(kind)), {"q_q1": "x" * limit})[0]
    valid, form = post_form(version_of(item(kind)), {"q_q1": "x" * (limit + 1)})
    assert not valid
    assert errors(form) == [f"Keep your answer to {limit} characters or fewer"]


def test_a_text_limit_set_on_the_item_applies(post_form):
    valid, form = post_form(version_of(item("short_text", options={"max_length": 10})), {"q_q1": "x" * 11})
    assert not valid and "10 characters or fewer" in errors(form)[0]


def test_a_blank_text_answer_is_no_answer(post_form):
    it = item("long_text")
    valid, form = post_form(version_of(it), {"q_q1": "   \n  "})
    assert valid
    assert question_for(it).clean(form.q_q1.data) is None


def test_the_welsh_form_uses_welsh_wording_and_labels(post_form):
    it = item("single", options={"choices": CHOICES}, text_cy="Pa mor aml?")
    _valid, form = post_form(version_of(it), {}, locale="cy")
    assert form.q_q1.label.text == "Pa mor aml?"
    assert {c.value: c.label for c in form.q_q1.choices}["daily"] == "Bob dydd"
    assert {c.value: c.label for c in form.q_q1.choices}["weekly"] == "Every week"  # no Welsh given: the English


# --- conditional questions --------------------------------------------------------------


def send_pair():
    trigger = item("yes_no", key="pv7", required=True)
    follow_up = item("agree", key="pv7a", required=True, condition={"key": "pv7", "equals": "yes"})
    return version_of(trigger, follow_up), trigger, follow_up


def test_a_follow_up_is_required_only_when_it_is_shown(post_form):
    version, _trigger, _follow_up = send_pair()
    valid, form = post_form(version, {"q_pv7": "yes"})
    assert not valid and errors(form, "pv7a")
    valid, form = post_form(version, {"q_pv7": "no"})
    assert valid, form.errors
    valid, form = post_form(version, {"q_pv7": "yes", "q_pv7a": "agree"})
    assert valid, form.errors


def test_an_answer_to_a_hidden_follow_up_is_dropped_when_saved(app, world, post_form):
    """save_response keeps only the answers to questions that were shown."""
    from datetime import date

    from peerreview.extensions import db
    from surveys.models import QuestionnaireTemplate, SurveyRun
    from surveys.responding import save_response

    p = world.partnership()
    school = world.school(p)
    version, _t, _f = send_pair()
    template = QuestionnaireTemplate(partnership_id=p.id, key="t", audience="parents")
    template.versions.append(version)
    db.session.add(template)
    db.session.flush()
    run = SurveyRun(partnership_id=p.id, version_id=version.id, title="R", audience="parents",
                    opens_on=date(2027, 1, 1), closes_on=date(2027, 2, 1))
    db.session.add(run)
    db.session.commit()
    with app.test_request_context(method="POST"):
        form = build_form(version, "en", MultiDict({"q_pv7": "no", "q_pv7a": "strongly_agree"}), meta={"csrf": False})
        assert form.validate(), form.errors
        response = db.session.get(SurveyResponse, save_response(run, school.id, form, "en", date(2027, 1, 5)))
    assert {a.item.key: a.value for a in response.answers} == {"pv7": "no"}


# --- summaries --------------------------------------------------------------------------


def test_agree_summary_counts_shares_and_positive_share_without_dont_know_or_extra_answers():
    it = item("agree", options={"extra": [{"value": "not_bullied", "en": "My child has not been bullied"}]})
    values = (["strongly_agree"] * 3 + ["agree"] * 3 + ["disagree"] * 2 + ["strongly_disagree"] * 2
              + ["dont_know"] * 5 + ["not_bullied"] * 5 + [None, ""])
    summary = question_for(it).summarise(values)
    assert summary.answered == 20
    bars = {b.value: b for b in summary.bars}
    assert list(bars) == ["strongly_agree", "agree", "disagree", "strongly_disagree", "dont_know", "not_bullied"]
    assert bars["agree"].count == 3 and bars["agree"].share == pytest.approx(3 / 20)
    assert bars["not_bullied"].label == "My child has not been bullied"
    assert summary.positive_base == 10
    assert summary.positive == pytest.approx(6 / 10)


def test_agree_summary_with_only_dont_know_has_no_positive_share():
    summary = question_for(item("agree")).summarise(["dont_know", "dont_know"])
    assert summary.answered == 2 and summary.positive is None and summary.positive_base == 0


def test_yes_no_summary_positive_only_where_yes_is_positive():
    values = ["yes"] * 6 + ["no"] * 2 + ["dont_know"] * 2
    recommend = question_for(item("yes_no", options={"dont_know": True, "yes_is_positive": True})).summarise(values)
    assert recommend.answered == 10 and recommend.positive_base == 8
    assert recommend.positive == pytest.approx(6 / 8)
    send = question_for(item("yes_no", options={"dont_know": True})).summarise(values)
    assert send.positive is None
    assert [b.count for b in send.bars] == [6, 2, 2]


def test_single_choice_summary_and_positive_choices():
    summary = question_for(item("single", options={"choices": CHOICES})).summarise(["daily", "daily", "never", "weekly"])
    assert [(b.value, b.count, b.share) for b in summary.bars] == [
        ("daily", 2, 0.5), ("weekly", 1, 0.25), ("never", 1, 0.25)]
    assert summary.positive == pytest.approx(0.5)
    plain = [dict(c, positive=False) for c in CHOICES]
    assert question_for(item("single", options={"choices": plain})).summarise(["daily"]).positive is None


def test_multiple_choice_shares_are_of_respondents_and_may_add_past_100_percent():
    values = [["daily", "weekly"], ["daily"], ["daily", "never"], [], None]
    summary = question_for(item("multiple", options={"choices": CHOICES})).summarise(values)
    assert summary.answered == 3
    bars = {b.value: b for b in summary.bars}
    assert bars["daily"].count == 3 and bars["daily"].share == pytest.approx(1.0)
    assert bars["weekly"].share == pytest.approx(1 / 3)
    assert sum(b.share for b in summary.bars) > 1


def test_rating_summary_mean_and_positive_seven_or_more():
    summary = question_for(item("rating")).summarise([10, 9, 7, 6, 0, "8", None])
    assert summary.answered == 6
    assert summary.mean == pytest.approx((10 + 9 + 7 + 6 + 0 + 8) / 6)
    assert summary.positive == pytest.approx(4 / 6)
    assert [b.count for b in summary.bars] == [1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    empty = question_for(item("rating")).summarise([])
    assert empty.answered == 0 and empty.mean is None and empty.positive is None


def test_faces_summary_positive_is_happy():
    summary = question_for(item("faces")).summarise(["happy", "happy", "ok", "sad"])
    assert summary.positive == pytest.approx(0.5)
    assert [b.label for b in summary.bars] == ["Happy", "OK", "Sad"]


@pytest.mark.parametrize("kind", ["short_text", "long_text"])
def test_text_summary_is_the_list_of_texts(kind):
    summary = question_for(item(kind)).summarise(["Great teachers", "  ", None, "More clubs"])
    assert summary.answered == 2
    assert summary.texts == ["Great teachers", "More clubs"]
    assert summary.bars == [] and summary.positive is None
