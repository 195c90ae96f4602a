"""The partnership dashboard for a large partnership: how long the page and its CSV take and
how many queries they make.

Builds, in a throwaway SQLite database (or the PostgreSQL at --database-url, which it
empties), one partnership of N schools (default 500) in 12 clusters and two phases, with:
a closed staff survey (about 12 responses a school, one school in 25 below the threshold),
a closed parent survey (about 25 a school), about 30% of responses with comments (the demo's
comment texts), a published review round with a review per school and up to four next steps,
and two closed pupil visits per five schools with three visiting schools each.

Then, signed in as the partnership's admin through the test client, it times:
- the first page load (the comments are analysed and stored on the way: a one-off cost);
- the page again (warm: what an admin sees every time after), and its size;
- the CSV; and the page filtered to one cluster;
and prints each time, each request's query count (SQLAlchemy ``before_cursor_execute``),
and the process's peak memory. The query count must not grow with the number of schools:
run it with --schools 100 and --schools 500 to see the same counts.

Usage: .venv/bin/python bench/bench_dashboard.py [--schools 500] [--seed 7] [--database-url URL]
"""
from __future__ import annotations

import argparse
import random
import resource
import secrets
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from config import TestingConfig  # noqa: E402
from peerreview import create_app  # noqa: E402
from peerreview.core.accounts.models import Person, RoleAssignment  # noqa: E402
from peerreview.core.accounts.passwords import hash_password  # noqa: E402
from peerreview.core.directory.models import Cluster, Partnership, School, cluster_school  # noqa: E402
from peerreview.demo_data import comments as demo  # noqa: E402
from peerreview.extensions import db  # noqa: E402
from peerreview.reviews.models import NextStep, Review, ReviewReport, ReviewRound  # noqa: E402
from peerreview.visits.models import PupilVisit, VisitingSchool  # noqa: E402
from surveys.models import Answer, RunSchool, SurveyResponse, SurveyRun  # noqa: E402
from surveys.questionnaires import install_builtin_templates  # noqa: E402

TODAY = date(2026, 4, 10)
EMAIL, PASSWORD = "admin@bench.example", "bench password 1"
AGREE = ["strongly_agree", "agree", "agree", "agree", "disagree", "strongly_disagree", "dont_know"]


def build(n_schools: int, seed: int) -> None:
    rng = random.Random(seed)
    p = Partnership(name="Bench Trust", kind="trust")
    db.session.add(p)
    db.session.flush()
    install_builtin_templates(p)
    db.session.flush()
    schools = [School(partnership_id=p.id, urn=700000 + i, name=f"School {i:04d}",
                      phase="Primary" if i % 5 else "Secondary") for i in range(n_schools)]
    db.session.add_all(schools)
    clusters = [Cluster(partnership_id=p.id, name=f"Cluster {c:02d}") for c in range(12)]
    db.session.add_all(clusters)
    admin = Person(name="Bench Admin", email=EMAIL, password_hash=hash_password(PASSWORD), active=True)
    admin.roles.append(RoleAssignment(role="admin", partnership_id=p.id))
    db.session.add(admin)
    db.session.flush()
    db.session.execute(insert(cluster_school), [{"cluster_id": clusters[i % 12].id, "school_id": s.id}
                                                for i, s in enumerate(schools)])

    templates = {t.key: t for t in p_templates(p)}
    next_response = next_answer = 1
    for key, title, closes, per_school, comment_keys in (
        ("staff_wellbeing", "Staff spring 2026", date(2026, 3, 20), 12, ("st_well", "st_change")),
        ("parent_view", "Parents spring 2026", date(2026, 3, 31), 25, ("pv_comments",)),
    ):
        version = templates[key].current
        run = SurveyRun(partnership_id=p.id, version_id=version.id, title=title, audience=templates[key].audience,
                        opens_on=closes - timedelta(days=20), closes_on=closes, threshold=5)
        run.schools = [RunSchool(school_id=s.id, open_code=secrets.token_hex(8)) for s in schools]
        db.session.add(run)
        db.session.flush()
        items = version.items
        pool = demo.STAFF_WELL + demo.STAFF_CHANGE if key == "staff_wellbeing" else demo.PARENT
        responses, answers = [], []
        for i, school in enumerate(schools):
            count = 3 if i % 25 == 0 else max(5, int(rng.gauss(per_school, per_school / 4)))
            for _ in range(count):
                responses.append({"id": next_response, "run_id": run.id, "version_id": version.id,
                                  "school_id": school.id, "language": "en", "submitted_on": run.opens_on})
                for item in items:
                    if item.kind in ("long_text", "short_text"):
                        if item.key in comment_keys and rng.random() < 0.3:
                            answers.append({"id": next_answer, "response_id": next_response, "item_id": item.id,
                                            "value": rng.choice(pool)})
                            next_answer += 1
                        continue
                    if item.kind == "agree":
                        value = rng.choice(AGREE)
                    elif item.kind == "yes_no":
                        value = rng.choice(["yes", "no"])
                    elif item.kind == "rating":
                        value = rng.randint(0, 10)
                    else:
                        continue
                    answers.append({"id": next_answer, "response_id": next_response, "item_id": item.id,
                                    "value": value})
                    next_answer += 1
                next_response += 1
        db.session.execute(insert(SurveyResponse), responses)
        for start in range(0, len(answers), 20000):
            db.session.execute(insert(Answer), answers[start:start + 20000])

    review_round = ReviewRound(partnership_id=p.id, name="Autumn reviews", window_start=date(2025, 10, 1),
                               window_end=date(2025, 12, 1), status="published")
    db.session.add(review_round)
    states = ["proposed", "confirmed", "in_progress", "submitted", "agreed", "agreed"]
    for school in schools:
        status = rng.choice(states)
        review = Review(round=review_round, host_school_id=school.id, status=status)
        db.session.add(review)
        if status in ("submitted", "agreed"):
            report = ReviewReport(review=review, submitted_at=datetime(2025, 11, 10),
                                  agreed_at=datetime(2025, 11, 20) if status == "agreed" else None)
            for k in range(rng.randint(1, 4)):
                report.next_steps.append(NextStep(position=k, action="A step", owner="Head", due_on=date(2026, 6, 1),
                                                  done_on=date(2026, 2, 1) if rng.random() < 0.4 else None))
            db.session.add(report)
    for i in range(0, n_schools, 5):
        for day in (date(2025, 11, 5), date(2026, 2, 4)):
            visit = PupilVisit(partnership_id=p.id, host_school_id=schools[i].id, visit_date=day,
                               starts_at=datetime(2026, 1, 1, 9).time(), ends_at=datetime(2026, 1, 1, 11).time(),
                               focus_title="Reading", status="closed")
            visit.visiting_schools = [VisitingSchool(school_id=schools[(i + k) % n_schools].id) for k in (1, 2, 3)]
            db.session.add(visit)
    db.session.commit()
    print(f"built: {n_schools} schools, {next_response - 1} responses, {next_answer - 1} answers")


def p_templates(p):
    from sqlalchemy import select

    from surveys.models import QuestionnaireTemplate
    return db.session.scalars(select(QuestionnaireTemplate).where(QuestionnaireTemplate.partnership_id == p.id))


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, *args):
        self.n += 1


def timed(client, url: str, counter: Counter) -> tuple[float, int, int]:
    counter.n = 0
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, counter.n, len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        overrides = {"INSTANCE_DIR": tmp, "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{tmp}/bench.db"}
        app = create_app(TestingConfig, **overrides)
        import peerreview.core.clock as clock
        clock.today = lambda: TODAY
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            upgrade()
            start = time.perf_counter()
            build(args.schools, args.seed)
            print(f"data built in {time.perf_counter() - start:.1f} s ({db.engine.dialect.name})")
            cluster_id = db.session.scalar(text("SELECT min(id) FROM cluster"))

        counter = Counter()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", counter)
        client = app.test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf_token" type="hidden" value="')[-1].split('"')[0] \
            if 'type="hidden" value="' in login else login.split('value="')[1].split('"')[0]
        client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})

        rows = [
            ("page, first load (comments analysed and stored)", "/manage/dashboard"),
            ("page, warm", "/manage/dashboard"),
            ("page, warm again", "/manage/dashboard"),
            ("CSV", "/manage/dashboard.csv"),
            ("page, one cluster", f"/manage/dashboard?cluster={cluster_id}"),
        ]
        print(f"{'request':50} {'time':>8} {'queries':>8} {'size':>10}")
        for label, url in rows:
            elapsed, queries, size = timed(client, url, counter)
            print(f"{label:50} {elapsed:7.2f}s {queries:8d} {size / 1024:8.0f}KB")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (whole process, build included): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
