"""The morning's jobs: the calendar's reminders and checks, and the digests.

RQ's cron scheduler keeps time in UTC, so both are scheduled every hour and act only in
the morning hours in England (``domain/digests.py``): the clock change is the zone
database's business, and an hour missed is caught up by the next. Whatever they send is
deduplicated in the database, so a rerun in the same morning sends nothing twice.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from localvision.domain.digests import is_sending_time
from localvision.jobs import job
from localvision.services import digests, reminders

log = logging.getLogger(__name__)


def _moment(now: str | None) -> datetime:
    """The job's clock: the scheduler passes nothing (now); tests and the CLI pass a moment."""
    return datetime.fromisoformat(now) if now else datetime.now(timezone.utc)


@job(timeout=900)
def send_reminders(now: str | None = None) -> int:
    moment = _moment(now)
    if not is_sending_time(moment):
        return 0
    told = reminders.run_daily_checks(moment)
    log.info("Reminders and checks: %d notification(s)", told)
    return told


@job(timeout=1800)
def send_digests(now: str | None = None) -> int:
    moment = _moment(now)
    if not is_sending_time(moment):
        return 0
    sent = digests.send_digests(moment)
    log.info("Digests: %d sent", sent)
    return sent
