"""Throughput and latency of the public project page of a large partnership (see
large_project.py), its API document and a minimal endpoint, served by gunicorn in the
production configuration on PostgreSQL, beside a bare Flask endpoint (bare_flask.py)
served by gunicorn with the same settings in the same run: the ceiling. The page, the
minimal and the bare endpoints are measured one after the other, five times, and each
share is the median of the five turns' shares (the page's p99 the median of its five):
on this shared machine one measurement varies by a fifth from one 10-second run to the
next, and short turns in alternation put a spell of other work on all three rather than
on one.

Run with `make bench-public`. The database server comes from BENCH_DATABASE_URL (else
TEST_DATABASE_URL); a scratch database is created there for the run and dropped after.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "bench"))

from large_project import build_large_project  # noqa: E402
from machine import load_average  # noqa: E402
from scratch_database import scratch_database  # noqa: E402

CONNECTIONS = 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
TURNS = 5
TURN_DURATION = os.environ.get("BENCH_TURN_DURATION", "6s")
# One sync worker per core: PostgreSQL runs on the same machine and needs CPU too; more
# workers than cores only queued requests behind one another (measured: 2 workers gave
# this machine 580 pages/s at p99 42 ms, 4 gave 250 at p99 255 ms).
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))


@dataclass
class Measurement:
    name: str
    requests_per_second: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer {url} within {seconds} seconds")


def milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure(name: str, url: str, duration: str = DURATION) -> Measurement:
    # A short warm-up fills connection pools and caches, as in steady service.
    subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", "-d2s", url], check=True, capture_output=True)
    output = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", url],
                            check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx responses" in output:
        sys.exit(f"{name}: some answers were errors\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    return Measurement(name, rate, milliseconds(*p99.groups()))


def serve(application: str, environment: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
         "--log-level", "warning", application],
        env=environment, cwd=ROOT,
    )
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="localvision-bench-") as instance, \
            scratch_database("public") as database_url:
        environment = {
            **os.environ,
            "LOCALVISION_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "PUBLIC_URL": "http://127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL", ""),
            "PYTHONPATH": str(ROOT / "platform"),
        }
        slug = build_large_project(database_url, Path(instance), environment["REDIS_URL"])
        server, base = serve(f"localvision:create_app(instance_path='{instance}')", environment)
        bare, bare_base = serve("bare_flask:app", {**environment, "PYTHONPATH": str(ROOT / "bench")})
        try:
            wait_until_serving(f"{base}/api/v1/")
            wait_until_serving(f"{bare_base}/")
            print(f"gunicorn, {WORKERS} workers, production configuration, PostgreSQL; wrk, {CONNECTIONS} "
                  f"connections; the API document for {DURATION}, then the page, minimal and bare endpoints "
                  f"in turn, {TURNS} times {TURN_DURATION} each")
            print(f"before: {load_average()}", flush=True)
            document = measure("project API document", f"{base}/api/v1/projects/{slug}")
            turns = [(measure("public project page", f"{base}/projects/{slug}", TURN_DURATION),
                      measure("minimal endpoint (/api/v1/)", f"{base}/api/v1/", TURN_DURATION),
                      measure("bare Flask endpoint", f"{bare_base}/", TURN_DURATION)) for _ in range(TURNS)]
        finally:
            stop(server)
            stop(bare)
    print(f"after: {load_average()}")
    for result in (document, *(result for turn in turns for result in turn)):
        print(f"{result.name:32} {result.requests_per_second:9.1f} requests/s   p99 {result.p99_ms:6.1f} ms")
    page_share = statistics.median(page.requests_per_second / minimal.requests_per_second for page, minimal, _ in turns)
    page_p99 = statistics.median(page.p99_ms for page, _, _ in turns)
    minimal_share = statistics.median(minimal.requests_per_second / ceiling.requests_per_second
                                      for _, minimal, ceiling in turns)
    print(f"medians of {TURNS} turns: page share of the minimal endpoint {page_share:.2f} (target at least 0.5), "
          f"page p99 {page_p99:.1f} ms (target at most 25 ms); minimal endpoint share of bare Flask "
          f"{minimal_share:.2f} (target at least 0.7)")


if __name__ == "__main__":
    main()
