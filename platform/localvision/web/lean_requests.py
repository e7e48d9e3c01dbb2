"""What every request costs before its view runs, kept to what the request needs.

Measured on the minimal API endpoint against a bare Flask app (bench/public.py), most of
the difference was work repeated per request that gives the same answer every time. Each
saving goes through an extension point its library documents:

- Flask's signed-cookie session builds a new signing serializer per request, even for
  visitors who send no cookie; the serializer depends only on the secret keys, so one is
  kept per set of keys, a request without a session cookie gets an empty session without
  one, and an empty, unchanged session is saved without working out cookie settings or
  parsing the Vary header (a ``session_interface``).
- Security headers are added to the server's plain header list, in a WSGI middleware
  (``security.py``): through werkzeug's ``Headers`` every constant value is checked again.
- Flask-WTF looks up the view's and blueprint's CSRF exemptions before it looks at the
  method, so the check starts only for the methods it protects (POST and the like).
- A public page asks Flask-Login for the current user to decide whether it may be cached;
  a request carrying neither a signed-in session nor a remember-me cookie has no user to
  load (``http_caching``).
- Rate limits are counted by the views that declare them, for the methods that send forms
  (``rate_limits.py``), not by request hooks that look for limits on every request: only
  three forms have a limit, so every other request, and every GET, has nothing to count.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with one serializer per set of secret keys."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # No Cookie header at all (most visitors, every API client): nothing to parse.
        if app.secret_key and ("HTTP_COOKIE" not in request.environ
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # An empty session nobody changed sets no cookie: skip working out the cookie's
        # domain, path and flags, as Flask would only to return without using them.
        if not session and not session.modified:
            if session.accessed:
                add_vary_cookie(response)
            return
        super().save_session(app, session, response)


def add_vary_cookie(response: Response) -> None:
    """``Vary: Cookie``, set directly when the response varies by nothing else yet (the
    usual case): through ``response.vary`` the header is parsed into a set and written
    back, for one word."""
    if "Vary" in response.headers:
        response.vary.add("Cookie")
    else:
        response.headers["Vary"] = "Cookie"


def check_csrf_where_it_applies(app: Flask, csrf: CSRFProtect) -> None:
    """Run Flask-WTF's own check, exemptions included, for the methods it protects only.
    Call before ``csrf.init_app``: its default check is turned off in favour of this one."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def protect_against_forgery() -> None:
        if app.config["WTF_CSRF_ENABLED"] and request.method in app.config["WTF_CSRF_METHODS"]:
            csrf.protect(apply_exemptions=True)
