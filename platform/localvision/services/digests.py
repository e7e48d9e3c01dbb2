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

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from localvision.domain.decisions import counted_organisations
from localvision.domain.digests import DigestPeriod, due_period, is_sending_time
from localvision.domain.notifications import DEFAULT_DIGEST_FREQUENCY, DIGEST
from localvision.domain.reminders import local_date
from localvision.domain.vocabulary import ActionStatus, DecisionStatus, Delivery, DigestFrequency, PartnerStatus
from localvision.extensions import db
from localvision.job_queue import job, moment_of
from localvision.links import external_url
from localvision.models import (
    Action,
    AuditEvent,
    CountedPartner,
    Decision,
    DigestSent,
    Notification,
    NotificationSettings,
    Position,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
    VisionPosition,
    VisionVersion,
)
from localvision.models.statements import insert_for
from localvision.permissions import policy
from localvision.queries import audit
from localvision.services import mail, notifications

log = logging.getLogger(__name__)

BATCH = 500
# A digest names the latest few changes of each project and counts the rest: it is a
# nudge to open the project, not a copy of its audit trail.
CHANGES_SHOWN = 6


@dataclass(frozen=True)
class ProjectNews:
    title: str
    changes: tuple[str, ...]
    more_changes: int


@dataclass(frozen=True)
class Awaiting:
    title: str
    detail: str
    link: str
    is_overdue: bool = False


@dataclass(frozen=True)
class ProjectFacts:
    """What every person of a project is told alike, worked out once per run."""

    news: ProjectNews | None
    partner_ids: frozenset[int]
    # Organisations whose named representatives alone speak for them here.
    represented: frozenset[int]
    # By organisation: the vision version and open decisions awaiting its position.
    awaiting: dict[int, tuple[Awaiting, ...]]


@dataclass
class Digest:
    person: User
    news: list[ProjectNews]
    awaiting: list[Awaiting]
    notifications: list[Notification]

    @property
    def is_empty(self) -> bool:
        return not (self.news or self.awaiting or self.notifications)


class FactsCache(dict):
    """Project facts for one run and period. Emptied when it grows past a bound, so a
    platform of many more projects costs recomputation, not memory."""

    LIMIT = 2000

    def __init__(self, period: DigestPeriod) -> None:
        super().__init__()
        self.period = period

    def for_projects(self, project_ids: set[int]) -> dict[int, ProjectFacts]:
        missing = sorted(project_ids - self.keys())
        if len(self) + len(missing) > self.LIMIT:
            self.clear()
            missing = sorted(project_ids)
        self.update(_project_facts(missing, self.period))
        return {project_id: self[project_id] for project_id in project_ids}


def send_due_digests(now: datetime) -> int:
    """Send every digest due at ``now`` not sent yet; returns how many were sent."""
    return sum(send_digests_for(due_period(frequency, now), now)
               for frequency in (DigestFrequency.DAILY, DigestFrequency.WEEKLY))


def send_digests_for(period: DigestPeriod, now: datetime) -> int:
    sent = 0
    last_id = 0
    facts = FactsCache(period)
    while True:
        people = list(db.session.scalars(_people_due(period).where(User.id > last_id).order_by(User.id).limit(BATCH)))
        if not people:
            return sent
        last_id = people[-1].id
        sent += _send_batch(people, period, now, facts)
        # Each batch is its own transaction; the session holds its objects weakly, so
        # they are let go once the batch is done with them.
        db.session.commit()


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


def _send_batch(people: list[User], period: DigestPeriod, now: datetime, facts: FactsCache) -> int:
    digests = [digest for digest in gather(people, now, facts) if not digest.is_empty]
    if not digests:
        return 0
    # Claim first: of two runs racing, the second's rows conflict and it sends nothing.
    insert = insert_for(db.session.get_bind().dialect.name)
    claimed = dict(db.session.execute(
        insert(DigestSent).values([{"user_id": d.person.id, "period_key": period.key} for d in digests])
        .on_conflict_do_nothing(index_elements=["user_id", "period_key"])
        .returning(DigestSent.user_id, DigestSent.id)).tuples().all())
    digests = [digest for digest in digests if digest.person.id in claimed]
    if not digests:
        return 0
    messages = mail.queue_messages([_email(digest, period) for digest in digests])
    db.session.execute(update(DigestSent), [
        {"id": claimed[digest.person.id], "outbox_message_id": message.id}
        for digest, message in zip(digests, messages)])
    digested = [n.id for digest in digests for n in digest.notifications]
    if digested:
        db.session.execute(update(Notification).where(Notification.id.in_(digested)).values(digested_at=now))
    return len(digests)


def _email(digest: Digest, period: DigestPeriod) -> dict:
    person = digest.person
    unsubscribe = notifications.unsubscribe_url(person, DIGEST)
    return dict(
        to=person.email, template="digest", kind=DIGEST, user=person,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": notifications.ONE_CLICK},
        context={"person": person, "period": period, "news": digest.news, "awaiting": digest.awaiting,
                 "notifications": [(n, notifications.absolute(n.link)) for n in digest.notifications],
                 "your_work_url": external_url("your_work.index"), "unsubscribe_url": unsubscribe,
                 "preferences_url": external_url("notifications.preferences")},
    )


# What a batch of people hears ---------------------------------------------------------------

def gather(people: list[User], now: datetime, facts: FactsCache) -> list[Digest]:
    """Each person's digest, from their projects as they are now: a project they have left
    tells them nothing."""
    person_ids = [person.id for person in people]
    memberships = db.session.execute(
        select(ProjectMembership.user_id, ProjectMembership.project_id, ProjectMembership.is_representative,
               Project.title)
        .join(Project, Project.id == ProjectMembership.project_id)
        .where(ProjectMembership.user_id.in_(person_ids))
        .order_by(ProjectMembership.user_id, Project.title)).tuples().all()
    projects_of: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for user_id, project_id, is_representative, _title in memberships:
        projects_of[user_id].append((project_id, is_representative))
    known = facts.for_projects({project_id for _, project_id, _, _ in memberships})
    actions = _open_actions(person_ids, local_date(now))
    waiting = _digest_notifications(person_ids, now)
    digests = []
    for person in people:
        own = projects_of[person.id]
        member_of = {project_id for project_id, _ in own}
        awaiting: list[Awaiting] = []
        for project_id, is_representative in own:
            project = known[project_id]
            organisation = person.organisation_id
            if policy.may_record_position_for(person, organisation in project.partner_ids, is_representative,
                                              organisation in project.represented):
                awaiting.extend(project.awaiting.get(organisation, ()))
        awaiting += [action.item for action in actions.get(person.id, []) if action.project_id in member_of]
        news = [known[project_id].news for project_id, _ in own if known[project_id].news is not None]
        digests.append(Digest(person, news, awaiting,
                              [n for n in waiting.get(person.id, []) if n.project_id is None or n.project_id in member_of]))
    return digests


def _project_facts(project_ids: list[int], period: DigestPeriod) -> dict[int, ProjectFacts]:
    if not project_ids:
        return {}
    news = _news(project_ids, period)
    partners: dict[int, set[int]] = defaultdict(set)
    for project_id, organisation_id in db.session.execute(
            select(ProjectPartner.project_id, ProjectPartner.organisation_id)
            .where(ProjectPartner.project_id.in_(project_ids), ProjectPartner.status == PartnerStatus.ACCEPTED)):
        partners[project_id].add(organisation_id)
    represented: dict[int, set[int]] = defaultdict(set)
    for project_id, organisation_id in db.session.execute(
            select(ProjectMembership.project_id, User.organisation_id).join(User, User.id == ProjectMembership.user_id)
            .where(ProjectMembership.project_id.in_(project_ids), ProjectMembership.is_representative)):
        represented[project_id].add(organisation_id)
    awaiting = _awaiting_vision_positions(project_ids, partners)
    for project_id, by_organisation in _awaiting_positions(project_ids, partners).items():
        for organisation_id, items in by_organisation.items():
            awaiting[project_id][organisation_id].extend(items)
    return {project_id: ProjectFacts(news.get(project_id), frozenset(partners[project_id]),
                                     frozenset(represented[project_id]),
                                     {organisation: tuple(items) for organisation, items in awaiting[project_id].items()})
            for project_id in project_ids}


def _news(project_ids: list[int], period: DigestPeriod) -> dict[int, ProjectNews]:
    """The latest changes of each project in the period, as the audit trail words them."""
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
    titles = dict(db.session.execute(select(Project.id, Project.title).where(Project.id.in_(counts))).tuples().all())
    changes: dict[int, list[str]] = defaultdict(list)
    for event in events:
        changes[event.project_id].append(audit.sentence(event, names))
    return {project_id: ProjectNews(titles[project_id], tuple(changes[project_id]), count - len(changes[project_id]))
            for project_id, count in counts.items()}


def _awaiting_positions(project_ids: list[int], partners: dict[int, set[int]]
                        ) -> dict[int, dict[int, list[Awaiting]]]:
    """For each project and organisation, the open decisions still waiting for its position:
    read as plain columns, since a digest run reads every open decision of the platform."""
    open_decisions = db.session.execute(
        select(Decision.id, Decision.project_id, Decision.title, Decision.closes_on, Project.slug, Project.title)
        .join(Project, Project.id == Decision.project_id)
        .where(Decision.project_id.in_(project_ids), Decision.status == DecisionStatus.OPEN)
        .order_by(Decision.closes_on, Decision.id)).tuples().all()
    decision_ids = [row[0] for row in open_decisions]
    counted: dict[int, set[int]] = defaultdict(set)
    for decision_id, organisation_id in db.session.execute(
            select(CountedPartner.decision_id, CountedPartner.organisation_id)
            .where(CountedPartner.decision_id.in_(decision_ids))):
        counted[decision_id].add(organisation_id)
    responded: dict[int, set[int]] = defaultdict(set)
    for decision_id, organisation_id in db.session.execute(
            select(Position.decision_id, Position.organisation_id).distinct()
            .where(Position.decision_id.in_(decision_ids))):
        responded[decision_id].add(organisation_id)
    awaiting: dict[int, dict[int, list[Awaiting]]] = defaultdict(lambda: defaultdict(list))
    for decision_id, project_id, title, closes_on, slug, project_title in open_decisions:
        waited_for = counted_organisations(counted[decision_id], partners[project_id], responded[decision_id],
                                           is_open=True) - responded[decision_id]
        item = Awaiting(title, f"{project_title}: your organisation's position, by {closes_on:%-d %B %Y}",
                        external_url("decisions.show", slug=slug, decision_id=decision_id))
        for organisation_id in waited_for:
            awaiting[project_id][organisation_id].append(item)
    return awaiting


def _awaiting_vision_positions(project_ids: list[int], partners: dict[int, set[int]]
                               ) -> dict[int, dict[int, list[Awaiting]]]:
    """For each project and organisation, the latest version of the vision if the
    organisation is a partner that has not yet given its position on it."""
    newest = (select(VisionVersion.project_id, func.max(VisionVersion.number).label("number"))
              .where(VisionVersion.project_id.in_(project_ids)).group_by(VisionVersion.project_id).subquery())
    latest = db.session.execute(
        select(VisionVersion.id, VisionVersion.project_id, VisionVersion.number, Project.slug, Project.title)
        .join(newest, and_(newest.c.project_id == VisionVersion.project_id, newest.c.number == VisionVersion.number))
        .join(Project, Project.id == VisionVersion.project_id)).tuples().all()
    responded: dict[int, set[int]] = defaultdict(set)
    for version_id, organisation_id in db.session.execute(
            select(VisionPosition.version_id, VisionPosition.organisation_id).distinct()
            .where(VisionPosition.version_id.in_([row[0] for row in latest]))):
        responded[version_id].add(organisation_id)
    awaiting: dict[int, dict[int, list[Awaiting]]] = defaultdict(lambda: defaultdict(list))
    for version_id, project_id, number, slug, project_title in latest:
        item = Awaiting(f"Version {number} of the shared vision", f"{project_title}: your organisation's position",
                        external_url("vision.show", slug=slug))
        for organisation_id in sorted(partners[project_id] - responded[version_id]):
            awaiting[project_id][organisation_id].append(item)
    return awaiting


@dataclass(frozen=True)
class OwnedAction:
    owner_id: int
    project_id: int
    item: Awaiting


def _open_actions(person_ids: list[int], today: date) -> dict[int, list[OwnedAction]]:
    actions: dict[int, list[OwnedAction]] = defaultdict(list)
    for owner_id, title, due_on, decision_id, project_id, slug, project_title in db.session.execute(
            select(Action.owner_id, Action.title, Action.due_on, Action.decision_id, Project.id, Project.slug,
                   Project.title)
            .join(Decision, Decision.id == Action.decision_id).join(Project, Project.id == Decision.project_id)
            .where(Action.owner_id.in_(person_ids), Action.status == ActionStatus.OPEN)
            .order_by(Action.due_on, Action.id)):
        overdue = due_on < today
        link = external_url("decisions.show", slug=slug, decision_id=decision_id) + "#actions"
        actions[owner_id].append(OwnedAction(owner_id, project_id, Awaiting(
            title, f"{project_title}: your action, {'was due' if overdue else 'due'} {due_on:%-d %B %Y}", link,
            is_overdue=overdue)))
    return actions


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


@job(timeout=1800)
def send_digests(now: str | None = None) -> int:
    moment = moment_of(now)
    if not is_sending_time(moment):
        return 0
    sent = send_due_digests(moment)
    log.info("Digests: %d sent", sent)
    return sent
