"""Digests end to end with the clock controlled: the hourly job run by a real worker at a
given moment, and the emails a real SMTP server receives.

Monday 30 November 2026, 07:30 in London (GMT): the weekly digest covers Monday 23 to
Sunday 29 November, the daily one Sunday 29 November. The Plymouth partnership of
``factories.Partnership``: Priya (council, the lead), Tom and Ann (NHS), Aisha (police),
Dan (charity)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, func, insert, select, text

import factories
from localvision import create_app, job_queue
from localvision.domain.digests import due_period
from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.extensions import db
from localvision.jobs.schedule import HOURLY_DIGESTS, HOURLY_REMINDERS, build_scheduler
from localvision.jobs.worker import build_worker
from localvision.models import DigestSent, Notification, NotificationSettings, ProjectMembership, User
from localvision.permissions import policy
from localvision.schema import build_schema
from localvision.services import decisions, digests, notifications
from localvision.services.decisions import DecisionDetails
from localvision.services.digests import send_digests
from smtp_server import html_of, text_of
from support import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    kill_a_worker_once_it_waits_for_a_lock,
    separate_database,
    settings_for_tests,
)

MONDAY_MORNING = datetime(2026, 11, 30, 7, 30, tzinfo=timezone.utc)
SUNDAY_NOON = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
WEEKLY_SUBJECT = "Your weekly digest: the week of 23 November to 29 November 2026"
DAILY_SUBJECT = "Your daily digest: Sunday 29 November 2026"


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The tests' clock: what a test sets up happens on Sunday at noon, and each run of the
    digests moves it to the moment of the run."""
    time_machine.move_to(SUNDAY_NOON, tick=True)
    return time_machine


def run_digests_at(app, clock, moment: datetime) -> None:
    clock.move_to(moment, tick=True)
    job_queue.enqueue(send_digests, moment.isoformat())
    build_worker(app).work(burst=True)
    db.session.expire_all()


def digests_to(smtp_server, person) -> list:
    """The digests a person received (the notifications of the week's events are emailed too)."""
    return [message for message in smtp_server.messages_to(person.email) if " digest: " in message["Subject"]]


def subjects(smtp_server, person) -> list[str]:
    return [message["Subject"].strip() for message in digests_to(smtp_server, person)]


def choose(session, person, frequency: DigestFrequency) -> None:
    session.add(NotificationSettings(user_id=person.id, digest_frequency=frequency))
    session.commit()


@pytest.fixture
def proposed(session, plymouth):
    """On Sunday Dan proposed a decision for the charity; the NHS responded to it."""
    lead_context = policy.context_for(plymouth.worker, plymouth.project)
    decision = decisions.propose_decision(lead_context, DecisionDetails(
        title="Fund a night-time outreach worker", rationale="The trust offers £40,000 in confidence.",
        category=factories.DecisionCategory.GRANT, opens_on=SUNDAY_NOON.date(),
        closes_on=SUNDAY_NOON.date() + timedelta(days=14), is_commercially_sensitive=True))
    decisions.record_position(policy.context_for(plymouth.nurse, plymouth.project), decision,
                              factories.DecisionStance.SUPPORT, "")
    return decision


def test_the_weekly_digest_gathers_what_changed_and_what_awaits_each_person(
        clock, app, session, redis, plymouth, proposed, smtp_server):
    run_digests_at(app, clock, MONDAY_MORNING)

    [email] = digests_to(smtp_server, plymouth.officer)
    assert email["Subject"].strip() == WEEKLY_SUBJECT
    body = text_of(email)
    assert "WHAT AWAITS YOU\r\n\r\n- Fund a night-time outreach worker\r\n" in body
    assert f"{plymouth.project.title}: your organisation's position, by 13 December 2026" in body
    assert f"WHAT CHANGED IN {plymouth.project.title.upper()}" in body
    assert ("- Dan Roberts (Harbour Street Outreach) proposed the decision ‘Fund a night-time outreach worker’"
            in body)
    assert ("- Tom Evans (University Hospitals Plymouth) recorded University Hospitals Plymouth's position on "
            "‘Fund a night-time outreach worker’: support") in body
    assert "What changed in" in html_of(email)
    assert email["List-Unsubscribe"].startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The NHS has responded: Tom hears what changed, and nothing awaits his organisation.
    [toms] = digests_to(smtp_server, plymouth.nurse)
    assert "WHAT AWAITS YOU" not in text_of(toms)
    # A commercially sensitive rationale stays on the decision's page, even for its people.
    assert all("£40,000" not in text_of(m) and "£40,000" not in html_of(m) for m in smtp_server.messages)


def test_the_newest_version_of_the_vision_awaits_the_partners_yet_to_give_their_position(
        clock, app, session, redis, plymouth, smtp_server):
    factories.vision_version(plymouth.project, plymouth.lead, text="An earlier wording.")
    newest = factories.vision_version(plymouth.project, plymouth.lead)
    factories.vision_position(newest, plymouth.lead)
    factories.vision_position(newest, plymouth.nurse)
    session.commit()
    run_digests_at(app, clock, MONDAY_MORNING)

    body = text_of(digests_to(smtp_server, plymouth.officer)[0])
    assert "WHAT AWAITS YOU\r\n\r\n- Version 2 of the shared vision\r\n" in body
    assert f"{plymouth.project.title}: your organisation's position\r\n" in body
    assert f"http://localhost:5000/projects/{plymouth.project.slug}/vision" in body
    assert "Version 1 of the shared vision" not in body
    # The council and the NHS have given theirs.
    for person in (plymouth.lead, plymouth.nurse):
        assert all("WHAT AWAITS YOU" not in text_of(email) for email in digests_to(smtp_server, person))


def test_daily_and_weekly_digests_follow_each_persons_choice(
        clock, app, session, redis, plymouth, proposed, smtp_server):
    choose(session, plymouth.worker, DigestFrequency.DAILY)
    choose(session, plymouth.nhs_director, DigestFrequency.NEVER)
    run_digests_at(app, clock, MONDAY_MORNING)
    assert subjects(smtp_server, plymouth.worker) == [DAILY_SUBJECT]
    assert subjects(smtp_server, plymouth.officer) == [WEEKLY_SUBJECT]
    assert digests_to(smtp_server, plymouth.nhs_director) == []

    # Tuesday: a new daily digest for Dan (his decision still awaits partners), nothing for
    # the weekly readers until next Monday.
    run_digests_at(app, clock, MONDAY_MORNING + timedelta(days=1))
    assert subjects(smtp_server, plymouth.worker) == [DAILY_SUBJECT, "Your daily digest: Monday 30 November 2026"]
    assert subjects(smtp_server, plymouth.officer) == [WEEKLY_SUBJECT]


def test_before_seven_in_the_morning_nothing_is_sent(clock, app, session, redis, plymouth, proposed, smtp_server):
    run_digests_at(app, clock, datetime(2026, 11, 30, 6, 30, tzinfo=timezone.utc))
    assert not any(" digest: " in message["Subject"] for message in smtp_server.messages)


def test_nobody_gets_an_empty_digest(clock, app, session, redis, smtp_server):
    quiet_lead = factories.user(name="Quiet Lead")
    factories.project(lead=quiet_lead)  # no decisions, no actions, nothing happened
    session.commit()
    run_digests_at(app, clock, MONDAY_MORNING)
    assert smtp_server.messages_to(quiet_lead.email) == []
    assert session.scalar(select(func.count()).select_from(DigestSent)) == 0


def test_a_digest_is_sent_once_per_person_and_period_however_often_the_job_runs(
        clock, app, session, redis, plymouth, proposed, smtp_server, monkeypatch):
    monkeypatch.setattr(digests, "BATCH", 2)  # several batches, each its own transaction
    for _ in range(3):
        job_queue.enqueue(send_digests, MONDAY_MORNING.isoformat())
    run_digests_at(app, clock, MONDAY_MORNING + timedelta(hours=1))
    for person in (plymouth.lead, plymouth.nurse, plymouth.nhs_director, plymouth.officer, plymouth.worker):
        assert subjects(smtp_server, person).count(WEEKLY_SUBJECT) == 1, person.name
    assert session.scalar(select(func.count()).select_from(DigestSent)) == 5


def test_a_person_removed_from_the_project_gets_nothing_of_it(
        clock, app, session, redis, plymouth, proposed, smtp_server):
    elsewhere = factories.project(lead=factories.user(), title="Food in Cornwall", members=(plymouth.officer,))
    session.delete(session.scalar(select(ProjectMembership).where(
        ProjectMembership.user_id == plymouth.officer.id, ProjectMembership.project_id == plymouth.project.id)))
    session.commit()
    cafe = factories.decision(elsewhere, elsewhere.memberships[0].user, title="Open a community cafe")
    factories.action(cafe, plymouth.officer, title="Find a venue for the cafe")
    session.commit()
    run_digests_at(app, clock, MONDAY_MORNING)

    [email] = digests_to(smtp_server, plymouth.officer)
    body = text_of(email) + html_of(email)
    assert "Find a venue for the cafe" in body and "Food in Cornwall: your action" in body
    assert plymouth.project.title not in body and "outreach" not in body


def test_nobody_hears_of_a_project_they_are_not_in(clock, app, session, redis, plymouth, proposed, smtp_server):
    outsider_project = factories.project(lead=plymouth.outsider, title="Kent better care")
    factories.decision(outsider_project, plymouth.outsider, title="Pool the better care fund")
    session.commit()
    run_digests_at(app, clock, MONDAY_MORNING)
    [email] = digests_to(smtp_server, plymouth.outsider)
    assert "Pool the better care fund" in text_of(email)
    assert "outreach" not in text_of(email).lower() and plymouth.project.title not in text_of(email)
    for person in (plymouth.lead, plymouth.officer):
        assert all("better care" not in text_of(m).lower() for m in smtp_server.messages_to(person.email))


def test_notifications_chosen_for_the_digest_arrive_in_it_once(
        clock, app, session, redis, plymouth, proposed, smtp_server):
    indicator = factories.indicator(plymouth.project, owner=plymouth.police, name="Street drinking reports")
    notifications.notify([plymouth.officer], notifications.Tidings(
        NotificationKind.INDICATOR_STALE, "“Street drinking reports” has had no new measurement since September 2026",
        f"/projects/{plymouth.project.slug}/indicators/{indicator.id}", "Indicator", indicator.id, plymouth.project,
        "indicator_stale", {"indicator": indicator, "frequency": "monthly"}), dedupe_key="stale-test")
    session.commit()
    [waiting] = session.scalars(select(Notification).where(Notification.user_id == plymouth.officer.id,
                                                           Notification.kind == NotificationKind.INDICATOR_STALE))
    assert waiting.delivery is Delivery.DIGEST and waiting.outbox_message_id is None

    run_digests_at(app, clock, MONDAY_MORNING)
    [email] = digests_to(smtp_server, plymouth.officer)
    assert "WHAT YOU WERE TOLD\r\n\r\n- “Street drinking reports” has had no new measurement since September 2026" in text_of(email)
    assert session.get(Notification, waiting.id).digested_at is not None

    choose(session, plymouth.officer, DigestFrequency.DAILY)
    run_digests_at(app, clock, MONDAY_MORNING + timedelta(days=1))
    assert "WHAT YOU WERE TOLD" not in text_of(digests_to(smtp_server, plymouth.officer)[-1])


def test_a_run_that_fails_between_claiming_and_queueing_leaves_every_digest_to_the_next_run(
        clock, app, session, redis, plymouth, proposed, smtp_server, monkeypatch):
    def worker_dies_while_queueing(messages):
        raise RuntimeError("the worker died while queueing the digests")

    with monkeypatch.context() as failing:
        failing.setattr(digests.mail, "queue_messages", worker_dies_while_queueing)
        run_digests_at(app, clock, MONDAY_MORNING)
    assert session.scalar(select(func.count()).select_from(DigestSent)) == 0
    assert not any(" digest: " in message["Subject"] for message in smtp_server.messages)

    run_digests_at(app, clock, MONDAY_MORNING + timedelta(hours=1))
    for person in (plymouth.lead, plymouth.nurse, plymouth.nhs_director, plymouth.officer, plymouth.worker):
        assert subjects(smtp_server, person) == [WEEKLY_SUBJECT], person.name


def test_a_person_another_run_claimed_meanwhile_gets_nothing_from_this_run(
        clock, app, session, redis, plymouth, proposed, smtp_server, monkeypatch):
    period, dan, gather = due_period(DigestFrequency.WEEKLY, MONDAY_MORNING), plymouth.worker.id, digests.gather

    def another_run_claims_dan_meanwhile(people, now, facts):
        gathered = gather(people, now, facts)
        db.session.execute(insert(DigestSent).values(user_id=dan, period_key=period.key))
        return gathered

    monkeypatch.setattr(digests, "gather", another_run_claims_dan_meanwhile)
    run_digests_at(app, clock, MONDAY_MORNING)
    assert digests_to(smtp_server, plymouth.worker) == []  # the run that claimed him sends his
    for person in (plymouth.lead, plymouth.nurse, plymouth.nhs_director, plymouth.officer):
        assert subjects(smtp_server, person) == [WEEKLY_SUBJECT], person.name


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql") or not TEST_REDIS_URL,
                    reason="needs PostgreSQL and a Redis server (TEST_DATABASE_URL, TEST_REDIS_URL)")
def test_a_worker_killed_mid_run_sends_every_digest_exactly_once_after_the_next_run(tmp_path, smtp_server,
                                                                                       monkeypatch):
    with separate_database("digest_killed", tmp_path) as database_url:
        app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url,
                          "MAIL_URL": smtp_server.url}, instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            plymouth = factories.Partnership(db.session)
            factories.decision(plymouth.project, plymouth.worker, title="Fund a night bus")
            db.session.commit()
            dan, people = plymouth.worker.id, {person.email for person in db.session.scalars(select(User))}
            job_queue.enqueue(send_digests, MONDAY_MORNING.isoformat())
            db.session.remove()

        engine = create_engine(database_url)
        blocker = engine.connect()
        # Another transaction is claiming Dan's digest: the run's claim waits for it, mid-batch.
        blocker.execute(text("INSERT INTO digests_sent (user_id, period_key) VALUES (:id, 'weekly:2026-W49')"),
                        {"id": dan})
        monkeypatch.setenv("MAIL_URL", smtp_server.url)
        try:
            # The worker dies mid-job, with any process it started.
            kill_a_worker_once_it_waits_for_a_lock(database_url, TEST_REDIS_URL, engine, 300,
                                                   "the digest run never reached its claim")
        finally:
            blocker.rollback()
            blocker.close()

        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(DigestSent)) == 0  # the batch rolled back
            # The next hourly run, and one more for good measure.
            for moment in (MONDAY_MORNING + timedelta(hours=1), MONDAY_MORNING + timedelta(hours=2)):
                job_queue.enqueue(send_digests, moment.isoformat())
            build_worker(app).work(burst=True)
            received = Counter(message["To"] for message in smtp_server.messages if " digest: " in message["Subject"])
            assert set(received) == people - {plymouth.outsider.email} and set(received.values()) == {1}
            redis.flushdb()
            db.session.remove()
            db.engine.dispose()
        engine.dispose()


def test_the_scheduler_runs_reminders_and_digests_every_hour(redis):
    scheduled = {job.func_name: job.cron for job in build_scheduler(redis).get_jobs()}
    assert scheduled["localvision.services.reminders.send_reminders"] == HOURLY_REMINDERS == "10 * * * *"
    assert scheduled["localvision.services.digests.send_digests"] == HOURLY_DIGESTS == "20 * * * *"
