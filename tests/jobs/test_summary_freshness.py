"""Summaries stay fresh: one recompute per burst of changes, nothing lost while Redis is
away, a worker that loses Redis mid-job carries on when it returns, and a worker killed
mid-job leaves the previous snapshot in place."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import create_engine, text

import factories
from localvision import create_app, job_queue
from localvision.domain.vocabulary import PartnerRole, Sector
from localvision.extensions import db
from localvision.jobs.schedule import NIGHTLY_RECOMPUTE, SWEEP_INTERVAL_SECONDS, build_scheduler
from localvision.jobs.worker import build_worker
from localvision.models import Project, ProjectPartner
from localvision.models.summaries import ProjectSummary
from localvision.schema import build_schema
from localvision.summaries.recompute import recompute_all_summaries, sweep_stale_summaries
from support import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    invite_and_accept,
    kill_a_worker_once_it_waits_for_a_lock,
    separate_database,
    settings_for_tests,
    start_worker_process,
    wait_until_someone_waits_for_a_lock,
)


def run_worker(app) -> None:
    build_worker(app).work(burst=True)
    db.session.expire_all()


def queued_functions(redis: Redis) -> list[str]:
    return [job.func_name for job in Queue("default", connection=redis).get_jobs()]


def add_partner(project, sector=Sector.POLICE):
    db.session.add(ProjectPartner(project=project, organisation=factories.organisation(sector=sector),
                                  role=PartnerRole.PARTNER))
    db.session.commit()


def test_a_burst_of_changes_runs_one_recompute(app, session, redis):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    run_worker(app)
    assert not session.get(ProjectSummary, project.id).is_pending

    for _ in range(5):
        add_partner(project)

    summary = session.get(ProjectSummary, project.id)
    assert summary.is_pending and summary.changes_requested - summary.changes_computed == 5
    assert queued_functions(redis) == ["localvision.summaries.recompute.recompute_project_summary"]
    run_worker(app)
    summary = session.get(ProjectSummary, project.id)
    assert not summary.is_pending
    assert summary.figures["partners"] == 6


POSTGRESQL_ONLY = pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                                     reason="needs PostgreSQL (TEST_DATABASE_URL) for row locks between connections")
RECOMPUTE = "localvision.summaries.recompute.recompute_project_summary"


def wait_until_waiting_for_locks(engine, count: int) -> None:
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'")
    with engine.connect() as watcher:
        for _ in range(300):
            if watcher.execute(waiting).scalar() >= count:
                return
            watcher.rollback()  # activity statistics are read once per transaction
            time.sleep(0.05)
    pytest.fail(f"{count} statements never queued for the summary row")


@POSTGRESQL_ONLY
@pytest.mark.parametrize("change_first", [True, False], ids=["change saved before the recompute writes",
                                                          "change waits for the recompute's write"])
def test_a_change_during_a_recompute_queues_exactly_one_more(tmp_path, change_first):
    with separate_database("change_during_recompute", tmp_path) as database_url:
        app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url},
                         instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            project = factories.project(lead=factories.user())
            db.session.commit()
            project_id = project.id
            run_worker(app)
            add_partner(db.session.get(Project, project_id))
            assert queued_functions(redis) == [RECOMPUTE]
            db.session.remove()

        def change_the_project() -> None:
            with app.app_context():
                add_partner(db.session.get(Project, project_id), Sector.HOUSING)
                db.session.remove()

        engine = create_engine(database_url)
        blocker = engine.connect()
        # Holding the snapshot row stops the recompute where it writes its figures, after it
        # has read how many changes it covers, and stops the change where it marks the row.
        # Whichever queued first for the row gets it first: the change is saved while the
        # recompute runs, or while the recompute holds the row it is replacing.
        blocker.execute(text("SELECT * FROM project_summaries WHERE project_id = :id FOR UPDATE"), {"id": project_id})
        change = threading.Thread(target=change_the_project)
        if change_first:
            change.start()
            wait_until_waiting_for_locks(engine, 1)

        def let_both_meet() -> None:
            try:
                if not change_first:
                    wait_until_waiting_for_locks(engine, 1)
                    change.start()
                wait_until_waiting_for_locks(engine, 2)
            finally:
                blocker.rollback()

        release = threading.Thread(target=let_both_meet)
        release.start()
        # RQ installs signal handlers, so the worker runs on the main thread.
        build_worker(app).work(burst=True, max_jobs=1)
        release.join(timeout=30)
        change.join(timeout=30)
        blocker.close()

        with app.app_context():
            assert queued_functions(redis).count(RECOMPUTE) == 1
            summary = db.session.get(ProjectSummary, project_id)
            assert summary.figures["partners"] == 2  # the held recompute saw the first change only
            assert summary.changes_requested - summary.changes_computed == 1
            run_worker(app)
            done = db.session.get(ProjectSummary, project_id)
            assert not done.is_pending and done.figures["partners"] == 3
            redis.flushdb()
            db.session.remove()
            db.engine.dispose()
        engine.dispose()


def test_the_project_page_says_a_recompute_is_pending_and_htmx_fetches_the_result(app, client_for, session, redis):
    lead = factories.user()
    project = factories.project(lead=lead, published=True)
    session.commit()
    client = client_for(None)

    page = client.get(f"/projects/{project.slug}").get_data(as_text=True)
    section = page.split('id="contribution-summary"')[1].split("</section>")[0]
    assert "The summary is being computed" in section
    assert f'hx-get="/projects/{project.slug}/summary"' in section

    run_worker(app)
    refreshed = client.get(f"/projects/{project.slug}/summary",
                           headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost/projects/{project.slug}"})
    html = refreshed.get_data(as_text=True)
    assert html.lstrip().startswith("<section") and "<html" not in html
    assert "Computed" in html and "less than a minute ago" in html and "hx-get" not in html
    assert "See the whole contribution summary" in html


def test_with_redis_away_writes_succeed_pages_say_paused_and_the_sweep_catches_up(
        app, client_for, session, redis, unreachable_redis):
    lead = factories.user()
    newcomer = factories.organisation("Riverside Housing", Sector.HOUSING)
    project = factories.project(lead=lead, published=True)
    session.commit()
    client = client_for(lead)

    invite_and_accept(client_for, lead, project, newcomer)
    assert newcomer.id in {partner.organisation_id for partner in project.partners}
    page = client.get(f"/projects/{project.slug}")
    assert page.status_code == 200
    assert "Summaries are paused" in page.get_data(as_text=True)
    assert session.get(ProjectSummary, project.id).is_pending

    app.extensions["localvision_redis"] = redis  # Redis is back
    # What `flask schedule` does every minute: RQ's cron scheduler queues the sweep.
    scheduler = build_scheduler(redis)
    assert {job.interval for job in scheduler.get_jobs()} >= {SWEEP_INTERVAL_SECONDS}
    assert NIGHTLY_RECOMPUTE in {job.cron for job in scheduler.get_jobs()}
    scheduler.enqueue_jobs()
    assert "localvision.summaries.recompute.sweep_stale_summaries" in queued_functions(redis)
    run_worker(app)

    summary = session.get(ProjectSummary, project.id)
    assert not summary.is_pending
    assert summary.figures["partners"] == 2
    assert "Riverside Housing" in {entry["name"] for entry in summary.figures["organisations"]}


def test_the_nightly_recompute_queues_every_project_and_the_platform(app, session, redis):
    first, second = factories.project(lead=factories.user()), factories.project(lead=factories.user())
    session.commit()
    redis.flushdb()  # forget the recomputes those commits queued
    job_queue.enqueue(recompute_all_summaries)
    run_worker(app)
    for project in (first, second):
        assert session.get(ProjectSummary, project.id).computed_at is not None


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql") or not TEST_REDIS_URL,
                    reason="needs PostgreSQL and a Redis server (TEST_DATABASE_URL, TEST_REDIS_URL)")
def test_a_worker_killed_mid_job_leaves_the_old_snapshot_and_the_work_is_done_again(tmp_path):
    with separate_database("killed_worker", tmp_path) as database_url:
        settings = {**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url}
        app = create_app(settings, instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            project = factories.project(lead=factories.user())
            db.session.commit()
            project_id = project.id
            run_worker(app)
            old = db.session.get(ProjectSummary, project_id)
            old_computed_at, old_figures = old.computed_at, old.figures
            add_partner(db.session.get(type(project), project_id))
            db.session.remove()

        engine = create_engine(database_url)
        blocker = engine.connect()
        # Hold the snapshot row so the job blocks just before replacing it.
        blocker.execute(text("SELECT * FROM project_summaries WHERE project_id = :id FOR UPDATE"), {"id": project_id})
        try:
            # The worker dies mid-job, with any process it started.
            kill_a_worker_once_it_waits_for_a_lock(database_url, TEST_REDIS_URL, engine, 200,
                                                   "the recompute never reached the snapshot")
        finally:
            blocker.rollback()
            blocker.close()

        with app.app_context():
            kept = db.session.get(ProjectSummary, project_id)
            assert (kept.computed_at, kept.figures) == (old_computed_at, old_figures)
            assert kept.is_pending
            job_queue.enqueue(sweep_stale_summaries)
            run_worker(app)
            done = db.session.get(ProjectSummary, project_id)
            assert not done.is_pending and done.figures["partners"] == 2
            redis.flushdb()
            db.session.remove()
            db.engine.dispose()
        engine.dispose()


def own_redis_server(folder: Path):
    """The load benchmark's Redis of its own on a free port (bench/load.py), so stopping it
    stops nobody else's; it keeps its data on disk like a production Redis, across a restart."""
    spec = importlib.util.spec_from_file_location("bench_load", Path(__file__).resolve().parents[2] / "bench" / "load.py")
    bench_load = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench_load  # its dataclasses look their module up there
    spec.loader.exec_module(bench_load)
    folder.mkdir()
    return bench_load.OwnRedis(folder)


def wait_until(check, seconds: float) -> float:
    """Seconds until ``check()`` held, or fail after ``seconds``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not done within {seconds} s")
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql") or not TEST_REDIS_URL
                    or shutil.which("redis-server") is None,
                    reason="needs PostgreSQL, a Redis server (TEST_DATABASE_URL, TEST_REDIS_URL) and redis-server")
def test_a_worker_that_loses_redis_mid_job_carries_on_and_catches_up_when_it_returns(tmp_path):
    redis_server = own_redis_server(tmp_path / "redis")
    redis_server.start()
    with separate_database("redis_outage", tmp_path) as database_url:
        app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url,
                          "REDIS_URL": redis_server.url}, instance_path=tmp_path)
        engine = create_engine(database_url)
        worker = None

        def summary() -> tuple[int, int]:
            with engine.connect() as connection:
                return tuple(connection.execute(text(
                    "SELECT changes_requested, changes_computed FROM project_summaries WHERE project_id = :id"),
                    {"id": project_id}).one())

        try:
            with app.app_context():
                build_schema()
                project = factories.project(lead=factories.user())
                db.session.commit()  # queues the project's first recompute
                project_id = project.id
                db.session.remove()
            blocker = engine.connect()
            # Hold the snapshot row so the job is mid-way when Redis stops.
            blocker.execute(text("SELECT * FROM project_summaries WHERE project_id = :id FOR UPDATE"),
                            {"id": project_id})
            worker = start_worker_process(database_url, redis_server.url)
            wait_until_someone_waits_for_a_lock(engine, 200, "the recompute never reached the snapshot")
            redis_server.stop()
            blocker.rollback()
            blocker.close()
            # The job saves its figures, then cannot tell Redis it finished: RQ's worker quits there.
            wait_until(lambda: summary()[1] == 1, 30)
            with app.app_context():
                add_partner(db.session.get(Project, project_id))  # a write while Redis is away succeeds
                db.session.remove()
            assert summary() == (2, 1)
            time.sleep(3)  # the worker meets the outage

            redis_server.start()
            # No scheduler runs here: the worker itself sweeps what went stale once Redis is back.
            waited = wait_until(lambda: summary() == (2, 2), 30)
            assert worker.poll() is None, "the worker exited when it lost Redis"
            assert waited < 15
            with app.app_context():
                assert db.session.get(ProjectSummary, project_id).figures["partners"] == 2
                db.session.remove()
        finally:
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()
            redis_server.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            engine.dispose()
