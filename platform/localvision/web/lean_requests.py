"""What every request costs before its view runs, kept to what the request needs.

Measured on the minimal API endpoint against a bare Flask app (bench/public.py), most of
the difference was work repeated per request that gives the same answer every time:

- Flask asks of every hook and view whether it is a coroutine (``inspect`` each time);
  the answer never changes for a function, so it is remembered.
- The cookie session built a new signing serializer per request, even for visitors who
  send no cookie; the serializer depends only on the secret keys, so one is kept per set
  of keys, a request without a session cookie gets an empty session without one, and an
  empty, unchanged session is saved without working out cookie settings or parsing
  the Vary header.
- Security headers were set one ``setdefault`` at a time, each a scan of the headers,
  and then through werkzeug's ``Headers``, which checks every constant value again
  (``security.py`` now adds them to the server's plain header list, in a WSGI middleware).
- Flask-WTF looks up the view's and blueprint's CSRF exemptions before it looks at the
  method; the check now starts only for the methods it protects (POST and the like).
- A public page asked Flask-Login for the current user to decide whether it may be
  cached; a request carrying neither a signed-in session nor a remember-me cookie has no
  user to load (``http_caching``).
- Flask-Limiter resolves default, application and blueprint limits before every request,
  and after it looks for limits to deduct by the response and for headers to add. This
  app declares none of those (sign-in declares its limit on its view, which checks it
  when it runs, without headers), so those hooks are left out while that stays true.
"""
from __future__ import annotations

from inspect import iscoroutinefunction
from typing import Any, Callable

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer


class LeanFlask(Flask):
    """Flask that remembers which functions are plain (not ``async def``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_functions: dict[Callable[..., Any], bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            plain = self._plain_functions[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable, asked each time
            plain = not iscoroutinefunction(func)
            try:
                self._plain_functions[func] = plain
            except TypeError:
                pass
        return func if plain else self.async_to_sync(func)


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


def skip_unused_limiter_hooks(app: Flask, limiter: Limiter) -> None:
    """Leave out the limiter's request hooks where they would find nothing to do: no
    default, application or blueprint limits to check before the view; no limit that
    deducts by the response and no rate limit headers to add after it. The views' own
    limits are checked by their decorators either way. Call after the blueprints are
    registered."""
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or any(
            manager.blueprint_limits(app, name) for name in app.blueprints):
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [hook for hook in hooks if hook != limiter._check_request_limit]
    deducts_by_response = any(limit.deduct_when for limits in manager._decorated_limits.values() for limit in limits)
    if limiter._headers_enabled or deducts_by_response:
        return

    def limiter_hook(hook: Callable[..., Any]) -> bool:
        # The after-request hook is a partial of the limiter's method, the teardown a bound method.
        return getattr(hook, "args", None) == (limiter,) or getattr(hook, "__self__", None) is limiter

    for hooks_by_blueprint in (app.after_request_funcs, app.teardown_request_funcs):
        hooks_by_blueprint[None] = [hook for hook in hooks_by_blueprint.get(None, []) if not limiter_hook(hook)]


def check_csrf_where_it_applies(app: Flask, csrf: CSRFProtect) -> None:
    """Run Flask-WTF's own check, exemptions included, for the methods it protects only.
    Call before ``csrf.init_app``: its default check is turned off in favour of this one."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False

    @app.before_request
    def protect_against_forgery() -> None:
        if app.config["WTF_CSRF_ENABLED"] and request.method in app.config["WTF_CSRF_METHODS"]:
            csrf.protect(apply_exemptions=True)
