"""The GIAS extract parser, the importer and the import-schools command."""
from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from peerreview.core.audit import AuditEvent
from peerreview.core.directory.cli import import_schools_command
from peerreview.core.directory.gias import GiasFileError, head_name, parse_gias
from peerreview.core.directory.importing import import_schools, resolve_partnership
from peerreview.core.directory.models import Partnership, School
from peerreview.extensions import db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
DEMO = Path(__file__).resolve().parents[2] / "peerreview" / "demo_data" / "demo_schools.csv"

HEADER = ("URN,LA (code),LA (name),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
          "PhaseOfEducation (name),NumberOfPupils,Trusts (name),Postcode,HeadTitle (name),HeadFirstName,"
          "HeadLastName,Easting,Northing")


def gias(*rows: str, header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join((header,) + rows) + "\r\n").encode(encoding)


def row(urn="991001", name="Alpha Primary School", status="Open", phase="Primary", postcode="WF21 1AA",
        title="Mrs", first="Ann", last="Lee", easting="430100", northing="433200", trust="Brookvale Trust",
        la="Brookvale", kind="Academy converter") -> str:
    return f'{urn},999,{la},"{name}",{kind},{status},{phase},210,{trust},{postcode},{title},{first},{last},{easting},{northing}'


def school_count() -> int:
    return db.session.scalar(select(func.count()).select_from(School))


# ---------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize("fixture, encoding", [
    ("cp1252_curly.csv", "cp1252"),
    ("utf8_bom.csv", "utf-8-sig"),
    ("utf8_plain.csv", "utf-8"),
])
def test_each_encoding_imports_the_right_names(world, fixture, encoding):
    p = world.partnership()
    report = import_schools((FIXTURES / fixture).read_bytes(), p)
    assert report.encoding == encoding
    assert report.counts["added"] == 3
    names = set(db.session.scalars(select(School.name)))
    assert names == {"St Anne\u2019s Primary School", "Brook Lane Infant School", "Brookvale High School"}
    anne = db.session.scalar(select(School).where(School.urn == 991001))
    assert anne.partnership_id == p.id
    assert anne.head_name == "Mrs Ann Lee"
    assert (anne.easting, anne.northing) == (430100, 433200)
    assert anne.phase == "Primary"
    assert anne.status == "Open"
    assert anne.postcode == "WF21 1AA"
    assert anne.local_authority == "Brookvale"
    assert anne.trust_name == "Brookvale Schools Trust"
    assert anne.establishment_type == "Academy converter"
    # An empty title is skipped.
    assert db.session.scalar(select(School.head_name).where(School.urn == 991002)) == "Sam Patel"


def test_a_file_object_and_a_path_are_accepted(world):
    p = world.partnership()
    with open(FIXTURES / "cp1252_curly.csv", "rb") as f:
        assert import_schools(f, p, dry_run=True).counts["added"] == 3
    assert import_schools(FIXTURES / "cp1252_curly.csv", p).counts["added"] == 3


def test_a_utf8_file_that_is_not_utf8_later_on_falls_back_to_windows_1252():
    # The first megabyte is plain ASCII; the curly apostrophe (0x92) comes much later.
    filler = [row(urn=str(800000 + i), name=f"School {i}") for i in range(12000)]
    data = gias(*filler, row(urn="991001", name="St Anne\u2019s Primary School"))
    assert len(data) > 1024 * 1024
    parsed = parse_gias(data)
    assert parsed.encoding == "cp1252"
    assert parsed.rows[-1].name == "St Anne\u2019s Primary School"


@pytest.mark.parametrize("fixture, words", [
    ("utf16.csv", "UTF-16"),
    ("excel.xlsx", "Excel workbook"),
])
def test_a_file_in_the_wrong_format_is_refused_with_advice(world, fixture, words):
    p = world.partnership()
    with pytest.raises(GiasFileError) as error:
        import_schools((FIXTURES / fixture).read_bytes(), p)
    assert words in str(error.value)
    assert "save it as" in str(error.value)
    assert school_count() == 0


@pytest.mark.parametrize("data, words", [
    (b"", "The file is empty"),
    (b"\r\n\r\n", "The file is empty"),
    (codecs.BOM_UTF8, "The file is empty"),
    (b"\x00\x01\x02binary\xff\xfe\x00", "not a CSV text file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old-style Excel"),
    (gias(header="SchoolRef,Name"), "no URN or EstablishmentName column"),
    (gias(row(), header=HEADER.replace("EstablishmentName", "SchoolName")), "no EstablishmentName column"),
    (gias(header=HEADER), "column names but no schools"),
    (gias(row(), header=row(urn="991000")), "looks like a school"),
    (",,,\r\n" + row(), "no column names"),
    ("URN;EstablishmentName\r\n991001;Alpha\r\n".encode(), "not separated by commas"),
    (codecs.BOM_UTF8 + b"URN,EstablishmentName\r\n991001,Caf\xe9\r\n", "not UTF-8"),
    (b"URN,EstablishmentName\r\n991001,Odd \x81 byte\r\n", "neither UTF-8 nor Windows-1252"),
])
def test_a_file_that_cannot_be_read_imports_nothing(world, data, words):
    p = world.partnership()
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(GiasFileError) as error:
        import_schools(data, p)
    assert words in str(error.value)
    assert school_count() == 0


def test_unknown_columns_are_ignored_and_only_urn_and_name_are_required(world):
    p = world.partnership()
    report = import_schools(b"OpenDate,EstablishmentName,Whatever,URN\r\n01-09-2020,Tiny School,x,991009\r\n", p)
    assert report.counts["added"] == 1
    school = db.session.scalar(select(School))
    assert (school.urn, school.name, school.phase, school.easting, school.head_name) == (
        991009, "Tiny School", None, None, None)


# ---------------------------------------------------------------------------------------
# Idempotence


def test_reimporting_is_idempotent_and_updates_what_changed(world):
    p = world.partnership()
    first = import_schools(DEMO, p)
    assert first.summary() == "added 14, updated 0, unchanged 0, skipped 1 (closed 1, invalid 0, other partnership 0)"
    assert school_count() == 14

    again = import_schools(DEMO, p)
    assert again.summary() == "added 0, updated 0, unchanged 14, skipped 1 (closed 1, invalid 0, other partnership 0)"
    assert school_count() == 14

    # Edit one field in the file (a new head) and import it again.
    text = DEMO.read_bytes().decode("cp1252").replace("Mrs,Jane,Okafor", "Mr,Peter,Okafor")
    edited = import_schools(text.encode("cp1252"), p)
    assert (edited.counts["added"], edited.counts["updated"], edited.counts["unchanged"]) == (0, 1, 13)
    [update] = edited.updated
    assert [(c.field, c.old, c.new) for c in update.changes] == [("head_name", "Mrs Jane Okafor", "Mr Peter Okafor")]
    assert school_count() == 14
    assert db.session.scalar(select(School.head_name).where(School.urn == 990001)) == "Mr Peter Okafor"
    assert db.session.scalar(select(School.name).where(School.urn == 990001)) == \
        "St Mary\u2019s Church of England Primary School"


def test_a_blank_cell_clears_a_field_on_update(world):
    p = world.partnership()
    world.school(p, urn=991001, name="Alpha Primary School", phase="Primary", easting=1, northing=2)
    report = import_schools(gias(row(easting="", northing="", phase="")), p)
    assert report.counts["updated"] == 1
    school = db.session.scalar(select(School))
    assert (school.easting, school.northing, school.phase) == (None, None, None)


def test_a_urn_in_another_partnership_is_skipped_and_reported(world):
    mine = world.partnership("Mine Trust")
    theirs = world.partnership("Their Trust")
    world.school(theirs, urn=991001, name="Their School")
    report = import_schools(gias(row(urn="991001"), row(urn="991002", name="Beta School")), mine)
    assert report.counts["other_partnership"] == 1
    assert report.counts["added"] == 1
    assert "row 2: skipped, URN 991001 belongs to another partnership: Alpha Primary School" in report.problem_lines()
    school = db.session.scalar(select(School).where(School.urn == 991001))
    assert (school.partnership_id, school.name) == (theirs.id, "Their School")


def test_closed_schools_are_skipped_and_an_existing_one_is_kept(world):
    p = world.partnership()
    report = import_schools((FIXTURES / "closed_school.csv").read_bytes(), p)
    assert report.summary() == "added 1, updated 0, unchanged 0, skipped 1 (closed 1, invalid 0, other partnership 0)"
    assert db.session.scalar(select(School.urn)) == 991001

    world.school(p, urn=991004, name="Old Mill Junior School")
    report = import_schools((FIXTURES / "closed_school.csv").read_bytes(), p)
    assert report.counts["closed"] == 1
    assert "row 3: skipped, closed: 991004 Old Mill Junior School, already in the list: left as it is" in \
        report.problem_lines()
    assert school_count() == 2


# ---------------------------------------------------------------------------------------
# Bad rows: reported with row, field and reason, not imported; the other rows are.


def problems_of(data: bytes) -> list[str]:
    return [str(p) for p in parse_gias(data).problems]


def test_a_non_numeric_easting_is_reported_and_that_row_is_not_imported(world):
    p = world.partnership()
    report = import_schools((FIXTURES / "bad_easting.csv").read_bytes(), p)
    assert report.problem_lines() == ['row 3: Easting: "abc" is not a whole number']
    assert report.counts["invalid"] == 1
    assert set(db.session.scalars(select(School.urn))) == {991001, 991003}
    # An empty easting is fine: no location.
    assert db.session.scalar(select(School.easting).where(School.urn == 991003)) is None


def test_a_urn_twice_in_the_file_reports_both_rows_and_imports_neither(world):
    p = world.partnership()
    report = import_schools((FIXTURES / "duplicate_urn.csv").read_bytes(), p)
    assert report.problem_lines() == [
        "row 2: URN: 991001 is in the file more than once (rows 2, 4)",
        "row 4: URN: 991001 is in the file more than once (rows 2, 4)",
    ]
    assert report.summary() == "added 1, updated 0, unchanged 0, skipped 2 (closed 0, invalid 2, other partnership 0)"
    assert list(db.session.scalars(select(School.urn))) == [991002]


@pytest.mark.parametrize("bad_row, expected", [
    (row(urn=""), "row 3: URN: is missing"),
    (row(urn="12A45"), 'row 3: URN: "12A45" is not a whole number'),
    (row(urn="-5"), 'row 3: URN: "-5" is not a whole number'),
    (row(urn="0"), 'row 3: URN: "0" is not a whole number'),
    (row(urn="99999999999"), 'row 3: URN: "99999999999" is not a whole number'),
    (row(name=""), "row 3: EstablishmentName: is missing"),
    (row(name="   "), "row 3: EstablishmentName: is missing"),
    (row(northing="12.5"), 'row 3: Northing: "12.5" is not a whole number'),
    (row(postcode="WF21 1AA EXTRA"), 'row 3: Postcode: "WF21 1AA EXTRA" is longer than 10 characters'),
    (row(name="N" * 201), "row 3: EstablishmentName: \"" + "N" * 40 + '..." is longer than 200 characters'),
])
def test_each_bad_row_is_reported_with_row_field_and_reason(world, bad_row, expected):
    p = world.partnership()
    report = import_schools(gias(row(urn="991100", name="Good School"), bad_row, row(urn="991101", name="Also Good")), p)
    assert report.problem_lines() == [expected]
    assert report.counts["invalid"] == 1
    assert sorted(db.session.scalars(select(School.name))) == ["Also Good", "Good School"]


def test_several_problems_in_one_row_count_as_one_invalid_row():
    parsed = parse_gias(gias(row(urn="x", name="", easting="e")))
    assert [str(p) for p in parsed.problems] == [
        'row 2: URN: "x" is not a whole number',
        "row 2: EstablishmentName: is missing",
        'row 2: Easting: "e" is not a whole number',
    ]
    assert parsed.invalid_rows == [2]
    assert parsed.rows == []


def test_row_numbers_are_spreadsheet_rows_even_with_blank_lines_and_quoted_newlines():
    data = gias(row(urn="991001", name="Line one\nline two"), "", row(urn="991003", easting="x"))
    assert problems_of(data) == ['row 4: Easting: "x" is not a whole number']
    parsed = parse_gias(data)
    assert parsed.total_rows == 2
    assert parsed.rows[0].name == "Line one line two"


def test_values_are_tidied():
    parsed = parse_gias(gias(row(urn=" 991001 ", name="  Alpha   Primary ", postcode="wf21 1aa", easting="430100.0")))
    [school] = parsed.rows
    assert (school.urn, school.name, school.postcode, school.easting) == (991001, "Alpha Primary", "WF21 1AA", 430100)


def test_a_short_row_is_read_with_blanks():
    parsed = parse_gias(gias("991001,999,Brookvale,Short School"))
    [school] = parsed.rows
    assert (school.name, school.status, school.easting) == ("Short School", None, None)


def test_head_name():
    assert head_name("Mrs", "Jane", "Smith") == "Mrs Jane Smith"
    assert head_name("", " Jane ", "Smith") == "Jane Smith"
    assert head_name("Not applicable", "Jo", "Bloggs") == "Jo Bloggs"
    assert head_name("", "", "") is None


# ---------------------------------------------------------------------------------------
# One transaction


def test_a_database_failure_saves_nothing(world, monkeypatch):
    p = world.partnership()
    world.school(p, urn=990002, name="Old name")
    from peerreview.core.directory import importing

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "record", broken)  # fails after the inserts and updates
    with pytest.raises(RuntimeError):
        import_schools(DEMO, p)
    assert school_count() == 1
    assert db.session.scalar(select(School.name)) == "Old name"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_dry_run_writes_nothing(world):
    p = world.partnership()
    report = import_schools(DEMO, p, dry_run=True)
    assert report.counts["added"] == 14 and not report.applied
    db.session.commit()
    assert school_count() == 0


def test_an_import_records_an_audit_event(world):
    p = world.partnership()
    import_schools(DEMO, p, audit_detail="demo_schools.csv")
    event = db.session.scalar(select(AuditEvent))
    assert event.action == "schools.import"
    assert event.partnership_id == p.id
    assert event.detail.startswith("added 14, updated 0")


# ---------------------------------------------------------------------------------------
# Choosing the partnership


def test_resolve_partnership(world):
    p, created = resolve_partnership(None)
    assert (p.name, p.kind, created) == ("My partnership", "trust", True)
    db.session.commit()
    assert resolve_partnership(None) == (p, False)
    q, created = resolve_partnership("Second Trust")
    assert created and q.name == "Second Trust"
    db.session.commit()
    with pytest.raises(ValueError, match="--partnership"):
        resolve_partnership(None)
    assert resolve_partnership("Second Trust") == (q, False)


# ---------------------------------------------------------------------------------------
# The command


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args):
        return runner.invoke(import_schools_command, [str(a) for a in args])
    return run


def test_cli_imports_and_creates_a_partnership_when_there_is_none(cli, ctx):
    result = cli(DEMO)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "added 14, updated 0, unchanged 0, skipped 1 (closed 1, invalid 0, other partnership 0)",
        "row 11: skipped, closed: 990015 Old Quay Junior School",
    ]
    assert 'Created the partnership "My partnership"' in result.stderr
    [p] = db.session.scalars(select(Partnership))
    assert p.name == "My partnership" and len(p.schools) == 14

    again = cli(DEMO)
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0] == \
        "added 0, updated 0, unchanged 14, skipped 1 (closed 1, invalid 0, other partnership 0)"
    assert "Created" not in again.output


def test_cli_exit_code_1_when_some_rows_are_invalid(cli, ctx, world):
    p = world.partnership("Brookvale Trust")
    result = cli(FIXTURES / "bad_easting.csv")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "added 2, updated 0, unchanged 0, skipped 1 (closed 0, invalid 1, other partnership 0)",
        'row 3: Easting: "abc" is not a whole number',
    ]
    assert db.session.scalar(select(func.count()).select_from(School).where(School.partnership_id == p.id)) == 2


@pytest.mark.parametrize("fixture, words", [
    ("utf16.csv", "UTF-16"),
    ("excel.xlsx", "Excel workbook"),
    ("no_urn_column.csv", "no URN column"),
])
def test_cli_exit_code_2_when_the_file_cannot_be_read(cli, ctx, fixture, words):
    result = cli(FIXTURES / fixture)
    assert result.exit_code == 2
    assert words in result.stderr
    assert "Nothing was imported" in result.stderr
    assert school_count() == 0
    # Not even the default partnership is left behind.
    assert db.session.scalar(select(func.count()).select_from(Partnership)) == 0


def test_cli_needs_partnership_when_there_are_several(cli, world):
    world.partnership("One Trust")
    world.partnership("Two Trust")
    result = cli(DEMO)
    assert result.exit_code == 2
    assert "--partnership" in result.stderr and '"One Trust"' in result.stderr
    assert school_count() == 0

    result = cli(DEMO, "--partnership", "Two Trust")
    assert result.exit_code == 0
    two = db.session.scalar(select(Partnership).where(Partnership.name == "Two Trust"))
    assert len(two.schools) == 14


def test_cli_creates_a_named_partnership(cli, world):
    world.partnership("One Trust")
    result = cli(DEMO, "--partnership", "Riverside Learning Trust")
    assert result.exit_code == 0
    assert 'Created the partnership "Riverside Learning Trust"' in result.stderr
    p = db.session.scalar(select(Partnership).where(Partnership.name == "Riverside Learning Trust"))
    assert p.kind == "trust" and len(p.schools) == 14


def test_cli_missing_file_is_a_usage_error(cli, ctx):
    result = cli("/no/such/file.csv")
    assert result.exit_code == 2


def test_cli_reports_other_partnership_rows(cli, world):
    mine = world.partnership("Riverside Learning Trust")
    theirs = world.partnership("Other Trust")
    world.school(theirs, urn=990004, name="Harbour View Academy")
    result = cli(DEMO, "--partnership", mine.name)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "added 13, updated 0, unchanged 0, skipped 2 (closed 1, invalid 0, other partnership 1)"
    assert "row 5: skipped, URN 990004 belongs to another partnership: Harbour View Academy" in lines


def test_the_demo_file_is_windows_1252_with_a_curly_apostrophe():
    data = DEMO.read_bytes()
    assert b"St Mary\x92s" in data
    parsed = parse_gias(io.BytesIO(data))
    assert parsed.encoding == "cp1252"
    assert len(parsed.rows) == 14 and len(parsed.closed) == 1 and not parsed.problems
    urns = [r.urn for r in parsed.rows]
    assert all(990001 <= u <= 990099 for u in urns)
    eastings = [r.easting for r in parsed.rows]
    northings = [r.northing for r in parsed.rows]
    assert max(eastings) - min(eastings) < 25000 and max(northings) - min(northings) < 25000
    assert {r.trust_name for r in parsed.rows} == {"Riverside Learning Trust"}
