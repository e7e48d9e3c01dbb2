"""The partnership health check: a lead opens a round, each person of each partner
organisation answers once, anonymously, and the round closes (by a lead, or on its
closing date) before anyone sees results, which a background job computes.

Answering records no audit event: an event names its actor and its time, which is
exactly what an anonymous answer must not carry. Opening, closing and publishing a round
are recorded as usual, for the audit trail and for notifications."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from localvision import data_versions, job_queue
from localvision.domain.decisions import closing_date_problem
from localvision.domain.health_checks import (
    COMMENT_LENGTH,
    COMMENT_TOO_LONG,
    TITLE_LENGTH,
    TITLE_NEEDED,
    TITLE_TOO_LONG,
    rating_needed,
)
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind, HealthStatement
from localvision.extensions import db
from localvision.job_queue import job
from localvision.models import HealthCheckAnswer, HealthCheckRespondent, HealthCheckResult, HealthCheckRound, User
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.health_checks import has_answered, open_round_of, round_figures
from localvision.services import events

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoundDetails:
    title: str
    opens_on: date
    closes_on: date


def _round_payload(health_check: HealthCheckRound) -> dict:
    return {"health_check_id": health_check.id, "opens_on": health_check.opens_on,
            "closes_on": health_check.closes_on}


def open_round(context: ProjectContext, details: RoundDetails, today: date | None = None) -> HealthCheckRound:
    today = today or date.today()
    if not policy.may_run_health_check(context):
        raise NotPermitted("Only the project leads open a health check round.")
    title = " ".join(details.title.split())
    if not title:
        raise Refused(TITLE_NEEDED, field="title")
    if len(title) > TITLE_LENGTH:
        raise Refused(TITLE_TOO_LONG, field="title")
    if problem := closing_date_problem(details.opens_on, details.closes_on):
        raise Refused(problem, field="closes_on")
    if details.closes_on < today:
        raise Refused("The closing date must be today or later", field="closes_on")
    if open_round_of(context.project.id) is not None:
        raise Refused("A round is already open: close it before opening another.")
    health_check = HealthCheckRound(project_id=context.project.id, title=title, opens_on=details.opens_on,
                                    closes_on=details.closes_on, opened_by_id=context.actor.id)
    db.session.add(health_check)
    db.session.flush()
    events.record(EventKind.HEALTH_CHECK_OPENED, health_check, actor=context.actor, project=context.project,
                  label=title, after=events.snapshot(health_check, ("title", "opens_on", "closes_on")),
                  payload=_round_payload(health_check))
    db.session.commit()
    return health_check


def answer_round(context: ProjectContext, health_check: HealthCheckRound, ratings: dict[HealthStatement, int],
                 comments: dict[HealthStatement, str], today: date | None = None) -> None:
    """Record one person's answer: their ratings and comments with only their organisation
    and its sector, and separately, that they have answered."""
    today = today or date.today()
    if not policy.may_answer_health_check(context):
        raise NotPermitted("Only the people of the partner organisations answer the health check.")
    if health_check.project_id != context.project.id:
        raise NotPermitted("That round belongs to another project.")
    if not health_check.accepts_answers_on(today):
        raise Refused("This round is not open for answers." if today < health_check.opens_on or health_check.is_closed
                      else "This round has closed.")
    if set(ratings) != set(HealthStatement):
        missing = next(statement for statement in HealthStatement if statement not in ratings)
        raise Refused(rating_needed(missing), field=missing.value)
    for statement, rating in ratings.items():
        if rating not in (1, 2, 3, 4, 5):
            raise Refused("Choose a rating from 1 to 5", field=statement.value)
    written = {statement.value: text.strip() for statement, text in comments.items() if text and text.strip()}
    for statement, text in written.items():
        if len(text) > COMMENT_LENGTH:
            raise Refused(COMMENT_TOO_LONG, field=f"{statement}_comment")
    if has_answered(context.actor, health_check):
        raise Refused("You have already answered this round. Answers cannot be changed, because nothing links them to you.")
    organisation = policy.partner_organisation(context)
    db.session.add(HealthCheckRespondent(round_id=health_check.id, user_id=context.actor.id))
    db.session.add(HealthCheckAnswer(round_id=health_check.id, organisation_id=organisation.id,
                                     sector=organisation.sector,
                                     ratings={statement.value: rating for statement, rating in ratings.items()},
                                     comments=written))
    try:
        db.session.commit()
    except IntegrityError:
        # The same person answering twice at once: the second is refused, and its answer goes with it.
        db.session.rollback()
        raise Refused("You have already answered this round.") from None


def _close(health_check: HealthCheckRound, actor: User | None, now: datetime) -> None:
    health_check.closed_at = now
    events.record(EventKind.HEALTH_CHECK_CLOSED, health_check, actor=actor, project=health_check.project,
                  label=health_check.title, before={"status": "open"}, after={"status": "closed"},
                  payload=_round_payload(health_check))


def close_round(context: ProjectContext, health_check: HealthCheckRound) -> HealthCheckRound:
    """Stop answers and have the results computed; closing twice changes nothing."""
    if not policy.may_run_health_check(context):
        raise NotPermitted("Only the project leads close a health check round.")
    if health_check.project_id != context.project.id:
        raise NotPermitted("That round belongs to another project.")
    if not health_check.is_closed:
        _close(health_check, context.actor, datetime.now(timezone.utc))
        db.session.commit()
        request_results(health_check.id)
    return health_check


def close_rounds_past_their_closing_date(today: date | None = None) -> list[int]:
    """The platform closes each round whose closing date has passed; returns their ids."""
    today = today or date.today()
    due = db.session.scalars(select(HealthCheckRound).where(HealthCheckRound.closed_at.is_(None),
                                                            HealthCheckRound.closes_on < today)).all()
    now = datetime.now(timezone.utc)
    for health_check in due:
        _close(health_check, None, now)
    db.session.commit()
    return [health_check.id for health_check in due]


def set_round_publication(context: ProjectContext, health_check: HealthCheckRound, publish: bool) -> HealthCheckRound:
    """Publish a closed round's aggregate results (public once the project is), or make them
    private again; asking twice changes nothing."""
    if not policy.may_run_health_check(context):
        raise NotPermitted("Only the project leads publish health check results.")
    if health_check.project_id != context.project.id:
        raise NotPermitted("That round belongs to another project.")
    if publish and not health_check.is_closed:
        raise Refused("Results are published once the round has closed.")
    # Published results never change afterwards, so public pages cached under the
    # publishing event's version stay true.
    if publish and health_check.result is None:
        raise Refused("The results are still being computed: publish them once they appear.")
    if publish != health_check.is_published:
        health_check.is_published = publish
        events.record(EventKind.HEALTH_CHECK_PUBLISHED if publish else EventKind.HEALTH_CHECK_UNPUBLISHED,
                      health_check, actor=context.actor, project=context.project, label=health_check.title,
                      before={"is_published": not publish}, after={"is_published": publish},
                      payload=_round_payload(health_check))
        db.session.commit()
    return health_check


def results_job_id(round_id: int) -> str:
    """One results job per round at a time."""
    return f"health-check-results-{round_id}"


def request_results(round_id: int) -> None:
    """Queue the round's results; if the queue is unreachable the sweep queues them later."""
    try:
        job_queue.enqueue(compute_health_check_results, round_id, job_id=results_job_id(round_id),
                          description=f"health check results for round {round_id}")
    except RedisError as error:
        log.warning("health check results for round %s not queued (%s); the sweep will queue them", round_id, error)


@job(timeout=300, retries=(5, 30, 120))
def compute_health_check_results(round_id: int) -> None:
    health_check = db.session.get(HealthCheckRound, round_id)
    if health_check is None or not health_check.is_closed:
        return
    figures, comments = round_figures(round_id)
    result = db.session.get(HealthCheckResult, round_id) or HealthCheckResult(round_id=round_id)
    result.figures = {**figures, "comments": comments}
    result.computed_at = datetime.now(timezone.utc)
    db.session.add(result)
    data_versions.note_change(db.session, health_check.project_id)
    db.session.commit()
    log.info("health check results computed for round %s", round_id)


@job(timeout=180)
def sweep_health_checks() -> int:
    """Close rounds past their closing date and queue results missing for closed rounds.
    Returns how many results were queued."""
    close_rounds_past_their_closing_date()
    missing = db.session.scalars(
        select(HealthCheckRound.id).outerjoin(HealthCheckResult)
        .where(HealthCheckRound.closed_at.is_not(None), HealthCheckResult.round_id.is_(None))).all()
    for round_id in missing:
        request_results(round_id)
    return len(missing)
