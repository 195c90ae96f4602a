"""``flask render-pack`` (the contract: ``--school URN --out FILE.pdf``) and
``flask render-all-packs --out-dir DIR``.

Without ``--from``/``--to`` a pack covers the twelve months to today. A school with no data
still gets a (short) pack; an unknown URN, a bad date or an unwritable file is a clear
error with a non-zero exit code.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from peerreview.core.directory.models import School
from peerreview.extensions import db

# The renderer (and WeasyPrint, about 25 MB and 1.5 s to import) is loaded when a command runs,
# not whenever the app starts: every web worker and command registers these.
LANGUAGES = ("en", "cy")


def _period(start, end):
    from peerreview.packs.render import default_period

    default_start, default_end = default_period()
    start = start.date() if start else default_start
    end = end.date() if end else default_end
    if start > end:
        raise click.BadParameter("--from must be on or before --to", param_hint="--from")
    return start, end


_dates = [
    click.option("--from", "start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                 help="First day of the period (YYYY-MM-DD; default: a year before --to)."),
    click.option("--to", "end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                 help="Last day of the period (YYYY-MM-DD; default: today)."),
    click.option("--language", type=click.Choice(sorted(LANGUAGES)), default="en", show_default=True,
                 help="The pack's language: en (English) or cy (Welsh)."),
]


def _with_dates(f):
    for option in reversed(_dates):
        f = option(f)
    return f


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as e:
        raise click.ClickException(f"could not write {path}: {e.strerror or e}") from e


@click.command("render-pack")
@click.option("--school", "urn", type=int, required=True, help="The school's URN.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the PDF.")
@_with_dates
@with_appcontext
def render_pack_command(urn: int, out: Path, start, end, language: str) -> None:
    """Write one school's feedback pack as a PDF."""
    from peerreview.packs.render import render_pack

    school = db.session.scalar(select(School).where(School.urn == urn))
    if school is None:
        raise click.ClickException(f"no school with URN {urn}")
    period_start, period_end = _period(start, end)
    started = time.perf_counter()
    data = render_pack(school, period_start, period_end, language)
    _write(out, data)
    click.echo(f"wrote {out} ({len(data) // 1024} KB, {school.name}, {period_start} to {period_end}, "
               f"{time.perf_counter() - started:.1f} s)")


@click.command("render-all-packs")
@click.option("--out-dir", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="The folder to write one PDF per school into (pack-<URN>.pdf).")
@_with_dates
@with_appcontext
def render_all_packs_command(out_dir: Path, start, end, language: str) -> None:
    """Write every school's feedback pack (each partnership's schools, by URN)."""
    from peerreview.packs.render import render_pack

    period_start, period_end = _period(start, end)
    schools = list(db.session.scalars(select(School).order_by(School.urn)))
    if not schools:
        raise click.ClickException("there are no schools yet")
    failed = 0
    started = time.perf_counter()
    for school in schools:
        path = out_dir / f"pack-{school.urn}{'-cy' if language == 'cy' else ''}.pdf"
        try:
            data = render_pack(school, period_start, period_end, language)
        except Exception as e:  # noqa: BLE001 - one school's failure must not stop the others
            db.session.rollback()
            failed += 1
            click.echo(f"FAILED {school.urn} {school.name}: {type(e).__name__}: {e}", err=True)
            continue
        _write(path, data)
        click.echo(f"wrote {path} ({school.name})")
    click.echo(f"{len(schools) - failed} of {len(schools)} packs written in {time.perf_counter() - started:.1f} s")
    if failed:
        sys.exit(1)
