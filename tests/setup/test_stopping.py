"""Stopping a command stops everything it started: `flask serve`'s worker and scheduler
(and the processes they start), and the embedded Redis server, which runs as a daemon."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

WAIT_SECONDS = 60


def without_configured_services() -> dict[str, str]:
    """The embedded defaults, as on a fresh machine."""
    environment = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    return {**environment, "SECRET_KEY": "test-secret-key"}


def app_in(instance: Path) -> str:
    return f"localvision:create_app(instance_path={str(instance)!r})"


def embedded_redis_of(instance: Path) -> psutil.Process | None:
    """The redis-server keeping its data in this instance folder: Redis works in the
    folder of its data file."""
    for process in psutil.process_iter(["name", "cwd"]):
        if process.info["name"] == "redis-server" and process.info["cwd"] == str(instance):
            return process
    return None


def wait_for(condition, what: str, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"{what} within {WAIT_SECONDS} s; the log ends:\n{log.read_text()[-3000:]}")


def still_running(processes: list[psutil.Process]) -> list[str]:
    _, alive = psutil.wait_procs(processes, timeout=15)
    return [f"{process.pid} {process.info.get('name', '')}" for process in alive
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_stopping_flask_serve_stops_its_worker_scheduler_and_embedded_redis(tmp_path, stop_signal):
    log = tmp_path / "serve.log"
    environment = {**without_configured_services(), "DATABASE_URL": f"sqlite:///{tmp_path}/serve.sqlite"}
    port = free_port()
    with log.open("w") as output:
        serve = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", app_in(tmp_path), "serve", "--port", str(port)],
            env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    started = psutil.Process(serve.pid)
    helpers: list[psutil.Process] = []
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz"), "flask serve did not answer", log)
        redis_server = wait_for(lambda: embedded_redis_of(tmp_path), "no embedded Redis server ran", log)
        # The worker, the scheduler and the worker's own scheduler process.
        helpers += wait_for(lambda: len(started.children(recursive=True)) >= 3 and started.children(recursive=True),
                           "flask serve did not start its worker and scheduler", log)
        serve.send_signal(stop_signal)
        serve.wait(timeout=WAIT_SECONDS)
        assert still_running([*helpers, redis_server]) == []
    finally:
        for process in [started, *helpers]:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        serve.wait()


@pytest.mark.parametrize("ending", ["exit", "SIGTERM"])
def test_every_embedded_redis_ends_with_the_process_that_started_it(tmp_path, ending):
    """A test run starts several (one per instance folder); pages, jobs and rate limits
    connect to each."""
    log = tmp_path / "process.log"
    instances = [tmp_path / "first", tmp_path / "second"]
    script = (
        "import sys, time\n"
        "from localvision import create_app\n"
        "from localvision.redis_connection import get_redis\n"
        f"for instance in {[str(instance) for instance in instances]!r}:\n"
        "    with create_app(instance_path=instance).app_context():\n"
        "        get_redis().set('started', 1)\n"
        "print('ready', flush=True)\n"
        f"time.sleep({0 if ending == 'exit' else WAIT_SECONDS})\n"
    )
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-c", script], env=without_configured_services(),
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: "ready" in log.read_text(), "the process did not start", log)
        redis_servers = [embedded_redis_of(instance) for instance in instances]
        if ending == "SIGTERM":
            assert None not in redis_servers
            process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT_SECONDS)
        assert still_running([server for server in redis_servers if server]) == []
        assert [embedded_redis_of(instance) for instance in instances] == [None, None]
    finally:
        process.kill()
        process.wait()
