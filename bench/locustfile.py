"""The people of a partnership at a board meeting, and the public reading along.

Run by bench/load.py, which builds the partnership and passes what the users need in
BENCH_PLAN (a JSON file) and where to write what happened in BENCH_RESULTS. Every
request is kept (its kind, status, time and duration), and every write the server
acknowledged with a redirect is kept with the token that identifies it in the database.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"]).read())
REQUESTS: list[tuple[str, int, float, float]] = []  # kind, status (0: no answer), started at, milliseconds
ACKNOWLEDGED: list[dict] = []
REFUSALS: dict[str, str] = {}  # the first message each kind of failed request showed
_people = itertools.count()
_periods = itertools.count()
_lock = threading.Lock()
FIRST_PERIOD = date(1900, 1, 1) + timedelta(days=int(os.environ.get("BENCH_FIRST_PERIOD_DAY", "0")))


def _keep(kind: str, response, started: float) -> None:
    status = response.status_code or 0
    REQUESTS.append((kind, status, started, response.request_meta["response_time"]))
    if status >= 400 or status == 0:
        REFUSALS.setdefault(f"{kind} {status}", _message(response.text or ""))
        response.failure(f"{kind}: {status}")
    else:
        response.success()


def _message(page: str) -> str:
    """What the page said went wrong: its error summary, else its heading."""
    for pattern in (r'govuk-error-summary__list.*?<a[^>]*>(.*?)</a>', r'<h1[^>]*>(.*?)</h1>'):
        found = re.search(pattern, page, re.DOTALL)
        if found:
            return " ".join(found.group(1).split())[:160]
    return " ".join(page.split())[:160]


class Member(HttpUser):
    """Someone of a partner organisation: reads the project, records positions, adds
    contributions and measurements, reads the summary."""

    weight = 4
    wait_time = between(2, 8)

    def on_start(self) -> None:
        # Each person signed in once before the run (bench/load.py): a session cookie and
        # the form token that goes with it.
        person = PLAN["sessions"][next(_people) % len(PLAN["sessions"])]
        self.client.cookies.set(person["cookie_name"], person["cookie"], domain="127.0.0.1")
        self.token = person["token"]

    def keep_cookies_over_http(self) -> None:
        # Production cookies are Secure, and a flashed message sends a new session cookie;
        # this bench speaks plain HTTP on loopback.
        for cookie in self.client.cookies:
            cookie.secure = False

    def read(self, kind: str, path: str) -> None:
        started = time.time()
        with self.client.get(path, name=kind, catch_response=True) as response:
            _keep(kind, response, started)
            self.keep_cookies_over_http()

    def write(self, kind: str, path: str, data: dict, identity: dict) -> None:
        started = time.time()
        with self.client.post(path, data=data, headers={"X-CSRFToken": self.token}, name=kind,
                              allow_redirects=False, catch_response=True) as response:
            _keep(kind, response, started)
            self.keep_cookies_over_http()
            if 300 <= response.status_code < 400:
                with _lock:
                    ACKNOWLEDGED.append({"kind": kind, "at": started, **identity})

    @task(4)
    def project_page(self) -> None:
        self.read("project page", f"/projects/{PLAN['slug']}")

    @task(3)
    def decision_page(self) -> None:
        self.read("decision page", f"/projects/{PLAN['slug']}/decisions/{random.choice(PLAN['decisions'])}")

    @task(2)
    def summary(self) -> None:
        self.read("summary", f"/projects/{PLAN['slug']}/summary")

    @task(2)
    def record_position(self) -> None:
        token = f"position-{uuid.uuid4().hex}"
        decision = random.choice(PLAN["decisions"])
        self.write("record position", f"/projects/{PLAN['slug']}/decisions/{decision}/position",
                   {"position-stance": "support_with_concerns", "position-reasons": token},
                   {"table": "positions", "column": "reasons", "token": token})

    @task(2)
    def add_contribution(self) -> None:
        token = f"contribution-{uuid.uuid4().hex}"
        decision = random.choice(PLAN["decisions"])
        self.write("add contribution", f"/projects/{PLAN['slug']}/decisions/{decision}/contributions",
                   {"contribution-kind": "cash", "contribution-amount": f"{random.randint(100, 90000)}.50",
                    "contribution-description": token},
                   {"table": "contributions", "column": "description", "token": token})

    @task(1)
    def add_measurement(self) -> None:
        token = f"measurement-{uuid.uuid4().hex}"
        with _lock:
            period = FIRST_PERIOD + timedelta(days=next(_periods))
        indicator = random.choice(PLAN["indicators"])
        self.write("add measurement", f"/projects/{PLAN['slug']}/indicators/{indicator}/measurements",
                   {"period": period.isoformat(), "value": str(random.randint(1, 900)), "note": token, "source": ""},
                   {"table": "measurements", "column": "note", "token": token})


class PublicVisitor(HttpUser):
    """Someone outside the partnership reading what it publishes."""

    weight = 1
    wait_time = between(2, 8)

    def visit(self, kind: str, path: str) -> None:
        started = time.time()
        with self.client.get(path, name=kind, catch_response=True) as response:
            _keep(kind, response, started)

    @task(3)
    def public_page(self) -> None:
        self.visit("public project page", f"/projects/{PLAN['slug']}")

    @task(1)
    def directory(self) -> None:
        self.visit("public directory", "/projects")

    @task(1)
    def summary_api(self) -> None:
        self.visit("public summary API", f"/api/v1/projects/{PLAN['slug']}/summary")


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    with open(os.environ["BENCH_RESULTS"], "w") as results:
        json.dump({"requests": REQUESTS, "acknowledged": ACKNOWLEDGED, "refusals": REFUSALS}, results)
