"""What the calendar brings: reminders before a decision closes, the closing day, actions
falling due or overdue, indicators gone without a figure, decisions due for review.

Plain values in, plain values out. The clock is passed in; days are the partnership's
days in England (Europe/London), so a reminder "the day before" means the day before on
the wall calendar, whatever the server's time zone or the season's clock change.

Each occasion has a dedupe key: a person is told once per key, however often the daily
job runs, is retried or catches up after a day it missed. Keys carry the date they are
about (the closing date, the due date, the latest figure), so moving that date makes a
new occasion and the old one is not repeated.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Iterable
from zoneinfo import ZoneInfo

from localvision.domain.notifications import occasion_key
from localvision.domain.progress import Point, is_stale
from localvision.domain.vocabulary import Frequency, NotificationKind

LONDON = ZoneInfo("Europe/London")
DEFAULT_REMINDER_LEAD_DAYS = 3
# A lead time of a day is the day-before reminder alone; beyond a month a reminder
# reads as noise, not as a nudge.
REMINDER_LEAD_DAYS_RANGE = (1, 30)
REMINDER_LEAD_DAYS_REFUSED = (f"Reminders go between {REMINDER_LEAD_DAYS_RANGE[0]} and {REMINDER_LEAD_DAYS_RANGE[1]} "
                              "days before the closing date")
# The stages of a decision reminder, in its dedupe key and its wording.
LEAD_TIME, DAY_BEFORE, MANUAL = "lead-time", "day-before", "manual"


@dataclass(frozen=True)
class Occasion:
    """Something the calendar brought about one thing. It is addressed to organisations
    (people act for them), to one person, or to whom the caller finds (a project's leads).
    ``stage`` tells occasions of one kind apart in their wording."""

    kind: NotificationKind
    object_type: str
    object_id: int
    stage: str
    organisation_ids: frozenset[int] = frozenset()
    person_id: int | None = None

    @property
    def key(self) -> str:
        return occasion_key(self.kind, self.object_type, self.object_id, self.stage)


def local_date(now: datetime) -> date:
    """The date in England at this moment (``now`` must carry its time zone)."""
    if now.tzinfo is None:
        raise ValueError("a moment without a time zone is ambiguous")
    return now.astimezone(LONDON).date()


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# Decisions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenDecision:
    id: int
    opens_on: date
    closes_on: date
    counted: frozenset[int]  # the organisations its rule counts
    responded: frozenset[int]  # those that have recorded a position

    @property
    def silent(self) -> frozenset[int]:
        return self.counted - self.responded


def closing_reminder(decision: OpenDecision, today: date, lead_days: int) -> Occasion | None:
    """The reminder due today to the organisations that have not responded, if any.

    Two reminders: one in the lead time before the closing date (sent on the first day
    the job finds the decision inside it, so a missed day is caught up), and one on the
    day before. A decision opened inside the lead time has just been announced, so only
    the day before reminds it; one with nobody silent reminds nobody."""
    if not decision.silent:
        return None
    days_left = (decision.closes_on - today).days
    if days_left == 1 and decision.opens_on < today:
        stage = DAY_BEFORE
    elif 1 < days_left <= lead_days and decision.opens_on <= decision.closes_on - timedelta(days=lead_days):
        stage = LEAD_TIME
    else:
        return None
    return Occasion(NotificationKind.DECISION_REMINDER, "Decision", decision.id, f"{decision.closes_on}:{stage}",
                    organisation_ids=decision.silent)


def lead_reminder(decision: OpenDecision, today: date) -> Occasion | None:
    """The lead's own reminder to the silent organisations: once a day at most."""
    if not decision.silent:
        return None
    return Occasion(NotificationKind.DECISION_REMINDER, "Decision", decision.id, f"{MANUAL}:{today}",
                    organisation_ids=decision.silent)


def ready_to_close(decision_id: int, closes_on: date, today: date) -> Occasion | None:
    """From the closing date an open decision waits for its lead to close it: told once per
    closing date (the leads are found by the caller)."""
    if today < closes_on:
        return None
    return Occasion(NotificationKind.DECISION_READY_TO_CLOSE, "Decision", decision_id, f"{closes_on}")


def review_due(decision_id: int, review_on: date | None, today: date) -> Occasion | None:
    if review_on is None or today < review_on:
        return None
    return Occasion(NotificationKind.DECISION_REVIEW_DUE, "Decision", decision_id, f"{review_on}")


# Actions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenAction:
    id: int
    owner_id: int
    due_on: date


def action_occasion(action: OpenAction, today: date) -> Occasion | None:
    """To the owner: the day before it falls due, and once when it becomes overdue."""
    days_left = (action.due_on - today).days
    if days_left == 1:
        return Occasion(NotificationKind.ACTION_DUE_TOMORROW, "Action", action.id, f"{action.due_on}",
                        person_id=action.owner_id)
    if days_left < 0:
        return Occasion(NotificationKind.ACTION_OVERDUE, "Action", action.id, f"{action.due_on}",
                        person_id=action.owner_id)
    return None


def overdue_for_leads(project_id: int, actions: Iterable[OpenAction], today: date) -> Occasion | None:
    """Once a week, the project's leads hear of every overdue action together."""
    if not any(action.due_on < today for action in actions):
        return None
    return Occasion(NotificationKind.ACTION_OVERDUE, "Project", project_id, iso_week(today))


# Indicators ----------------------------------------------------------------------------

@dataclass(frozen=True)
class OwnedIndicator:
    id: int
    owner_organisation_id: int
    frequency: Frequency
    latest_period: date | None  # the latest measurement's period
    since: date  # the baseline date, or when it was defined, for one never measured


def stale_indicator(indicator: OwnedIndicator, today: date) -> Occasion | None:
    """To the owning organisation, once per stale spell: a new figure ends the spell, and
    the next spell is a new occasion."""
    latest = indicator.latest_period or indicator.since
    if not is_stale(Point(latest, Decimal(0)), indicator.frequency, today):
        return None
    return Occasion(NotificationKind.INDICATOR_STALE, "Indicator", indicator.id, f"{latest}",
                    organisation_ids=frozenset({indicator.owner_organisation_id}))
