"""The sections of "your work": what a signed-in person should act on, across projects.

Each section is a function of the person and today's date; add a function to SECTIONS
to add a section to the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision.domain.vocabulary import ActionStatus, DecisionStatus, ProjectRole
from localvision.extensions import db
from localvision.models import Action, Decision, Project, ProjectMembership, User
from localvision.permissions import policy
from localvision.queries.vision import current_position_rows, latest_version


@dataclass(frozen=True)
class WorkItem:
    title: str
    url: str
    project: Project
    detail: str
    is_overdue: bool = False


@dataclass(frozen=True)
class WorkSection:
    key: str
    heading: str
    empty_text: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)


def _memberships(person: User) -> list[ProjectMembership]:
    return list(db.session.scalars(
        select(ProjectMembership).where(ProjectMembership.user_id == person.id)
        .options(selectinload(ProjectMembership.project).selectinload(Project.memberships),
                 selectinload(ProjectMembership.project).selectinload(Project.partners))
    ))


def _speaking_projects(person: User) -> list[Project]:
    """Projects where this person may record their organisation's position."""
    return [membership.project for membership in _memberships(person)
            if policy.may_record_position(policy.context_of(membership))]


def decisions_awaiting_position(person: User, today: date) -> WorkSection:
    decisions = db.session.scalars(
        select(Decision).where(Decision.project_id.in_([project.id for project in _speaking_projects(person)]),
                               Decision.status == DecisionStatus.OPEN)
        .options(selectinload(Decision.positions), selectinload(Decision.project))
        .order_by(Decision.closes_on, Decision.id)
    )
    items = [
        WorkItem(decision.title, url_for("decisions.show", slug=decision.project.slug, decision_id=decision.id,
                                         _anchor="positions"),
                 decision.project, f"Positions close on {decision.closes_on:%-d %B %Y}",
                 is_overdue=decision.closes_on < today)
        for decision in decisions if person.organisation_id not in decision.current_positions()
    ]
    return WorkSection("positions", "Decisions awaiting your organisation's position",
                       "No open decision is waiting for your organisation's position.", items)


def vision_versions_awaiting_endorsement(person: User, today: date) -> WorkSection:
    items = []
    for project in _speaking_projects(person):
        version = latest_version(project)
        if version is not None and person.organisation_id not in current_position_rows(version):
            items.append(WorkItem(f"Version {version.number} of the shared vision", url_for("vision.show", slug=project.slug),
                                  project, f"Proposed by {version.author.name}, {version.organisation.name}"))
    return WorkSection("vision", "Vision wording awaiting your organisation's position",
                       "No vision wording is waiting for your organisation's position.", items)


def _member_project_ids(person: User) -> list[int]:
    """Only projects the person is in now: someone removed, or shut out of a project made
    private, sees nothing of it here."""
    return [membership.project_id for membership in _memberships(person)]


def actions_owned(person: User, today: date) -> WorkSection:
    actions = db.session.scalars(
        select(Action).join(Action.decision)
        .where(Action.owner_id == person.id, Action.status == ActionStatus.OPEN,
               Decision.project_id.in_(_member_project_ids(person)))
        .options(selectinload(Action.decision).selectinload(Decision.project))
        .order_by(Action.due_on, Action.id)
    )
    items = [
        WorkItem(action.title, url_for("decisions.show", slug=action.decision.project.slug,
                                       decision_id=action.decision_id, _anchor="actions"),
                 action.decision.project, f"Due {action.due_on:%-d %B %Y}, from: {action.decision.title}",
                 is_overdue=action.is_overdue(today))
        for action in actions
    ]
    return WorkSection("actions", "Actions you own", "You own no open actions.", items)


def decisions_due_for_review(person: User, today: date) -> WorkSection:
    """Agreed decisions whose review date has come, in projects this person leads or
    where they proposed the decision and are still in the project."""
    memberships = _memberships(person)
    led = [m.project_id for m in memberships if m.role == ProjectRole.LEAD]
    decisions = db.session.scalars(
        select(Decision).where(Decision.status == DecisionStatus.AGREED, Decision.review_on <= today,
                               Decision.project_id.in_([m.project_id for m in memberships]),
                               (Decision.project_id.in_(led)) | (Decision.proposer_id == person.id))
        .options(selectinload(Decision.project)).order_by(Decision.review_on, Decision.id)
    )
    items = [
        WorkItem(decision.title, url_for("decisions.show", slug=decision.project.slug, decision_id=decision.id),
                 decision.project, f"Review was due on {decision.review_on:%-d %B %Y}")
        for decision in decisions
    ]
    return WorkSection("reviews", "Decisions due for review", "No agreed decision is due for review.", items)


SECTIONS: list[Callable[[User, date], WorkSection]] = [
    decisions_awaiting_position,
    vision_versions_awaiting_endorsement,
    actions_owned,
    decisions_due_for_review,
]
