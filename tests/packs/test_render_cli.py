"""`flask render-pack --school URN --out FILE.pdf` (the contract) and `flask render-all-packs`."""
from __future__ import annotations

from datetime import date

from tests.packs.pack_helpers import pdf_info, pdf_text, staff_run


def test_render_pack_writes_the_schools_pack(app, world, tmp_path, monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2027, 3, 1))
    p = world.partnership()
    schools = [world.school(p, f"School {n}") for n in "ABC"]
    staff_run(p, {s: 8 for s in schools}, opens_on=date(2027, 1, 10), closes_on=date(2027, 1, 31))
    out = tmp_path / "packs" / "a.pdf"
    result = app.test_cli_runner().invoke(args=["render-pack", "--school", str(schools[0].urn), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_info(data)["Tagged"] == "yes"
    text = pdf_text(data)
    assert "School A" in text and "8 responses from this school" in text
    assert "1 March 2026 to 1 March 2027" in text  # the default period: the twelve months to today


def test_render_pack_takes_a_period_and_a_language(app, world, tmp_path, monkeypatch):
    monkeypatch.setattr("peerreview.core.clock.today", lambda: date(2027, 3, 1))
    school = world.school(world.partnership(), "Ysgol Prawf")
    out = tmp_path / "cy.pdf"
    result = app.test_cli_runner().invoke(args=[
        "render-pack", "--school", str(school.urn), "--out", str(out), "--from", "2026-09-01", "--to", "2027-08-31",
        "--language", "cy"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "1 Medi 2026" in text and "31 Awst 2027" in text  # the period, in Welsh


def test_render_pack_refuses_an_unknown_school_and_bad_options(app, world, tmp_path):
    school = world.school(world.partnership())
    runner = app.test_cli_runner()
    out = tmp_path / "x.pdf"
    unknown = runner.invoke(args=["render-pack", "--school", "123456789", "--out", str(out)])
    assert unknown.exit_code != 0
    assert "no school with URN 123456789" in unknown.output
    backwards = runner.invoke(args=["render-pack", "--school", str(school.urn), "--out", str(out),
                                    "--from", "2027-01-01", "--to", "2026-01-01"])
    assert backwards.exit_code != 0 and "--from must be on or before --to" in backwards.output
    bad_date = runner.invoke(args=["render-pack", "--school", str(school.urn), "--out", str(out), "--from", "1/2/27"])
    assert bad_date.exit_code != 0
    language = runner.invoke(args=["render-pack", "--school", str(school.urn), "--out", str(out), "--language", "fr"])
    assert language.exit_code != 0
    not_a_number = runner.invoke(args=["render-pack", "--school", "St Mary's", "--out", str(out)])
    assert not_a_number.exit_code != 0
    assert not out.exists()


def test_render_pack_says_so_when_it_cannot_write_the_file(app, world, tmp_path):
    school = world.school(world.partnership())
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = app.test_cli_runner().invoke(args=["render-pack", "--school", str(school.urn),
                                                "--out", str(blocker / "pack.pdf")])
    assert result.exit_code != 0
    assert "could not write" in result.output


def test_render_all_packs_writes_one_pack_per_school(app, world, tmp_path):
    p = world.partnership()
    schools = [world.school(p, f"School {n}") for n in "AB"] + [world.school(world.partnership("Other"), "Far")]
    result = app.test_cli_runner().invoke(args=["render-all-packs", "--out-dir", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    written = sorted(f.name for f in (tmp_path / "all").iterdir())
    assert written == sorted(f"pack-{s.urn}.pdf" for s in schools)
    assert "3 of 3 packs written" in result.output
    assert "Far" in pdf_text((tmp_path / "all" / f"pack-{schools[2].urn}.pdf").read_bytes())
