import re

from sqlalchemy import func, select

from peerreview.core.accounts.models import Person
from peerreview.core.directory.models import Cluster, School
from peerreview.extensions import db
from tests.conftest import sign_in

LOGIN_LINE = re.compile(r"^demo login: (admin|head|reviewer|coordinator) (\S+@\S+) (\S+)$")


def test_seed_demo_fills_an_empty_database_and_prints_working_logins(app, client):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    matches = [LOGIN_LINE.match(line) for line in lines]
    assert all(matches), lines
    assert {m.group(1) for m in matches} == {"admin", "head", "reviewer", "coordinator"}

    with app.app_context():
        assert db.session.scalar(select(func.count(School.id))) >= 12
        assert db.session.scalar(select(func.count(Cluster.id))) >= 2
        # The closed school in the demo extract is not loaded.
        assert all(s.status != "Closed" for s in db.session.scalars(select(School)))
        assert db.session.scalar(select(func.count(Person.id))) > 12

    for match in matches:
        client.get("/logout")
        response = sign_in(client, match.group(2), match.group(3))
        assert response.status_code == 302, f"{match.group(1)} login failed"
        assert "Welcome" in client.get("/").get_data(as_text=True)


def test_seed_demo_refuses_a_second_run(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0
    assert "only fills an empty database" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Person.id)).where(Person.email.like("admin@%"))) == 1


def test_seed_demo_adds_staff_and_parent_surveys_with_free_text_and_a_small_school(app):
    from surveys.models import Answer, Item, SurveyResponse, SurveyRun

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        runs = {run.audience: run for run in db.session.scalars(select(SurveyRun).order_by(SurveyRun.opens_on))}
        assert {"staff", "parents"} <= set(runs)
        total = db.session.scalar(select(func.count(SurveyResponse.id)))
        assert total >= 300
        texts = db.session.scalar(
            select(func.count(Answer.id)).join(Item).where(Item.kind == "long_text"))
        assert texts >= 50
        for run in runs.values():
            per_school = dict(db.session.execute(
                select(SurveyResponse.school_id, func.count(SurveyResponse.id))
                .where(SurveyResponse.run_id == run.id).group_by(SurveyResponse.school_id)).all())
            assert min(per_school.values()) < run.threshold <= max(per_school.values())
