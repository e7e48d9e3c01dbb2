"""Background jobs on RQ. Jobs receive ids, never ORM objects, and run in an app context."""
from __future__ import annotations

from typing import Any

from flask import current_app
from rq import Queue
from rq.job import Job

from localvision.redis_connection import get_redis

DEFAULT_QUEUE = "default"


def get_queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=get_redis())


def enqueue(function_path: str, *args: Any, **options: Any) -> Job:
    """Queue a job by its dotted path, so the web process need not import the job's code."""
    return get_queue(options.pop("queue", DEFAULT_QUEUE)).enqueue(function_path, *args, **options)


def current_queue_names() -> list[str]:
    return list(current_app.config["RQ_QUEUES"])
