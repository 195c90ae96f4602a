"""The dashboard's measures for a small partnership with known answers (see conftest): survey
shares straight from run_results with small groups withheld, theme prevalence from the comments
shown only, review state and next steps from the latest published round, visits in the last
twelve months; filters; the CSV table."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from peerreview.dashboard import measures
from peerreview.dashboard.measures import Filters, build, csv_table
from peerreview.extensions import db
from surveys.models import RunSchool
from tests.dashboard.conftest import TODAY
from tests.surveys.test_results import add_responses


def table(dash, today=TODAY, **filters):
    return build(dash.partnership, Filters(**filters), today)


def cells(dashboard, key):
    """School's first word -> what its cell says ("withheld" for a withheld cell, None when absent)."""
    out = {}
    for r in [dashboard.partnership_row, *dashboard.rows]:
        v = r.values.get(key)
        out[r.label.split()[0]] = None if v is None else ("withheld" if v.withheld else v.text)
    return out


def test_share_positive_per_question_with_small_groups_withheld(dash):
    d = table(dash)
    assert cells(d, "parents.q.pv1") == {
        "Whole": "79%",  # 19 of 24 (all four schools count in the partnership's figure)
        "Alder": "80%", "Birch": "100%",
        "Cedar": "withheld",  # 3 responses, below the threshold of 5
        "Damson": "withheld",  # 5, but hidden with Cedar so the total cannot give Cedar away
    }
    assert cells(d, "staff.q.st_enjoy") == {"Whole": "80%", "Alder": "100%", "Birch": "60%",
                                            "Cedar": "not in this survey", "Damson": "not in this survey"}
    withheld = d.rows[2].values["parents.q.pv1"]
    assert withheld.withheld and withheld.number is None and withheld.step is None


def test_the_latest_closed_run_is_used_never_an_open_one(dash):
    parents = next(g for g in table(dash).groups if g.key == "parents")
    assert parents.detail.startswith("Parents spring 2026")
    # On the day a run closes its results are not out yet; after it, the later run is shown.
    assert next(g for g in table(dash, today=date(2026, 4, 30)).groups if g.key == "parents").detail \
        .startswith("Parents spring 2026")
    later = table(dash, today=date(2026, 5, 1))
    assert next(g for g in later.groups if g.key == "parents").detail.startswith("Parents summer 2026")
    assert cells(later, "parents.q.pv1")["Alder"] == "0%"


def test_before_any_run_closes_the_survey_groups_say_so(dash):
    d = table(dash, today=date(2026, 3, 15))
    staff = next(g for g in d.groups if g.key == "staff")
    assert staff.columns == [] and staff.empty_reason == "No closed survey yet."
    assert not any(k.startswith(("staff.", "parents.")) for r in d.rows for k in r.values)


def test_theme_prevalence_counts_only_comments_of_groups_shown(dash):
    d = table(dash)
    parents = next(g for g in d.groups if g.key == "parents")
    themes = [c.key for c in parents.columns if c.kind == measures.PREVALENCE]
    # Cedar's bullying and Damson's lunches are never counted, so never a top theme.
    assert themes == ["parents.theme.communication", "parents.theme.homework"]
    assert cells(d, "parents.theme.communication") == {
        "Whole": "44%",  # 7 of the 16 comments shown (Alder's 10, Birch's 6)
        "Alder": "20%", "Birch": "83%", "Cedar": "withheld", "Damson": "withheld"}
    assert cells(d, "parents.theme.homework") == {
        "Whole": "25%", "Alder": "40%", "Birch": "0%", "Cedar": "withheld", "Damson": "withheld"}


def test_review_state_and_next_steps_from_the_latest_published_round(dash):
    d = table(dash)
    review = next(g for g in d.groups if g.key == "review")
    assert review.detail == "Autumn reviews"  # the later draft round is a plan, not a review
    assert cells(d, "review.status") == {"Whole": "1 of 3 agreed", "Alder": "Agreed", "Birch": "Submitted",
                                         "Cedar": "Proposed", "Damson": "not in this round"}
    # Birch's two next steps are not agreed until the head agrees the report.
    assert cells(d, "review.steps_agreed") == {"Whole": "3", "Alder": "3", "Birch": "0", "Cedar": "0",
                                               "Damson": "not in this round"}
    assert cells(d, "review.steps_done")["Alder"] == "1 of 3"
    assert cells(d, "review.steps_done")["Birch"] == "none agreed yet"


def test_visits_hosted_and_made_count_closed_visits_in_the_last_twelve_months(dash):
    d = table(dash)
    assert cells(d, "visits.hosted") == {"Whole": "1", "Alder": "1", "Birch": "0", "Cedar": "0", "Damson": "0"}
    assert cells(d, "visits.made") == {"Whole": "2", "Alder": "0", "Birch": "1", "Cedar": "1", "Damson": "0"}


@pytest.mark.parametrize("filters, names", [
    ({"cluster_id": "North"}, ["Alder", "Cedar"]),
    ({"cluster_id": "South"}, ["Birch", "Damson"]),
    ({"phase": "Primary"}, ["Alder", "Cedar", "Damson"]),
    ({"phase": "Primary", "cluster_id": "South"}, ["Damson"]),
    ({}, ["Alder", "Birch", "Cedar", "Damson"]),
])
def test_filters_narrow_the_schools_but_not_what_is_withheld(dash, filters, names):
    if "cluster_id" in filters:
        filters["cluster_id"] = dash.clusters[filters["cluster_id"]].id
    d = table(dash, **filters)
    assert [r.label.split()[0] for r in d.rows] == names
    # Suppression is the run's, whatever is on screen: Damson stays withheld on its own.
    shown = cells(d, "parents.q.pv1")
    assert shown.get("Damson", "withheld") == "withheld" and shown["Whole"] == "79%"


def test_colour_steps_follow_the_written_figure():
    assert [measures.share_step(s) for s in (0.0, 0.494, 0.495, 0.69, 0.7, 0.8, 0.894, 0.895, 1.0)] == \
        [0, 0, 1, 1, 2, 3, 3, 4, 4]
    assert [measures.prevalence_step(s) for s in (0.0, 0.004, 0.094, 0.1, 0.25, 0.3)] == [0, 1, 1, 2, 3, 4]
    assert [measures.done_step(d, 4) for d in range(5)] == [0, 1, 2, 3, 4]
    assert measures.done_step(0, 0) is None
    assert all(len(steps) == measures.STEPS for _kind, _label, steps in measures.LEGEND)


def test_csv_table_is_the_same_table_with_withheld_written_out(dash):
    columns, rows = csv_table(table(dash))
    assert columns[:4] == ["school_urn", "school_name", "phase", "clusters"]
    assert "Parent survey: 1. My child is happy at this school. (%)" in columns
    by_name = {r[1].split()[0]: dict(zip(columns, r)) for r in rows}
    assert list(by_name) == ["Whole", "Alder", "Birch", "Cedar", "Damson"]
    pv1 = "Parent survey: 1. My child is happy at this school. (%)"
    assert [by_name[n][pv1] for n in by_name] == [79, 80, 100, "withheld", "withheld"]
    assert by_name["Alder"]["clusters"] == "North" and by_name["Birch"]["phase"] == "Secondary"
    assert by_name["Alder"]["Peer review: Next steps done"] == 1
    assert by_name["Damson"]["Peer review: State"] == "not in this round"


def test_queries_do_not_grow_with_the_number_of_schools(dash, world):
    def count_queries() -> int:
        seen = []
        listener = lambda *args: seen.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.expire_all()
            build(dash.partnership, Filters(), TODAY)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    count_queries()  # the first build stores the comments' analyses
    before = count_queries()
    for i in range(30):
        extra = world.school(dash.partnership, name=f"Extra {i}", phase="Primary")
        dash.parent_run.schools.append(RunSchool(school_id=extra.id, open_code=f"extra{i}"))
        db.session.commit()
        add_responses(dash.parent_run, extra, 5, {"pv1": "agree", "pv_comments": "Too much homework."})
        world.cluster(dash.partnership, f"Cluster {i}", [extra])
    count_queries()
    assert count_queries() == before
