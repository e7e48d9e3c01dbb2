"""Notifications from the health check and the barrier log, end to end: the change through
its service, the fan-out run by a real worker, the notification, and the email a real SMTP
server receives. People as in ``factories.Partnership``: Priya (council, the lead), Tom and
Ann (NHS), Aisha (police), Dan (charity); Kent's person is outside the project."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import BarrierStatus, Delivery, DigestFrequency, HealthStatement, NotificationKind
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import Notification, OutboxMessage, ProjectMembership, User
from localvision.permissions import policy
from localvision.services import barriers, health_checks, notifications
from localvision.services.barriers import BarrierDetails
from localvision.services.health_checks import RoundDetails
from smtp_server import html_of, text_of

STREET = BarrierDetails(what="The night shelter turns people away after 10 pm", location="Union Street",
                        who_affected="People sleeping rough")
PUBLIC = BarrierDetails(what="Nobody answers the outreach phone at weekends", location="Plymouth city centre",
                        who_affected="Shop staff who find someone sleeping in a doorway")


def run_worker(app) -> None:
    build_worker(app).work(burst=True)
    db.session.expire_all()


def context(plymouth, person):
    return policy.context_for(person, plymouth.project)


def told(kind: NotificationKind) -> list[str]:
    return sorted(db.session.scalars(select(User.name).join(Notification.user).where(Notification.kind == kind)))


def subject(email) -> str:
    return email["Subject"].strip()


def emails_of(smtp_server, person, start: str) -> list:
    return [message for message in smtp_server.messages_to(person.email) if subject(message).startswith(start)]


def nothing_for_the_outsider(plymouth, smtp_server) -> None:
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == plymouth.outsider.id)) == 0
    assert smtp_server.messages_to(plymouth.outsider.email) == []


@pytest.fixture
def plymouth(plymouth, session):
    plymouth.project.accepts_public_barriers = True
    session.commit()
    return plymouth


def test_an_opened_health_check_asks_the_people_of_every_partner_who_have_not_answered(
        app, session, plymouth, smtp_server):
    # Kent's person joins the project, but Kent is no partner: not asked to answer.
    session.add(ProjectMembership(project=plymouth.project, user=plymouth.outsider))
    session.commit()
    closes = date.today() + timedelta(days=14)
    health_check = health_checks.open_round(context(plymouth, plymouth.lead),
                                            RoundDetails("Spring 2027", date.today(), closes))
    # Tom answers before the fan-out runs: he is not asked any more.
    health_checks.answer_round(context(plymouth, plymouth.nurse), health_check,
                               {statement: 4 for statement in HealthStatement}, {})
    run_worker(app)

    # Priya opened it; Kent's person is in the project for no partner.
    assert told(NotificationKind.HEALTH_CHECK_OPENED) == ["Aisha Khan", "Ann Lee", "Dan Roberts"]
    [email] = smtp_server.messages_to(plymouth.worker.email)
    assert subject(email) == f"Your answers are asked for by {closes:%-d %B %Y}: Spring 2027"
    body = text_of(email)
    assert "Priya Shah opened the health check round \"Spring 2027\"" in body
    assert "9 statements" in body and "fewer than 3 answers" in body
    link = f"/projects/{plymouth.project.slug}/health-check/{health_check.id}/answer"
    assert f"http://localhost:5000{link}" in body and "Spring 2027" in html_of(email)
    assert email["List-Unsubscribe"].startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert session.scalar(select(Notification.link).where(Notification.user_id == plymouth.officer.id)) == link
    assert smtp_server.messages_to(plymouth.nurse.email) == []
    assert smtp_server.messages_to(plymouth.lead.email) == []
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == plymouth.outsider.id)) == 0


def test_published_health_check_results_wait_for_everyone_s_digest_and_are_emailed_to_who_asked(
        app, session, plymouth, smtp_server):
    notifications.save_preferences(plymouth.officer, {NotificationKind.HEALTH_CHECK_PUBLISHED: Delivery.IMMEDIATELY},
                                   DigestFrequency.WEEKLY)
    health_check = factories.health_check_round(plymouth.project, plymouth.lead, title="Winter 2026")
    session.commit()
    health_checks.close_round(context(plymouth, plymouth.lead), health_check)
    run_worker(app)  # computes the results
    health_checks.set_round_publication(context(plymouth, plymouth.lead), health_check, True)
    run_worker(app)

    assert told(NotificationKind.HEALTH_CHECK_PUBLISHED) == ["Aisha Khan", "Ann Lee", "Dan Roberts", "Tom Evans"]
    [email] = emails_of(smtp_server, plymouth.officer, "The health check")
    assert subject(email) == "The health check's results are published: Winter 2026"
    assert f"/projects/{plymouth.project.slug}/health-check/{health_check.id}" in text_of(email)
    # Only worth knowing: the others find it in their digest.
    assert emails_of(smtp_server, plymouth.nurse, "The health check") == []
    waiting = session.scalar(select(Notification).where(Notification.user_id == plymouth.nurse.id,
                                                        Notification.kind == NotificationKind.HEALTH_CHECK_PUBLISHED))
    assert waiting.delivery is Delivery.DIGEST and waiting.outbox_message_id is None
    nothing_for_the_outsider(plymouth, smtp_server)


def test_a_barrier_from_the_public_asks_the_people_of_the_project_to_moderate_it_without_repeating_it(
        app, session, plymouth, smtp_server):
    barrier = barriers.submit_public_barrier(plymouth.project, PUBLIC, name="Sam Wood", email="sam@example.org")
    run_worker(app)

    # Any person of the project moderates; nobody acted, so everyone is told.
    assert told(NotificationKind.BARRIER_AWAITS_MODERATION) == [
        "Aisha Khan", "Ann Lee", "Dan Roberts", "Priya Shah", "Tom Evans"]
    [email] = smtp_server.messages_to(plymouth.nurse.email)
    assert subject(email) == f"A barrier sent through the public form awaits moderation: {plymouth.project.title}"
    body, html = text_of(email), html_of(email)
    assert "approve or reject it here" in body
    assert f"/projects/{plymouth.project.slug}/barriers/{barrier.id}" in body
    # Unmoderated words and the sender's name and address stay on the page.
    for private in ("Nobody answers the outreach phone", "Sam Wood", "sam@example.org"):
        assert private not in body and private not in html
    assert smtp_server.messages_to("sam@example.org") == []
    nothing_for_the_outsider(plymouth, smtp_server)


def test_a_barrier_already_moderated_when_the_fan_out_runs_awaits_nobody(app, session, plymouth, smtp_server):
    barrier = barriers.submit_public_barrier(plymouth.project, PUBLIC)
    barriers.moderate_barrier(context(plymouth, plymouth.nurse), barrier, approve=False)
    run_worker(app)
    assert told(NotificationKind.BARRIER_AWAITS_MODERATION) == []
    assert smtp_server.messages == []


def test_a_member_who_raised_a_barrier_is_told_once_per_answer_with_an_unsubscribe(app, session, plymouth, smtp_server):
    barrier = barriers.raise_barrier(context(plymouth, plymouth.worker), STREET)
    barriers.triage_barrier(context(plymouth, plymouth.nurse), barrier, owner_organisation_id=None,
                            status=BarrierStatus.ACCEPTED, answer="The NHS will fund two late beds.")
    barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=None,
                            status=BarrierStatus.REMOVED, answer="The shelter now takes people until 2 am.")
    run_worker(app)

    first, second = smtp_server.messages_to(plymouth.worker.email)
    assert subject(first) == ("University Hospitals Plymouth answered the barrier you raised: "
                              "The night shelter turns people away after 10 pm")
    assert "The barrier is now: Accepted." in text_of(first) and "The NHS will fund two late beds." in text_of(first)
    assert subject(second).startswith("Plymouth City Council answered the barrier you raised")
    assert "The barrier is now: Removed." in text_of(second)
    assert "The shelter now takes people until 2 am." in html_of(second)
    assert f"/projects/{plymouth.project.slug}/barriers/{barrier.id}" in text_of(second)
    # Each email is the notification's, with its one-click unsubscribe; no second path.
    assert all(message["List-Unsubscribe"] for message in (first, second))
    assert session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.to_address == plymouth.worker.email)) == 2
    assert told(NotificationKind.BARRIER_ANSWERED) == ["Dan Roberts", "Dan Roberts"]
    nothing_for_the_outsider(plymouth, smtp_server)


def test_a_member_raiser_who_turned_answers_off_reads_them_only_in_the_service(app, session, plymouth, smtp_server):
    notifications.save_preferences(plymouth.worker, {NotificationKind.BARRIER_ANSWERED: Delivery.OFF},
                                   DigestFrequency.WEEKLY)
    barrier = barriers.raise_barrier(context(plymouth, plymouth.worker), STREET)
    barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=None,
                            status=BarrierStatus.ACCEPTED, answer="We are asking the shelter.")
    run_worker(app)
    assert told(NotificationKind.BARRIER_ANSWERED) == ["Dan Roberts"]
    assert smtp_server.messages_to(plymouth.worker.email) == []


def test_a_public_raiser_is_emailed_each_answer_once_and_has_no_notification(app, session, plymouth, smtp_server):
    barrier = barriers.submit_public_barrier(plymouth.project, PUBLIC, name="Sam Wood", email="sam@example.org")
    barriers.moderate_barrier(context(plymouth, plymouth.nurse), barrier, approve=True)
    for text in ("We are looking at weekend cover.", "The phone is answered on Saturdays from June."):
        barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=None,
                                status=BarrierStatus.BEING_WORKED, answer=text)
    run_worker(app)

    first, second = smtp_server.messages_to("sam@example.org")
    assert subject(first) == subject(second) == f"An answer to the barrier you raised with {plymouth.project.title}"
    assert "We are looking at weekend cover." in text_of(first)
    assert "The phone is answered on Saturdays from June." in text_of(second)
    assert told(NotificationKind.BARRIER_ANSWERED) == []


def test_an_organisation_made_owner_of_a_barrier_is_told_once_per_change_of_owner(app, session, plymouth, smtp_server):
    barrier = barriers.raise_barrier(context(plymouth, plymouth.worker), STREET)
    barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=plymouth.police.id,
                            status=BarrierStatus.ACCEPTED)
    # A new status with the same owner is no news to the owner.
    barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=plymouth.police.id,
                            status=BarrierStatus.BEING_WORKED)
    run_worker(app)

    assert told(NotificationKind.BARRIER_OWNED) == ["Aisha Khan"]
    [email] = smtp_server.messages_to(plymouth.officer.email)
    assert subject(email) == (f"Devon and Cornwall Police now owns a barrier in {plymouth.project.title}: "
                              "The night shelter turns people away after 10 pm")
    body = text_of(email)
    assert "Priya Shah made Devon and Cornwall Police the owner of this barrier" in body
    assert "Where: Union Street" in body and "Who it affects: People sleeping rough" in body

    # Tom hands it to his own NHS trust: Ann is told, Tom made the change himself.
    barriers.triage_barrier(context(plymouth, plymouth.nurse), barrier, owner_organisation_id=plymouth.nhs.id,
                            status=BarrierStatus.BEING_WORKED)
    run_worker(app)
    assert told(NotificationKind.BARRIER_OWNED) == ["Aisha Khan", "Ann Lee"]
    nothing_for_the_outsider(plymouth, smtp_server)


def test_an_owner_changed_again_before_the_fan_out_tells_only_the_latest_owner(app, session, plymouth, smtp_server):
    barrier = barriers.raise_barrier(context(plymouth, plymouth.worker), STREET)
    for owner in (plymouth.police, plymouth.charity):
        barriers.triage_barrier(context(plymouth, plymouth.lead), barrier, owner_organisation_id=owner.id,
                                status=BarrierStatus.ACCEPTED)
    run_worker(app)
    # Dan raised it and is the charity's only person: he is told his organisation owns it now.
    assert told(NotificationKind.BARRIER_OWNED) == ["Dan Roberts"]
