"""An RQ worker that runs each job inside a fresh application context."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from rq import SimpleWorker
from rq.job import Job
from rq.queue import Queue

from localvision.extensions import db
from localvision.redis_connection import get_redis

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """Runs jobs in its own process rather than forking a work horse for each.

    The jobs are short and spend their time in the database; a fork per job made each one
    start cold (new connection, empty statement caches) and cut throughput about fourfold.
    Timeouts still apply, and a worker that dies mid-job leaves its work to the retry and
    the summary sweep, as a dead work horse would.
    """

    app: Flask

    def perform_job(self, job: Job, queue: Queue) -> bool:
        with self.app.app_context():
            log.info("job %s (%s) starting", job.id, job.func_name)
            try:
                return super().perform_job(job, queue)
            finally:
                db.session.remove()


def build_worker(app: Flask, queue_names: list[str] | None = None, **options: Any) -> AppWorker:
    with app.app_context():
        connection = get_redis()
    names = queue_names or app.config["RQ_QUEUES"]
    worker = AppWorker([Queue(name, connection=connection) for name in names], connection=connection, **options)
    worker.app = app
    return worker
