"""Demonstration health check rounds for Plymouth (published) and Merton (private): two
closed rounds each, so change since the last round shows, and in Plymouth an open round
the demo logins can answer.

Illustrative throughout. The demo has one login per organisation, so most answers stand
for colleagues who have no login here; the demo people who are in a project are
recorded as having answered each closed round. Ratings are drawn with a fixed seed so
every load gives the same figures."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from localvision.domain.vocabulary import EventKind, HealthStatement, ProjectRole
from localvision.extensions import db
from localvision.models import (
    HealthCheckAnswer,
    HealthCheckRespondent,
    HealthCheckResult,
    HealthCheckRound,
    Organisation,
    Project,
    User,
)
from localvision.queries.health_checks import round_figures
from localvision.services import events

# Per organisation: how it tends to rate the partnership (1 to 5), and how many answer in
# each of the two closed rounds. Small organisations show how groups are merged.
PLYMOUTH = {
    "Plymouth City Council": (3.9, (6, 7)),
    "University Hospitals Plymouth NHS Trust": (3.2, (5, 6)),
    "Plymouth Public Health": (3.6, (3, 4)),
    "Devon and Cornwall Police": (2.9, (2, 3)),
    "Harbour Street Outreach": (2.5, (4, 4)),
    "University of Plymouth": (3.4, (1, 2)),
}
MERTON = {
    "London Borough of Merton": (3.7, (5, 5)),
    "South West London NHS": (3.0, (4, 5)),
    "Healthwatch Merton": (2.6, (3, 3)),
    "Merton Voluntary Service Council": (2.8, (2, 3)),
}
# Between the rounds the partnerships worked on these: they rise more than the rest.
IMPROVED = {HealthStatement.DIRECTION: 0.9, HealthStatement.ALIGNMENT: 0.8, HealthStatement.TEAM_WORKING: 0.6}
COMMENTS = [
    (HealthStatement.DIRECTION, "The shared vision finally reads like ours, not the council's."),
    (HealthStatement.ENGAGEMENT, "Front-line staff still hear about decisions second hand."),
    (HealthStatement.OBJECTIVES_AND_DATA, "The street drinking figures arrive two months late."),
    (HealthStatement.COMMITMENT, "Budgets are pooled on paper; each board still signs off its own share."),
]


def _rating(generator: random.Random, tendency: float) -> int:
    return max(1, min(5, round(generator.gauss(tendency, 0.8))))


def _at(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=timezone.utc)


def _title(opens_on: date) -> str:
    # Named by the month it opened, as the rounds' dates move with the day the demo loads.
    return f"{opens_on:%B %Y} health check"


def _load_project(slug: str, profile: dict[str, tuple[float, tuple[int, int]]], publish: bool, add_open_round: bool,
                  today: date) -> None:
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    lead = next(m.user for m in project.memberships if m.role == ProjectRole.LEAD)
    organisations = {org.name: org for org in db.session.scalars(
        select(Organisation).where(Organisation.name.in_(list(profile))))}
    in_project: list[User] = [m.user for m in project.memberships]
    generator = random.Random(slug)
    for number, opened_days_ago in enumerate((200, 60)):
        opens_on = today - timedelta(days=opened_days_ago)
        health_check = HealthCheckRound(project_id=project.id, title=_title(opens_on), opens_on=opens_on,
                                        closes_on=opens_on + timedelta(days=21), opened_by_id=lead.id,
                                        closed_at=_at(opens_on + timedelta(days=21)), is_published=publish)
        db.session.add(health_check)
        db.session.flush()
        for name, (tendency, sizes) in profile.items():
            organisation = organisations[name]
            for _ in range(sizes[number]):
                ratings = {statement.value: _rating(generator, tendency + number * IMPROVED.get(statement, 0.2))
                           for statement in HealthStatement}
                db.session.add(HealthCheckAnswer(round_id=health_check.id, organisation_id=organisation.id,
                                                 sector=organisation.sector, ratings=ratings, comments={}))
        for statement, text in COMMENTS[number * 2:number * 2 + 2]:
            answer = db.session.scalar(select(HealthCheckAnswer).where(HealthCheckAnswer.round_id == health_check.id)
                                       .order_by(HealthCheckAnswer.id).limit(1).offset(len(text) % 5))
            answer.comments = {**answer.comments, statement.value: text}
        for person in in_project:
            db.session.add(HealthCheckRespondent(round_id=health_check.id, user_id=person.id))
        db.session.flush()
        _history(project, lead, health_check, publish)
        figures, comments = round_figures(health_check.id)
        db.session.add(HealthCheckResult(round_id=health_check.id, figures={**figures, "comments": comments},
                                         computed_at=health_check.closed_at + timedelta(minutes=1)))
    if add_open_round:
        opens_on = today - timedelta(days=3)
        current = HealthCheckRound(project_id=project.id, title=_title(opens_on), opens_on=opens_on,
                                   closes_on=today + timedelta(days=25), opened_by_id=lead.id)
        db.session.add(current)
        db.session.flush()
        _record(EventKind.HEALTH_CHECK_OPENED, current, lead, project, _at(current.opens_on))
    db.session.flush()


def _record(kind: EventKind, health_check: HealthCheckRound, actor: User | None, project: Project,
            when: datetime) -> None:
    event = events.record(kind, health_check, actor=actor, project=project, label=health_check.title,
                          payload={"health_check_id": health_check.id, "opens_on": health_check.opens_on,
                                   "closes_on": health_check.closes_on})
    event.occurred_at = when


def _history(project: Project, lead: User, health_check: HealthCheckRound, publish: bool) -> None:
    _record(EventKind.HEALTH_CHECK_OPENED, health_check, lead, project, _at(health_check.opens_on))
    _record(EventKind.HEALTH_CHECK_CLOSED, health_check, None, project, health_check.closed_at)
    if publish:
        _record(EventKind.HEALTH_CHECK_PUBLISHED, health_check, lead, project,
                health_check.closed_at + timedelta(days=2))


def load_health_checks(today: date | None = None) -> None:
    today = today or date.today()
    _load_project("street-drinking-plymouth", PLYMOUTH, publish=True, add_open_round=True, today=today)
    _load_project("co-production-merton", MERTON, publish=False, add_open_round=False, today=today)
