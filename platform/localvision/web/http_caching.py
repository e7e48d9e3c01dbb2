"""HTTP revalidation, and a cache of rendered responses, for public pages and the API.

A response carries an ETag made of the release (code and templates), the address asked
for and the version of the data it shows; a visitor who sends it back in If-None-Match
gets a bodiless 304. Responses are the same for every anonymous visitor, so each worker
also keeps the most recent ones by ETag and serves them again without rendering: a new
data version makes a new ETag, so nothing stale is ever served.

Only anonymous visitors without flashed messages qualify: what a signed-in person sees
depends on who they are, and a flashed message is shown once only.

Pages that say how long ago something happened ("computed 3 hours ago", "overdue") change
with the clock as well as the data, so their ETag also holds the current minute: a cached
copy or a 304 is then at most a minute behind the clock. Rendering such times in the
browser from absolute datetimes was the alternative; it needs script (with a fallback
without it) on every such page, where this costs one render per page and minute.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps
from pathlib import Path
from typing import Callable

from flask import Flask, Response, current_app, make_response, request, session
from flask_login import current_user
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE_NAME

from localvision.config import PROJECT_ROOT

# Browsers and proxies may keep a copy but must ask before each use.
CACHE_CONTROL = "public, no-cache"
# How long a page with relative times ("… ago") may be served unchanged.
RELATIVE_TIME_SECONDS = 60


def release_fingerprint(roots: tuple[Path, ...]) -> str:
    """A short digest of every file's name, size and modification time under the roots:
    a new release (or an edited template, in development) gives new ETags."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


class RenderedResponses:
    """The most recently used rendered responses of one worker, by ETag."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> tuple[bytes, str] | None:
        with self._lock:
            entry = self._entries.get(etag)
            if entry is not None:
                self._entries.move_to_end(etag)
            return entry

    def keep(self, etag: str, response: Response, capacity: int) -> None:
        if capacity <= 0:
            return
        with self._lock:
            self._entries[etag] = (response.get_data(), response.content_type)
            self._entries.move_to_end(etag)
            while len(self._entries) > capacity:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def init_app(app: Flask) -> None:
    if not app.config.get("RELEASE"):
        app.config["RELEASE"] = release_fingerprint((PROJECT_ROOT / "platform" / "localvision", PROJECT_ROOT / "templates"))
    app.extensions["rendered_responses"] = RenderedResponses()


def rendered_responses() -> RenderedResponses:
    return current_app.extensions["rendered_responses"]


def _revalidation_allowed() -> bool:
    if request.method not in ("GET", "HEAD") or "_flashes" in session:
        return False
    # Without a signed-in session or a remember-me cookie there is nobody to load: the
    # visitor is anonymous, and the user loader's work is spared on every cached request.
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE_NAME)
    if "_user_id" not in session and remember_cookie not in request.cookies:
        return True
    return not current_user.is_authenticated


def clock_minute() -> int:
    return int(time.time() // RELATIVE_TIME_SECONDS)


def revalidated(version_of: Callable[..., object | None], relative_times: bool = False) -> Callable:
    """Wrap a view so anonymous visitors can revalidate it. ``version_of`` gets the view's
    arguments and returns the version of the data shown, or None where the response
    must not be cached (a missing or private project answers as usual: no 304 may
    reveal that it exists). ``relative_times``: the page says how long ago things
    happened, so it is also a new page every minute."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**kwargs):  # type: ignore[no-untyped-def]
            if not _revalidation_allowed():
                return view(**kwargs)
            version = version_of(**kwargs)
            if version is None:
                return view(**kwargs)
            if relative_times:
                version = f"{version}:{clock_minute()}"
            fingerprint = f"{current_app.config['RELEASE']}:{request.host_url}:{request.full_path}:{version}"
            etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
            cached = rendered_responses().get(etag)
            if request.if_none_match.contains(etag):
                response = current_app.response_class(status=304)
            elif cached is not None:
                body, content_type = cached
                response = current_app.response_class(body, content_type=content_type)
            else:
                response = make_response(view(**kwargs))
                if response.status_code != 200:
                    return response
                rendered_responses().keep(etag, response, current_app.config["RENDERED_RESPONSES_KEPT"])
            response.set_etag(etag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            response.vary.add("Cookie")
            return response

        return wrapper

    return decorator
