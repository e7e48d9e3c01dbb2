"""Response headers that apply to every page."""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from flask import Flask, Response, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# No inline script anywhere: every script is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
PRODUCTION_HEADERS = (*SECURITY_HEADERS, ("Strict-Transport-Security", "max-age=31536000"))


class SecurityHeaders:
    """WSGI middleware adding each header unless the response has its own. Added to the
    plain list the server receives: through werkzeug's Headers, which checks and converts
    every value again, the same few constants cost a sixth of a minimal request."""

    def __init__(self, wsgi_app: WSGIApplication, headers: tuple[tuple[str, str], ...]) -> None:
        self.wsgi_app = wsgi_app
        self.headers = tuple((name.lower(), (name, value)) for name, value in headers)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start_with_headers(status: str, response_headers: list[tuple[str, str]], exc_info=None):  # type: ignore[no-untyped-def]
            present = {name.lower() for name, _ in response_headers}
            response_headers.extend(header for lowered, header in self.headers if lowered not in present)
            return start_response(status, response_headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def init_app(app: Flask) -> None:
    headers = PRODUCTION_HEADERS if app.config["ENVIRONMENT"] == "production" else SECURITY_HEADERS
    app.wsgi_app = SecurityHeaders(app.wsgi_app, headers)  # type: ignore[method-assign]
    if app.config.get("BEHIND_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]

    @app.after_request
    def keep_personal_pages_private(response: Response) -> Response:
        # What a signed-in person sees is theirs: no shared cache or back button keeps it.
        # (Static files are the same for everyone; checking the cookie first spares
        # anonymous requests a user lookup.)
        if request.endpoint != "static" and "_user_id" in session and _signed_in_or_unknown():
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _signed_in_or_unknown() -> bool:
    # With the database away the account cannot be loaded: keep the response private.
    try:
        return current_user.is_authenticated
    except SQLAlchemyError:
        return True
