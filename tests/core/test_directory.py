"""The schools list (search, filters, pages) and a school's page."""
from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in

PHASES = ["Primary", "Secondary", "Nursery"]
AUTHORITIES = ["Leeds", "Bradford", "Wakefield"]


def names_listed(html: str) -> list[str]:
    """The school names in the table, in order (links or plain text)."""
    cells = re.findall(r'<th scope="row" class="govuk-table__header app-school-table__name">(.*?)</th>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]


@pytest.fixture
def trust(world):
    """North Star Trust with 60 schools (three phases, three authorities), two clusters, an admin,
    and a second partnership with a school of its own."""
    p = world.partnership("North Star Trust")
    schools = []
    for i in range(60):
        schools.append(world.school(
            p, name=f"School {i:02d} {'Academy' if i % 2 else 'Primary School'}",
            phase=PHASES[i % 3], local_authority=AUTHORITIES[i % 3 if i < 30 else (i + 1) % 3],
            postcode=f"LS{i % 9 + 1} {i % 7}AB",
        ))
    east = world.cluster(p, "East cluster", schools[:7])
    west = world.cluster(p, "West cluster", schools[5:12])
    other = world.partnership("Other Trust")
    outsider = world.school(other, name="Outsider Primary School", phase="Primary", local_authority="York",
                            postcode="YO1 7HH")
    other_cluster = world.cluster(other, "Other cluster", [outsider])
    world.person("admin@northstar.org.uk", ("admin", p), name="Ada Admin")
    return {"p": p, "schools": schools, "east": east, "west": west, "outsider": outsider,
            "other_cluster": other_cluster, "world": world}


@pytest.fixture
def admin(client, trust):
    sign_in(client, "admin@northstar.org.uk")
    return client


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- the list ---------------------------------------------------------------------------


def test_first_page_shows_fifty_schools_with_a_count_and_a_link_to_the_next(admin):
    html = get_page(admin, "/manage/schools")
    assert "60 schools" in html
    names = names_listed(html)
    assert len(names) == 50
    assert names == sorted(names, key=str.lower)
    assert "Outsider Primary School" not in html
    assert 'href="/manage/schools?page=2"' in html
    assert "Showing 1 to 50 of 60" in html


def test_second_page_shows_the_rest(admin):
    html = get_page(admin, "/manage/schools?page=2")
    assert len(names_listed(html)) == 10
    assert 'aria-current="page"' in html
    assert 'href="/manage/schools"' in html  # previous page, and page 1


def test_pages_keep_the_filters_in_their_links(admin, trust):
    for i in range(60):
        trust["world"].school(trust["p"], name=f"Extra {i:02d}", phase="Primary")
    html = get_page(admin, "/manage/schools?phase=Primary")
    assert "80 schools" in html
    assert 'href="/manage/schools?phase=Primary&amp;page=2"' in html


@pytest.mark.parametrize("query, expected", [
    ("school 07", ["School 07 Academy"]),
    ("SCHOOL 07 ACADEMY", ["School 07 Academy"]),
    ("primary school", None),  # every even-numbered school
])
def test_search_by_name_ignores_case(admin, query, expected):
    html = get_page(admin, f"/manage/schools?q={query}")
    names = names_listed(html)
    if expected is None:
        assert len(names) == 30 and all("Primary School" in n for n in names)
    else:
        assert names == expected


def test_search_by_urn(admin, trust):
    school = trust["schools"][3]
    html = get_page(admin, f"/manage/schools?q={school.urn}")
    assert names_listed(html) == [school.name]


@pytest.mark.parametrize("query", ["LS4 3AB", "ls4 3ab", "ls43ab", "LS4 3"])
def test_search_by_postcode_ignores_case_and_spaces(admin, trust, query):
    expected = sorted((s.name for s in trust["schools"] if s.postcode.replace(" ", "").startswith(
        query.upper().replace(" ", ""))), key=str.lower)
    html = get_page(admin, f"/manage/schools?q={query}")
    assert expected and names_listed(html) == expected


def test_search_treats_wildcards_as_text(admin):
    for query in ("%", "_", "%25"):
        html = get_page(admin, f"/manage/schools?q={query}")
        assert "No schools match your search." in html


def test_filter_by_phase_authority_and_cluster(admin, trust):
    html = get_page(admin, "/manage/schools?phase=Secondary")
    assert "20 schools" in html
    html = get_page(admin, "/manage/schools?la=Leeds&phase=Primary")
    expected = [s for s in trust["schools"] if s.local_authority == "Leeds" and s.phase == "Primary"]
    assert len(names_listed(html)) == len(expected) > 0
    html = get_page(admin, f"/manage/schools?cluster={trust['east'].id}")
    assert sorted(names_listed(html)) == sorted(s.name for s in trust["schools"][:7])
    assert "7 schools" in html


def test_filter_selects_are_built_from_the_data_and_keep_the_choice(admin, trust):
    html = get_page(admin, f"/manage/schools?phase=Nursery&cluster={trust['west'].id}")
    for phase in PHASES:
        assert f'<option value="{phase}"' in html
    assert '<option value="Nursery" selected' in html
    assert f'<option value="{trust["west"].id}" selected' in html
    assert "York" not in html  # the other partnership's authority is no choice here
    assert "Other cluster" not in html
    assert 'href="/manage/schools">Clear filters</a>' in html


def test_one_school_is_counted_in_the_singular(admin, trust):
    html = get_page(admin, f"/manage/schools?q={trust['schools'][0].urn}")
    assert "1 school" in html and "1 schools" not in html


def test_no_match_says_so_clearly(admin):
    html = get_page(admin, "/manage/schools?q=zzzz")
    assert "0 schools" in html
    assert "No schools match your search." in html
    assert "<table" not in html


@pytest.mark.parametrize("query", [
    "cluster=abc", "cluster=", "cluster=-4", "cluster=99999999999999999999999",
    "page=abc", "page=-1", "page=0", "page=", "page=1e3", "page=99999",
    "phase=Boarding", "la=Atlantis", "q=" + "x" * 5000, "q=%00", "unknown=1",
])
def test_bad_query_values_never_fail(admin, query):
    response = admin.get(f"/manage/schools?{query}")
    assert response.status_code == 200


def test_a_page_past_the_end_shows_the_last_page(admin):
    html = get_page(admin, "/manage/schools?page=99999")
    assert len(names_listed(html)) == 10


def test_a_cluster_of_another_partnership_is_ignored_as_a_filter(admin, trust):
    html = get_page(admin, f"/manage/schools?cluster={trust['other_cluster'].id}")
    assert "60 schools" in html
    assert "Outsider" not in html


def test_names_link_to_school_pages_only_where_the_person_may_see_them(client, trust):
    own = trust["schools"][0]
    trust["world"].person("head@school0.sch.uk", ("head", own))
    sign_in(client, "head@school0.sch.uk")
    html = get_page(client, "/manage/schools")
    assert "60 schools" in html
    links = re.findall(r'href="/manage/schools/(\d+)"', html)
    assert links == [str(own.id)]
    assert trust["schools"][1].name in html  # shown, as plain text


def test_the_list_shows_each_schools_details_and_clusters(admin, trust):
    school = trust["schools"][6]  # in both clusters
    html = get_page(admin, f"/manage/schools?q={school.urn}")
    for text in (school.name, str(school.urn), school.phase, school.local_authority, school.postcode,
                 "East cluster", "West cluster"):
        assert text in html


def test_a_person_in_two_partnerships_sees_both_with_the_partnership_named(client, trust):
    trust["world"].person("both@trusts.org.uk", ("admin", trust["p"]), ("head", trust["outsider"]))
    sign_in(client, "both@trusts.org.uk")
    html = get_page(client, "/manage/schools")
    assert "61 schools" in html
    html = get_page(client, "/manage/schools?q=outsider")
    assert "Outsider Primary School" in html and "Other Trust" in html


def test_someone_without_a_role_is_told_so(client, world):
    world.person("nobody@example.org")
    sign_in(client, "nobody@example.org")
    response = client.get("/manage/schools")
    assert response.status_code == 403
    assert "You do not have a role in a partnership yet" in response.get_data(as_text=True)


def test_an_empty_partnership_says_how_to_add_schools(client, world):
    p = world.partnership()
    world.person("admin@empty.org", ("admin", p))
    sign_in(client, "admin@empty.org")
    html = get_page(client, "/manage/schools")
    assert "There are no schools in your partnership yet." in html
    assert "/manage/schools/import/" in html


# --- a school's page ---------------------------------------------------------------------------


@pytest.fixture
def school_with_people(world):
    p = world.partnership()
    school = world.school(p, name="Lanthorn Primary School", urn=123456, phase="Primary",
                          establishment_type="Academy converter", status="Open",
                          local_authority="Leeds", postcode="LS1 4AB", trust_name="North Star Trust",
                          head_name="Mrs Hana Head", easting=430000, northing=433000)
    other = world.school(p, name="Beacon Hill Academy")
    world.cluster(p, "West cluster", [school])
    world.cluster(p, "Reading hub", [school, other])
    world.person("admin@northstar.org.uk", ("admin", p), name="Ada Admin")
    world.person("head@lanthorn.sch.uk", ("head", school), name="Hana Head")
    world.person("rev@lanthorn.sch.uk", ("reviewer", school), name="Rob Reviewer")
    world.person("coord@lanthorn.sch.uk", ("coordinator", school), name="Cora Coordinator")
    world.person("elsewhere@beacon.sch.uk", ("head", other), name="Ellis Elsewhere")
    return school


def test_school_page_shows_the_gias_facts(client, school_with_people):
    sign_in(client, "admin@northstar.org.uk")
    html = get_page(client, f"/manage/schools/{school_with_people.id}")
    assert "<h1" in html and "Lanthorn Primary School" in html
    for text in ("123456", "Academy converter", "Primary", "Open", "Leeds", "LS1 4AB", "North Star Trust",
                 "Mrs Hana Head", "430000, 433000"):
        assert text in html, text
    assert "govuk-summary-list" in html


def test_school_page_links_its_clusters(client, school_with_people):
    sign_in(client, "admin@northstar.org.uk")
    html = get_page(client, f"/manage/schools/{school_with_people.id}")
    for cluster in school_with_people.clusters:
        assert f'href="/manage/clusters/{cluster.id}"' in html
        assert cluster.name in html


def test_school_page_lists_the_people_with_roles_there(client, school_with_people):
    sign_in(client, "admin@northstar.org.uk")
    html = get_page(client, f"/manage/schools/{school_with_people.id}")
    people = html[html.index("People with a role at this school"):]
    assert people.index("Hana Head") < people.index("Rob Reviewer")  # heads first
    for text in ("Headteacher", "Reviewer", "Visit coordinator", "Cora Coordinator", "Trained on 1 Sept 2026"):
        assert text in people, text
    assert "Ellis Elsewhere" not in html
    assert "Ada Admin" not in people  # admins hold no role at a school
    assert 'href="/manage/people"' in html


def test_a_head_sees_their_own_school_with_their_role_and_no_admin_links(client, school_with_people):
    sign_in(client, "head@lanthorn.sch.uk")
    html = get_page(client, f"/manage/schools/{school_with_people.id}")
    assert "Your role here: Headteacher." in html
    assert "Rob Reviewer" in html
    assert 'href="/manage/people"' not in html.split('<main')[1]
    assert "Reviews and surveys" in html


def test_missing_facts_are_marked_not_recorded(client, world):
    p = world.partnership()
    school = world.school(p, name="Bare School")
    world.person("admin@x.org", ("admin", p))
    sign_in(client, "admin@x.org")
    html = get_page(client, f"/manage/schools/{school.id}")
    assert html.count("Not recorded") >= 7
    assert "This school is not in a cluster." in html
    assert "Nobody holds a role at this school yet." in html
