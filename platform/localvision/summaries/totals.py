"""Running totals behind the contribution summary, kept in the transaction of each change.

Every flush that touches a contribution, a position, an action, a decision's status,
sensitivity or proposer, or an organisation's sector recomputes the few rows it affects
from their base rows (``on_flush.py``): one ``DecisionTotal`` per agreed, funded decision,
one ``SectorSetTotal`` per set of sectors funding a project's decisions, one
``OrganisationTotal`` per organisation and project, one ``ProjectTotal`` per project and
one ``IndicatorTotal`` per indicator. The summary then reads these small rows instead of
aggregating a partnership's whole history. Bulk writes that bypass the ORM call
``rebuild_project``.

Each affected row is recomputed from base rows rather than adjusted by a difference, so
one wrong write cannot leave a lasting error; the nightly check (``drift.py``, run by
``services/running_totals.py``) recomputes whole projects, compares and repairs any
drift all the same.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import case, delete, distinct, exists, func, insert, select, true
from sqlalchemy.engine import Connection

from localvision.domain.vocabulary import ActionStatus, ContributionKind, DecisionStatus, Sector
from localvision.models import DecisionIndicator, Organisation, User
from localvision.models.actions import Action
from localvision.models.decisions import Contribution, Decision, Position
from localvision.models.summaries import (
    DecisionTotal,
    IndicatorTotal,
    OrganisationTotal,
    ProjectTotal,
    SectorSetTotal,
)

SECTORS = list(Sector)
KINDS = list(ContributionKind)
ZERO = Decimal("0.00")
INDICATOR_TOTAL_COLUMNS = ["indicator_id", "project_id", "decisions", "amount", "disclosed_amount"]
ORGANISATION_COUNTS = ("decisions_cofunded", "disclosed_decisions_cofunded", "decisions_proposed", "positions_recorded",
                       "actions_owned", "actions_done")


def money(amount: Decimal | None) -> str:
    return str((amount or ZERO).quantize(ZERO))


def _sector_mask(dialect_name: str) -> Any:
    bit = case({sector.value: 1 << index for index, sector in enumerate(SECTORS)},
               value=Organisation.__table__.c.sector)
    # bit_or needs no sort; SQLite lacks it, and the sum of distinct powers of two is the same number.
    return func.bit_or(bit) if dialect_name == "postgresql" else func.sum(distinct(bit))


def decision_totals_query(dialect_name: str, where: Any) -> Any:
    """Agreed decisions matching ``where`` with their sector mask, sum and disclosure, ready to insert."""
    return (
        select(Contribution.decision_id, Decision.project_id, _sector_mask(dialect_name).label("sector_mask"),
               func.sum(Contribution.amount).label("amount"), Decision.is_disclosed.label("is_disclosed"))
        .join(Decision, Decision.id == Contribution.decision_id)
        .join(Organisation, Organisation.id == Contribution.organisation_id)
        .where(Decision.status == DecisionStatus.AGREED, where)
        .group_by(Contribution.decision_id, Decision.project_id, Decision.is_commercially_sensitive)
    )


def organisation_totals(connection: Connection, project_id: int,
                        organisation_ids: Iterable[int] | None = None) -> dict[int, dict[str, Any]]:
    """Each organisation's totals in the project from the base rows; organisations with
    nothing to count have no entry."""
    chosen = list(organisation_ids) if organisation_ids is not None else None

    def only(column: Any) -> Any:
        return column.in_(chosen) if chosen is not None else true()

    totals: dict[int, dict[str, Any]] = defaultdict(lambda: {
        "amounts": {kind.value: ZERO for kind in KINDS}, "disclosed_amounts": {kind.value: ZERO for kind in KINDS},
        **{field: 0 for field in ORGANISATION_COUNTS}})
    disclosed = Decision.is_disclosed
    for row in connection.execute(
        select(Contribution.organisation_id, Contribution.kind, func.sum(Contribution.amount).label("amount"),
               func.sum(case((disclosed, Contribution.amount), else_=ZERO)).label("disclosed"))
        .join(Decision, Decision.id == Contribution.decision_id)
        .where(Decision.project_id == project_id, Decision.status == DecisionStatus.AGREED,
               only(Contribution.organisation_id))
        .group_by(Contribution.organisation_id, Contribution.kind)
    ):
        entry = totals[row.organisation_id]
        entry["amounts"][ContributionKind(row.kind).value] = Decimal(row.amount)
        entry["disclosed_amounts"][ContributionKind(row.kind).value] = Decimal(row.disclosed or 0)
    for org_id, cofunded, disclosed_cofunded in connection.execute(
        select(Contribution.organisation_id, func.count(distinct(Contribution.decision_id)),
               func.count(distinct(case((disclosed, Contribution.decision_id)))))
        .join(Decision, Decision.id == Contribution.decision_id)
        .where(Decision.project_id == project_id, Decision.status == DecisionStatus.AGREED,
               only(Contribution.organisation_id))
        .group_by(Contribution.organisation_id)
    ):
        totals[org_id].update(decisions_cofunded=cofunded, disclosed_decisions_cofunded=disclosed_cofunded)
    for org_id, proposed in connection.execute(
        select(Decision.proposing_organisation_id, func.count())
        .where(Decision.project_id == project_id, only(Decision.proposing_organisation_id))
        .group_by(Decision.proposing_organisation_id)
    ):
        totals[org_id]["decisions_proposed"] = proposed
    # An organisation's first position on a decision is the one replacing none: one per decision responded to.
    for org_id, responded in connection.execute(
        select(Position.organisation_id, func.count())
        .join(Decision, Decision.id == Position.decision_id)
        .where(Decision.project_id == project_id, Decision.status != DecisionStatus.WITHDRAWN,
               Position.replaces_id.is_(None), only(Position.organisation_id))
        .group_by(Position.organisation_id)
    ):
        totals[org_id]["positions_recorded"] = responded
    for row in connection.execute(
        select(User.organisation_id, func.count(Action.id).label("owned"),
               func.sum(case((Action.status == ActionStatus.DONE, 1), else_=0)).label("done"))
        .select_from(Action)
        .join(Decision, Decision.id == Action.decision_id)
        .join(User, User.id == Action.owner_id)
        .where(Decision.project_id == project_id, only(User.organisation_id))
        .group_by(User.organisation_id)
    ):
        totals[row.organisation_id].update(actions_owned=row.owned, actions_done=row.done or 0)
    return {org_id: {**entry, "amounts": {kind: money(value) for kind, value in entry["amounts"].items()},
                     "disclosed_amounts": {kind: money(value) for kind, value in entry["disclosed_amounts"].items()}}
            for org_id, entry in totals.items()}


def sector_set_totals_query(where: Any) -> Any:
    """The sets of sectors among decision totals matching ``where``, with their count and
    sum, of all and of the disclosed decisions."""
    return (
        select(DecisionTotal.project_id, DecisionTotal.sector_mask, func.count().label("decisions"),
               func.sum(DecisionTotal.amount).label("amount"),
               func.sum(case((DecisionTotal.is_disclosed, 1), else_=0)).label("disclosed_decisions"),
               func.sum(case((DecisionTotal.is_disclosed, DecisionTotal.amount), else_=ZERO)).label("disclosed_amount"))
        .where(where)
        .group_by(DecisionTotal.project_id, DecisionTotal.sector_mask)
    )


def project_totals_query(where: Any) -> Any:
    """Each project matching ``where`` that has decisions: how many are agreed, how many
    count and how many agreed ones aim at an indicator."""
    agreed = Decision.status == DecisionStatus.AGREED
    linked = agreed & exists().where(DecisionIndicator.decision_id == Decision.id)
    return (
        select(Decision.project_id,
               func.sum(case((agreed, 1), else_=0)).label("agreed_decisions"),
               func.sum(case((Decision.status != DecisionStatus.WITHDRAWN, 1), else_=0)).label("counted_decisions"),
               func.sum(case((linked, 1), else_=0)).label("linked_decisions"))
        .where(where)
        .group_by(Decision.project_id)
    )


def indicator_totals_query(where: Any) -> Any:
    """Indicators that agreed decisions matching ``where`` aim at: how many, their funding
    and the funding of the disclosed ones."""
    return (
        select(DecisionIndicator.indicator_id, Decision.project_id, func.count().label("decisions"),
               func.coalesce(func.sum(DecisionTotal.amount), ZERO).label("amount"),
               func.coalesce(func.sum(case((DecisionTotal.is_disclosed, DecisionTotal.amount), else_=ZERO)),
                             ZERO).label("disclosed_amount"))
        .join(Decision, Decision.id == DecisionIndicator.decision_id)
        .outerjoin(DecisionTotal, DecisionTotal.decision_id == Decision.id)
        .where(Decision.status == DecisionStatus.AGREED, where)
        .group_by(DecisionIndicator.indicator_id, Decision.project_id)
    )


def refresh(connection: Connection, decision_ids: set[int], organisations: dict[int, set[int]],
            project_ids: set[int] = frozenset(), indicator_ids: set[int] = frozenset()) -> None:
    """Recompute the totals of these decisions (and of the sets of sectors they were and are
    in, and of the indicators they aim at), of these organisations in these projects, of
    these projects' decision counts and of these indicators."""
    if decision_ids:
        chosen = sorted(decision_ids)
        sector_sets = set(connection.execute(select(DecisionTotal.project_id, DecisionTotal.sector_mask)
                                             .where(DecisionTotal.decision_id.in_(chosen))).tuples())
        connection.execute(delete(DecisionTotal).where(DecisionTotal.decision_id.in_(chosen)))
        _insert_decision_totals(connection, Contribution.decision_id.in_(chosen))
        sector_sets |= set(connection.execute(select(DecisionTotal.project_id, DecisionTotal.sector_mask)
                                              .where(DecisionTotal.decision_id.in_(chosen))).tuples())
        masks: dict[int, set[int]] = defaultdict(set)
        for project_id, mask in sector_sets:
            masks[project_id].add(mask)
        for project_id, project_masks in sorted(masks.items()):
            _replace_sector_sets(connection, project_id, sorted(project_masks))
        indicator_ids = set(indicator_ids) | set(connection.scalars(
            select(DecisionIndicator.indicator_id).where(DecisionIndicator.decision_id.in_(chosen))))
    for project_id, organisation_ids in sorted(organisations.items()):
        chosen = sorted(organisation_ids)
        connection.execute(delete(OrganisationTotal).where(OrganisationTotal.project_id == project_id,
                                                           OrganisationTotal.organisation_id.in_(chosen)))
        _insert_organisation_totals(connection, project_id, organisation_totals(connection, project_id, chosen))
    if project_ids:
        _replace_project_totals(connection, sorted(project_ids))
    if indicator_ids:
        chosen = sorted(indicator_ids)
        connection.execute(delete(IndicatorTotal).where(IndicatorTotal.indicator_id.in_(chosen)))
        connection.execute(insert(IndicatorTotal).from_select(
            INDICATOR_TOTAL_COLUMNS, indicator_totals_query(DecisionIndicator.indicator_id.in_(chosen))))


def _insert_decision_totals(connection: Connection, where: Any) -> None:
    rows = decision_totals_query(connection.dialect.name, where)
    connection.execute(insert(DecisionTotal).from_select(
        ["decision_id", "project_id", "sector_mask", "amount", "is_disclosed"], rows))


def _replace_sector_sets(connection: Connection, project_id: int, masks: list[int] | None = None) -> None:
    """Recompute the project's rows of these sets of sectors (all of them without ``masks``)."""
    connection.execute(delete(SectorSetTotal).where(
        SectorSetTotal.project_id == project_id,
        SectorSetTotal.sector_mask.in_(masks) if masks is not None else true()))
    chosen = DecisionTotal.sector_mask.in_(masks) if masks is not None else true()
    connection.execute(insert(SectorSetTotal).from_select(
        ["project_id", "sector_mask", "decisions", "amount", "disclosed_decisions", "disclosed_amount"],
        sector_set_totals_query((DecisionTotal.project_id == project_id) & chosen)))


def _replace_project_totals(connection: Connection, project_ids: list[int]) -> None:
    connection.execute(delete(ProjectTotal).where(ProjectTotal.project_id.in_(project_ids)))
    connection.execute(insert(ProjectTotal).from_select(
        ["project_id", "agreed_decisions", "counted_decisions", "linked_decisions"],
        project_totals_query(Decision.project_id.in_(project_ids))))


def _insert_organisation_totals(connection: Connection, project_id: int, totals: dict[int, dict[str, Any]]) -> None:
    if totals:
        connection.execute(insert(OrganisationTotal), [
            {"project_id": project_id, "organisation_id": org_id, **entry} for org_id, entry in sorted(totals.items())])


def rebuild_project(connection: Connection, project_id: int) -> None:
    """Replace all of a project's totals: after bulk writes that bypass the ORM."""
    connection.execute(delete(DecisionTotal).where(DecisionTotal.project_id == project_id))
    _insert_decision_totals(connection, Decision.project_id == project_id)
    _replace_sector_sets(connection, project_id)
    connection.execute(delete(OrganisationTotal).where(OrganisationTotal.project_id == project_id))
    _insert_organisation_totals(connection, project_id, organisation_totals(connection, project_id))
    _replace_project_totals(connection, [project_id])
    connection.execute(delete(IndicatorTotal).where(IndicatorTotal.project_id == project_id))
    connection.execute(insert(IndicatorTotal).from_select(
        INDICATOR_TOTAL_COLUMNS, indicator_totals_query(Decision.project_id == project_id)))
