from __future__ import annotations

from flask import Response, jsonify, render_template
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from localvision.extensions import db
from localvision.queries.contribution_figures import platform_summary
from localvision.queries.home import own_memberships
from localvision.queries.public import published_project_list
from localvision.redis_connection import get_redis
from localvision.web.main import blueprint


@blueprint.route("/")
def home():
    published = published_project_list()
    memberships = own_memberships(current_user) if current_user.is_authenticated else []
    return render_template("main/home.html", published=published, own_memberships=memberships,
                           platform_summary=platform_summary())


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
