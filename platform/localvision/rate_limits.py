"""Rate limits that views declare for the methods that send forms (signing in, asking for a
password reset, a public barrier report), counted with the ``limits`` library.

A limit is checked by the view that declares it and nowhere else: a request to any other
view, and a GET of a limited one, does no rate-limit work at all.

Counts are kept per app in the storage named by ``RATELIMIT_STORAGE_URI`` (Redis), under
keys that start with ``RATELIMIT_KEY_PREFIX`` and name the view and the client's address,
in fixed windows: a client's first counted request starts a window as long as the limit's
period (a minute for "10 per minute"), and its count starts again from nothing when it ends.
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, Callable, Collection, TypeVar

from flask import Flask, current_app, request
from limits import parse
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class _AppLimits:
    storage: Storage
    strategy: FixedWindowRateLimiter
    key_prefix: str


class RateLimits:
    """Created once in ``extensions.py``; ``init_app`` gives each app its own storage."""

    def init_app(self, app: Flask) -> None:
        # Wrapped, every failure of the storage's own client (Redis refusing, timing out)
        # is one StorageError, whatever the storage.
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], wrap_exceptions=True,
                                      **app.config["RATELIMIT_STORAGE_OPTIONS"])
        app.extensions["localvision_rate_limits"] = _AppLimits(storage, FixedWindowRateLimiter(storage),
                                                               app.config["RATELIMIT_KEY_PREFIX"])

    def limit(self, amount: Callable[[], str], methods: Collection[str] = ("POST",)) -> Callable[[View], View]:
        """Decorate a view: ``amount`` (read per request, e.g. ``"10 per minute"`` from the
        config) requests with one of ``methods`` per client address, then 429 Too Many
        Requests until the window ends."""

        def decorate(view: View) -> View:
            @functools.wraps(view)
            def limited(*args: Any, **kwargs: Any) -> Any:
                if request.method in methods:
                    self._hit(amount())
                return view(*args, **kwargs)

            return limited  # type: ignore[return-value]

        return decorate

    def _hit(self, amount: str) -> None:
        limits: _AppLimits = current_app.extensions["localvision_rate_limits"]
        try:
            allowed = limits.strategy.hit(parse(amount), limits.key_prefix, request.endpoint or "",
                                          request.remote_addr or "")
        except StorageError as error:
            # Sign-in stays open when Redis is down: a lost count is better than a locked door.
            log.warning("Rate limit not counted on %s %s, its storage is unreachable: %r",
                        request.method, request.path, error.storage_error)
            return
        if not allowed:
            raise TooManyRequests()

    def reset(self) -> None:
        """Forget every count of the current app (for tests)."""
        current_app.extensions["localvision_rate_limits"].storage.reset()
