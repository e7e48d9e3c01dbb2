"""The joint decisions aimed at an outcome indicator, and the money they bring to it."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from localvision.extensions import db
from localvision.indicator_progress import IndicatorSummary, summaries
from localvision.models import Contribution, Decision, DecisionIndicator, DecisionStatus, Indicator

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class AimedDecision:
    decision: Decision
    total: Decimal  # every partner's contributions to it, in pounds


@dataclass(frozen=True)
class FundingAimed:
    decisions: list[AimedDecision]

    def total_for(self, status: DecisionStatus) -> Decimal:
        return sum((aimed.total for aimed in self.decisions if aimed.decision.status == status), Decimal("0.00"))

    @property
    def agreed(self) -> Decimal:
        return self.total_for(DecisionStatus.AGREED)

    @property
    def proposed(self) -> Decimal:
        return self.total_for(DecisionStatus.OPEN)


def funding_aimed_at(indicator: Indicator) -> FundingAimed:
    """Totals are public even for commercially sensitive decisions, as on the decision log."""
    rows = db.session.execute(
        select(Decision, func.coalesce(func.sum(Contribution.amount), 0))
        .join(DecisionIndicator, DecisionIndicator.decision_id == Decision.id)
        .outerjoin(Contribution, Contribution.decision_id == Decision.id)
        .where(DecisionIndicator.indicator_id == indicator.id)
        .group_by(Decision.id)
        .order_by(Decision.opens_on, Decision.id)
    ).all()
    return FundingAimed([AimedDecision(decision, Decimal(total).quantize(PENNY)) for decision, total in rows])


def indicators_aimed_at(decision: Decision) -> list[IndicatorSummary]:
    linked = set(db.session.scalars(select(DecisionIndicator.indicator_id).where(DecisionIndicator.decision_id == decision.id)))
    return [summary for summary in summaries(decision.project) if summary.indicator.id in linked] if linked else []
