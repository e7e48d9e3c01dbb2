"""Recurring jobs, run by RQ's own cron scheduler (`flask schedule`), not the system's cron."""
from __future__ import annotations

from typing import Any, Callable

from redis import Redis
from rq.cron import CronScheduler

from localvision.job_queue import declaration_of
from localvision.services.digests import send_digests
from localvision.services.health_checks import sweep_health_checks
from localvision.services.notification_events import fan_out_notifications
from localvision.services.outbox import sweep_outbox
from localvision.services.reminders import send_reminders
from localvision.services.running_totals import check_running_totals
from localvision.summaries.recompute import recompute_all_summaries, sweep_stale_summaries

SWEEP_INTERVAL_SECONDS = 60
OUTBOX_SWEEP_INTERVAL_SECONDS = 60
# Catches up events whose nudge was lost (Redis away at commit, a worker killed mid-run).
NOTIFICATION_FAN_OUT_INTERVAL_SECONDS = 60
# Rounds close on their closing date within this long; missed results are queued again.
HEALTH_CHECK_SWEEP_INTERVAL_SECONDS = 300
NIGHTLY_RECOMPUTE = "30 2 * * *"  # 02:30, after the working day's changes
NIGHTLY_TOTALS_CHECK = "0 2 * * *"  # before the recompute, which then sees repaired totals
# RQ's cron keeps UTC, so these run hourly and act only in the morning hours in England
# (domain/digests.py): the clock change is the zone database's business, an hour missed is
# caught up by the next, and what they send is deduplicated, so a rerun sends nothing twice.
HOURLY_REMINDERS = "10 * * * *"
HOURLY_DIGESTS = "20 * * * *"  # after the reminders, so the morning's reminders are in the digest


def build_scheduler(connection: Redis) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name="localvision-schedule")
    _register(scheduler, sweep_stale_summaries, interval=SWEEP_INTERVAL_SECONDS)
    _register(scheduler, check_running_totals, cron=NIGHTLY_TOTALS_CHECK)
    _register(scheduler, recompute_all_summaries, cron=NIGHTLY_RECOMPUTE)
    _register(scheduler, sweep_outbox, interval=OUTBOX_SWEEP_INTERVAL_SECONDS)
    _register(scheduler, fan_out_notifications, interval=NOTIFICATION_FAN_OUT_INTERVAL_SECONDS)
    _register(scheduler, sweep_health_checks, interval=HEALTH_CHECK_SWEEP_INTERVAL_SECONDS)
    _register(scheduler, send_reminders, cron=HOURLY_REMINDERS)
    _register(scheduler, send_digests, cron=HOURLY_DIGESTS)
    return scheduler


def _register(scheduler: CronScheduler, function: Callable[..., Any], **when: Any) -> None:
    # RQ's cron jobs take a queue and a timeout but no retries: the next run is the retry.
    declaration = declaration_of(function)
    result_ttl = {"result_ttl": declaration.result_ttl} if declaration.result_ttl is not None else {}
    scheduler.register(function, declaration.queue, job_timeout=declaration.timeout, **result_ttl, **when)
