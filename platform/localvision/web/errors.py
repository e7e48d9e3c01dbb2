"""Friendly error pages, and JSON errors for machine clients."""
from __future__ import annotations

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import (
    Conflict,
    Forbidden,
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    RequestEntityTooLarge,
    SecurityError,
)

from localvision import sqlite
from localvision.domain.refusals import NotPermitted, Refusal
from localvision.extensions import db, login_manager
from localvision.web.sqlite_requests import REPEAT_TAKING_THE_LOCK


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/readyz")


# Seconds a client is asked to wait while the database is unreachable: about a restart.
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = "The service cannot reach its database just now. Try again in 30 seconds."
# A writer that waited its whole turn for the embedded database's lock and did not get it.
BUSY_RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = "The service is busy saving other changes. Nothing of yours was saved: try again in a few seconds."
TOO_LARGE_MESSAGE = ("What you sent is larger than this page accepts. Shorten it, or for a file, "
                     "split it into smaller files, and try again.")


def discard_transaction() -> None:
    """Roll back what the request left; if the database cannot even be asked, let the
    connection go instead."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def error_page(template: str, **context: object) -> str:
    """An error page drawn for the signed-in person, or for a visitor when their account
    cannot be loaded: with the database away, the page header's lookup of the person
    would otherwise fail inside the error handler and leave a bare 500."""
    try:
        return render_template(template, **context)
    except SQLAlchemyError:
        discard_transaction()
        g._login_user = login_manager.anonymous_user()
        return render_template(template, **context)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        message = "The form had expired or came from another site. Go back, reload the page and try again."
        if _wants_json():
            return jsonify(error="csrf", message=message), 400
        return error_page("errors/error.html", code=400, title="Form expired", message=message), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):  # type: ignore[no-untyped-def]
        # No page can be drawn: its links would need the host that was refused.
        return Response("This site does not answer at that address.", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.code is None or error.code < 400:
            return error
        if error.code >= 500:
            discard_transaction()
        if _wants_json():
            response = jsonify(error=error.name, message=error.description)
        else:
            response = make_response(
                error_page("errors/error.html", code=error.code, title=error.name, message=error.description)
            )
        response.status_code = error.code
        # A 405 names the methods that would work.
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Refusal)
    def refused(refusal: Refusal):  # type: ignore[no-untyped-def]
        """A refusal of permission, from a service or a route's own check, answers 403 with its
        message; any other refusal a route did not show on its page answers 409 with its own."""
        if isinstance(refusal, NotPermitted):
            return http_error(Forbidden(refusal.message))
        return http_error(Conflict(refusal.message))

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
        return http_error(RequestEntityTooLarge(TOO_LARGE_MESSAGE))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    def database_unavailable(error: SQLAlchemyError):  # type: ignore[no-untyped-def]
        discard_transaction()
        if sqlite.is_busy(error):
            return database_locked(error)
        app.logger.warning("Database unavailable on %s %s: %s", request.method, request.path, error)
        # The page is drawn for a visitor: loading the signed-in person would ask the
        # database that is away, and fail again inside this handler (a bare 500).
        g._login_user = login_manager.anonymous_user()
        if _wants_json():
            response = jsonify(error="Service Unavailable", message=UNAVAILABLE_MESSAGE)
        else:
            response = make_response(render_template("errors/unavailable.html", message=UNAVAILABLE_MESSAGE))
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    def database_locked(error: SQLAlchemyError):  # type: ignore[no-untyped-def]
        """SQLite's "database is locked": the database is there, another writer holds it."""
        if sqlite.reading_first():
            app.logger.info("Database is locked on %s %s after reading first: repeating it taking the lock",
                            request.method, request.path)
            request.environ[REPEAT_TAKING_THE_LOCK] = True
            return "", 503
        app.logger.error("Database is locked on %s %s: the write lock was not free within %d s",
                         request.method, request.path, sqlite.BUSY_TIMEOUT_MILLISECONDS // 1000)
        g._login_user = login_manager.anonymous_user()
        if _wants_json():
            response = jsonify(error="Service Busy", message=BUSY_MESSAGE)
        else:
            response = make_response(render_template("errors/unavailable.html", message=BUSY_MESSAGE, busy=True))
        response.status_code = 503
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        discard_transaction()
        return http_error(InternalServerError())
