import re

import pytest
from rq import Queue

import factories
from localvision import create_app, job_queue
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.services import worker_check
from localvision.summaries.recompute import recompute_project_summary


def test_a_worker_answers_the_administrators_round_trip(app, client_for, session, redis):
    admin = factories.user(is_admin=True)
    session.commit()
    client = client_for(admin)
    waiting = client.post("/admin/round-trip", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Waiting" in waiting and 'hx-trigger="load delay:1s"' in waiting
    job_id = re.search(r"/admin/round-trip/([\w-]+)", waiting).group(1)

    worker = build_worker(app)
    worker.work(burst=True)

    answered = client.get(f"/admin/round-trip/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Answered" in answered and worker.name in answered


def test_round_trip_works_without_javascript(app, client_for, session, redis):
    admin = factories.user(is_admin=True)
    session.commit()
    page = client_for(admin).post("/admin/round-trip").get_data(as_text=True)
    assert "<html" in page and "Check again" in page


def test_status_page_shows_workers_queues_and_failed_jobs(app, client_for, session, redis):
    admin = factories.user(is_admin=True)
    session.commit()
    with app.app_context():
        job_queue.enqueue(worker_check.round_trip)  # missing its argument: it fails
        job_queue.enqueue(worker_check.round_trip, "2026-11-23T09:00:00+00:00")
    failing_worker = build_worker(app)
    failing_worker.work(burst=True, max_jobs=1)
    live_worker = build_worker(app)
    live_worker.register_birth()
    try:
        page = client_for(admin).get("/admin/").get_data(as_text=True)
    finally:
        live_worker.register_death()
    assert live_worker.name in page
    queues = page.split("Queue lengths</caption>")[1].split("</table>")[0]
    assert re.search(r"default</td>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>", queues)
    assert "TypeError" in page and "localvision.services.worker_check.round_trip" in page


def test_readyz_reports_database_and_redis_uncached(client, redis):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_says_when_redis_is_down_and_healthz_stays_alive(app, tmp_path):
    broken = create_app({**app.config, "REDIS_URL": "redis://127.0.0.1:1/0"}, instance_path=tmp_path)
    ready = broken.test_client().get("/readyz")
    alive = broken.test_client().get("/healthz")
    with broken.app_context():
        db.engine.dispose()
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "database": "ok", "redis": "unavailable"}
    assert alive.status_code == 200 and alive.json == {"status": "ok"}
    assert alive.headers["Cache-Control"] == "no-store"


def test_jobs_are_queued_on_the_configured_redis_as_they_declare(app, redis):
    with app.app_context():
        job = job_queue.enqueue(worker_check.round_trip, "now")
        assert Queue("default", connection=redis).job_ids == [job.id]
    assert (job.func_name, job.timeout, job.result_ttl) == ("localvision.services.worker_check.round_trip", 30, 600)


def test_summary_jobs_are_retried_with_backoff(app, redis):
    with app.app_context():
        job = job_queue.enqueue(recompute_project_summary, 1)
    assert (job.timeout, job.retries_left, job.retry_intervals) == (300, 3, [5, 30, 120])


def test_only_declared_jobs_can_be_queued(app, redis):
    with app.app_context(), pytest.raises(TypeError, match="not declared as a job"):
        job_queue.enqueue(print, "hello")
