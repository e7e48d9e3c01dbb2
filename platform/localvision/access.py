"""Who may do what with a project.

Levels rise from nothing to project lead. A private project does not exist for anyone
below ``VIEWER``: they get a 404, so its name is not revealed either.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from localvision.domain.representation import may_speak_for_organisation
from localvision.extensions import db, login_manager
from localvision.models import Project, ProjectMembership, ProjectRole, User


class Access(enum.IntEnum):
    NONE = 0
    VIEWER = 1  # anyone, for a published project; administrators, for any project
    MEMBER = 2  # a person of the project
    LEAD = 3  # a project lead


@dataclass(frozen=True)
class ProjectContext:
    project: Project
    access: Access
    membership: ProjectMembership | None

    @property
    def is_member(self) -> bool:
        return self.access >= Access.MEMBER

    @property
    def is_lead(self) -> bool:
        return self.access >= Access.LEAD


def membership_of(user: User, project: Project) -> ProjectMembership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(ProjectMembership).where(
            ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id
        )
    )


def access_level(user: User, project: Project, membership: ProjectMembership | None) -> Access:
    if membership is not None:
        return Access.LEAD if membership.role == ProjectRole.LEAD else Access.MEMBER
    if project.is_published or (user.is_authenticated and user.is_admin):
        return Access.VIEWER
    return Access.NONE


def project_context(slug: str, need: Access = Access.VIEWER) -> ProjectContext:
    """Load a project for the current user, or stop the request with the right answer."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        abort(404)
    membership = membership_of(current_user, project)
    access = access_level(current_user, project, membership)
    if access == Access.NONE:
        abort(404)
    if access < need:
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        abort(403)
    return ProjectContext(project=project, access=access, membership=membership)


def speaks_for_organisation(membership: ProjectMembership | None) -> bool:
    """Whether this person may record their organisation's position or endorsement."""
    if membership is None:
        return False
    organisation_id = membership.user.organisation_id
    has_representatives = any(
        other.is_representative
        for other in membership.project.memberships
        if other.user.organisation_id == organisation_id
    )
    return may_speak_for_organisation(membership.is_representative, has_representatives)
