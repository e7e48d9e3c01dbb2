"""HTTP revalidation for public pages and the open data API.

A response carries an ETag made of the release (code and templates) and the version of
the data it shows; a visitor who sends it back in If-None-Match gets a bodiless 304.
Only anonymous visitors without flashed messages qualify: what a signed-in person sees
depends on who they are, and a flashed message is shown once only.
"""
from __future__ import annotations

import hashlib
from functools import wraps
from pathlib import Path
from typing import Callable

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user

from localvision import PROJECT_ROOT

# Browsers and proxies may keep a copy but must ask before each use.
CACHE_CONTROL = "public, no-cache"


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


def init_app(app: Flask) -> None:
    if not app.config.get("RELEASE"):
        app.config["RELEASE"] = release_fingerprint((PROJECT_ROOT / "platform" / "localvision", PROJECT_ROOT / "templates"))


def _revalidation_allowed() -> bool:
    return request.method in ("GET", "HEAD") and not current_user.is_authenticated and "_flashes" not in session


def revalidated(version_of: Callable[..., object | None]) -> Callable:
    """Wrap a view so anonymous visitors can revalidate it. ``version_of`` gets the view's
    arguments and returns the version of the data shown, or None where the response
    must not be cached (a missing or private project answers as usual: no 304 may
    reveal that it exists)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**kwargs):  # type: ignore[no-untyped-def]
            if not _revalidation_allowed():
                return view(**kwargs)
            version = version_of(**kwargs)
            if version is None:
                return view(**kwargs)
            fingerprint = f"{current_app.config['RELEASE']}:{request.full_path}:{version}"
            etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
            if request.if_none_match.contains(etag):
                response = current_app.response_class(status=304)
            else:
                response = make_response(view(**kwargs))
                if response.status_code != 200:
                    return response
            response.set_etag(etag)
            response.headers["Cache-Control"] = CACHE_CONTROL
            response.vary.add("Cookie")
            return response

        return wrapper

    return decorator
