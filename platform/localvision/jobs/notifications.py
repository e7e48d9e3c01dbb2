"""The notification fan-out as a job, and the nudge that queues it after a change commits."""
from __future__ import annotations

import logging

from redis.exceptions import RedisError

from localvision import jobs
from localvision.jobs import job
from localvision.redis_connection import get_redis

log = logging.getLogger(__name__)

# While a fan-out waits in the queue, further commits need not queue another: it reads
# every event committed before it starts. The key expires in case the job never runs.
QUEUED_KEY = "localvision:notifications:fan-out-queued"
QUEUED_KEY_SECONDS = 300


@job(timeout=900)
def fan_out_notifications() -> int:
    """Tell people of the events committed since the last run. Returns how many events."""
    from localvision.services import notification_events

    get_redis().delete(QUEUED_KEY)  # events committed from now on queue a new run
    return notification_events.fan_out()


def request_fan_out() -> None:
    """Queue a fan-out unless one is waiting. Never raises for Redis: the scheduler's
    run every minute catches up after an outage."""
    try:
        redis = get_redis()
        if redis.set(QUEUED_KEY, "1", nx=True, ex=QUEUED_KEY_SECONDS):
            try:
                jobs.enqueue(fan_out_notifications, description="fan_out_notifications")
            except RedisError:
                redis.delete(QUEUED_KEY)
                raise
    except RedisError as error:
        log.warning("notification fan-out not queued, Redis unreachable (%s); the scheduler will catch up", error)
