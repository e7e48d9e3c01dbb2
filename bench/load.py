"""A board meeting under load: 50 people and visitors for 60 seconds, and the same with
faults (Redis stopped, the worker killed, PostgreSQL restarted).

Run with `make bench-load` (or `make bench-faults`, or BENCH_FAULTS=1). It starts its own
PostgreSQL cluster and Redis server on free loopback ports, so stopping them never
touches anyone else's; gunicorn in the production configuration, an RQ worker
(worker.py) and the scheduler (`flask schedule`) run on them; Locust drives the users
(bench/locustfile.py). Every write the server acknowledged is looked up in the database
at the end. Everything it starts is stopped before it exits.

`make bench-load-embedded` (BENCH_EMBEDDED=1) runs the same mix against what `make run`
gives instead: `flask serve` with its worker and scheduler, on SQLite and an embedded
Redis server in an instance folder of the run's own; its targets are no errors and no
lost writes.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from statistics import quantiles
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = Path(os.environ.get("BENCH_PG_BIN", "/usr/lib/postgresql/15/bin"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))
# People arrive at a board meeting over ten seconds, not in one instant: all fifty
# clicking in the same millisecond measured only the queue of that first instant.
SPAWN_RATE = float(os.environ.get("BENCH_SPAWN_RATE", str(USERS / 10)))
# One sync worker per core, as bench/public.py measured: PostgreSQL shares the cores.
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
PASSWORD = "lantern-harbour-minutes-2026"
PARTNERS = 10
PEOPLE = 50
WRITES = ("record position", "add contribution", "add measurement")
WRITE_P99_TARGET_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not start within {seconds} seconds")


# Servers of the bench's own -------------------------------------------------------------

class OwnPostgres:
    """A throwaway cluster in a temporary folder, run as the postgres account (initdb
    refuses root), trusting loopback connections."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "pgdata"
        self.port = free_port()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/localvision"

    def _ctl(self, *arguments: str) -> None:
        subprocess.run([*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-s", *arguments], check=True,
                       stdout=subprocess.DEVNULL)

    def create(self) -> None:
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        subprocess.run([*self.as_owner, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        self.start()
        subprocess.run([*self.as_owner, str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "postgres", "localvision"], check=True)

    def start(self) -> None:
        self._ctl("-l", str(self.folder / "postgres.log"), "-w", "start", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                  f"-c fsync=on -c synchronous_commit=on")

    def stop(self) -> None:
        self._ctl("-w", "-m", "fast", "stop")


class OwnRedis:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        # Saved to disk on shutdown like a production Redis, so queued jobs survive a restart.
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--save", "", "--appendonly", "yes", "--logfile", str(self.folder / "redis.log")])
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), timeout=1).close() is None, "Redis")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@dataclass
class Processes:
    """gunicorn, the worker and the scheduler, started alike and stopped at the end."""

    environment: dict[str, str]
    instance: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = open(self.instance / f"{name}.log", "ab")
        self.running[name] = subprocess.Popen(command, env=self.environment, cwd=ROOT, stdout=log, stderr=log)
        return self.running[name]

    def start_worker(self) -> subprocess.Popen:
        return self.start("worker", [sys.executable, str(ROOT / "worker.py")])

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.terminate()
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


# The partnership, built through the services ---------------------------------------------

def build_partnership(environment: dict[str, str], instance: Path) -> dict:
    """One published partnership of ten organisations, 50 people able to act, five open
    decisions and four indicators; returns what the simulated users need."""
    flask = [sys.executable, "-m", "flask", "--app", "localvision"]
    subprocess.run([*flask, "db", "upgrade"], env=environment, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "create-admin", "--email", "admin@bench.example", "--name", "Bench Administrator",
                    "--organisation", "Bench Platform Team", "--sector", "local_authority", "--password", PASSWORD],
                   env=environment, cwd=ROOT, check=True, capture_output=True)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT / "platform"))
    from sqlalchemy import select

    from localvision import create_app
    from localvision.domain.vocabulary import (
        DecisionCategory,
        DecisionRule,
        Direction,
        Frequency,
        Phase,
        ProjectRole,
        Sector,
        Unit,
    )
    from localvision.extensions import db
    from localvision.models import OutboxMessage, User
    from localvision.permissions import policy
    from localvision.services import decisions, indicators, invitations, organisations, projects

    app = create_app(instance_path=str(instance))
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@bench.example"))

        def emailed_token(email: str) -> str:
            # Invitations go by email only: the link is read from the message in the outbox.
            body = db.session.scalar(select(OutboxMessage.text_body).where(OutboxMessage.to_address == email)
                                     .order_by(OutboxMessage.id.desc()))
            return re.search(r"/invitations/([\w-]+)", body).group(1)

        sectors = [Sector.LOCAL_AUTHORITY, Sector.NHS, Sector.POLICE, Sector.VOLUNTARY_AND_COMMUNITY, Sector.HOUSING]
        partner_organisations = [organisations.create_organisation(admin, "Bench City Council", Sector.LOCAL_AUTHORITY,
                                                                   None)] + [
            organisations.create_organisation(admin, f"Bench partner {number}", sectors[number % len(sectors)], None)
            for number in range(1, PARTNERS)]
        # An address at its organisation's domain confirms each person as one of its people.
        for number, organisation in enumerate(partner_organisations):
            organisations.add_domain(admin, organisation, f"partner{number}.bench.example")
        people = [f"person{number}@partner{number % PARTNERS}.bench.example" for number in range(PEOPLE)]

        def join_by_invitation(number: int) -> User:
            return invitations.accept_invitation(emailed_token(people[number]), f"Person {number}", PASSWORD)

        invitations.invite_by_administrator(admin, people[0], partner_organisations[0], None)
        lead = join_by_invitation(0)
        project = projects.create_project(
            lead, title="Safer nights", place="Bench City", theme="Community safety",
            summary="Partners working together on a safer night-time economy.", phase=Phase.DELIVER,
            decision_rule=DecisionRule.CONSENT)
        context = policy.context_for(lead, project)
        # Each organisation joins by the consent of one of its own people, who joins with it.
        for number in range(1, PARTNERS):
            organisation = partner_organisations[number]
            invitations.invite_by_administrator(admin, people[number], organisation, None)
            first = join_by_invitation(number)
            invited = invitations.invite_organisation(context, organisation)
            invitations.accept_partner_invitation(first, invited.id)
        for number in range(PARTNERS, PEOPLE):
            organisation = partner_organisations[number % PARTNERS]
            invitations.invite_to_project(context, people[number], organisation, ProjectRole.MEMBER)
            join_by_invitation(number)
        projects.set_publication(context, True)
        today = date.today()
        decision_ids = [
            decisions.propose_decision(context, decisions.DecisionDetails(
                title=f"Joint funding round {number}", rationale="Shared costs for the night-time safety plan.",
                category=DecisionCategory.POOLED_BUDGET, opens_on=today, closes_on=today + timedelta(days=30))).id
            for number in range(1, 6)]
        indicator_ids = [
            indicators.define_indicator(context, indicators.IndicatorDetails(
                name=f"Night-time incidents {number}", description="Incidents reported between 22:00 and 04:00.",
                unit=Unit.COUNT, decimal_places=0, direction=Direction.LOWER_IS_BETTER,
                baseline_value=Decimal(900), baseline_date=date(1990, 1, 1), target_value=Decimal(400),
                target_date=date(2030, 1, 1), source="Police records", frequency=Frequency.MONTHLY,
                owner_organisation_id=partner_organisations[0].id)).id
            for number in range(1, 5)]
        plan = {"slug": project.slug, "project_id": project.id, "people": people, "password": PASSWORD,
                "decisions": decision_ids, "indicators": indicator_ids}
    return plan


def sign_in_everyone(base_url: str, plan: dict) -> list[dict]:
    """Each person signs in once, as at the start of a meeting; the users reuse the session."""
    import requests

    sessions = []
    for email in plan["people"]:
        # Production cookies are Secure and this bench speaks plain HTTP on loopback, so
        # the session cookie is carried by hand rather than by a cookie jar.
        page = requests.get(f"{base_url}/sign-in", timeout=30)
        cookies = dict(page.cookies)
        form_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        signed_in = requests.post(f"{base_url}/sign-in", data={"email": email, "password": PASSWORD,
                                                               "csrf_token": form_token},
                                  cookies=cookies, allow_redirects=False, timeout=30)
        if signed_in.status_code != 302:
            raise SystemExit(f"{email} could not sign in: {signed_in.status_code}")
        cookies.update(dict(signed_in.cookies))
        project_page = requests.get(f"{base_url}/projects/{plan['slug']}", cookies=cookies, timeout=30)
        header_token = re.search(r'"X-CSRFToken": "([^"]+)"', project_page.text).group(1)
        # Signing in starts an empty session: the page that made the form token saved it in a new cookie.
        cookies.update(dict(project_page.cookies))
        name, value = next(iter(cookies.items())) if len(cookies) == 1 else ("session", cookies["session"])
        sessions.append({"cookie_name": name, "cookie": value, "token": header_token})
    return sessions


def seat_everyone(base_url: str, plan: dict, plan_file: Path, serving: str) -> None:
    """Sign everyone in, keep their sessions in the plan the users read, and say what is under load."""
    started = time.monotonic()
    plan["sessions"] = sign_in_everyone(base_url, plan)
    plan_file.write_text(json.dumps(plan))
    print(f"{len(plan['sessions'])} people signed in, one after another, in {time.monotonic() - started:.1f} s")
    print(serving)
    print(f"partnership: {PARTNERS} organisations, {len(plan['people'])} people, "
          f"{len(plan['decisions'])} open decisions, {len(plan['indicators'])} indicators")


# Reading the figures ----------------------------------------------------------------------

def percentile_table(requests: list[list]) -> list[str]:
    kinds: dict[str, list[float]] = {}
    for kind, _status, _at, milliseconds in requests:
        kinds.setdefault(kind, []).append(milliseconds)
    lines = [f"  {'kind':24} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    for kind, times in sorted(kinds.items()):
        cuts = quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
        lines.append(f"  {kind:24} {len(times):8d} {cuts[49]:8.0f} {cuts[94]:8.0f} {cuts[98]:8.0f}")
    return lines


def write_p99(requests: list[list]) -> float:
    times = [milliseconds for kind, _s, _a, milliseconds in requests if kind in WRITES]
    return quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else 0.0


def statuses(requests: list[list], start: float = 0, end: float = float("inf")) -> dict[int, int]:
    counts: dict[int, int] = {}
    for _kind, status, at, _ms in requests:
        if start <= at < end:
            counts[status] = counts.get(status, 0) + 1
    return dict(sorted(counts.items()))


def lost_writes(database_url: str, acknowledged: list[dict]) -> list[dict]:
    """Every acknowledged write, looked up by the token it carried."""
    by_table: dict[tuple[str, str], set[str]] = {}
    for write in acknowledged:
        by_table.setdefault((write["table"], write["column"]), set()).add(write["token"])
    found: set[str] = set()
    if database_url.startswith("sqlite"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(database_url.removeprefix("sqlite:///"))) as connection:
            for (table, column), tokens in by_table.items():
                found.update(row[0] for row in connection.execute(f"SELECT {column} FROM {table}")
                             if row[0] in tokens)
        return [write for write in acknowledged if write["token"] not in found]
    import psycopg

    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        for (table, column), tokens in by_table.items():
            rows = connection.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s)", [list(tokens)])
            found.update(row[0] for row in rows)
    return [write for write in acknowledged if write["token"] not in found]


def summary_state(database_url: str, project_id: int) -> tuple[int, int, str]:
    import psycopg

    with psycopg.connect(database_url.replace("+psycopg", "")) as connection:
        requested, computed, at = connection.execute(
            "SELECT changes_requested, changes_computed, computed_at FROM project_summaries WHERE project_id = %s",
            [project_id]).fetchone()
    return requested, computed, at.strftime("%H:%M:%S") if at else "never"


def wait_for_summary(database_url: str, project_id: int, seconds: float) -> tuple[float, tuple[int, int, str]]:
    """Seconds until the summary has computed every change requested so far."""
    started = time.monotonic()
    state = summary_state(database_url, project_id)
    while time.monotonic() - started < seconds:
        state = summary_state(database_url, project_id)
        if state[1] >= state[0]:
            break
        time.sleep(0.5)
    return time.monotonic() - started, state


# One run ----------------------------------------------------------------------------------

@dataclass
class Fault:
    name: str
    begins_after: float
    act: Callable[["Fault"], list[str]]  # does the fault, sets recovered_at, returns lines to print
    began_at: float = 0.0
    recovered_at: float = 0.0
    notes: list[str] = field(default_factory=list)


def run_load(name: str, base_url: str, plan_file: Path, folder: Path, fault: Fault | None) -> dict:
    results_file = folder / f"results-{name.replace(' ', '-')}.json"
    run_number = len(list(folder.glob("results-*.json")))
    # Each run adds measurements for periods no earlier run used.
    environment = {**os.environ, "BENCH_PLAN": str(plan_file), "BENCH_RESULTS": str(results_file),
                   "BENCH_FIRST_PERIOD_DAY": str(run_number * 20_000)}
    locust = subprocess.Popen(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
         "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{SECONDS}s", "--host", base_url,
         "--only-summary", "--loglevel", "ERROR", "--stop-timeout", "10"],
        env=environment, cwd=folder, stdout=subprocess.DEVNULL, stderr=open(folder / "locust.log", "ab"))
    if fault is not None:
        def trigger() -> None:
            time.sleep(fault.begins_after)
            fault.began_at = time.time()
            fault.notes = fault.act(fault)
        thread = threading.Thread(target=trigger)
        thread.start()
        thread.join()
    locust.wait(timeout=SECONDS + 120)
    return json.loads(results_file.read_text())


def report(title: str, results: dict, database_url: str, fault: Fault | None, p99_target: bool = True) -> bool:
    requests, acknowledged = results["requests"], results["acknowledged"]
    lost = lost_writes(database_url, acknowledged)
    errors = {status: count for status, count in statuses(requests).items() if status >= 400 or status == 0}
    print(f"\n== {title}: {USERS} users for {SECONDS} s (machine load average now {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores) ==")
    print(f"  requests: {len(requests)}   errors by status: {errors or 'none'}   "
          f"(0 means no answer: connection refused or reset)")
    print("\n".join(percentile_table(requests)))
    for refusal, message in sorted(results["refusals"].items()):
        print(f"  first {refusal} said: {message}")
    kinds = {kind: sum(1 for write in acknowledged if write["kind"] == kind) for kind in WRITES}
    print(f"  acknowledged writes: {len(acknowledged)} ({', '.join(f'{k}: {v}' for k, v in kinds.items())})")
    print(f"  lost writes: {len(lost)}" + (f" e.g. {lost[:3]}" if lost else ""))
    p99 = write_p99(requests)
    print(f"  p99 of writes: {p99:.0f} ms" + (f" (target under {WRITE_P99_TARGET_MS} ms)" if p99_target else ""))
    if fault is not None:
        began, ended = fault.began_at, fault.recovered_at
        print(f"  during the fault ({ended - began:.1f} s): statuses {statuses(requests, began, ended)}")
        print(f"  after it: statuses {statuses(requests, ended)}")
        for line in fault.notes:
            print(f"  {line}")
        return not lost and not any(status >= 400 or status == 0 for status in statuses(requests, ended + 2))
    return not errors and not lost and (p99 < WRITE_P99_TARGET_MS or not p99_target)


def main() -> None:
    if os.environ.get("BENCH_EMBEDDED", "") not in ("", "0"):
        main_embedded()
        return
    faults = os.environ.get("BENCH_FAULTS", "") not in ("", "0")
    folder = Path(tempfile.mkdtemp(prefix="localvision-load-"))
    folder.chmod(0o755)
    postgres, redis = OwnPostgres(folder), OwnRedis(folder)
    instance = folder / "instance"
    instance.mkdir()
    environment = {
        **os.environ, "LOCALVISION_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": postgres.url, "REDIS_URL": redis.url, "PYTHONPATH": str(ROOT / "platform"),
        "PUBLIC_URL": "http://127.0.0.1",
        # Fifty people sign in from one loopback address within seconds.
        "SIGN_IN_RATE_LIMIT": "1000 per minute",
    }
    processes = Processes(environment, instance)
    passed = True
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        postgres.create()
        cleanup.callback(lambda: postgres.stop() if (postgres.data / "postmaster.pid").exists() else None)
        redis.start()
        cleanup.callback(redis.stop)
        cleanup.callback(processes.stop_all)
        plan = build_partnership(environment, instance)
        plan_file = folder / "plan.json"
        plan_file.write_text(json.dumps(plan))
        port = free_port()
        processes.start("gunicorn", [
            sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
            "--log-level", "warning", f"localvision:create_app(instance_path='{instance}')"])
        processes.start_worker()
        processes.start("scheduler", [sys.executable, "-m", "flask", "--app", "localvision", "schedule"])
        base_url = f"http://127.0.0.1:{port}"
        wait_for(lambda: urllib.request.urlopen(f"{base_url}/api/v1/", timeout=5).status == 200, "gunicorn", 180)
        seat_everyone(base_url, plan, plan_file,
                      f"gunicorn {WORKERS} sync workers (production configuration), an RQ worker and the scheduler, "
                      f"on PostgreSQL {postgres.port} and Redis {redis.port} of this run's own; Locust")

        passed &= report("plain run", run_load("plain", base_url, plan_file, folder, None), postgres.url, None)
        if faults:
            for fault in fault_plan(postgres, redis, processes, plan["project_id"]):
                passed &= report(fault.name, run_load(fault.name, base_url, plan_file, folder, fault),
                                 postgres.url, fault)
    print("\nall targets met" if passed else "\nsome targets were missed (see above)")
    sys.exit(0 if passed else 1)


def main_embedded() -> None:
    """The mix against `flask serve` on the embedded defaults, as `make run` serves it."""
    folder = Path(tempfile.mkdtemp(prefix="localvision-load-embedded-"))
    instance = folder / "instance"
    instance.mkdir()
    environment = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")}
    environment.update({"LOCALVISION_ENV": "development", "INSTANCE_PATH": str(instance),
                        "PYTHONPATH": str(ROOT / "platform"), "SIGN_IN_RATE_LIMIT": "1000 per minute"})
    processes = Processes(environment, instance)
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        cleanup.callback(processes.stop_all)
        plan = build_partnership(environment, instance)
        plan_file = folder / "plan.json"
        port = free_port()
        processes.start("serve", [sys.executable, "-m", "flask", "--app", "localvision", "serve", "--port", str(port)])
        base_url = f"http://127.0.0.1:{port}"
        wait_for(lambda: urllib.request.urlopen(f"{base_url}/api/v1/", timeout=5).status == 200, "flask serve", 120)
        seat_everyone(base_url, plan, plan_file,
                      "flask serve (the threaded development server), its RQ worker and the scheduler, on SQLite "
                      "and an embedded Redis server, as `make run` starts them; Locust")
        database_url = f"sqlite:///{instance / 'localvision.sqlite'}"
        passed = report("embedded defaults", run_load("embedded", base_url, plan_file, folder, None), database_url,
                        None, p99_target=False)
    print("\nall targets met" if passed else "\nsome targets were missed (see above)")
    sys.exit(0 if passed else 1)


def fault_plan(postgres: OwnPostgres, redis: OwnRedis, processes: Processes, project_id: int) -> list[Fault]:
    def stop_redis(fault: Fault) -> list[str]:
        before = summary_state(postgres.url, project_id)
        redis.stop()
        time.sleep(20)
        redis.start()
        fault.recovered_at = time.time()
        stopped_state = summary_state(postgres.url, project_id)
        survivors = {name: processes.running[name].poll() is None for name in ("gunicorn", "worker", "scheduler")}
        lines = [f"summary (changes requested, computed, computed at) when Redis stopped: {before}",
                 f"when it came back 20 s later: {stopped_state}",
                 "processes still running after the outage: "
                 + ", ".join(f"{name} {'yes' if alive else 'NO'}" for name, alive in survivors.items())]
        if not survivors["worker"]:
            # Nothing in the product restarts a worker that lost Redis; a supervisor would.
            processes.start_worker()
            lines.append("the worker had exited when it lost Redis: started a new one, as a supervisor would")
        # The scheduler's sweep runs each minute; give it two.
        waited, after = wait_for_summary(postgres.url, project_id, 150)
        return lines + [f"{waited:.0f} s later: {after}: "
                        + ("caught up" if after[1] >= stopped_state[0] else "NOT caught up")]

    def kill_worker(fault: Fault) -> list[str]:
        from redis import Redis
        from rq.registry import StartedJobRegistry

        connection = Redis.from_url(redis.url)
        registry = StartedJobRegistry("default", connection=connection)
        deadline = time.monotonic() + 20
        while not registry.get_job_ids() and time.monotonic() < deadline:
            time.sleep(0.01)
        running = registry.get_job_ids()
        before = summary_state(postgres.url, project_id)
        processes.running["worker"].send_signal(signal.SIGKILL)
        processes.running["worker"].wait()
        time.sleep(5)
        processes.start_worker()
        fault.recovered_at = time.time()
        waited, after = wait_for_summary(postgres.url, project_id, 150)
        connection.close()
        return [f"worker SIGKILLed while running job(s) {running or 'none (it was idle)'}",
                f"summary (changes requested, computed, computed at) then: {before}",
                f"a new worker started 5 s later; {waited:.0f} s after that: {after}: "
                + ("every change computed, the killed job's work redone" if after[1] >= before[0] else "NOT redone")]

    def restart_postgres(fault: Fault) -> list[str]:
        postgres.stop()
        time.sleep(5)
        postgres.start()
        fault.recovered_at = time.time()
        return ["PostgreSQL stopped (fast) and started again after 5 s"]

    return [Fault("Redis stopped for 20 s", 15, stop_redis),
            Fault("worker SIGKILLed", 15, kill_worker),
            Fault("PostgreSQL restarted", 20, restart_postgres)]


if __name__ == "__main__":
    main()
