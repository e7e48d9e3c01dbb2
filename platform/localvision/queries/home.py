"""What the home page lists besides the published projects: the signed-in person's own."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision.extensions import db
from localvision.models import Project, ProjectMembership, User


def own_memberships(user: User) -> list[ProjectMembership]:
    """The person's memberships, their projects loaded, by project title."""
    return list(db.session.scalars(
        select(ProjectMembership)
        .where(ProjectMembership.user_id == user.id)
        .options(selectinload(ProjectMembership.project))
        .join(ProjectMembership.project)
        .order_by(Project.title)
    ))
