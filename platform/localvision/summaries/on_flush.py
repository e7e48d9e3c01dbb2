"""The flush hook that keeps the running totals right for every writer, cascades and the
demonstration loader included, rather than calls in each service."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

from sqlalchemy import distinct, event, inspect, select, union
from sqlalchemy.orm import Session

from localvision.models import Action, Contribution, Decision, DecisionIndicator, Organisation, Position, User
from localvision.summaries.totals import refresh

DECISION_FIELDS = ("status", "is_commercially_sensitive", "proposing_organisation_id", "project_id")
ACTION_FIELDS = ("status", "owner_id", "decision_id")


def install() -> None:
    if not event.contains(Session, "after_flush", _refresh_changed_totals):
        event.listen(Session, "after_flush", _refresh_changed_totals)


def _changed(obj: Any, fields: Iterable[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[field].history.has_changes() for field in fields)


def _refresh_changed_totals(session: Session, flush_context: Any) -> None:
    decision_ids: set[int] = set()
    decision_organisations: dict[int, set[int]] = defaultdict(set)  # decision -> organisations, project unknown yet
    decision_owners: dict[int, set[int]] = defaultdict(set)  # decision -> people owning actions on it
    organisations: dict[int, set[int]] = defaultdict(set)  # project -> organisations
    project_ids: set[int] = set()  # projects whose decision counts change
    indicator_ids: set[int] = set()
    linked_decisions: set[int] = set()  # decisions linked to an indicator or unlinked
    decisions_changed: set[int] = set()
    sectors_changed: set[int] = set()
    known_projects: dict[int, int] = {}  # decisions in this flush, some of them deleted already
    # Each of these builds a new set when read: read once, not once per object (quadratic).
    new, dirty, deleted = session.new, session.dirty, session.deleted
    for obj in (*new, *dirty, *deleted):
        if isinstance(obj, Contribution) and (obj not in dirty or _changed(obj, ("amount", "kind", "organisation_id", "decision_id"))):
            decision_ids.add(obj.decision_id)
            decision_organisations[obj.decision_id].add(obj.organisation_id)
        elif isinstance(obj, Position) and obj not in dirty:
            decision_organisations[obj.decision_id].add(obj.organisation_id)
        elif isinstance(obj, DecisionIndicator):
            for decision_id, indicator_id in _before_and_after(obj, "decision_id", "indicator_id"):
                indicator_ids.add(indicator_id)
                linked_decisions.add(decision_id)
        elif isinstance(obj, Action) and (obj not in dirty or _changed(obj, ACTION_FIELDS)):
            for decision_id, owner_id in _before_and_after(obj, "decision_id", "owner_id"):
                decision_owners[decision_id].add(owner_id)
        elif isinstance(obj, Decision):
            known_projects[obj.id] = obj.project_id
            if obj in new or obj in deleted:
                organisations[obj.project_id].add(obj.proposing_organisation_id)
                project_ids.add(obj.project_id)
            elif _changed(obj, DECISION_FIELDS):
                decisions_changed.add(obj.id)
                for project_id, proposer in _before_and_after(obj, "project_id", "proposing_organisation_id"):
                    organisations[project_id].add(proposer)
                    project_ids.add(project_id)
        elif isinstance(obj, Organisation) and obj in dirty and _changed(obj, ("sector",)):
            sectors_changed.add(obj.id)
    if not (decision_ids or decision_organisations or decision_owners or organisations or decisions_changed
            or sectors_changed or indicator_ids):
        return
    connection = session.connection()
    if decisions_changed:
        decision_ids |= decisions_changed
        for decision_id, org_id in connection.execute(union(
            select(Contribution.decision_id, Contribution.organisation_id).where(Contribution.decision_id.in_(decisions_changed)),
            select(Position.decision_id, Position.organisation_id).where(Position.decision_id.in_(decisions_changed)),
            select(Decision.id, Decision.proposing_organisation_id).where(Decision.id.in_(decisions_changed)),
            select(Action.decision_id, User.organisation_id).join(User, User.id == Action.owner_id)
            .where(Action.decision_id.in_(decisions_changed)),
        )):
            decision_organisations[decision_id].add(org_id)
    if decision_owners:
        owners = {owner for people in decision_owners.values() for owner in people}
        organisation_of = dict(connection.execute(
            select(User.id, User.organisation_id).where(User.id.in_(sorted(owners)))).tuples().all())
        for decision_id, people in decision_owners.items():
            decision_organisations[decision_id] |= {organisation_of[person] for person in people
                                                    if person in organisation_of}
    if sectors_changed:
        decision_ids.update(connection.scalars(
            select(distinct(Contribution.decision_id)).where(Contribution.organisation_id.in_(sectors_changed))))
    unknown = (set(decision_organisations) | linked_decisions) - set(known_projects)
    if unknown:
        known_projects.update(connection.execute(
            select(Decision.id, Decision.project_id).where(Decision.id.in_(unknown))).tuples().all())
    for decision_id, org_ids in decision_organisations.items():
        if decision_id in known_projects:
            organisations[known_projects[decision_id]] |= org_ids
    project_ids |= {known_projects[decision_id] for decision_id in linked_decisions if decision_id in known_projects}
    refresh(connection, decision_ids, dict(organisations), project_ids, indicator_ids)


def _before_and_after(obj: Any, first: str, second: str) -> set[tuple[Any, Any]]:
    """The pair of fields as the row is now and as it was before this flush changed either."""
    state = inspect(obj)
    now = (getattr(obj, first), getattr(obj, second))
    pairs = {now}
    before = list(now)
    for index, field in enumerate((first, second)):
        history = state.attrs[field].history
        if history.deleted:
            before[index] = history.deleted[0]
    pairs.add(tuple(before))
    return pairs
