"""Reminders and the calendar's checks: who is told what today, and the lead's own
reminder to the partners who have not responded.

The rules of what falls due are in ``domain/reminders.py``; here they meet the records.
Everyone is told through ``notifications.notify`` with the occasion's dedupe key, so a
check run twice in a day, retried, or run late after a missed day tells nobody twice.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timezone
from typing import Iterator

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from localvision.domain import reminders
from localvision.domain.digests import is_sending_time
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.reminders import DAY_BEFORE, LONDON, MANUAL, Occasion, local_date
from localvision.domain.vocabulary import ActionStatus, DecisionStatus, EventKind, NotificationKind, ProjectRole
from localvision.extensions import db
from localvision.job_queue import job, moment_of
from localvision.links import site_path
from localvision.models import Action, Decision, Indicator, Measurement, Organisation, Project, ProjectMembership, User
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import events, notifications
from localvision.services.notifications import Tidings

log = logging.getLogger(__name__)

# Decisions, actions and indicators are read this many at a time: a check's memory does
# not grow with the platform.
BATCH = 200


def open_decision(decision: Decision) -> reminders.OpenDecision:
    return reminders.OpenDecision(decision.id, decision.opens_on, decision.closes_on,
                                  frozenset(decision.counted_organisation_ids),
                                  frozenset(decision.current_positions()))


def _decision_link(decision: Decision, anchor: str | None = None) -> str:
    path = site_path("decisions.show", slug=decision.project.slug, decision_id=decision.id)
    return f"{path}#{anchor}" if anchor else path


def _remind(decision: Decision, occasion: Occasion, today: date, sender: User | None = None) -> int:
    """Tell the people who speak for each silent organisation (not the lead who sent the
    reminder); returns how many were told."""
    stage = MANUAL if occasion.stage.startswith(MANUAL) else occasion.stage.rsplit(":", 1)[-1]
    when = "tomorrow" if stage == DAY_BEFORE else f"on {decision.closes_on:%A %-d %B}"
    tidings = Tidings(
        NotificationKind.DECISION_REMINDER,
        f"Reminder: “{decision.title}” closes {when} and awaits your organisation's position",
        _decision_link(decision, "your-part"), "Decision", decision.id, decision.project, "decision_reminder",
        {"decision": decision, "stage": stage, "days_left": (decision.closes_on - today).days},
    )
    told = 0
    for organisation_id in sorted(occasion.organisation_ids):
        people = [person for person in notifications.speakers_for(decision.project, organisation_id)
                  if person != sender]
        told += len(notifications.notify(people, tidings, dedupe_key=occasion.key))
    return told


def _leads(project: Project) -> list[User]:
    return [membership.user for membership in db.session.scalars(
        select(ProjectMembership).where(ProjectMembership.project_id == project.id,
                                        ProjectMembership.role == ProjectRole.LEAD))]


def _in_batches(statement, model) -> Iterator[list]:
    """Rows of ``statement`` in id order, a batch at a time (keyset pagination)."""
    last_id = 0
    while True:
        batch = list(db.session.scalars(statement.where(model.id > last_id).order_by(model.id).limit(BATCH)))
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


# The daily check ---------------------------------------------------------------------------

def run_daily_checks(now: datetime) -> int:
    """Everything the calendar brings today, told to whom it concerns. Commits each batch;
    returns how many notifications were made (none on a second run the same day)."""
    today = local_date(now)
    return _decision_checks(today) + _review_checks(today) + _action_checks(today) + _indicator_checks(today)


def _decision_checks(today: date) -> int:
    told = 0
    statement = select(Decision).where(Decision.status == DecisionStatus.OPEN).options(
        selectinload(Decision.positions), selectinload(Decision.project).selectinload(Project.partners))
    for batch in _in_batches(statement, Decision):
        for decision in batch:
            reminder = reminders.closing_reminder(open_decision(decision), today, decision.project.reminder_lead_days)
            if reminder is not None:
                told += _remind(decision, reminder, today)
            ready = reminders.ready_to_close(decision.id, decision.closes_on, today)
            if ready is not None:
                told += _tell_ready_to_close(decision, ready, today)
        db.session.commit()
    return told


def _tell_ready_to_close(decision: Decision, occasion: Occasion, today: date) -> int:
    outcome = decision.rule_outcome(today)
    tidings = Tidings(NotificationKind.DECISION_READY_TO_CLOSE,
                      f"“{decision.title}” has reached its closing date and is ready to close",
                      site_path("decisions.close", slug=decision.project.slug, decision_id=decision.id),
                      "Decision", decision.id, decision.project, "decision_ready_to_close",
                      {"decision": decision, "outcome": outcome})
    return len(notifications.notify(_leads(decision.project), tidings, dedupe_key=occasion.key))


def _review_checks(today: date) -> int:
    told = 0
    statement = select(Decision).where(Decision.status == DecisionStatus.AGREED, Decision.review_on <= today)
    for batch in _in_batches(statement, Decision):
        for decision in batch:
            occasion = reminders.review_due(decision.id, decision.review_on, today)
            leads = _leads(decision.project)
            people = leads + ([decision.proposer] if decision.proposer not in leads else [])
            tidings = Tidings(NotificationKind.DECISION_REVIEW_DUE, f"“{decision.title}” is due for review",
                              _decision_link(decision), "Decision", decision.id, decision.project,
                              "decision_review_due", {"decision": decision})
            told += len(notifications.notify(people, tidings, dedupe_key=occasion.key))
        db.session.commit()
    return told


def _action_checks(today: date) -> int:
    told = 0
    overdue_projects: set[int] = set()
    statement = select(Action).where(Action.status == ActionStatus.OPEN).options(
        selectinload(Action.decision).selectinload(Decision.project))
    for batch in _in_batches(statement, Action):
        for action in batch:
            occasion = reminders.action_occasion(reminders.OpenAction(action.id, action.owner_id, action.due_on), today)
            if occasion is None:
                continue
            if occasion.kind is NotificationKind.ACTION_OVERDUE:
                overdue_projects.add(action.decision.project_id)
                headline = f"Your action “{action.title}” was due on {action.due_on:%-d %B %Y}"
            else:
                headline = f"Your action “{action.title}” is due tomorrow"
            tidings = Tidings(occasion.kind, headline, _decision_link(action.decision, "actions"), "Action",
                              action.id, action.decision.project, "action_due", {"action": action})
            told += len(notifications.notify([action.owner], tidings, dedupe_key=occasion.key))
        db.session.commit()
    for project in db.session.scalars(select(Project).where(Project.id.in_(overdue_projects)).order_by(Project.id)):
        told += _tell_leads_of_overdue_actions(project, today)
    db.session.commit()
    return told


def _tell_leads_of_overdue_actions(project: Project, today: date) -> int:
    overdue = list(db.session.scalars(
        select(Action).join(Action.decision)
        .where(Decision.project_id == project.id, Action.status == ActionStatus.OPEN, Action.due_on < today)
        .order_by(Action.due_on, Action.id)))
    occasion = reminders.overdue_for_leads(
        project.id, [reminders.OpenAction(a.id, a.owner_id, a.due_on) for a in overdue], today)
    if occasion is None:
        return 0
    count = len(overdue)
    tidings = Tidings(NotificationKind.ACTION_OVERDUE,
                      f"{count} action{'s are' if count != 1 else ' is'} overdue in {project.title}",
                      site_path("decisions.actions", slug=project.slug), "Project", project.id, project,
                      "actions_overdue", {"actions": overdue, "today": today})
    return len(notifications.notify(_leads(project), tidings, dedupe_key=occasion.key))


def _indicator_checks(today: date) -> int:
    told = 0
    latest = (select(Measurement.indicator_id, func.max(Measurement.period).label("period"))
              .group_by(Measurement.indicator_id).subquery())
    for batch in _in_batches(select(Indicator).options(selectinload(Indicator.project)), Indicator):
        periods = dict(db.session.execute(select(latest.c.indicator_id, latest.c.period)
                                          .where(latest.c.indicator_id.in_([i.id for i in batch]))).all())
        for indicator in batch:
            latest_period = periods.get(indicator.id)
            since = indicator.baseline_date or indicator.created_at.date()
            occasion = reminders.stale_indicator(reminders.OwnedIndicator(
                indicator.id, indicator.owner_organisation_id, indicator.frequency, latest_period, since), today)
            if occasion is None:
                continue
            owners = [person for person in notifications.people_of(indicator.project)
                      if person.organisation_id == indicator.owner_organisation_id]
            tidings = Tidings(NotificationKind.INDICATOR_STALE,
                              f"“{indicator.name}” has had no new measurement since {latest_period or since:%B %Y}",
                              site_path("indicators.show", slug=indicator.project.slug, indicator_id=indicator.id),
                              "Indicator", indicator.id, indicator.project, "indicator_stale",
                              {"indicator": indicator, "frequency": indicator.frequency.label.lower()})
            told += len(notifications.notify(owners, tidings, dedupe_key=occasion.key))
        db.session.commit()
    return told


# The lead's reminder -----------------------------------------------------------------------

def silent_organisations(decision: Decision) -> frozenset[int]:
    """The organisations the decision counts that have not recorded a position."""
    return open_decision(decision).silent


def partners_phrase(count: int) -> str:
    return f"{count} partner{'s' if count != 1 else ''}"


def check_reminder(context: ProjectContext, decision: Decision, now: datetime) -> frozenset[int]:
    """The organisations a lead's reminder would go to now; refuses when it may not go."""
    if not policy.may_remind_partners(context):
        raise NotPermitted("Only the project leads can remind partners.")
    if not decision.is_open:
        raise Refused("This decision is closed, so there is nobody to remind.")
    silent = silent_organisations(decision)
    if not silent:
        raise Refused("Every partner has responded, so there is nobody to remind.")
    if decision.reminded_at is not None and local_date(_aware(decision.reminded_at)) == local_date(now):
        raise Refused(f"The partners who have not responded were reminded today at "
                      f"{_aware(decision.reminded_at).astimezone(LONDON):%H:%M}. You can remind them again tomorrow.")
    return silent


def remind_silent_partners(context: ProjectContext, decision: Decision, now: datetime) -> list[str]:
    """A lead reminds the organisations that have not responded, once a day at most.
    Returns the names of the organisations reminded, in order."""
    silent = check_reminder(context, decision, now)
    start_of_today = datetime.combine(local_date(now), time(0), tzinfo=LONDON).astimezone(timezone.utc)
    # The stored time is the limit: of two leads pressing at once, one UPDATE wins.
    claimed = db.session.execute(
        update(Decision).where(Decision.id == decision.id,
                               or_(Decision.reminded_at.is_(None), Decision.reminded_at < start_of_today))
        .values(reminded_at=now).execution_options(synchronize_session=False)
    ).rowcount == 1
    if not claimed:
        db.session.rollback()
        raise Refused("The partners who have not responded were reminded today already. "
                      "You can remind them again tomorrow.")
    occasion = reminders.lead_reminder(open_decision(decision), local_date(now))
    _remind(decision, occasion, local_date(now), sender=context.actor)
    names = sorted(db.session.scalars(select(Organisation.name).where(Organisation.id.in_(silent))))
    events.record(EventKind.DECISION_REMINDER_SENT, decision, actor=context.actor, project=context.project,
                  label=decision.title, after={"reminded": names},
                  payload={"decision_id": decision.id, "organisation_ids": sorted(silent)})
    db.session.commit()
    db.session.refresh(decision)
    return names


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@job(timeout=900)
def send_reminders(now: str | None = None) -> int:
    moment = moment_of(now)
    if not is_sending_time(moment):
        return 0
    told = run_daily_checks(moment)
    log.info("Reminders and checks: %d notification(s)", told)
    return told
