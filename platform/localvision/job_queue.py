"""Background jobs on RQ. Jobs receive ids, never ORM objects, and run in an app context.

Each job declares once, with ``@job``, the queue it runs on, how long it may run and when a
failure is retried; callers queue the function itself with ``enqueue``, and the cron
scheduler reads the same declaration.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.job import Job

from localvision.redis_connection import get_redis

DEFAULT_QUEUE = "default"
# After Redis fails to answer, writes skip queueing for a while rather than each waiting for
# the connection timeout; what they leave undone is kept in the database and swept up later.
PAUSE_AFTER_FAILURE_SECONDS = 30

JobFunction = TypeVar("JobFunction", bound=Callable[..., Any])


@dataclass(frozen=True)
class JobDeclaration:
    queue: str
    timeout: int
    retries: tuple[int, ...]  # seconds to wait before each retry; empty for none
    result_ttl: int | None  # None keeps RQ's default

    def options(self) -> dict[str, Any]:
        """Queue.enqueue's keyword arguments for this job."""
        options: dict[str, Any] = {"job_timeout": self.timeout}
        if self.retries:
            options["retry"] = Retry(max=len(self.retries), interval=list(self.retries))
        if self.result_ttl is not None:
            options["result_ttl"] = self.result_ttl
        return options


def job(
    *, timeout: int, queue: str = DEFAULT_QUEUE, retries: tuple[int, ...] = (), result_ttl: int | None = None
) -> Callable[[JobFunction], JobFunction]:
    """Declare a function as a job; it stays an ordinary function when called directly."""

    def declare(function: JobFunction) -> JobFunction:
        function.job_declaration = JobDeclaration(queue, timeout, retries, result_ttl)  # type: ignore[attr-defined]
        return function

    return declare


def declaration_of(function: Callable[..., Any]) -> JobDeclaration:
    try:
        return function.job_declaration  # type: ignore[attr-defined]
    except AttributeError:
        raise TypeError(f"{function.__qualname__} is not declared as a job with @job") from None


def get_queue(name: str = DEFAULT_QUEUE) -> Queue:
    return Queue(name, connection=get_redis())


def enqueue(function: Callable[..., Any], *args: Any, job_id: str | None = None, description: str | None = None) -> Job:
    """Queue a declared job on its own queue with its own timeout and retries."""
    declaration = declaration_of(function)
    queue = Queue(declaration.queue, connection=get_redis())
    return queue.enqueue(function, *args, job_id=job_id, description=description, **declaration.options())


def current_queue_names() -> list[str]:
    return list(current_app.config["RQ_QUEUES"])


def moment_of(now: str | None) -> datetime:
    """The job's clock: the scheduler passes nothing (now); tests and the CLI pass a moment."""
    return datetime.fromisoformat(now) if now else datetime.now(timezone.utc)


def paused(check: bool = True) -> bool:
    """True while Redis is unreachable. With ``check`` the queue is asked unless it failed
    moments ago; without, only a recent failure counts."""
    state = _state()
    if state.get("failed_at") is not None and time.monotonic() - state["failed_at"] < PAUSE_AFTER_FAILURE_SECONDS:
        return True
    if not check:
        return False
    try:
        get_redis().ping()
    except RedisError:
        note_unreachable()
        return True
    forget_unreachable()
    return False


def note_unreachable() -> None:
    _state()["failed_at"] = time.monotonic()


def forget_unreachable() -> None:
    _state()["failed_at"] = None


def _state() -> dict[str, float | None]:
    return current_app.extensions.setdefault("localvision_job_queue", {})
