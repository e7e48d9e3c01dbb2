"""Digests: one email per person and period gathering what changed in their projects and
what awaits them, or none when there is nothing to say.

People are taken a batch at a time in id order, and everything a batch needs is read
with a few set-wise queries, so a run's memory is one batch's, however many people the
platform has. Each batch commits on its own: the ``DigestSent`` rows (unique per person
and period), the emails and the notifications marked as digested go together or not at
all. A run killed mid-batch leaves that batch to the next run; a rerun, a retry or a
second worker finds the rows and sends nothing twice.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from localvision.domain.digests import DigestPeriod, due_period
from localvision.domain.notifications import DEFAULT_DIGEST_FREQUENCY, DIGEST
from localvision.domain.reminders import local_date
from localvision.domain.vocabulary import Delivery, DigestFrequency
from localvision.extensions import db
from localvision.links import external_url
from localvision.models import (
    Action,
    ActionStatus,
    AuditEvent,
    Decision,
    DecisionStatus,
    DigestSent,
    Notification,
    NotificationSettings,
    Project,
    ProjectMembership,
    User,
)
from localvision.queries import audit
from localvision.services import mail, notifications, policy
from localvision.summaries.freshness import insert_for

BATCH = 500
# A digest names the latest few changes of each project and counts the rest: it is a
# nudge to open the project, not a copy of its audit trail.
CHANGES_SHOWN = 6


@dataclass
class ProjectNews:
    project: Project
    changes: list[str] = field(default_factory=list)
    more_changes: int = 0


@dataclass
class Awaiting:
    title: str
    detail: str
    link: str
    is_overdue: bool = False


@dataclass
class Digest:
    person: User
    news: list[ProjectNews]
    awaiting: list[Awaiting]
    notifications: list[Notification]

    @property
    def is_empty(self) -> bool:
        return not (self.news or self.awaiting or self.notifications)


def send_digests(now: datetime) -> int:
    """Send every digest due at ``now`` not sent yet; returns how many were sent."""
    return sum(send_digests_for(due_period(frequency, now), now)
               for frequency in (DigestFrequency.DAILY, DigestFrequency.WEEKLY))


def send_digests_for(period: DigestPeriod, now: datetime) -> int:
    sent = 0
    last_id = 0
    while True:
        people = list(db.session.scalars(_people_due(period).where(User.id > last_id).order_by(User.id).limit(BATCH)))
        if not people:
            return sent
        last_id = people[-1].id
        sent += _send_batch(people, period, now)
        # Each batch is its own transaction, and its objects are let go before the next.
        db.session.commit()
        db.session.expunge_all()


def _people_due(period: DigestPeriod):
    """People who chose this frequency (weekly when they never chose), are in at least one
    project, and have not had this period's digest."""
    chosen = select(NotificationSettings.digest_frequency).where(
        NotificationSettings.user_id == User.id).scalar_subquery()
    frequency_matches = (chosen == period.frequency) if period.frequency is not DEFAULT_DIGEST_FREQUENCY else or_(
        chosen == period.frequency, chosen.is_(None))
    return select(User).where(
        frequency_matches,
        exists().where(ProjectMembership.user_id == User.id),
        ~exists().where(DigestSent.user_id == User.id, DigestSent.period_key == period.key),
    )


def _send_batch(people: list[User], period: DigestPeriod, now: datetime) -> int:
    digests = [digest for digest in gather(people, period, now) if not digest.is_empty]
    if not digests:
        return 0
    # Claim first: of two runs racing, the second's rows conflict and it sends nothing.
    insert = insert_for(db.session.get_bind().dialect.name)
    claimed = set(db.session.scalars(
        insert(DigestSent).values([{"user_id": d.person.id, "period_key": period.key} for d in digests])
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"]).returning(DigestSent.user_id)))
    for digest in digests:
        if digest.person.id not in claimed:
            continue
        message = _email(digest, period)
        db.session.execute(update(DigestSent).where(DigestSent.user_id == digest.person.id,
                                                    DigestSent.period_key == period.key)
                           .values(outbox_message_id=message.id))
    digested = [n.id for d in digests if d.person.id in claimed for n in d.notifications]
    if digested:
        db.session.execute(update(Notification).where(Notification.id.in_(digested)).values(digested_at=now))
    return len(claimed)


def _email(digest: Digest, period: DigestPeriod):
    person = digest.person
    return mail.queue_message(
        to=person.email, template="digest", kind=DIGEST, user=person,
        headers=notifications.unsubscribe_headers(person, DIGEST),
        context={"person": person, "period": period, "news": digest.news, "awaiting": digest.awaiting,
                 "notifications": [(n, notifications.absolute(n.link)) for n in digest.notifications],
                 "your_work_url": external_url("your_work.index"),
                 "unsubscribe_url": notifications.unsubscribe_url(person, DIGEST),
                 "preferences_url": external_url("notifications.preferences")},
    )


# What a batch of people hears ---------------------------------------------------------------

def gather(people: list[User], period: DigestPeriod, now: datetime) -> list[Digest]:
    """Each person's digest, from their projects as they are now: a project they have left
    tells them nothing."""
    person_ids = [person.id for person in people]
    memberships = list(db.session.scalars(
        select(ProjectMembership).where(ProjectMembership.user_id.in_(person_ids))
        .options(selectinload(ProjectMembership.project).selectinload(Project.memberships),
                 selectinload(ProjectMembership.project).selectinload(Project.partners))))
    projects_of: dict[int, list[ProjectMembership]] = defaultdict(list)
    for membership in memberships:
        projects_of[membership.user_id].append(membership)
    project_ids = sorted({membership.project_id for membership in memberships})
    news = _news(project_ids, period)
    awaiting_positions = _awaiting_positions(project_ids)
    actions = _open_actions(person_ids, project_ids)
    waiting = _digest_notifications(person_ids, now)
    today = local_date(now)
    digests = []
    for person in people:
        own = sorted(projects_of[person.id], key=lambda m: m.project.title)
        member_of = {m.project_id for m in own}
        awaiting = [item for m in own if policy.may_record_position(policy.context_of(m))
                    for item in awaiting_positions.get((m.project_id, person.organisation_id), [])]
        awaiting += [_action_item(action, today) for action in actions.get(person.id, [])
                     if action.decision.project_id in member_of]
        digests.append(Digest(person, [news[m.project_id] for m in own if m.project_id in news], awaiting,
                              [n for n in waiting.get(person.id, []) if n.project_id is None or n.project_id in member_of]))
    return digests


def _news(project_ids: list[int], period: DigestPeriod) -> dict[int, ProjectNews]:
    """The latest changes of each project in the period, as the audit trail words them."""
    if not project_ids:
        return {}
    in_period = and_(AuditEvent.project_id.in_(project_ids), AuditEvent.occurred_at >= period.starts_at,
                     AuditEvent.occurred_at < period.ends_at)
    counts = dict(db.session.execute(select(AuditEvent.project_id, func.count()).where(in_period)
                                     .group_by(AuditEvent.project_id)).tuples().all())
    if not counts:
        return {}
    ranked = select(AuditEvent.id, func.row_number().over(
        partition_by=AuditEvent.project_id, order_by=(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    ).label("rank")).where(in_period).subquery()
    events = list(db.session.scalars(
        select(AuditEvent).join(ranked, ranked.c.id == AuditEvent.id).where(ranked.c.rank <= CHANGES_SHOWN)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.actor_organisation))
        .order_by(AuditEvent.project_id, AuditEvent.occurred_at.desc(), AuditEvent.id.desc())))
    names = audit.names_of(events)
    projects = {p.id: p for p in db.session.scalars(select(Project).where(Project.id.in_(counts)))}
    news = {project_id: ProjectNews(projects[project_id], more_changes=count) for project_id, count in counts.items()}
    for event in events:
        item = news[event.project_id]
        item.changes.append(audit.sentence(event, names))
        item.more_changes -= 1
    return news


def _awaiting_positions(project_ids: list[int]) -> dict[tuple[int, int], list[Awaiting]]:
    """For each project and organisation, the open decisions still waiting for its position."""
    awaiting: dict[tuple[int, int], list[Awaiting]] = defaultdict(list)
    if not project_ids:
        return awaiting
    decisions = db.session.scalars(
        select(Decision).where(Decision.project_id.in_(project_ids), Decision.status == DecisionStatus.OPEN)
        .options(selectinload(Decision.positions), selectinload(Decision.project))
        .order_by(Decision.closes_on, Decision.id))
    for decision in decisions:
        responded = decision.current_positions()
        for organisation_id in decision.counted_organisation_ids - responded.keys():
            awaiting[(decision.project_id, organisation_id)].append(Awaiting(
                decision.title, f"{decision.project.title}: your organisation's position, by "
                                f"{decision.closes_on:%-d %B %Y}",
                external_url("decisions.show", slug=decision.project.slug, decision_id=decision.id)))
    return awaiting


def _open_actions(person_ids: list[int], project_ids: list[int]) -> dict[int, list[Action]]:
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in db.session.scalars(
            select(Action).join(Action.decision)
            .where(Action.owner_id.in_(person_ids), Action.status == ActionStatus.OPEN,
                   Decision.project_id.in_(project_ids))
            .options(selectinload(Action.decision).selectinload(Decision.project))
            .order_by(Action.due_on, Action.id)):
        actions[action.owner_id].append(action)
    return actions


def _action_item(action: Action, today: date) -> Awaiting:
    project = action.decision.project
    overdue = action.is_overdue(today)
    return Awaiting(action.title, f"{project.title}: your action, {'was due' if overdue else 'due'} "
                                  f"{action.due_on:%-d %B %Y}",
                    external_url("decisions.show", slug=project.slug, decision_id=action.decision_id,
                                 _anchor="actions"), is_overdue=overdue)


def _digest_notifications(person_ids: Iterable[int], now: datetime) -> dict[int, list[Notification]]:
    """Notifications the person chose to read in their digest, not yet carried by one."""
    waiting: dict[int, list[Notification]] = defaultdict(list)
    for notification in db.session.scalars(
            select(Notification).where(Notification.user_id.in_(list(person_ids)),
                                       Notification.delivery == Delivery.DIGEST, Notification.digested_at.is_(None),
                                       Notification.created_at <= now)
            .order_by(Notification.created_at, Notification.id)):
        waiting[notification.user_id].append(notification)
    return waiting
