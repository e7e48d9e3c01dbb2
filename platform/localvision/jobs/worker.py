"""An RQ worker that runs each job inside a fresh application context."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from rq import SimpleWorker, Worker
from rq.job import Job
from rq.queue import Queue

from localvision.extensions import db
from localvision.redis_connection import get_redis

log = logging.getLogger(__name__)


class AppContextMixin:
    app: Flask

    def perform_job(self, job: Job, queue: Queue) -> bool:
        with self.app.app_context():
            log.info("job %s (%s) starting", job.id, job.func_name)
            try:
                return super().perform_job(job, queue)  # type: ignore[misc]
            finally:
                db.session.remove()


class AppWorker(AppContextMixin, Worker):
    """Forks a work horse per job, as in production."""


class InProcessAppWorker(AppContextMixin, SimpleWorker):
    """Runs each job in the worker's own process: for tests, where a fork would share the test's connection."""


def build_worker(app: Flask, queue_names: list[str] | None = None, in_process: bool = False,
                 **options: Any) -> Worker:
    with app.app_context():
        connection = get_redis()
    names = queue_names or app.config["RQ_QUEUES"]
    worker_class = InProcessAppWorker if in_process else AppWorker
    worker = worker_class([Queue(name, connection=connection) for name in names], connection=connection, **options)
    worker.app = app
    return worker
