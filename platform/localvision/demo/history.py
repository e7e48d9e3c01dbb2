"""The demonstration partnerships' own audit trail: one event for each thing the loaders
added, dated when the demo says it happened, so the trail reads as the partnership's
story rather than starting empty. Written through events.record, with the payloads the
services write, so readers of events treat them like any others."""
from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any

from sqlalchemy import select

from localvision.domain.vocabulary import DecisionStatus, EventKind, ProjectRole
from localvision.extensions import db
from localvision.models import AuditEvent, Decision, Indicator, Project, User, VisionVersion
from localvision.services import events

CLOSED_KINDS = {DecisionStatus.WITHDRAWN: EventKind.DECISION_WITHDRAWN}


def _record(kind: EventKind, obj: Any, when: datetime | None, **details: Any) -> None:
    event: AuditEvent = events.record(kind, obj, **details)
    if when is not None:
        event.occurred_at = when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _on(day) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.combine(day, time(9, 0), tzinfo=timezone.utc)


def _partnership(project: Project, lead: User) -> None:
    formed = min((partner.joined_at for partner in project.partners if partner.joined_at), default=None)
    _record(EventKind.PROJECT_CREATED, project, formed, actor=lead, project=project, label=project.title,
            payload={"project_id": project.id, "organisation_id": lead.organisation_id})
    for partner in project.partners:
        organisation = partner.organisation
        _record(EventKind.PARTNER_ADDED, project, partner.joined_at, actor=lead, project=project,
                label=f"{organisation.name} joined as {partner.role.label.lower()}",
                after={"organisation": organisation.name, "role": partner.role.value},
                payload={"organisation_id": organisation.id, "role": partner.role})
    for membership in project.memberships:
        person = membership.user
        _record(EventKind.MEMBER_ADDED, membership, formed, actor=lead, project=project,
                label=f"{person.name} ({person.organisation.name}) joined as {membership.role.label.lower()}",
                after={"role": membership.role.value},
                payload={"user_id": person.id, "organisation_id": person.organisation_id, "role": membership.role})


def _vision(project: Project) -> None:
    versions = select(VisionVersion).where(VisionVersion.project_id == project.id).order_by(VisionVersion.number)
    for version in db.session.scalars(versions):
        _record(EventKind.VISION_PROPOSED, version, version.created_at, actor=version.author, project=project,
                label=f"Version {version.number} of the vision: {version.change_note}",
                payload={"version": version.number, "organisation_id": version.organisation_id})
        for position in version.positions:
            _record(EventKind.VISION_POSITION_RECORDED, position, position.recorded_at, actor=position.recorded_by,
                    project=project,
                    label=f"{position.organisation.name}: {position.stance.label.lower()} version {version.number} of the vision",
                    after={"stance": position.stance.value, "comment": position.comment or None},
                    payload={"version": version.number, "organisation_id": position.organisation_id,
                             "stance": position.stance})


def _decisions(project: Project, lead: User) -> None:
    for decision in db.session.scalars(select(Decision).where(Decision.project_id == project.id).order_by(Decision.id)):
        ids = {"decision_id": decision.id}
        _record(EventKind.AMENDMENT_PROPOSED if decision.amends else EventKind.DECISION_PROPOSED, decision,
                _on(decision.opens_on), actor=decision.proposer, project=project, label=decision.title,
                after={"title": decision.title, "closes_on": decision.closes_on.isoformat()},
                payload={**ids, "organisation_id": decision.proposing_organisation_id})
        for position in decision.positions:
            _record(EventKind.POSITION_RECORDED, position, position.recorded_at, actor=position.recorded_by,
                    project=project, label=f"{position.organisation.name}: {position.stance.label.lower()} on {decision.title}",
                    after={"stance": position.stance.value, "reasons": position.reasons or None},
                    payload={**ids, "organisation_id": position.organisation_id, "stance": position.stance})
        for contribution in decision.contributions:
            _record(EventKind.CONTRIBUTION_ADDED, contribution, _on(decision.opens_on), actor=contribution.recorded_by,
                    project=project, label=f"{contribution.organisation.name}: £{contribution.amount:,}",
                    after={"kind": contribution.kind.value, "amount": str(contribution.amount),
                           "description": contribution.description or None},
                    payload={**ids, "organisation_id": contribution.organisation_id, "kind": contribution.kind})
        for action in decision.actions:
            _record(EventKind.ACTION_ADDED, action, _on(decision.opens_on), actor=action.created_by, project=project,
                    label=action.title, after={"due_on": action.due_on.isoformat()},
                    payload={**ids, "owner_id": action.owner_id, "due_on": action.due_on})
        if decision.status != DecisionStatus.OPEN:
            kind = CLOSED_KINDS.get(decision.status, EventKind.DECISION_CLOSED)
            _record(kind, decision, decision.closed_at, actor=decision.closed_by or lead, project=project,
                    label=decision.title, before={"status": DecisionStatus.OPEN.value},
                    after={"status": decision.status.value, "outcome_reason": decision.outcome_reason},
                    payload={**ids, "status": decision.status})


def _indicators(project: Project, lead: User) -> None:
    for indicator in db.session.scalars(select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.id)):
        _record(EventKind.INDICATOR_CREATED, indicator, _on(indicator.baseline_date) if indicator.baseline_date else None,
                actor=lead, project=project, label=indicator.name,
                payload={"indicator_id": indicator.id, "organisation_id": indicator.owner_organisation_id})


def record_demo_history() -> None:
    """Add the audit trail of every demo project (the caller commits)."""
    db.session.flush()
    for project in db.session.scalars(select(Project).where(Project.is_demo).order_by(Project.id)):
        lead = next(m.user for m in project.memberships if m.role == ProjectRole.LEAD)
        _partnership(project, lead)
        _vision(project)
        _decisions(project, lead)
        _indicators(project, lead)
