"""``flask --app wsgi import-schools FILE.csv [--partnership NAME]``.

Prints one summary line, exactly
``added 12, updated 0, unchanged 0, skipped 2 (closed 1, invalid 1, other partnership 0)``,
then one line per problem (``row 7: Easting: "abc" is not a whole number``) and per skipped row.
Exit code 0 when no row was invalid, 1 when some were (the valid rows are still imported),
2 when the file as a whole cannot be read or the partnership is unclear (nothing imported).
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from peerreview.core.directory.gias import GiasFileError
from peerreview.core.directory.importing import PartnershipChoiceError, import_schools, resolve_partnership
from peerreview.extensions import db


class ImportRefused(click.ClickException):
    """Nothing was imported; exit code 2, like a usage error."""

    exit_code = 2


@click.command("import-schools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--partnership", "partnership_name", metavar="NAME",
              help="The partnership the schools belong to (created if missing). "
                   "Needed when there is more than one.")
@with_appcontext
def import_schools_command(file: Path, partnership_name: str | None) -> None:
    """Load schools from a Get Information about Schools (GIAS) establishment extract (CSV)."""
    try:
        partnership, created = resolve_partnership(partnership_name)
    except PartnershipChoiceError as error:
        db.session.rollback()
        raise ImportRefused(str(error)) from None
    try:
        report = import_schools(file, partnership, audit_detail=file.name)
    except GiasFileError as error:
        db.session.rollback()
        raise ImportRefused(f"{file.name}: {error} Nothing was imported.") from None
    if created:
        click.echo(f'Created the partnership "{partnership.name}".', err=True)
    click.echo(report.summary())
    for line in report.problem_lines():
        click.echo(line)
    if report.invalid_rows:
        click.get_current_context().exit(1)
