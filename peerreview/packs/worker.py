"""The pack worker: ``flask --app wsgi pack-worker`` runs a Huey consumer for pack jobs.

Run one (or more, on one machine with the SQLite queue, or on many with ``HUEY_REDIS_URL``)
next to the web app. Huey's own ``huey_consumer`` works too, pointed at this module's ``huey``
(``huey_consumer peerreview.packs.worker.huey -w 2 -k process``), which makes the app on import.
"""
from __future__ import annotations

import logging
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from peerreview.extensions import db
from peerreview.packs import tasks


def _fresh_connections_after_fork(app) -> None:
    """A forked worker process must not reuse the parent's database connections."""
    def reset():
        with app.app_context():
            db.engine.dispose(close=False)
    os.register_at_fork(after_in_child=reset)


@click.command("pack-worker")
@click.option("--workers", "-w", default=1, show_default=True, type=click.IntRange(1, 32),
              help="How many packs to make at once.")
@click.option("--worker-type", "-k", type=click.Choice(["thread", "process"]), default="thread", show_default=True,
              help="Threads share one process; processes use every CPU core (a pack is mostly CPU work).")
@with_appcontext
def pack_worker_command(workers: int, worker_type: str) -> None:
    """Make feedback packs as they are asked for (runs until stopped with Ctrl+C)."""
    app = current_app._get_current_object()
    if app.config.get("HUEY_IMMEDIATE"):
        raise click.ClickException("HUEY_IMMEDIATE is set: packs are made inside the web app, so no worker is needed.")
    queue = tasks.queue_for(app)
    _fresh_connections_after_fork(app)  # only ever runs if the workers are processes
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # it logs every layout step at INFO
    where = app.config.get("HUEY_REDIS_URL") and "Redis" or tasks.huey_filename(app)
    click.echo(f"pack worker: {workers} {worker_type}(s), queue {where}")
    consumer = queue.huey.create_consumer(workers=workers, worker_type=worker_type)
    consumer.run()


_module_huey = None


def __getattr__(name: str):
    # For huey_consumer: the app, and its queue, are made only when asked for.
    global _module_huey
    if name == "huey":
        if _module_huey is None:
            from peerreview import create_app

            app = create_app()
            _fresh_connections_after_fork(app)
            _module_huey = tasks.queue_for(app).huey
        return _module_huey
    raise AttributeError(name)
