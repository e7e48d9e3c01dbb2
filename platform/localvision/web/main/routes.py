from __future__ import annotations

from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from localvision.extensions import db
from localvision.models import Project, ProjectMembership
from localvision.models.summaries import PlatformSummary
from localvision.redis_connection import get_redis
from localvision.web.main import blueprint


@blueprint.route("/")
def home():
    published = db.session.scalars(
        select(Project).where(Project.is_published.is_(True)).order_by(Project.place, Project.title)
    ).all()
    own_memberships = []
    if current_user.is_authenticated:
        own_memberships = db.session.scalars(
            select(ProjectMembership)
            .where(ProjectMembership.user_id == current_user.id)
            .options(selectinload(ProjectMembership.project))
            .join(ProjectMembership.project)
            .order_by(Project.title)
        ).all()
    return render_template("main/home.html", published=published, own_memberships=own_memberships,
                           platform_summary=db.session.get(PlatformSummary, 1))


@blueprint.route("/healthz")
def healthz():
    """For container healthchecks: whether the database and Redis answer, nothing more."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception:
        checks["redis"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503
