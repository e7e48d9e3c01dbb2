"""Health check results come from a real worker: closing a round queues the job, the
scheduler's sweep closes rounds on their closing date and queues what is missing."""
from datetime import date, timedelta

import factories
from localvision.domain.vocabulary import Sector
from localvision.jobs.schedule import HEALTH_CHECK_SWEEP_INTERVAL_SECONDS, build_scheduler
from localvision.jobs.worker import build_worker
from localvision.permissions import policy
from localvision.services import health_checks
from localvision.services.health_checks import RoundDetails, results_job_id, sweep_health_checks


def test_closing_a_round_queues_its_results_and_a_worker_computes_them(app, session, redis):
    council = factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)
    lead = factories.user(council)
    people = [factories.user(council) for _ in range(2)]
    project = factories.project(lead=lead, members=tuple(people))
    session.commit()
    context = policy.context_for(lead, project)
    health_check = health_checks.open_round(context, RoundDetails("Spring", date.today(), date.today() + timedelta(days=7)))
    for person in [lead, *people]:
        factories.health_check_answer(health_check, person, 4)
    session.commit()
    health_checks.close_round(context, health_check)
    assert redis.exists(f"rq:job:{results_job_id(health_check.id)}")
    build_worker(app).work(burst=True)
    session.expire_all()
    assert health_check.result.figures["overall"]["engagement"]["mean"] == 4.0


def test_the_sweep_is_scheduled_and_catches_up(app, session, redis):
    assert HEALTH_CHECK_SWEEP_INTERVAL_SECONDS in {job.interval for job in build_scheduler(redis).get_jobs()}
    lead = factories.user(factories.organisation())
    project = factories.project(lead=lead)
    due = factories.health_check_round(project, lead, opens_in_days=-9, closes_in_days=-2)
    session.commit()
    assert sweep_health_checks() == 1
    build_worker(app).work(burst=True)
    session.expire_all()
    assert due.is_closed and due.result.figures["suppressed"] is True
    assert sweep_health_checks() == 0
