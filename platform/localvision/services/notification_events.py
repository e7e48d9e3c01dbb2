"""Turning domain events into notifications: the fan-out.

Audit events are the transactional outbox of every change (``services/events.py``): a row
exists exactly when its change committed. This module reads them in id order and tells
the people each one concerns (``notifications.notify``).

Nothing twice, nothing lost, and why it holds:

- Each event is handled in its own transaction, which first inserts the event's marker
  row (``NotifiedEvent``, primary key = event id) and then its notifications and their
  emails. Commit makes all of it visible at once; a worker killed mid-way (SIGKILL, job
  timeout) or a database error rolls all of it back, so the event is simply unhandled and
  the next run handles it. A run that finds the marker already there skips the event:
  a retry or a second run at the same moment (PostgreSQL makes the second INSERT of the
  same key wait for the first transaction, then skip) does nothing twice.
- Even so, the last guard is the database: each notification's dedupe key
  (``event:<id>``) is UNIQUE per person and inserted with ON CONFLICT DO NOTHING.
- Redis carries only the nudge to run (queued after each commit that recorded events, and
  by the scheduler every minute); the work to do is read from the database, so an outage
  of Redis delays notifications and loses none.
- Why not a single high-water mark ("everything up to id N is done")? Ids are taken when
  a row is inserted, not when it commits: a slow transaction can commit event 10 after
  event 11 was read and the mark moved past it, and event 10 would be lost. So each event
  has its own marker, and only the search has a lower bound: the highest event handled
  more than ``SETTLED_AFTER`` ago. An event below it that is still unhandled would have to
  belong to a transaction open for longer than that, and none is (the longest job
  timeout is 30 minutes). Markers below the bound are no longer needed and are pruned.

Who is told is decided when the event is handled, from the project as it is then: a person
removed meanwhile is told nothing, a decision already closed no longer "awaits" anyone.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Callable

from flask_sqlalchemy.session import Session
from redis.exceptions import RedisError
from sqlalchemy import delete, exists, func, select
from sqlalchemy import event as sqlalchemy_event

from localvision import job_queue
from localvision.domain.health_checks import MINIMUM_ANSWERS
from localvision.domain.notifications import event_key
from localvision.domain.vocabulary import (
    ActionStatus,
    BarrierStatus,
    DecisionStatus,
    EventKind,
    HealthStatement,
    NotificationKind,
)
from localvision.extensions import db
from localvision.job_queue import job
from localvision.links import site_path
from localvision.models import (
    Action,
    AuditEvent,
    Barrier,
    BarrierAnswer,
    Decision,
    HealthCheckRound,
    Invitation,
    NotifiedEvent,
    Project,
    ProjectPartner,
    User,
)
from localvision.models.statements import insert_for
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.accounts import account_for
from localvision.queries.health_checks import has_answered
from localvision.queries.vision import current_position_rows, latest_version
from localvision.redis_connection import get_redis
from localvision.services import organisations
from localvision.services.barriers import label as barrier_label
from localvision.services.events import RECORDED
from localvision.services.notifications import Tidings, notify, people_of, speakers_for

log = logging.getLogger(__name__)

SETTLED_AFTER = timedelta(hours=1)
BATCH_SIZE = 500
# While a fan-out waits in the queue, further commits need not queue another: it reads
# every event committed before it starts. The key expires in case the job never runs.
QUEUED_KEY = "localvision:notifications:fan-out-queued"
QUEUED_KEY_SECONDS = 300


def _queue_after_commit(session: Session) -> None:
    if session.info.pop(RECORDED, False):
        request_fan_out()


def _forget_after_rollback(session: Session, previous_transaction: object) -> None:
    if getattr(previous_transaction, "parent", None) is None:
        session.info.pop(RECORDED, None)


def install() -> None:
    """Listen on every Flask-SQLAlchemy session, including the ones tests make."""
    for name, listener in (("after_commit", _queue_after_commit), ("after_soft_rollback", _forget_after_rollback)):
        if not sqlalchemy_event.contains(Session, name, listener):
            sqlalchemy_event.listen(Session, name, listener)


@job(timeout=900)
def fan_out_notifications() -> int:
    """Tell people of the events committed since the last run. Returns how many events."""
    get_redis().delete(QUEUED_KEY)  # events committed from now on queue a new run
    return fan_out()


def request_fan_out() -> None:
    """Queue a fan-out unless one is waiting. Never raises for Redis: the scheduler's
    run every minute catches up after an outage."""
    try:
        redis = get_redis()
        if redis.set(QUEUED_KEY, "1", nx=True, ex=QUEUED_KEY_SECONDS):
            try:
                job_queue.enqueue(fan_out_notifications, description="fan_out_notifications")
            except RedisError:
                redis.delete(QUEUED_KEY)
                raise
    except RedisError as error:
        log.warning("notification fan-out not queued, Redis unreachable (%s); the scheduler will catch up", error)


def fan_out(now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Handle every event not handled yet, oldest first. Returns how many were handled here."""
    now = now or datetime.now(timezone.utc)
    handled = 0
    while True:
        pending = _unhandled_event_ids(_lower_bound(now), batch_size)
        db.session.commit()  # end the read: each event gets a transaction of its own
        done = sum(_handle(event_id) for event_id in pending)
        handled += done
        # A short batch was the last; a batch where nothing succeeded would only repeat.
        if len(pending) < batch_size or done == 0:
            break
    _prune(now)
    return handled


def settle_events_before(cutoff: datetime) -> None:
    """Count events that happened before ``cutoff`` as told: history loaded in bulk (the
    demonstration's) is not news. The caller commits."""
    db.session.execute(NotifiedEvent.__table__.insert().from_select(
        ["event_id"], select(AuditEvent.id).where(AuditEvent.occurred_at < cutoff,
                                                  ~exists().where(NotifiedEvent.event_id == AuditEvent.id))))


def _lower_bound(now: datetime) -> int:
    return db.session.scalar(select(func.max(NotifiedEvent.event_id))
                             .where(NotifiedEvent.processed_at < now - SETTLED_AFTER)) or 0


def _unhandled_event_ids(after: int, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(AuditEvent.id)
        .where(AuditEvent.id > after, ~exists().where(NotifiedEvent.event_id == AuditEvent.id))
        .order_by(AuditEvent.id).limit(limit)))


def _prune(now: datetime) -> None:
    db.session.execute(delete(NotifiedEvent).where(NotifiedEvent.event_id < _lower_bound(now)))
    db.session.commit()


def _handle(event_id: int) -> int:
    """One event in one transaction: its marker, its notifications, their emails."""
    insert = insert_for(db.session.get_bind().dialect.name)
    claimed = db.session.execute(insert(NotifiedEvent).values(event_id=event_id)
                                 .on_conflict_do_nothing(index_elements=["event_id"])
                                 .returning(NotifiedEvent.event_id)).first()
    if claimed is None:
        db.session.rollback()
        return 0
    event = db.session.get(AuditEvent, event_id)
    producer = PRODUCERS.get(event.kind)
    try:
        if producer is not None:
            producer(event)
    except Exception:
        # Left unhandled for the next run; the rest of the batch goes on.
        db.session.rollback()
        log.exception("notifications for event %s (%s) failed", event_id, event.kind)
        return 0
    db.session.commit()
    return 1


# What each kind of event tells, and whom -------------------------------------------------

def _decision_of(event: AuditEvent) -> Decision | None:
    return db.session.get(Decision, (event.payload or {}).get("decision_id"))


def _decision_link(decision: Decision) -> str:
    return site_path("decisions.show", slug=decision.project.slug, decision_id=decision.id)


def _not_the_actor(people: list[User], event: AuditEvent) -> list[User]:
    return [person for person in people if person.id != event.actor_id]


def _speakers_of_counted(decision: Decision, event: AuditEvent, organisation_ids: set[int] | None = None) -> list[User]:
    chosen = decision.counted_organisation_ids if organisation_ids is None else organisation_ids
    people = [person for organisation_id in sorted(chosen) for person in speakers_for(decision.project, organisation_id)]
    return _not_the_actor(people, event)


def _tell(people: list[User], event: AuditEvent, kind: NotificationKind, headline: str, link: str, obj_type: str,
          obj_id: int | None, project: Project | None, email: str, **context: object) -> None:
    notify(people, Tidings(kind, headline, link, obj_type, obj_id, project, email, dict(context, event=event)),
           dedupe_key=event_key(event.id), event_id=event.id)


def _decision_proposed(event: AuditEvent) -> None:
    decision = _decision_of(event)
    if decision is None or not decision.is_open:
        return  # closed or withdrawn before anyone was told: it awaits nobody now
    amendment = event.kind == EventKind.AMENDMENT_PROPOSED.value
    kind = NotificationKind.DECISION_AMENDED if amendment else NotificationKind.DECISION_AWAITS
    headline = (f"An amendment of an agreed decision awaits your organisation's position: {decision.title}" if amendment
                else f"A decision awaits your organisation's position: {decision.title}")
    # A partner that has responded meanwhile is no longer awaited.
    awaiting = decision.counted_organisation_ids - set(decision.current_positions())
    _tell(_speakers_of_counted(decision, event, awaiting), event, kind, headline, _decision_link(decision), "Decision",
          decision.id, decision.project, "decision_awaits", decision=decision, amendment=amendment)


def _decision_finished(event: AuditEvent) -> None:
    decision = _decision_of(event)
    if decision is None:
        return
    status = DecisionStatus((event.payload or {}).get("status", decision.status))
    withdrawn = event.kind == EventKind.DECISION_WITHDRAWN.value
    kind = NotificationKind.DECISION_WITHDRAWN if withdrawn else NotificationKind.DECISION_CLOSED
    headline = (f"Withdrawn: {decision.title}" if withdrawn
                else f"Decision closed, {status.label.lower()}: {decision.title}")
    reason = (event.after or {}).get("outcome_reason") or ""
    _tell(_not_the_actor(people_of(decision.project), event), event, kind, headline, _decision_link(decision),
          "Decision", decision.id, decision.project, "decision_finished", decision=decision, status=status,
          reason=reason, withdrawn=withdrawn,
          # Email leaves the project's walls: a commercially sensitive decision's reasons stay on the page.
          reason_in_email=policy.decision_details_public(decision, is_member=False))


def _decision_reopened(event: AuditEvent) -> None:
    decision = _decision_of(event)
    if decision is None or not decision.is_open:
        return
    # Only the partners whose response it still awaits must act again (loomio#12803).
    awaiting = decision.counted_organisation_ids - set(decision.current_positions())
    closes_on = date.fromisoformat((event.payload or {}).get("closes_on") or decision.closes_on.isoformat())
    _tell(_speakers_of_counted(decision, event, awaiting), event, NotificationKind.DECISION_REOPENED,
          f"Reopened, and awaiting your organisation's position by {closes_on:%-d %B %Y}: {decision.title}",
          _decision_link(decision), "Decision", decision.id, decision.project, "decision_reopened",
          decision=decision, closes_on=closes_on)


def _closing_date_moved(event: AuditEvent) -> None:
    decision = _decision_of(event)
    if decision is None or not decision.is_open:
        return
    payload = event.payload or {}
    old, new = (date.fromisoformat(payload[key]) for key in ("old_closes_on", "new_closes_on"))
    if decision.closes_on != new:
        return  # moved again since: that move has its own event
    awaiting = decision.counted_organisation_ids - set(decision.current_positions())
    _tell(_speakers_of_counted(decision, event, awaiting), event, NotificationKind.DECISION_DATE_MOVED,
          f"Now closing on {new:%-d %B %Y}, not {old:%-d %B %Y}: {decision.title}", _decision_link(decision),
          "Decision", decision.id, decision.project, "decision_date_moved", decision=decision, old=old, new=new)


def _vision_proposed(event: AuditEvent) -> None:
    project = db.session.get(Project, event.project_id)
    number = (event.payload or {}).get("version")
    latest = latest_version(project) if project is not None else None
    if latest is None or latest.number != number:
        return  # a newer version awaits positions instead, and has its own event
    responded = set(current_position_rows(latest))
    people = [person for partner in sorted(project.partners, key=lambda p: p.organisation_id)
              if partner.organisation_id not in responded
              for person in speakers_for(project, partner.organisation_id)]
    _tell(_not_the_actor(people, event), event, NotificationKind.VISION_AWAITS,
          f"Version {number} of the vision awaits your organisation's position: {project.title}",
          site_path("vision.show", slug=project.slug), "VisionVersion", latest.id, project, "vision_awaits",
          version=latest)


def _vision_agreed(event: AuditEvent) -> None:
    project = db.session.get(Project, event.project_id)
    if project is None:
        return
    number = (event.payload or {}).get("version")
    _tell(people_of(project), event, NotificationKind.VISION_AGREED,
          f"The vision is agreed: every partner endorses version {number}: {project.title}",
          site_path("vision.show", slug=project.slug), "VisionVersion", event.object_id, project, "vision_agreed",
          number=number)


def _action_added(event: AuditEvent) -> None:
    action = db.session.get(Action, event.object_id)
    if action is None or action.owner_id == event.actor_id or action.status != ActionStatus.OPEN:
        return
    decision = action.decision
    _tell([action.owner], event, NotificationKind.ACTION_GIVEN,
          f"An action is yours, due {action.due_on:%-d %B %Y}: {action.title}",
          _decision_link(decision), "Action", action.id, decision.project, "action_given",
          action=action, decision=decision, giver=event.actor)


def _person_invited(event: AuditEvent) -> None:
    invitation = db.session.get(Invitation, (event.payload or {}).get("invitation_id"))
    if invitation is None or invitation.project is None or invitation.accepted_at is not None:
        return
    person = account_for(invitation.email)
    if person is None:
        return  # someone new: the invitation email is all there is, and it was sent
    project = invitation.project
    _tell([person], event, NotificationKind.INVITED,
          f"You are invited to join {project.title}: follow the link in the invitation emailed to {person.email}",
          site_path("your_work.index"), "Invitation", invitation.id, project, "invited")


def _organisation_invited(event: AuditEvent) -> None:
    invited = db.session.get(ProjectPartner, (event.payload or {}).get("partner_id"))
    if invited is None or invited.status.value != "invited":
        return  # answered or withdrawn already
    project = invited.project
    _tell(organisations.contacts_for(invited.organisation), event, NotificationKind.ORGANISATION_INVITED,
          f"{invited.organisation.name} is invited to join the partnership {project.title}",
          site_path("organisations.partner_invitation", invited_id=invited.id), "ProjectPartner", invited.id,
          project, "organisation_invited")


def _members_who(project: Project, may: Callable[[ProjectContext], bool]) -> list[User]:
    """The people of the project whom a policy rule allows to act on what they are told."""
    return [membership.user for membership in sorted(project.memberships, key=lambda m: m.id)
            if may(policy.context_of(membership))]


def _health_check_of(event: AuditEvent) -> HealthCheckRound | None:
    return db.session.get(HealthCheckRound, (event.payload or {}).get("health_check_id"))


def _health_check_opened(event: AuditEvent) -> None:
    health_check = _health_check_of(event)
    if health_check is None or health_check.is_closed:
        return  # closed before anyone was told: it asks nobody now
    project = health_check.project
    people = [person for person in _members_who(project, policy.may_answer_health_check)
              if not has_answered(person, health_check)]
    _tell(_not_the_actor(people, event), event, NotificationKind.HEALTH_CHECK_OPENED,
          f"Your answers are asked for by {health_check.closes_on:%-d %B %Y}: {health_check.title}",
          site_path("health_checks.answer", slug=project.slug, round_id=health_check.id), "HealthCheckRound",
          health_check.id, project, "health_check_opened", health_check=health_check,
          statements=len(HealthStatement), minimum=MINIMUM_ANSWERS)


def _health_check_published(event: AuditEvent) -> None:
    health_check = _health_check_of(event)
    if health_check is None or not health_check.is_published:
        return  # made private again before anyone was told
    project = health_check.project
    _tell(_not_the_actor(people_of(project), event), event, NotificationKind.HEALTH_CHECK_PUBLISHED,
          f"The health check's results are published: {health_check.title}",
          site_path("health_checks.show", slug=project.slug, round_id=health_check.id), "HealthCheckRound",
          health_check.id, project, "health_check_published", health_check=health_check)


def _barrier_of(event: AuditEvent) -> Barrier | None:
    return db.session.get(Barrier, (event.payload or {}).get("barrier_id"))


def _barrier_link(barrier: Barrier) -> str:
    return site_path("barriers.show", slug=barrier.project.slug, barrier_id=barrier.id)


def _barrier_submitted(event: AuditEvent) -> None:
    barrier = _barrier_of(event)
    if barrier is None or barrier.status != BarrierStatus.AWAITING_MODERATION:
        return  # already approved or rejected
    project = barrier.project
    # Unmoderated words from anyone at all stay out of the headline and the email: read on the page.
    _tell(_members_who(project, policy.may_moderate_barrier), event, NotificationKind.BARRIER_AWAITS_MODERATION,
          f"A barrier sent through the public form awaits moderation: {project.title}", _barrier_link(barrier),
          "Barrier", barrier.id, project, "barrier_awaits_moderation", barrier=barrier)


def _barrier_answered(event: AuditEvent) -> None:
    barrier = _barrier_of(event)
    reply = db.session.get(BarrierAnswer, (event.payload or {}).get("answer_id"))
    # A public raiser without an account was emailed by the barrier service itself.
    if barrier is None or reply is None or barrier.raised_by is None:
        return
    _tell(_not_the_actor([barrier.raised_by], event), event, NotificationKind.BARRIER_ANSWERED,
          f"{reply.organisation.name} answered the barrier you raised: {barrier_label(barrier)}",
          _barrier_link(barrier), "Barrier", barrier.id, barrier.project, "barrier_answered",
          barrier=barrier, reply=reply)


def _barrier_triaged(event: AuditEvent) -> None:
    barrier = _barrier_of(event)
    organisation_id = (event.payload or {}).get("organisation_id")
    # Only a change of owner tells the owner; a newer change of owner has its own event.
    if (barrier is None or organisation_id is None or "owner_organisation" not in (event.after or {})
            or barrier.owner_organisation_id != organisation_id):
        return
    project = barrier.project
    _tell(_not_the_actor(speakers_for(project, organisation_id), event), event, NotificationKind.BARRIER_OWNED,
          f"{barrier.owner_organisation.name} now owns a barrier in {project.title}: {barrier_label(barrier)}",
          _barrier_link(barrier), "Barrier", barrier.id, project, "barrier_owned", barrier=barrier)


PRODUCERS: dict[str, Callable[[AuditEvent], None]] = {
    EventKind.DECISION_PROPOSED.value: _decision_proposed,
    EventKind.AMENDMENT_PROPOSED.value: _decision_proposed,
    EventKind.DECISION_CLOSED.value: _decision_finished,
    EventKind.DECISION_WITHDRAWN.value: _decision_finished,
    EventKind.DECISION_REOPENED.value: _decision_reopened,
    EventKind.DECISION_CLOSING_DATE_MOVED.value: _closing_date_moved,
    EventKind.VISION_PROPOSED.value: _vision_proposed,
    EventKind.VISION_AGREED.value: _vision_agreed,
    EventKind.ACTION_ADDED.value: _action_added,
    EventKind.INVITATION_SENT.value: _person_invited,
    EventKind.PARTNER_INVITED.value: _organisation_invited,
    EventKind.HEALTH_CHECK_OPENED.value: _health_check_opened,
    EventKind.HEALTH_CHECK_PUBLISHED.value: _health_check_published,
    EventKind.BARRIER_SUBMITTED.value: _barrier_submitted,
    EventKind.BARRIER_ANSWERED.value: _barrier_answered,
    EventKind.BARRIER_TRIAGED.value: _barrier_triaged,
}
