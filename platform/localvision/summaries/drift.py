"""Drift: where the stored running totals differ from what their base rows give."""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from localvision.domain.vocabulary import DecisionStatus
from localvision.models import DecisionIndicator
from localvision.models.decisions import Decision
from localvision.models.summaries import DecisionTotal, IndicatorTotal, OrganisationTotal, ProjectTotal, SectorSetTotal
from localvision.summaries.totals import (
    ORGANISATION_COUNTS,
    ZERO,
    decision_totals_query,
    money,
    organisation_totals,
    project_totals_query,
)

DRIFT_KINDS = ("decisions", "sector_sets", "organisations", "projects", "indicators")


def _decision_rows(rows: Iterable[Any]) -> dict[int, tuple[int, str, bool]]:
    return {row.decision_id: (int(row.sector_mask), money(row.amount), bool(row.is_disclosed)) for row in rows}


def _sector_set_rows(rows: Iterable[Any]) -> dict[int, tuple[int, str, int, str]]:
    return {int(row.sector_mask): (int(row.decisions), money(row.amount), int(row.disclosed_decisions),
                                   money(row.disclosed_amount)) for row in rows}


def _project_rows(rows: Iterable[Any]) -> dict[int, tuple[int, int, int]]:
    return {row.project_id: (int(row.agreed_decisions), int(row.counted_decisions), int(row.linked_decisions))
            for row in rows}


def _indicator_rows(rows: Iterable[Any]) -> dict[int, tuple[int, str, str]]:
    return {row.indicator_id: (int(row.decisions), money(row.amount), money(row.disclosed_amount)) for row in rows}


def stored_totals(connection: Connection, project_id: int) -> dict[str, dict[int, Any]]:
    return {
        "decisions": _decision_rows(connection.execute(
            select(DecisionTotal.decision_id, DecisionTotal.sector_mask, DecisionTotal.amount, DecisionTotal.is_disclosed)
            .where(DecisionTotal.project_id == project_id))),
        "sector_sets": _sector_set_rows(connection.execute(
            select(SectorSetTotal).where(SectorSetTotal.project_id == project_id))),
        "organisations": {row.organisation_id: {"amounts": row.amounts, "disclosed_amounts": row.disclosed_amounts,
                                                **{field: getattr(row, field) for field in ORGANISATION_COUNTS}}
                          for row in connection.execute(
                              select(OrganisationTotal).where(OrganisationTotal.project_id == project_id))},
        "projects": _project_rows(connection.execute(select(ProjectTotal).where(ProjectTotal.project_id == project_id))),
        "indicators": _indicator_rows(connection.execute(
            select(IndicatorTotal).where(IndicatorTotal.project_id == project_id))),
    }


def drift(connection: Connection, project_id: int) -> dict[str, list[int]]:
    """Where the stored totals differ from the base rows: the ids of the decisions,
    organisations, projects and indicators, and the sector masks, whose rows are wrong,
    missing or extra. Empty lists when none."""
    stored = stored_totals(connection, project_id)
    computed_decisions = _decision_rows(connection.execute(
        decision_totals_query(connection.dialect.name, Decision.project_id == project_id)))
    # Each set of sectors from the decisions' own contributions, not from the stored decision totals.
    per_decision = decision_totals_query(connection.dialect.name, Decision.project_id == project_id).subquery()
    computed = {
        "decisions": computed_decisions,
        "sector_sets": _sector_set_rows(connection.execute(
            select(per_decision.c.sector_mask, func.count().label("decisions"),
                   func.sum(per_decision.c.amount).label("amount"),
                   func.sum(case((per_decision.c.is_disclosed, 1), else_=0)).label("disclosed_decisions"),
                   func.sum(case((per_decision.c.is_disclosed, per_decision.c.amount), else_=ZERO))
                   .label("disclosed_amount")).group_by(per_decision.c.sector_mask))),
        "organisations": organisation_totals(connection, project_id),
        "projects": _project_rows(connection.execute(project_totals_query(Decision.project_id == project_id))),
        # Each indicator's funding from the decisions' own contributions, not from the stored decision totals.
        "indicators": _indicator_rows(connection.execute(
            select(DecisionIndicator.indicator_id, func.count().label("decisions"),
                   func.coalesce(func.sum(per_decision.c.amount), ZERO).label("amount"),
                   func.coalesce(func.sum(case((per_decision.c.is_disclosed, per_decision.c.amount), else_=ZERO)),
                                 ZERO).label("disclosed_amount"))
            .join(Decision, Decision.id == DecisionIndicator.decision_id)
            .outerjoin(per_decision, per_decision.c.decision_id == Decision.id)
            .where(Decision.project_id == project_id, Decision.status == DecisionStatus.AGREED)
            .group_by(DecisionIndicator.indicator_id))),
    }

    def differing(stored_rows: dict[int, Any], computed_rows: dict[int, Any]) -> list[int]:
        return sorted(key for key in stored_rows.keys() | computed_rows.keys()
                      if stored_rows.get(key) != computed_rows.get(key))

    return {name: differing(stored[name], computed[name]) for name in DRIFT_KINDS}
