"""``flask delete-pupil-names``: the retention clean-up for pupil visits."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from peerreview.core import clock
from peerreview.visits import operations


@click.command("delete-pupil-names")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete names of visits more than this many days ago "
                   "(default: VISIT_NAME_RETENTION_DAYS, 30 unless set).")
@with_appcontext
def delete_pupil_names_command(days: int | None) -> None:
    """Delete visiting children's first names a set number of days after their visit.

    The feedback the children gave is kept, without their names. Safe to run again: names
    already deleted are not counted twice. Meant to run once a day from a timer (a systemd
    timer or cron), for example: flask --app wsgi delete-pupil-names
    """
    if days is None:
        days = int(current_app.config.get("VISIT_NAME_RETENTION_DAYS", 30))
    deleted = operations.delete_pupil_names(clock.today(), days)
    click.echo(f"deleted {deleted} pupil first name{'' if deleted == 1 else 's'} "
               f"(visits more than {days} days ago)")
