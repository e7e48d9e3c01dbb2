"""How long the Monday-morning digest run takes, and how much memory its worker needs, for
10,000 people in 500 projects after a week of work.

Run with `make bench-digest`. It creates a database of its own on the PostgreSQL server
of BENCH_DATABASE_URL (else TEST_DATABASE_URL), fills it with COPY, queues the digest job
for Monday 07:30 in London (a fifth of the people chose a daily digest, the rest the weekly
default, so both are due), runs it in one real RQ worker process whose resident memory is
sampled with psutil, and drops the database at the end. Without a mail server the
messages are held in the outbox, so the figure is the digest job's, not SMTP's.
The last line printed is the figures against the target.
"""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psutil
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "bench"))

from machine import load_average  # noqa: E402
from scratch_database import scratch_database  # noqa: E402

from localvision import create_app  # noqa: E402
from localvision.extensions import db  # noqa: E402
from localvision.job_queue import enqueue, get_queue  # noqa: E402
from localvision.domain.markdown_text import render_markdown  # noqa: E402
from localvision.schema import build_schema  # noqa: E402
from localvision.services.digests import send_digests  # noqa: E402

PEOPLE = 10_000
PROJECTS = 500
PARTNERS_PER_PROJECT = 5
# Most people work in one partnership; some in two.
SECOND_PROJECT_SHARE = 0.2
DAILY_SHARE = 0.2
OPEN_DECISIONS_PER_PROJECT = 6
EVENTS_PER_PROJECT_PER_WEEK = 80
OPEN_ACTIONS_PER_PROJECT = 10
# COPY bypasses the model, which renders a rationale when it is set.
RATIONALE = "Confidential rationale"
RATIONALE_HTML = render_markdown(RATIONALE)
DIGEST_NOTIFICATIONS_PER_PERSON = 1
MONDAY_MORNING = datetime(2026, 11, 30, 7, 30, tzinfo=timezone.utc)
WEEK_START = datetime(2026, 11, 23, 0, 0, tzinfo=timezone.utc)
TARGET_SECONDS, TARGET_MB = 60, 250
WORKER = ("from localvision import create_app; from localvision.jobs.worker import build_worker; "
          "build_worker(create_app()).work(burst=True)")
EVENT_KINDS = [("decision.proposed", "proposed", "Decision"), ("decision.position_recorded", "position recorded", "Decision"),
               ("decision.commented", "commented", "DecisionComment"), ("action.added", "action added", "Action"),
               ("measurement.added", "added", "Measurement")]


def copy_rows(connection, table: str, columns: list[str], rows) -> None:
    """Stream rows into a table with COPY, a megabyte at a time."""
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
            if buffer.tell() > 1 << 20:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def build(connection) -> None:
    rng = random.Random(14)
    organisations = PROJECTS * PARTNERS_PER_PROJECT
    copy_rows(connection, "organisations", ["id", "name", "sector"],
              ((org, f"Organisation {org}", rng.choice(["nhs", "police", "local_authority", "voluntary_and_community"]))
               for org in range(1, organisations + 1)))
    home = {person: (person - 1) % PROJECTS + 1 for person in range(1, PEOPLE + 1)}

    def organisation_of(person: int) -> int:
        project = home[person]
        return (project - 1) * PARTNERS_PER_PROJECT + (person // PROJECTS) % PARTNERS_PER_PROJECT + 1

    copy_rows(connection, "users", ["id", "email", "name", "password_hash", "organisation_id",
                                    "organisation_confirmed_at"],
              ((person, f"person{person}@bench.example", f"Person {person}", "x", organisation_of(person),
                "2026-01-01 00:00:00+00") for person in range(1, PEOPLE + 1)))
    copy_rows(connection, "projects", ["id", "slug", "title", "place", "theme", "summary", "phase", "decision_rule"],
              ((project, f"project-{project}", f"Partnership {project}", "Plymouth", "Street drinking", "", "deliver",
                "consensus") for project in range(1, PROJECTS + 1)))
    partners = {project: [(project - 1) * PARTNERS_PER_PROJECT + n + 1 for n in range(PARTNERS_PER_PROJECT)]
                for project in range(1, PROJECTS + 1)}
    copy_rows(connection, "project_partners", ["project_id", "organisation_id", "role"],
              ((project, org, "lead_partner" if n == 0 else "partner")
               for project, orgs in partners.items() for n, org in enumerate(orgs)))
    members = {project: [] for project in partners}
    for person, project in home.items():
        members[project].append(person)
    second = {person: rng.randint(1, PROJECTS) for person in home if rng.random() < SECOND_PROJECT_SHARE}
    for person, project in second.items():
        if project != home[person]:
            members[project].append(person)
    copy_rows(connection, "project_memberships", ["project_id", "user_id", "role"],
              ((project, person, "lead" if n == 0 else "member")
               for project, people in members.items() for n, person in enumerate(people)))
    copy_rows(connection, "notification_settings", ["user_id", "digest_frequency"],
              ((person, "daily") for person in home if rng.random() < DAILY_SHARE))

    decision_id = 0
    decision_rows, counted, positions, actions = [], [], [], []
    for project, orgs in partners.items():
        for number in range(OPEN_DECISIONS_PER_PROJECT):
            decision_id += 1
            proposer = members[project][number % len(members[project])]
            decision_rows.append((decision_id, project, f"Fund outreach worker {number}", RATIONALE, RATIONALE_HTML,
                                  "grant", proposer, organisation_of(proposer) if home[proposer] == project else orgs[0],
                                  date(2026, 11, 20), date(2026, 12, 11), "open", "consensus"))
            counted += [(decision_id, org) for org in orgs]
            positions += [(decision_id, org, "support", "", members[project][0]) for org in orgs[:2]]
        for number in range(OPEN_ACTIONS_PER_PROJECT):
            owner = members[project][number % len(members[project])]
            actions.append((decision_id, f"Follow-up {number}", owner, date(2026, 11, 25) + timedelta(days=number),
                            "open", owner))
    copy_rows(connection, "decisions", ["id", "project_id", "title", "rationale", "rationale_html", "category", "proposer_id",
                                        "proposing_organisation_id", "opens_on", "closes_on", "status", "decision_rule"],
              decision_rows)
    copy_rows(connection, "decision_counted_partners", ["decision_id", "organisation_id"], counted)
    copy_rows(connection, "positions", ["decision_id", "organisation_id", "stance", "reasons", "recorded_by_id"], positions)
    copy_rows(connection, "actions", ["decision_id", "title", "owner_id", "due_on", "status", "created_by_id"], actions)

    def events():
        for project in partners:
            for number in range(EVENTS_PER_PROJECT_PER_WEEK):
                kind, action, object_type = EVENT_KINDS[number % len(EVENT_KINDS)]
                actor = members[project][number % len(members[project])]
                moment = WEEK_START + timedelta(seconds=rng.randint(0, 7 * 24 * 3600 - 1))
                first_decision = (project - 1) * OPEN_DECISIONS_PER_PROJECT + 1
                payload = '{"decision_id": %d, "organisation_id": %d}' % (
                    first_decision + number % OPEN_DECISIONS_PER_PROJECT, partners[project][number % PARTNERS_PER_PROJECT])
                yield (project, actor, organisation_of(actor), moment.isoformat(), kind, action, object_type,
                       number + 1, f"Thing {number}", payload)

    copy_rows(connection, "audit_events", ["project_id", "actor_id", "actor_organisation_id", "occurred_at", "kind",
                                           "action", "object_type", "object_id", "object_label", "payload"], events())

    def waiting():
        for person, project in home.items():
            for number in range(DIGEST_NOTIFICATIONS_PER_PERSON):
                yield (person, project, "indicator.stale", f"An indicator of partnership {project} has no recent figure",
                       f"/projects/project-{project}/indicators/1", "Indicator", number + 1,
                       f"bench:{number}", "digest", (WEEK_START + timedelta(days=2)).isoformat())

    copy_rows(connection, "notifications", ["user_id", "project_id", "kind", "headline", "link", "object_type",
                                            "object_id", "dedupe_key", "delivery", "created_at"], waiting())
    connection.commit()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run_worker(environment: dict) -> tuple[float, float]:
    """One worker until the queue is empty: its wall time and its peak resident memory in MB,
    sampled every 20 ms."""
    started = time.perf_counter()
    worker = subprocess.Popen([sys.executable, "-c", WORKER], env=environment, stderr=subprocess.DEVNULL)
    process = psutil.Process(worker.pid)
    peak = 0
    while worker.poll() is None:
        try:
            peak = max(peak, process.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.02)
    if worker.returncode != 0:
        sys.exit("the worker failed; run it by hand to see why")
    return time.perf_counter() - started, peak / (1 << 20)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as instance, scratch_database("digest") as database_url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench",
                          "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "")}, instance_path=instance)
        with app.app_context():
            build_schema()
            db.session.remove()
            started = time.perf_counter()
            raw = db.engine.raw_connection()
            try:
                build(raw.driver_connection)
            finally:
                raw.close()
            with db.engine.connect() as connection:
                events = connection.scalar(text("SELECT count(*) FROM audit_events"))
                memberships = connection.scalar(text("SELECT count(*) FROM project_memberships"))
            print(f"built {PEOPLE:,} people ({memberships:,} memberships) in {PROJECTS} projects, "
                  f"{events:,} events in the week, in {time.perf_counter() - started:.1f} s", flush=True)
            queue = get_queue()
            queue.connection.flushdb()
            environment = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=app.config["REDIS_URL"],
                               SECRET_KEY="bench", PYTHONPATH=str(ROOT / "platform"))
            environment.pop("MAIL_URL", None)
            job = enqueue(send_digests, MONDAY_MORNING.isoformat())
            load_before = load_average()
            seconds, peak_mb = run_worker(environment)
            load_after = load_average()
            job.refresh()
            if job.get_status() != "finished":
                sys.exit(f"the digest job ended {job.get_status()}")
            job_seconds = (job.ended_at - job.started_at).total_seconds()
            with db.engine.connect() as connection:
                sent = connection.scalar(text("SELECT count(*) FROM digests_sent"))
                messages = connection.scalar(text("SELECT count(*) FROM outbox_messages"))
            # A second run the same morning finds every digest sent.
            enqueue(send_digests, (MONDAY_MORNING + timedelta(minutes=30)).isoformat())
            run_worker(environment)
            with db.engine.connect() as connection:
                after_rerun = connection.scalar(text("SELECT count(*) FROM outbox_messages"))
            queue.connection.flushdb()
            db.session.remove()
            db.engine.dispose()
    print(f"digests sent: {sent:,} ({messages:,} messages in the outbox); after a second run the same morning, "
          f"{after_rerun:,} messages")
    print(f"before: {load_before}\nafter: {load_after}")
    print(f"digest run: job {job_seconds:.1f} s, worker process {seconds:.1f} s, worker peak memory {peak_mb:.0f} MB "
          f"(target under {TARGET_SECONDS} s with one worker and under {TARGET_MB} MB)")


if __name__ == "__main__":
    main()
