"""The task queue that makes packs: Huey, on a SQLite file by default and on Redis when configured.

SQLite (``instance/huey.db``, or ``HUEY_SQLITE_PATH``) suits one machine: the web app queues
jobs in the file and any number of worker processes on that machine take them. With
``HUEY_REDIS_URL`` set, the queue is in Redis, so workers on many machines share the work (they
then need to share the pack folder too, ``PACK_STORE_DIR``). The ``redis`` package is needed
only then, and is imported only then. ``HUEY_IMMEDIATE`` (the tests) runs each job inside the
request that asked for it.

Each app gets its own Huey, made on first use: ``queue_for(app)``. The one task, ``render_pack``,
runs ``peerreview.packs.jobs.run_job`` in an app context; a try that raises is retried once by
Huey (after ``PACK_RETRY_DELAY_S``), and the job row says what happened either way.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, SqliteHuey

EXTENSION_KEY = "packs_queue"
TASK_NAME = "packs.render_pack"


@dataclass
class PackQueue:
    huey: Huey
    render: object  # the Huey task; calling it with a job id queues the job

    def enqueue(self, job_id: int) -> None:
        self.render(job_id)


def huey_filename(app: Flask) -> str:
    return app.config.get("HUEY_SQLITE_PATH") or str(Path(app.instance_path) / "huey.db")


def make_queue(app: Flask, *, filename: str | None = None, immediate: bool | None = None) -> PackQueue:
    """A Huey for this app with the pack task registered on it."""
    settings = {
        "name": "peerreview-packs",
        "results": False,  # the pack_job row is the result
        "immediate": app.config.get("HUEY_IMMEDIATE", False) if immediate is None else immediate,
        "utc": True,
    }
    redis_url = app.config.get("HUEY_REDIS_URL")
    if redis_url and filename is None:
        try:
            import redis  # noqa: F401 - installed only where Redis is used
        except ImportError as exc:
            raise RuntimeError("HUEY_REDIS_URL is set but the redis package is not installed "
                               "(pip install redis), so packs cannot be queued") from exc
        from huey import RedisHuey

        huey: Huey = RedisHuey(url=redis_url, **settings)
    else:
        path = filename or huey_filename(app)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        huey = SqliteHuey(filename=path, **settings)

    @huey.task(retries=1, retry_delay=int(app.config.get("PACK_RETRY_DELAY_S", 10)), name=TASK_NAME)
    def render_pack(job_id: int) -> None:
        from peerreview.packs import jobs

        with app.app_context():
            jobs.run_job(job_id)

    return PackQueue(huey=huey, render=render_pack)


def queue_for(app: Flask | None = None) -> PackQueue:
    app = app or current_app._get_current_object()
    queue = app.extensions.get(EXTENSION_KEY)
    if queue is None:
        queue = app.extensions[EXTENSION_KEY] = make_queue(app)
    return queue


def use_queue(app: Flask, queue: PackQueue | None) -> PackQueue | None:
    """Swap the app's queue (a browser test runs a real consumer on a file of its own); returns the old one."""
    old = app.extensions.get(EXTENSION_KEY)
    if queue is None:
        app.extensions.pop(EXTENSION_KEY, None)
    else:
        app.extensions[EXTENSION_KEY] = queue
    return old
