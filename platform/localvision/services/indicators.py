"""Outcome indicators: defining and editing them, the project's tolerance for "at risk",
and which joint decisions aim to move each one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from localvision.domain.measurement_imports import indicator_key
from localvision.domain.progress import TOLERANCE_RANGE, TOLERANCE_REFUSED
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import Direction, EventKind, Frequency, Unit
from localvision.extensions import db
from localvision.models import Decision, DecisionIndicator, Indicator, Project
from localvision.models.indicators import at_stored_scale
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.indicators import decision_label
from localvision.services import events

INDICATOR_FIELDS = ("name", "description", "unit", "decimal_places", "direction", "baseline_value", "baseline_date",
                    "target_value", "target_date", "source", "frequency", "owner_organisation_id")


@dataclass(frozen=True)
class IndicatorDetails:
    """What a person says an indicator is; the baseline and target are each a value with
    its date, or neither."""

    name: str
    description: str
    unit: Unit
    decimal_places: int
    direction: Direction
    baseline_value: Decimal | None
    baseline_date: date | None
    target_value: Decimal | None
    target_date: date | None
    source: str
    frequency: Frequency
    owner_organisation_id: int


def _name_taken(project: Project, name: str, indicator: Indicator | None) -> bool:
    """Names differing only in case or spacing are the same name, as the CSV import reads them."""
    others = db.session.scalars(select(Indicator.name).where(Indicator.project_id == project.id,
                                                            Indicator.id != (indicator.id if indicator else None)))
    return indicator_key(name) in {indicator_key(other) for other in others}


def _stored(value: Decimal | None) -> Decimal | None:
    return None if value is None else at_stored_scale(value)


def _check_owner(context: ProjectContext, owner_id: int, indicator: Indicator | None) -> None:
    if indicator is not None and owner_id == indicator.owner_organisation_id:
        return  # an owner that has left the partnership stays the owner until someone changes it
    if not policy.may_own_indicator(context, owner_id):
        raise NotPermitted("You may define indicators only for your own organisation.")
    if all(partner.organisation_id != owner_id for partner in context.project.partners):
        raise Refused("Choose a partner organisation of this project", field="owner_organisation_id")


def _save(context: ProjectContext, indicator: Indicator | None, details: IndicatorDetails) -> Indicator:
    name = " ".join(details.name.split())
    if _name_taken(context.project, name, indicator):
        raise Refused(f"This project already has an indicator called {name}", field="name")
    creating = indicator is None
    if creating:
        indicator = Indicator(project=context.project)
        db.session.add(indicator)
    before = {} if creating else events.snapshot(indicator, INDICATOR_FIELDS)
    indicator.name = name
    indicator.description = details.description.strip()
    indicator.unit, indicator.decimal_places, indicator.direction = details.unit, details.decimal_places, details.direction
    indicator.baseline_value, indicator.baseline_date = _stored(details.baseline_value), details.baseline_date
    indicator.target_value, indicator.target_date = _stored(details.target_value), details.target_date
    indicator.source = details.source.strip()
    indicator.frequency = details.frequency
    indicator.owner_organisation_id = details.owner_organisation_id
    after = events.snapshot(indicator, INDICATOR_FIELDS)
    db.session.flush()
    payload = {"indicator_id": indicator.id, "organisation_id": indicator.owner_organisation_id}
    if creating:
        events.record(EventKind.INDICATOR_CREATED, indicator, actor=context.actor, project=context.project,
                      label=name, after=after, payload=payload)
    else:
        old, new = events.changed_fields(before, after)
        if new:
            events.record(EventKind.INDICATOR_UPDATED, indicator, actor=context.actor, project=context.project,
                          label=name, before=old, after=new, payload=payload)
    db.session.commit()
    return indicator


def define_indicator(context: ProjectContext, details: IndicatorDetails) -> Indicator:
    _check_owner(context, details.owner_organisation_id, None)
    return _save(context, None, details)


def edit_indicator(context: ProjectContext, indicator: Indicator, details: IndicatorDetails) -> Indicator:
    if not policy.may_edit_indicator(context, indicator):
        raise NotPermitted("Only the project leads and the people of the organisation that owns it edit an indicator.")
    _check_owner(context, details.owner_organisation_id, indicator)
    return _save(context, indicator, details)


def set_indicator_tolerance(context: ProjectContext, percent: int) -> Project:
    """How far behind its trajectory, as a percentage of the baseline-to-target gap, an
    indicator may fall and still count as at risk rather than off track."""
    if not policy.may_set_indicator_tolerance(context):
        raise NotPermitted("Only the project leads set the tolerance for indicators.")
    lowest, highest = TOLERANCE_RANGE
    if not lowest <= percent <= highest:
        raise Refused(TOLERANCE_REFUSED, field="tolerance")
    project = context.project
    if percent != project.indicator_tolerance_percent:
        events.record(EventKind.INDICATOR_TOLERANCE_SET, project, actor=context.actor, project=project,
                      label=project.title,
                      before={"indicator_tolerance_percent": project.indicator_tolerance_percent},
                      after={"indicator_tolerance_percent": percent},
                      payload={"indicator_tolerance_percent": percent})
        project.indicator_tolerance_percent = percent
        db.session.commit()
    return project


def link_decisions(context: ProjectContext, indicator: Indicator, decision_ids: set[int]) -> None:
    """Make ``decision_ids`` the joint decisions that aim to move the indicator: each new
    link and each removed one is recorded."""
    if not policy.may_link_decisions(context, indicator):
        raise NotPermitted("Only the project leads and the people of the organisation that owns it link decisions "
                           "to an indicator.")
    chosen = {decision.id: decision for decision in db.session.scalars(
        select(Decision).where(Decision.project_id == context.project.id, Decision.id.in_(sorted(decision_ids))))}
    if chosen.keys() != set(decision_ids):
        raise Refused("Choose decisions of this project", field="decision_ids")
    linked = {decision.id: decision for decision in indicator.decisions}
    payload = {"indicator_id": indicator.id, "organisation_id": indicator.owner_organisation_id}
    for decision_id in sorted(chosen.keys() - linked.keys()):
        link = DecisionIndicator(decision_id=decision_id, indicator_id=indicator.id)
        db.session.add(link)
        events.record(EventKind.INDICATOR_LINKED, link, actor=context.actor, project=context.project,
                      label=f"{decision_label(chosen[decision_id])} aims to move {indicator.name}",
                      after={"decision_id": decision_id, "indicator": indicator.name},
                      payload={**payload, "decision_id": decision_id})
    for decision_id in sorted(linked.keys() - chosen.keys()):
        link = db.session.scalar(select(DecisionIndicator).where(DecisionIndicator.decision_id == decision_id,
                                                                 DecisionIndicator.indicator_id == indicator.id))
        events.record(EventKind.INDICATOR_UNLINKED, link, actor=context.actor, project=context.project,
                      label=f"{linked[decision_id].title} no longer linked to {indicator.name}",
                      before={"decision_id": decision_id, "indicator": indicator.name},
                      payload={**payload, "decision_id": decision_id})
        db.session.delete(link)
    db.session.commit()
