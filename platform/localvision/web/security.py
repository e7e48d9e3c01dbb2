"""Response headers that apply to every page."""
from __future__ import annotations

from flask import Flask, Response, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    if app.config.get("BEHIND_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    headers = PRODUCTION_HEADERS if app.config["ENVIRONMENT"] == "production" else SECURITY_HEADERS

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        # Each header unless the view set its own; one pass over the response's headers
        # rather than one per header (setdefault each time was a sixth of a minimal request).
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend([(name, value) for name, value in headers if name.lower() not in present])
        # What a signed-in person sees is theirs: no shared cache or back button keeps it.
        # (Static files are the same for everyone; checking the cookie first spares
        # anonymous requests a user lookup.)
        if request.endpoint != "static" and "_user_id" in session and current_user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
        return response
