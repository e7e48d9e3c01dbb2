"""A project found by its address, before anyone's access to it is known."""
from __future__ import annotations

from sqlalchemy import select

from localvision.extensions import db
from localvision.models import Project


def project_by_slug(slug: str) -> Project | None:
    """The project at this address, published or not: the caller decides who may see it."""
    return db.session.scalar(select(Project).where(Project.slug == slug))
