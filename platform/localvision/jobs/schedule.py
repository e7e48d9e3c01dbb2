"""Recurring jobs, run by RQ's own cron scheduler (`flask schedule`), not the system's cron."""
from __future__ import annotations

from redis import Redis
from rq.cron import CronScheduler

from localvision.jobs import DEFAULT_QUEUE
from localvision.jobs.summaries import recompute_all_summaries, sweep_stale_summaries

SWEEP_INTERVAL_SECONDS = 60
NIGHTLY_RECOMPUTE = "30 2 * * *"  # 02:30, after the working day's changes


def build_scheduler(connection: Redis) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name="localvision-schedule")
    scheduler.register(sweep_stale_summaries, DEFAULT_QUEUE, interval=SWEEP_INTERVAL_SECONDS)
    scheduler.register(recompute_all_summaries, DEFAULT_QUEUE, cron=NIGHTLY_RECOMPUTE)
    return scheduler
