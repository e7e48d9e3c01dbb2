from __future__ import annotations

from flask import Response, jsonify, render_template
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
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
    """For load balancers: the process answers. It asks nothing of the database or Redis,
    so an outage of either does not get healthy web processes restarted."""
    return _not_cached(jsonify(status="ok"))


@blueprint.route("/readyz")
def readyz():
    """For load balancers and compose: whether this process can serve, that is whether
    the database and Redis answer. 503 naming the one that does not."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        checks["database"] = "unavailable"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except (RedisError, OSError):
        checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", **checks)
    response.status_code = 200 if ready else 503
    return _not_cached(response)


def _not_cached(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response
