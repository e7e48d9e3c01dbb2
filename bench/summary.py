"""How long the contribution summary job takes on a very large partnership, against the
lower bound of one SQL query, at a quarter of the benchmark's size, at its size and at four
times it, and how it scales from one worker to two.

Run with `make bench-summary`. It creates a database of its own on the PostgreSQL server
of BENCH_DATABASE_URL (else TEST_DATABASE_URL), fills it with COPY, runs the real job in
real RQ workers (separate processes, as in production) and drops the database at the end.
The last line printed is the ratio of the job's time to the lower bound's.
"""
from __future__ import annotations

import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "bench"))

from machine import busy_cpu_seconds, load_average  # noqa: E402
from scratch_database import scratch_database  # noqa: E402

from localvision import create_app  # noqa: E402
from localvision.domain.vocabulary import (  # noqa: E402
    ContributionKind,
    DecisionStance,
    DecisionStatus,
    Sector,
)
from localvision.extensions import db  # noqa: E402
from localvision.job_queue import enqueue, get_queue  # noqa: E402
from localvision.schema import build_schema  # noqa: E402
from localvision.summaries import totals  # noqa: E402
from localvision.summaries.recompute import recompute_project_summary  # noqa: E402

ORGANISATIONS = 200
DECISIONS = 20_000
CONTRIBUTIONS_PER_DECISION = 10
POSITIONS_PER_DECISION = 10
ACTIONS_PER_DECISION = 2
SMALL_PROJECTS = 200
INDICATORS = 50
MEASUREMENTS_PER_INDICATOR = 2000
JOB_RUNS = 7
STATUSES = [DecisionStatus.AGREED] * 14 + [DecisionStatus.NOT_AGREED, DecisionStatus.OPEN, DecisionStatus.OPEN,
                                            DecisionStatus.DEFERRED, DecisionStatus.WITHDRAWN, DecisionStatus.NOT_AGREED]
# The worker runs jobs in its own process (AppWorker) and prints its peak resident size in
# kilobytes: VmHWM, not getrusage's ru_maxrss, which Linux carries over from the parent
# across fork and exec, so it reported this benchmark's own size (it grows with the data it
# has just built) rather than the worker's. It says it is ready once started and waits for
# the word to go, so two workers' speed-up is of both at work, not of one working while the
# other still imports the app.
WORKER = ("import re, sys; from localvision import create_app; from localvision.jobs.worker import build_worker; "
          "worker = build_worker(create_app()); print('ready', flush=True); sys.stdin.readline(); "
          "worker.work(burst=True); "
          "print(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))")
SIZES = (DECISIONS // 4, DECISIONS, DECISIONS * 4)

LOWER_BOUND = text(
    "SELECT c.organisation_id, SUM(c.amount) FROM contributions c JOIN decisions d ON d.id = c.decision_id "
    "WHERE d.project_id = :project_id GROUP BY c.organisation_id"
)


def copy_rows(connection, table: str, columns: list[str], rows) -> None:
    """Stream rows into a table with COPY: the only way to load a million rows in seconds."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def next_id(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def fill_project(connection, project_id: int, organisation_ids: list[int], user_of: dict[int, int], decisions: int,
                 rng: random.Random) -> None:
    """Decisions with contributions, positions and actions for one project."""
    first = next_id(connection, "decisions")
    start = date(2023, 1, 1)
    decision_rows, closed = [], {}
    for number in range(decisions):
        status = rng.choice(STATUSES)
        opens = start + timedelta(days=number % 1000)
        closed_at = None if status == DecisionStatus.OPEN else datetime.combine(opens + timedelta(days=21),
                                                                                datetime.min.time(), timezone.utc)
        proposer_org = rng.choice(organisation_ids)
        decision_rows.append((first + number, project_id, f"Decision {number}", "", "", "pooled_budget", user_of[proposer_org],
                              proposer_org, opens, opens + timedelta(days=21), status.value,
                              "t" if rng.random() < 0.1 else "f", closed_at, "consensus"))
        closed[first + number] = closed_at
    copy_rows(connection, "decisions", ["id", "project_id", "title", "rationale", "rationale_html", "category", "proposer_id",
                                        "proposing_organisation_id", "opens_on", "closes_on", "status",
                                        "is_commercially_sensitive", "closed_at", "decision_rule"], decision_rows)
    kinds = list(ContributionKind)
    stances = list(DecisionStance)

    def contributions():
        for decision_id in closed:
            for org in rng.sample(organisation_ids, min(CONTRIBUTIONS_PER_DECISION, len(organisation_ids))):
                kind = rng.choice(kinds)
                if kind == ContributionKind.STAFF_TIME:
                    hours, rate = Decimal(rng.randint(1, 400)), Decimal(rng.randint(2000, 9000)) / 100
                    amount = (hours * rate).quantize(Decimal("0.01"))
                else:
                    hours = rate = None
                    amount = Decimal(rng.randint(10_000, 10_000_000)) / 100
                yield decision_id, org, kind.value, amount, hours, rate, "", user_of[org]

    copy_rows(connection, "contributions", ["decision_id", "organisation_id", "kind", "amount", "hours", "hourly_cost",
                                            "description", "recorded_by_id"], contributions())

    def positions():
        for decision_id in closed:
            for org in rng.sample(organisation_ids, min(POSITIONS_PER_DECISION, len(organisation_ids))):
                yield decision_id, org, rng.choice(stances).value, "Reasons", user_of[org]

    copy_rows(connection, "positions", ["decision_id", "organisation_id", "stance", "reasons", "recorded_by_id"],
              positions())

    def actions():
        for decision_id in closed:
            for _ in range(ACTIONS_PER_DECISION):
                owner = user_of[rng.choice(organisation_ids)]
                yield (decision_id, "Follow up", owner, date(2024, 1, 1) + timedelta(days=rng.randint(0, 1500)),
                       rng.choice(["open", "done", "dropped"]), owner)

    copy_rows(connection, "actions", ["decision_id", "title", "owner_id", "due_on", "status", "created_by_id"],
              actions())


def add_indicators(connection, project_id: int, organisation_ids: list[int], rng: random.Random) -> None:
    """Indicators with a long monthly series each, and a third of the decisions aimed at one."""
    first = next_id(connection, "indicators")
    copy_rows(connection, "indicators", ["id", "project_id", "name", "description", "unit", "decimal_places",
                                         "direction", "baseline_value", "baseline_date", "target_value", "target_date",
                                         "source", "frequency", "owner_organisation_id"],
              ((first + n, project_id, f"Indicator {n}", "", "count", 0, rng.choice(["higher", "lower"]),
                1000, date(1860, 1, 1), 1500, date(2030, 1, 1), "", "monthly", rng.choice(organisation_ids))
               for n in range(INDICATORS)))

    def measurements():
        for indicator_id in range(first, first + INDICATORS):
            for month in range(MEASUREMENTS_PER_INDICATOR):
                yield indicator_id, date(1860 + month // 12, month % 12 + 1, 1), rng.randint(900, 1600), "", ""

    copy_rows(connection, "measurements", ["indicator_id", "period", "value", "note", "source"], measurements())
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM decisions WHERE project_id = %s", (project_id,))
        decision_ids = [row[0] for row in cursor.fetchall()]
    copy_rows(connection, "decision_indicators", ["decision_id", "indicator_id"],
              ((decision_id, rng.randrange(first, first + INDICATORS))
               for decision_id in rng.sample(decision_ids, len(decision_ids) // 3)))


def build(database_url: str, decisions: int) -> tuple[int, list[int]]:
    """The large project and the small ones; returns their ids."""
    rng = random.Random(2026)
    engine = create_engine(database_url)
    raw = engine.raw_connection()
    connection = raw.driver_connection
    sectors = list(Sector)
    copy_rows(connection, "organisations", ["id", "name", "sector"],
              ((n + 1, f"Organisation {n:03d}", sectors[n % len(sectors)].value) for n in range(ORGANISATIONS)))
    copy_rows(connection, "users", ["id", "email", "name", "password_hash", "organisation_id"],
              ((n + 1, f"person{n}@bench.example", f"Person {n}", "not-for-signing-in", n + 1)
               for n in range(ORGANISATIONS)))
    organisation_ids = list(range(1, ORGANISATIONS + 1))
    user_of = {org: org for org in organisation_ids}
    copy_rows(connection, "projects", ["id", "slug", "title", "place", "theme", "summary", "phase", "is_published",
                                       "decision_rule"],
              ((n, f"project-{n}", f"Project {n}", "Benchmark", "Scale", "", "deliver", "f" if n == 1 else "t", "consensus")
               for n in range(1, SMALL_PROJECTS + 2)))
    copy_rows(connection, "project_partners", ["project_id", "organisation_id", "role", "joined_at"],
              ((1, org, "partner", "2022-01-01") for org in organisation_ids))
    fill_project(connection, 1, organisation_ids, user_of, decisions, rng)
    add_indicators(connection, 1, organisation_ids, rng)
    small_projects = list(range(2, SMALL_PROJECTS + 2))
    for project_id in small_projects:
        partners = rng.sample(organisation_ids, 12)
        copy_rows(connection, "project_partners", ["project_id", "organisation_id", "role", "joined_at"],
                  ((project_id, org, "partner", "2022-01-01") for org in partners))
        fill_project(connection, project_id, partners, user_of, 40, rng)
    with connection.cursor() as cursor:
        for table in ("organisations", "users", "projects", "decisions", "indicators"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    connection.commit()
    raw.close()
    # COPY bypasses the application, so the running totals are built as after any bulk write.
    with engine.begin() as totals_connection:
        for project_id in [1, *small_projects]:
            totals.rebuild_project(totals_connection, project_id)
    raw = engine.raw_connection()
    raw.driver_connection.autocommit = True
    with raw.driver_connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    raw.close()
    engine.dispose()
    return 1, small_projects


def run_workers(count: int, environment: dict) -> tuple[float, float]:
    """Run workers until the queue is empty, all starting work at once; returns the peak
    memory of any, in MB, and how many cores the machine kept busy while they worked."""
    workers = [subprocess.Popen([sys.executable, "-c", WORKER], env=environment, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) for _ in range(count)]
    for worker in workers:
        if worker.stdout.readline().strip() != "ready":
            sys.exit("a worker failed to start; run it by hand to see why")
    busy_before, started = busy_cpu_seconds(), time.perf_counter()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    peak_kb = 0
    for worker in workers:
        output, _ = worker.communicate()
        if worker.returncode != 0:
            sys.exit("a worker failed; run it by hand to see why")
        peak_kb = max(peak_kb, int(output.split()[-1]))
    return peak_kb / 1024, (busy_cpu_seconds() - busy_before) / (time.perf_counter() - started)


def job_seconds(jobs) -> list[float]:
    for job in jobs:
        job.refresh()
        if job.get_status() != "finished":
            sys.exit(f"job {job.id} ended {job.get_status()}: {job.latest_result().exc_string if job.latest_result() else ''}")
    return [(job.ended_at - job.started_at).total_seconds() for job in jobs]


def measure(decisions: int, with_speed_up: bool) -> dict:
    """Build a partnership of this many decisions in a scratch database and time the job on it."""
    result = {"decisions": decisions}
    with tempfile.TemporaryDirectory(prefix="bench-summary-") as instance, scratch_database("summary") as database_url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                          "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "")}, instance_path=instance)
        with app.app_context():
            build_schema()
            db.session.remove()
            started = time.perf_counter()
            large, small = build(database_url, decisions)
            print(f"built 1 project of {ORGANISATIONS} partners, {decisions:,} decisions, "
                  f"{decisions * CONTRIBUTIONS_PER_DECISION:,} contributions, {decisions * POSITIONS_PER_DECISION:,} "
                  f"positions, {INDICATORS} indicators of {MEASUREMENTS_PER_INDICATOR:,} measurements, "
                  f"and {SMALL_PROJECTS} small projects in {time.perf_counter() - started:.1f} s", flush=True)
            queue = get_queue()
            queue.connection.flushdb()
            environment = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=app.config["REDIS_URL"],
                               SECRET_KEY="bench", PYTHONPATH=str(ROOT / "platform"))

            jobs = [enqueue(recompute_project_summary, large) for _ in range(JOB_RUNS)]
            result["peak_mb"], _ = run_workers(1, environment)
            result["job"] = statistics.median(job_seconds(jobs))

            lower_bound_times = []
            with db.engine.connect() as connection:
                for _ in range(JOB_RUNS):
                    started = time.perf_counter()
                    connection.execute(LOWER_BOUND, {"project_id": large}).all()
                    lower_bound_times.append(time.perf_counter() - started)
            result["lower_bound"] = statistics.median(lower_bound_times)

            if with_speed_up:
                elapsed, busy_cores = {}, {}
                for count in (1, 2):
                    queue.connection.flushdb()
                    small_jobs = [enqueue(recompute_project_summary, project_id) for project_id in small]
                    _, busy_cores[count] = run_workers(count, environment)
                    job_seconds(small_jobs)
                    elapsed[count] = (max(job.ended_at for job in small_jobs)
                                      - min(job.started_at for job in small_jobs)).total_seconds()
                result["elapsed"], result["busy_cores"] = elapsed, busy_cores
            queue.connection.flushdb()
            db.session.remove()
            db.engine.dispose()
    return result


def main() -> None:
    print(f"before: {load_average()}", flush=True)
    results = [measure(decisions, with_speed_up=decisions == DECISIONS) for decisions in SIZES]
    print(f"after: {load_average()}")
    print(f"summary job on the large project (median of {JOB_RUNS} runs), against the lower bound of one query "
          f"summing its contributions by organisation:")
    for result in results:
        print(f"{result['decisions']:>7,} decisions: job {result['job'] * 1000:5.0f} ms, lower bound "
              f"{result['lower_bound'] * 1000:4.0f} ms, ratio {result['job'] / result['lower_bound']:5.2f}, "
              f"worker peak memory {result['peak_mb']:.0f} MB")
    base = results[1]
    elapsed = base["elapsed"]
    busy = base["busy_cores"]
    # One worker's jobs also keep PostgreSQL and Redis busy: with one worker already using
    # more than one core, two cannot be twice as fast on this machine's two.
    print(f"{SMALL_PROJECTS} small projects: one worker {elapsed[1]:.2f} s keeping {busy[1]:.2f} cores busy, "
          f"two workers {elapsed[2]:.2f} s keeping {busy[2]:.2f} busy, speed-up {elapsed[1] / elapsed[2]:.2f} "
          f"(target at least 1.8)")
    print(f"ratio job / lower bound at {DECISIONS:,} decisions: {base['job'] / base['lower_bound']:.2f} "
          f"(target at most 2, job under 250 ms; at four times the size under 500 ms and 250 MB)")


if __name__ == "__main__":
    main()
