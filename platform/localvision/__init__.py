"""Local Vision: a platform for multi-agency systems leadership."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from localvision.config import PROJECT_ROOT, instance_folder, load_config


def create_app(
    config_overrides: Mapping[str, Any] | None = None,
    instance_path: str | Path | None = None,
) -> Flask:
    from localvision.web.lean_requests import KeptSerializerSessionInterface

    app = Flask(
        __name__,
        instance_path=str(instance_path or instance_folder(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(Path(app.instance_path)))
    if config_overrides:
        app.config.update(config_overrides)
    app.session_interface = KeptSerializerSessionInterface()

    _register_templates(app)
    _register_extensions(app)
    from localvision import cli, data_versions, summaries
    from localvision.web import errors, http_caching, input_bounds, security

    input_bounds.init_app(app)
    _register_blueprints(app)
    http_caching.init_app(app)
    security.init_app(app)
    summaries.init_app(app)
    data_versions.init_app(app)
    _register_session_hooks()
    errors.init_app(app)
    cli.init_app(app)
    return app


def _register_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from localvision.web import template_helpers

    template_helpers.init_app(app)


def _register_extensions(app: Flask) -> None:
    from localvision import redis_connection
    from localvision.extensions import csrf, db, htmx, limiter, login_manager, migrate, wtforms_helpers

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from localvision import sqlite
        from localvision.web.sqlite_requests import SafeRequestsReadFirst

        with app.app_context():
            sqlite.configure(db.engine)
        app.wsgi_app = SafeRequestsReadFirst(app.wsgi_app)  # type: ignore[method-assign]
    # SQLite cannot alter constraints in place; batch mode rebuilds the table instead.
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"),
        compare_type=True,
    )
    from localvision.web.lean_requests import check_csrf_where_it_applies

    check_csrf_where_it_applies(app, csrf)
    csrf.init_app(app)
    htmx.init_app(app)
    wtforms_helpers.init_app(app)
    redis_connection.init_app(app)
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", redis_connection.limiter_storage_uri(app.config["REDIS_URL"])
    )
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2})
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page"
    login_manager.login_message_category = "info"

    from localvision.models import User

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The session holds "<user id>:<session version>"; a raised version (sign-out
        # elsewhere, password change) makes every older session anonymous.
        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or user.session_version != int(version):
            return None
        return user


def _register_session_hooks() -> None:
    """Every listener on the database sessions, in one place: each module says what it
    listens for in its ``install``, which adds a listener only once however many apps are made."""
    from localvision import data_versions
    from localvision.services import mail, notification_events
    from localvision.summaries import freshness, on_flush

    for listening in (freshness, on_flush, mail, notification_events, data_versions):
        listening.install()


def _register_blueprints(app: Flask) -> None:
    from localvision.web.admin import blueprint as admin
    from localvision.web.api import blueprint as api
    from localvision.web.auth import blueprint as auth
    from localvision.web.barriers import blueprint as barriers
    from localvision.web.decisions import blueprint as decisions
    from localvision.web.health_checks import blueprint as health_checks
    from localvision.web.indicators import blueprint as indicators
    from localvision.web.learning import blueprint as learning
    from localvision.web.main import blueprint as main
    from localvision.web.notifications import blueprint as notifications
    from localvision.web.open_data import blueprint as open_data
    from localvision.web.organisations import blueprint as organisations
    from localvision.web.projects import blueprint as projects
    from localvision.web.public import blueprint as public
    from localvision.web.summaries import blueprint as summaries
    from localvision.web.vision import blueprint as vision
    from localvision.web.your_work import blueprint as your_work

    app.register_blueprint(main)
    app.register_blueprint(auth)
    app.register_blueprint(projects)
    app.register_blueprint(summaries)
    app.register_blueprint(admin)
    app.register_blueprint(public)
    app.register_blueprint(api)
    app.register_blueprint(open_data)
    app.register_blueprint(vision)
    app.register_blueprint(decisions)
    app.register_blueprint(your_work)
    app.register_blueprint(organisations)
    app.register_blueprint(indicators)
    app.register_blueprint(notifications)
    app.register_blueprint(health_checks)
    app.register_blueprint(barriers)
    app.register_blueprint(learning)
