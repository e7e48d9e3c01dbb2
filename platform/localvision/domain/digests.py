"""Digest periods: which daily or weekly digest is due at a moment, and what it covers.

A digest covers whole local days in England: a daily digest sent on a morning covers the
day before, a weekly one sent on a Monday morning covers Monday to Sunday of the week
before. Each period has a key; a person gets at most one digest per key, so a job run
twice, retried or catching up after an outage sends nothing twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from localvision.domain.reminders import LONDON, iso_week, local_date
from localvision.domain.vocabulary import DigestFrequency

# Early enough to be read with the first coffee, late enough not to arrive overnight.
SENDING_HOUR = 7
# The scheduler runs the morning's jobs every hour; these hours catch up a run missed
# (Redis or the worker away at seven) without mailing anyone in the night.
LAST_SENDING_HOUR = 9


@dataclass(frozen=True)
class DigestPeriod:
    frequency: DigestFrequency
    key: str
    first_day: date  # local dates covered, inclusive
    last_day: date

    @property
    def starts_at(self) -> datetime:
        return _start_of(self.first_day)

    @property
    def ends_at(self) -> datetime:
        return _start_of(self.last_day + timedelta(days=1))

    @property
    def description(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%A %-d %B %Y}"
        return f"the week of {self.first_day:%-d %B} to {self.last_day:%-d %B %Y}"


def _start_of(day: date) -> datetime:
    """Local midnight of ``day`` as a UTC moment (the clock change is taken care of)."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(timezone.utc)


def due_period(frequency: DigestFrequency, now: datetime) -> DigestPeriod:
    """The latest daily or weekly digest whose sending time has come by ``now``."""
    today = local_date(now)
    sent_today = now.astimezone(LONDON).time() >= time(SENDING_HOUR)
    if frequency is DigestFrequency.DAILY:
        sending_day = today if sent_today else today - timedelta(days=1)
        return DigestPeriod(frequency, f"daily:{sending_day}", sending_day - timedelta(days=1),
                            sending_day - timedelta(days=1))
    monday = today - timedelta(days=today.weekday())
    if monday == today and not sent_today:
        monday -= timedelta(weeks=1)
    return DigestPeriod(frequency, f"weekly:{iso_week(monday)}", monday - timedelta(weeks=1),
                        monday - timedelta(days=1))


def is_sending_time(now: datetime) -> bool:
    """Whether reminders and digests go out at this moment: mornings in England."""
    return SENDING_HOUR <= now.astimezone(LONDON).hour <= LAST_SENDING_HOUR
