"""An RQ worker that runs each job inside a fresh application context."""
from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker
from rq.exceptions import StopRequested
from rq.job import Job
from rq.queue import Queue

from localvision import job_queue
from localvision.extensions import db
from localvision.redis_connection import get_redis
from localvision.summaries.recompute import sweep_stale_summaries

log = logging.getLogger(__name__)

# After RQ's worker quits on losing Redis, a fresh one starts this much later.
RESTART_SECONDS = 2


class AppWorker(SimpleWorker):
    """Runs jobs in its own process rather than forking a work horse for each.

    The jobs are short and spend their time in the database; a fork per job made each one
    start cold (new connection, empty statement caches) and cut throughput about fourfold.
    Timeouts still apply, and a worker that dies mid-job leaves its work to the retry and
    the summary sweep, as a dead work horse would.
    """

    app: Flask
    stop_was_requested = False

    def request_stop(self, signum, frame):  # type: ignore[no-untyped-def]
        self.stop_was_requested = True
        super().request_stop(signum, frame)

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


def work_until_stopped(app: Flask) -> None:
    """Work until SIGTERM or Ctrl+C. RQ's worker quits when Redis fails under it (while
    finishing a job, or as it starts): a fresh worker starts, and once Redis answers it
    first queues the sweep of stale summaries, so what changed during the outage is
    computed within seconds, not at the scheduler's next minute."""
    worker: AppWorker | None = None
    restarting = False
    while True:
        try:
            if restarting:
                with app.app_context():
                    job_queue.enqueue(sweep_stale_summaries)
            worker = build_worker(app)
            restarting = False
            worker.work(with_scheduler=True)
        except RedisError as error:
            # RQ's own start and teardown speak to Redis too, and fail while it is away.
            log.warning("the worker lost Redis (%s); trying again in %s s", error, RESTART_SECONDS)
        else:
            if worker.stop_was_requested:
                return
            log.warning("the worker stopped without being asked; a fresh one starts in %s s", RESTART_SECONDS)
        restarting = True
        try:
            # The last worker's signal handlers stay installed: a stop now lands on it.
            time.sleep(RESTART_SECONDS)
        except StopRequested:
            return
        if worker is not None and worker.stop_was_requested:
            return
