"""The barrier log as its pages show it, and its figures."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localvision.domain.barriers import BarrierDates, BarrierFigures, barrier_figures
from localvision.domain.vocabulary import BarrierStatus
from localvision.extensions import db
from localvision.models import Barrier, BarrierAnswer, Organisation, Project
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.public import PUBLIC_BARRIER_STATUSES, public_barriers


@dataclass(frozen=True)
class BarrierLog:
    awaiting_moderation: list[Barrier]  # empty outside the project
    open: list[Barrier]
    closed: list[Barrier]
    rejected: list[Barrier]  # empty outside the project


def _local_date(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).date()


def barrier_log(context: ProjectContext) -> BarrierLog:
    listed = list(db.session.scalars(public_barriers(context.project)))
    hidden: list[Barrier] = []
    if policy.may_see_unpublished_barriers(context):
        hidden = list(db.session.scalars(
            select(Barrier).where(Barrier.project_id == context.project.id,
                                  Barrier.status.in_((BarrierStatus.AWAITING_MODERATION, BarrierStatus.REJECTED)))
            .order_by(Barrier.raised_at, Barrier.id)))
    return BarrierLog(
        awaiting_moderation=[b for b in hidden if b.status == BarrierStatus.AWAITING_MODERATION],
        open=[b for b in listed if b.status.is_open],
        closed=[b for b in listed if not b.status.is_open],
        rejected=[b for b in hidden if b.status == BarrierStatus.REJECTED],
    )


def visible_barrier(context: ProjectContext, barrier_id: int) -> Barrier | None:
    """The barrier, if this viewer may see it: the public sees approved barriers only."""
    barrier = db.session.scalar(select(Barrier).where(Barrier.id == barrier_id, Barrier.project_id == context.project.id)
                                .options(selectinload(Barrier.answers)))
    if barrier is None or not (barrier.status.is_public or policy.may_see_unpublished_barriers(context)):
        return None
    return barrier


def figures(project: Project, today: date) -> BarrierFigures:
    """Figures of the barriers the public may read, so the project's people and the public
    see the same: one statement, whatever the number of barriers and answers."""
    first_answer = (select(func.min(BarrierAnswer.answered_at)).where(BarrierAnswer.barrier_id == Barrier.id)
                    .correlate(Barrier).scalar_subquery())
    rows = db.session.execute(
        select(Barrier.raised_at, Barrier.removed_at, Barrier.status, Organisation.name, Organisation.sector,
               first_answer.label("first_answer_at"))
        .outerjoin(Organisation, Organisation.id == Barrier.owner_organisation_id)
        .where(Barrier.project_id == project.id, Barrier.status.in_(PUBLIC_BARRIER_STATUSES)))
    return barrier_figures([
        BarrierDates(raised_on=_local_date(row.raised_at),
                     first_answer_on=_local_date(row.first_answer_at) if row.first_answer_at else None,
                     removed_on=_local_date(row.removed_at) if row.removed_at else None,
                     is_open=row.status.is_open, owner=row.name, sector=row.sector)
        for row in rows], today)


CSV_HEADER = ["Barrier", "Raised on", "Raised through", "What gets in the way", "Where", "Who it affects",
              "Indicator", "Status", "Owner organisation", "Owner sector", "First answered on", "Removed on",
              "Reason it will not be removed", "Latest answer"]


def csv_rows(project: Project) -> list[list]:
    """One row per barrier the public may read; who raised it is never included."""
    rows = []
    for b in db.session.scalars(public_barriers(project)):
        owner = b.owner_organisation
        rows.append([b.id, _local_date(b.raised_at).isoformat(), b.source.label, b.what, b.location, b.who_affected,
                     b.indicator.name if b.indicator else "", b.status.label, owner.name if owner else "",
                     owner.sector.label if owner else "",
                     _local_date(b.first_answer_at).isoformat() if b.first_answer_at else "",
                     _local_date(b.removed_at).isoformat() if b.removed_at else "", b.wont_remove_reason or "",
                     b.answers[-1].text if b.answers else ""])
    return rows
