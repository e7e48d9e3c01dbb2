"""The embedded default under its own load: `flask serve` (the web server, its worker and
the scheduler, as `make run` starts them, on SQLite and an embedded Redis) while another
process commits in a loop, and many people at once sign in, propose decisions, add
contributions and write to the public barrier form. Nobody is told the service is
unavailable, and every write the server acknowledged is in the database."""
from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests

from localvision.demo import DEMO_PASSWORD, EMAIL_DOMAIN

ROOT = Path(__file__).resolve().parents[2]
PLYMOUTH = "street-drinking-plymouth"
PEOPLE_AT_ONCE = 12
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def embedded_environment(instance: Path) -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("DATABASE_URL", "REDIS_URL", "LOCALVISION_ENV")}
    python_path = os.pathsep.join(filter(None, [str(ROOT / "platform"), environment.get("PYTHONPATH")]))
    return {**environment, "INSTANCE_PATH": str(instance), "PYTHONPATH": python_path,
            # One loopback address stands for every person here.
            "SIGN_IN_RATE_LIMIT": "10000 per minute", "PUBLIC_BARRIER_RATE_LIMIT": "10000 per minute"}


class Person:
    """One browser's worth of session: signs in through the form, posts with its token."""

    def __init__(self, base: str, who: str | None) -> None:
        self.base, self.session = base, requests.Session()
        self.statuses: list[tuple[str, int]] = []
        if who is not None:
            self.sign_in(who)

    def get(self, what: str, path: str) -> requests.Response:
        response = self.session.get(self.base + path, timeout=60)
        self.statuses.append((what, response.status_code))
        return response

    def post(self, what: str, path: str, data: dict) -> requests.Response:
        form = self.get(f"{what} (form)", path if "tell-us" in path else f"/projects/{PLYMOUTH}")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text) or re.search(
            r'"X-CSRFToken": "([^"]+)"', form.text)
        response = self.session.post(self.base + path, data={**data, "csrf_token": token.group(1)},
                                     allow_redirects=False, timeout=60)
        self.statuses.append((what, response.status_code))
        return response

    def sign_in(self, who: str) -> None:
        page = self.get("sign-in (form)", "/sign-in")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        response = self.session.post(self.base + "/sign-in", allow_redirects=False, timeout=60, data={
            "email": f"{who}@{EMAIL_DOMAIN}", "password": DEMO_PASSWORD, "csrf_token": token})
        self.statuses.append(("sign-in", response.status_code))


def one_round(base: str, number: int, proposed: list[int], lock: threading.Lock) -> tuple[list, list]:
    """What one person does: signs in and writes, or writes to the public form. Returns
    the statuses seen and the writes acknowledged (table, column, token)."""
    acknowledged = []
    kind = number % 4
    if kind == 3:
        visitor = Person(base, None)
        token = f"barrier-{uuid.uuid4().hex}"
        response = visitor.post("public barrier", f"/projects/{PLYMOUTH}/barriers/tell-us",
                                {"what": f"The night bus stops too early ({token})", "location": "Union Street",
                                 "who_affected": "Night workers", "indicator_id": "0", "name": "", "email": ""})
        if response.status_code == 200 and "Thank you" in response.text:
            acknowledged.append(("barriers", "what", token))
        return visitor.statuses, acknowledged
    person = Person(base, ("lead", "nhs", "police")[kind])
    if kind == 0:
        token = f"decision-{uuid.uuid4().hex}"
        response = person.post("propose decision", f"/projects/{PLYMOUTH}/decisions/new", {
            "title": f"Fund late-night outreach {token}", "rationale": "Fewer A&E attendances.", "category": "pilot",
            "opens_on": [str(part) for part in (date.today().day, date.today().month, date.today().year)],
            "closes_on": [str(part) for part in ((date.today() + timedelta(days=30)).day,
                                                 (date.today() + timedelta(days=30)).month,
                                                 (date.today() + timedelta(days=30)).year)]})
        if response.status_code == 302:
            acknowledged.append(("decisions", "title", f"Fund late-night outreach {token}"))
            with lock:
                proposed.append(int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]))
    else:
        with lock:
            decision = proposed[-1] if proposed else None
        if decision is not None:
            token = f"contribution-{uuid.uuid4().hex}"
            response = person.post("add contribution", f"/projects/{PLYMOUTH}/decisions/{decision}/contributions", {
                "contribution-kind": "cash", "contribution-amount": "1500.50", "contribution-description": token})
            if response.status_code == 302:
                acknowledged.append(("contributions", "description", token))
    return person.statuses, acknowledged


def test_no_request_is_refused_while_the_worker_commits(tmp_path):
    instance = tmp_path / "instance"
    environment = embedded_environment(instance)
    flask = [sys.executable, "-m", "flask", "--app", "localvision"]
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([*flask, *command], env=environment, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([*flask, "serve", "--port", str(port)], env=environment, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    busy = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "flask serve did not start"
            time.sleep(0.3)
        busy = subprocess.Popen([sys.executable, str(ROOT / "tests" / "busy_worker.py")], env=environment,
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        proposed: list[int] = []
        lock = threading.Lock()
        statuses, acknowledged = [], []
        with ThreadPoolExecutor(PEOPLE_AT_ONCE) as people:
            for seen, written in people.map(lambda number: one_round(base, number, proposed, lock),
                                            range(PEOPLE_AT_ONCE * ROUNDS)):
                statuses += seen
                acknowledged += written
        if busy.poll() is None:
            busy.send_signal(signal.SIGTERM)
        worker_said = busy.communicate(timeout=60)[0].decode()
    finally:
        if busy is not None and busy.poll() is None:
            busy.kill()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()

    refused = [(what, status) for what, status in statuses if status >= 500]
    assert refused == [], (refused, (tmp_path / "serve.log").read_text()[-3000:])
    assert busy.returncode == 0, f"the busy worker failed: {worker_said[-3000:]}"
    # A pass commits once per demo project and once for the platform: a whole pass at least,
    # while the people were writing (it queues behind them for the lock, so it is no faster).
    assert int(worker_said.split()[-1]) >= 7, "the busy worker hardly committed: the test proved nothing"
    writes = [what for what, status in statuses if what in ("propose decision", "add contribution", "public barrier")]
    assert len(acknowledged) == len(writes) and len(acknowledged) >= PEOPLE_AT_ONCE * ROUNDS * 3 // 4 - 1
    with sqlite3.connect(instance / "localvision.sqlite") as database:
        missing = [(table, token) for table, column, token in acknowledged
                   if database.execute(f"SELECT count(*) FROM {table} WHERE {column} LIKE ?",
                                       [f"%{token}%"]).fetchone()[0] != 1]
    assert missing == []
