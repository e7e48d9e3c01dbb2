"""Reads for the platform administrators' pages."""
from __future__ import annotations

from sqlalchemy import select

from localvision.extensions import db
from localvision.models import Project


def projects_by_title() -> list[Project]:
    """Every project, published or not: an administrator may invite someone to any."""
    return list(db.session.scalars(select(Project).order_by(Project.title)))
