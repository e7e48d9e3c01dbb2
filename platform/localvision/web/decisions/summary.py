"""The joint decisions in brief, for a project's overview pages."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from localvision.extensions import db
from localvision.models import Contribution, Decision, DecisionStatus, Project


@dataclass(frozen=True)
class DecisionSummary:
    counts: dict[DecisionStatus, int]
    agreed_total: Decimal
    latest: list[Decision]

    @property
    def total_count(self) -> int:
        return sum(self.counts.values())


def decision_summary(project: Project, latest: int = 5) -> DecisionSummary:
    """Counts by status, the money committed to agreed decisions (commercially sensitive
    ones included: their total is public), and the most recent decisions."""
    counts = dict(db.session.execute(
        select(Decision.status, func.count(Decision.id)).where(Decision.project_id == project.id).group_by(Decision.status)
    ).all())
    agreed_total = db.session.scalar(
        select(func.coalesce(func.sum(Contribution.amount), 0)).join(Contribution.decision)
        .where(Decision.project_id == project.id, Decision.status == DecisionStatus.AGREED)
    )
    # The overview shows titles and statuses only: proposers are not loaded with them.
    recent = db.session.scalars(
        select(Decision).where(Decision.project_id == project.id)
        .options(lazyload(Decision.proposer), lazyload(Decision.proposing_organisation))
        .order_by(Decision.opens_on.desc(), Decision.id.desc()).limit(latest)
    ).all()
    return DecisionSummary({status: counts.get(status, 0) for status in DecisionStatus},
                           Decimal(agreed_total).quantize(Decimal("0.01")), list(recent))
