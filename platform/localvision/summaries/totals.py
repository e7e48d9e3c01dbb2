"""Running totals behind the contribution summary, kept in the transaction of each change.

A summary of a large partnership used to aggregate every contribution and position it
ever had. Instead, every flush that touches a contribution, a position, a decision's
status, sensitivity or proposer, or an organisation's sector recomputes the few rows it
affects from their base rows: one ``DecisionTotal`` per agreed, funded decision and one
``OrganisationTotal`` per organisation and project. The summary then reads these small
rows. A flush hook (beside the freshness marks) rather than calls in each service keeps
the totals right for every writer, including cascades and the demo loader; bulk writes
that bypass the ORM call ``rebuild_project``.

Each affected row is recomputed from base rows rather than adjusted by a difference, so
one wrong write cannot leave a lasting error; the nightly check (``check_project``)
recomputes whole projects, compares and repairs any drift all the same.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Iterable

from sqlalchemy import case, delete, distinct, event, func, insert, inspect, select, true, union
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from localvision.domain.vocabulary import ContributionKind, DecisionStatus, Sector
from localvision.models import Organisation
from localvision.models.decisions import Contribution, Decision, Position
from localvision.models.summaries import DecisionTotal, OrganisationTotal

SECTORS = list(Sector)
KINDS = list(ContributionKind)
ZERO = Decimal("0.00")
DECISION_FIELDS = ("status", "is_commercially_sensitive", "proposing_organisation_id", "project_id")


def money(amount: Decimal | None) -> str:
    return str((amount or ZERO).quantize(ZERO))


def _sector_mask(dialect_name: str) -> Any:
    bit = case({sector.value: 1 << index for index, sector in enumerate(SECTORS)},
               value=Organisation.__table__.c.sector)
    # bit_or needs no sort; SQLite lacks it, and the sum of distinct powers of two is the same number.
    return func.bit_or(bit) if dialect_name == "postgresql" else func.sum(distinct(bit))


def decision_totals_query(dialect_name: str, where: Any) -> Any:
    """Agreed decisions matching ``where`` with their sector mask and sum, ready to insert."""
    return (
        select(Contribution.decision_id, Decision.project_id, _sector_mask(dialect_name).label("sector_mask"),
               func.sum(Contribution.amount).label("amount"))
        .join(Decision, Decision.id == Contribution.decision_id)
        .join(Organisation, Organisation.id == Contribution.organisation_id)
        .where(Decision.status == DecisionStatus.AGREED, where)
        .group_by(Contribution.decision_id, Decision.project_id)
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
        "decisions_cofunded": 0, "decisions_proposed": 0, "positions_recorded": 0})
    disclosed = Decision.is_commercially_sensitive.is_(False)
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
    for org_id, cofunded in connection.execute(
        select(Contribution.organisation_id, func.count(distinct(Contribution.decision_id)))
        .join(Decision, Decision.id == Contribution.decision_id)
        .where(Decision.project_id == project_id, Decision.status == DecisionStatus.AGREED,
               only(Contribution.organisation_id))
        .group_by(Contribution.organisation_id)
    ):
        totals[org_id]["decisions_cofunded"] = cofunded
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
    return {org_id: {**entry, "amounts": {kind: money(value) for kind, value in entry["amounts"].items()},
                     "disclosed_amounts": {kind: money(value) for kind, value in entry["disclosed_amounts"].items()}}
            for org_id, entry in totals.items()}


def refresh(connection: Connection, decision_ids: set[int], organisations: dict[int, set[int]]) -> None:
    """Recompute the totals of these decisions, and of these organisations in these projects."""
    if decision_ids:
        chosen = sorted(decision_ids)
        connection.execute(delete(DecisionTotal).where(DecisionTotal.decision_id.in_(chosen)))
        _insert_decision_totals(connection, Contribution.decision_id.in_(chosen))
    for project_id, organisation_ids in sorted(organisations.items()):
        chosen = sorted(organisation_ids)
        connection.execute(delete(OrganisationTotal).where(OrganisationTotal.project_id == project_id,
                                                           OrganisationTotal.organisation_id.in_(chosen)))
        _insert_organisation_totals(connection, project_id, organisation_totals(connection, project_id, chosen))


def _insert_decision_totals(connection: Connection, where: Any) -> None:
    rows = decision_totals_query(connection.dialect.name, where)
    connection.execute(insert(DecisionTotal).from_select(["decision_id", "project_id", "sector_mask", "amount"], rows))


def _insert_organisation_totals(connection: Connection, project_id: int, totals: dict[int, dict[str, Any]]) -> None:
    if totals:
        connection.execute(insert(OrganisationTotal), [
            {"project_id": project_id, "organisation_id": org_id, **entry} for org_id, entry in sorted(totals.items())])


def rebuild_project(connection: Connection, project_id: int) -> None:
    """Replace all of a project's totals: after bulk writes that bypass the ORM."""
    connection.execute(delete(DecisionTotal).where(DecisionTotal.project_id == project_id))
    _insert_decision_totals(connection, Decision.project_id == project_id)
    connection.execute(delete(OrganisationTotal).where(OrganisationTotal.project_id == project_id))
    _insert_organisation_totals(connection, project_id, organisation_totals(connection, project_id))


def stored_totals(connection: Connection, project_id: int) -> tuple[dict[int, tuple[int, str]], dict[int, dict[str, Any]]]:
    decisions = {row.decision_id: (int(row.sector_mask), money(row.amount)) for row in connection.execute(
        select(DecisionTotal.decision_id, DecisionTotal.sector_mask, DecisionTotal.amount)
        .where(DecisionTotal.project_id == project_id))}
    organisations = {row.organisation_id: {"amounts": row.amounts, "disclosed_amounts": row.disclosed_amounts,
                                           "decisions_cofunded": row.decisions_cofunded,
                                           "decisions_proposed": row.decisions_proposed,
                                           "positions_recorded": row.positions_recorded}
                     for row in connection.execute(select(OrganisationTotal).where(OrganisationTotal.project_id == project_id))}
    return decisions, organisations


def drift(connection: Connection, project_id: int) -> dict[str, list[int]]:
    """Where the stored totals differ from the base rows: the ids of the decisions and
    organisations whose rows are wrong, missing or extra. Empty lists when none."""
    stored_decisions, stored_organisations = stored_totals(connection, project_id)
    computed_decisions = {row.decision_id: (int(row.sector_mask), money(row.amount)) for row in connection.execute(
        decision_totals_query(connection.dialect.name, Decision.project_id == project_id))}
    computed_organisations = organisation_totals(connection, project_id)

    def differing(stored: dict[int, Any], computed: dict[int, Any]) -> list[int]:
        return sorted(key for key in stored.keys() | computed.keys() if stored.get(key) != computed.get(key))

    return {"decisions": differing(stored_decisions, computed_decisions),
            "organisations": differing(stored_organisations, computed_organisations)}


def install() -> None:
    if not event.contains(Session, "after_flush", _refresh_changed_totals):
        event.listen(Session, "after_flush", _refresh_changed_totals)


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _refresh_changed_totals(session: Session, flush_context: Any) -> None:
    decision_ids: set[int] = set()
    decision_organisations: dict[int, set[int]] = defaultdict(set)  # decision -> organisations, project unknown yet
    organisations: dict[int, set[int]] = defaultdict(set)  # project -> organisations
    decisions_changed: set[int] = set()
    sectors_changed: set[int] = set()
    known_projects: dict[int, int] = {}  # decisions in this flush, some of them deleted already
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Contribution) and (obj not in session.dirty or _changed(obj, ("amount", "kind", "organisation_id", "decision_id"))):
            decision_ids.add(obj.decision_id)
            decision_organisations[obj.decision_id].add(obj.organisation_id)
        elif isinstance(obj, Position) and obj not in session.dirty:
            decision_organisations[obj.decision_id].add(obj.organisation_id)
        elif isinstance(obj, Decision):
            known_projects[obj.id] = obj.project_id
            if obj in session.new or obj in session.deleted:
                organisations[obj.project_id].add(obj.proposing_organisation_id)
            elif _changed(obj, DECISION_FIELDS):
                decisions_changed.add(obj.id)
                for field in ("proposing_organisation_id", "project_id"):
                    history = inspect(obj).attrs[field].history
                    if history.deleted:
                        old = dict(proposing_organisation_id=obj.proposing_organisation_id, project_id=obj.project_id)
                        old[field] = history.deleted[0]
                        organisations[old["project_id"]].add(old["proposing_organisation_id"])
        elif isinstance(obj, Organisation) and obj in session.dirty and _changed(obj, ("sector",)):
            sectors_changed.add(obj.id)
    if not (decision_ids or decision_organisations or organisations or decisions_changed or sectors_changed):
        return
    connection = session.connection()
    if decisions_changed:
        decision_ids |= decisions_changed
        for decision_id, org_id in connection.execute(union(
            select(Contribution.decision_id, Contribution.organisation_id).where(Contribution.decision_id.in_(decisions_changed)),
            select(Position.decision_id, Position.organisation_id).where(Position.decision_id.in_(decisions_changed)),
            select(Decision.id, Decision.proposing_organisation_id).where(Decision.id.in_(decisions_changed)),
        )):
            decision_organisations[decision_id].add(org_id)
    if sectors_changed:
        decision_ids.update(connection.scalars(
            select(distinct(Contribution.decision_id)).where(Contribution.organisation_id.in_(sectors_changed))))
    unknown = set(decision_organisations) - set(known_projects)
    if unknown:
        known_projects.update(connection.execute(
            select(Decision.id, Decision.project_id).where(Decision.id.in_(unknown))).tuples().all())
    for decision_id, org_ids in decision_organisations.items():
        if decision_id in known_projects:
            organisations[known_projects[decision_id]] |= org_ids
    refresh(connection, decision_ids, dict(organisations))

