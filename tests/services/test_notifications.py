"""Notifications from domain events, end to end: a change through its service, the fan-out
job run by a real worker, the notification, the outbox and the email a real SMTP server
receives. People are named as in the Plymouth partnership of ``factories.Partnership``:
Priya (council, the lead), Tom and Ann (NHS), Aisha (police), Dan (charity)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import (
    DecisionStance,
    DecisionStatus,
    Delivery,
    DigestFrequency,
    NotificationKind,
    Stance,
)
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import (
    AuditEvent,
    Notification,
    NotificationSettings,
    NotifiedEvent,
    OutboxMessage,
    ProjectMembership,
    User,
)
from localvision.permissions import policy
from localvision.queries.notifications import choices_of, digest_frequency_of
from localvision.services import actions, decisions, invitations, notification_events, notifications
from localvision.services import projects as project_services
from localvision.services import vision as vision_services
from localvision.services.decisions import APPLY_RULE, DecisionDetails
from smtp_server import html_of, text_of


def run_worker(app) -> None:
    """A worker runs what the commits queued: the fan-out, then the emails it queued."""
    build_worker(app).work(burst=True)
    db.session.expire_all()


def context(plymouth, person):
    return policy.context_for(person, plymouth.project)


def details(title="Fund a night-time street outreach worker", closes_in=14, sensitive=False) -> DecisionDetails:
    return DecisionDetails(title=title, rationale="Fewer people sleeping in doorways; £40,000 from the trust.",
                           category=factories.DecisionCategory.GRANT, opens_on=date.today(),
                           closes_on=date.today() + timedelta(days=closes_in), is_commercially_sensitive=sensitive)


def told(kind: NotificationKind) -> list[str]:
    """The names of the people told of this kind, in order."""
    return sorted(db.session.scalars(select(User.name).join(Notification.user).where(Notification.kind == kind)))


def subject(email) -> str:
    # Python's parser keeps the space of a header folded straight after "Subject:"; mail clients drop it.
    return email["Subject"].strip()


def subjects_to(smtp_server, person) -> list[str]:
    return [subject(message) for message in smtp_server.messages_to(person.email)]


@pytest.fixture
def proposed(app, session, plymouth, smtp_server):
    """Dan proposes a decision for the charity; the fan-out and the emails have run."""
    decision = decisions.propose_decision(context(plymouth, plymouth.worker), details())
    run_worker(app)
    return decision


def test_a_decision_opening_tells_the_people_of_every_partner_it_awaits_and_emails_them(
        app, session, plymouth, proposed, smtp_server):
    # Dan proposed it: his charity's only voice is his own, so he is not told of his own act.
    assert told(NotificationKind.DECISION_AWAITS) == ["Aisha Khan", "Ann Lee", "Priya Shah", "Tom Evans"]
    [email] = smtp_server.messages_to(plymouth.officer.email)
    assert subject(email) == "A decision awaits your organisation's position: Fund a night-time street outreach worker"
    body = text_of(email)
    assert "Harbour Street Outreach proposed a decision in" in body
    assert f"It closes on {proposed.closes_on:%-d %B %Y}" in body
    assert f"/projects/{plymouth.project.slug}/decisions/{proposed.id}" in body
    assert "Fund a night-time street outreach worker" in html_of(email)
    # One-click unsubscribe, RFC 8058.
    assert email["List-Unsubscribe"].startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert smtp_server.messages_to(plymouth.outsider.email) == []
    assert smtp_server.messages_to(plymouth.worker.email) == []
    # The notification links to the decision and is unread.
    notification = session.scalar(select(Notification).where(Notification.user_id == plymouth.officer.id))
    assert notification.link == f"/projects/{plymouth.project.slug}/decisions/{proposed.id}"
    assert notification.read_at is None and notification.outbox_message_id is not None


def test_where_an_organisation_names_representatives_only_they_are_told(app, session, plymouth, smtp_server):
    nhs_admin = factories.user(plymouth.nhs, organisation_admin=True)
    session.add(ProjectMembership(project=plymouth.project, user=nhs_admin))
    session.commit()
    ann = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == plymouth.nhs_director.id))
    project_services.set_representative(context(plymouth, nhs_admin), ann, True)

    decisions.propose_decision(context(plymouth, plymouth.worker), details())
    run_worker(app)

    assert told(NotificationKind.DECISION_AWAITS) == ["Aisha Khan", "Ann Lee", "Priya Shah"]
    assert smtp_server.messages_to(plymouth.nurse.email) == []


def test_a_closed_decision_tells_everyone_in_the_project_its_outcome_and_reason(
        app, session, plymouth, proposed, smtp_server):
    for person in (plymouth.lead, plymouth.nurse, plymouth.officer, plymouth.worker):
        decisions.record_position(context(plymouth, person), proposed, DecisionStance.SUPPORT, "")
    decisions.close_decision(context(plymouth, plymouth.lead), proposed, APPLY_RULE, "")
    run_worker(app)

    assert told(NotificationKind.DECISION_CLOSED) == ["Aisha Khan", "Ann Lee", "Dan Roberts", "Tom Evans"]
    [email] = [m for m in smtp_server.messages_to(plymouth.worker.email) if subject(m).startswith("Decision closed")]
    assert subject(email) == "Decision closed, agreed: Fund a night-time street outreach worker"
    body = text_of(email)
    assert "Outcome: Agreed." in body
    assert "Reason:\r\nConsensus: every partner responded and nobody objected." in body


def test_a_commercially_sensitive_decision_keeps_its_reason_out_of_email(app, session, plymouth, smtp_server):
    decision = decisions.propose_decision(context(plymouth, plymouth.worker), details(sensitive=True))
    decisions.close_decision(context(plymouth, plymouth.lead), decision, DecisionStatus.DEFERRED.value,
                             "The trust's offer of £40,000 is confidential until its board meets")
    run_worker(app)

    [email] = [m for m in smtp_server.messages_to(plymouth.worker.email) if subject(m).startswith("Decision closed")]
    assert "£40,000" not in text_of(email) and "£40,000" not in html_of(email)
    assert "commercially sensitive: sign in to read the reason" in text_of(email)
    # Outsiders are told nothing of it at all.
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == plymouth.outsider.id)) == 0


def test_a_withdrawal_waits_for_the_digest_by_default_and_is_emailed_to_those_who_asked(
        app, session, plymouth, proposed, smtp_server):
    notifications.save_preferences(plymouth.officer, {NotificationKind.DECISION_WITHDRAWN: Delivery.IMMEDIATELY},
                                   DigestFrequency.WEEKLY)
    decisions.withdraw_decision(context(plymouth, plymouth.worker), proposed, "The council funds it instead")
    run_worker(app)

    assert told(NotificationKind.DECISION_WITHDRAWN) == ["Aisha Khan", "Ann Lee", "Priya Shah", "Tom Evans"]
    assert "Withdrawn: Fund a night-time street outreach worker" in subjects_to(smtp_server, plymouth.officer)
    assert not any(s.startswith("Withdrawn") for s in subjects_to(smtp_server, plymouth.nurse))
    digest_waiting = session.scalar(select(Notification).where(Notification.user_id == plymouth.nurse.id,
                                                               Notification.kind == NotificationKind.DECISION_WITHDRAWN))
    assert digest_waiting.delivery is Delivery.DIGEST and digest_waiting.outbox_message_id is None


def test_a_reopened_decision_tells_only_the_partners_it_still_awaits(app, session, plymouth, proposed, smtp_server):
    decisions.record_position(context(plymouth, plymouth.nurse), proposed, DecisionStance.SUPPORT, "")
    decisions.record_position(context(plymouth, plymouth.lead), proposed, DecisionStance.SUPPORT, "")
    decisions.close_decision(context(plymouth, plymouth.lead), proposed, DecisionStatus.DEFERRED.value, "Wait for April")
    decisions.reopen_decision(context(plymouth, plymouth.lead), proposed, date.today() + timedelta(days=10))
    run_worker(app)

    # The NHS and the council have their positions on it; the police and the charity must act.
    assert told(NotificationKind.DECISION_REOPENED) == ["Aisha Khan", "Dan Roberts"]
    [email] = [m for m in smtp_server.messages_to(plymouth.officer.email) if subject(m).startswith("Reopened")]
    assert f"It now closes on {date.today() + timedelta(days=10):%-d %B %Y}" in text_of(email)


def test_a_moved_closing_date_tells_the_partners_that_have_not_responded(app, session, plymouth, proposed, smtp_server):
    decisions.record_position(context(plymouth, plymouth.nurse), proposed, DecisionStance.SUPPORT, "")
    old, new = proposed.closes_on, proposed.closes_on + timedelta(days=7)
    moved = DecisionDetails(title=proposed.title, rationale=proposed.rationale, category=proposed.category,
                            opens_on=proposed.opens_on, closes_on=new)
    decisions.update_decision(context(plymouth, plymouth.lead), proposed, moved)
    run_worker(app)

    # The lead moved it; the NHS has responded; the police and the charity are still awaited.
    assert told(NotificationKind.DECISION_DATE_MOVED) == ["Aisha Khan", "Dan Roberts"]
    [email] = [m for m in smtp_server.messages_to(plymouth.officer.email) if subject(m).startswith("Now closing")]
    assert subject(email) == f"Now closing on {new:%-d %B %Y}, not {old:%-d %B %Y}: {proposed.title}"
    assert "Your organisation has not recorded a position on it yet" in text_of(email)


def test_an_amendment_of_an_agreed_decision_awaits_every_partner(app, session, plymouth, smtp_server):
    agreed = factories.decision(plymouth.project, plymouth.lead, status=DecisionStatus.AGREED, title="Fund a night bus")
    session.commit()
    decisions.propose_decision(context(plymouth, plymouth.lead), details(title="Fund the night bus for two years"),
                               amends=agreed)
    run_worker(app)

    assert told(NotificationKind.DECISION_AMENDED) == ["Aisha Khan", "Ann Lee", "Dan Roberts", "Tom Evans"]
    [email] = smtp_server.messages_to(plymouth.worker.email)
    assert subject(email) == ("An amendment of an agreed decision awaits your organisation's position: "
                                "Fund the night bus for two years")
    assert "proposed an amendment of an agreed decision" in text_of(email)


def test_a_new_vision_version_awaits_every_partner_and_its_agreement_is_told_to_everyone(
        app, session, plymouth, smtp_server):
    version = vision_services.propose_version(context(plymouth, plymouth.nurse), "Nobody sleeps in a doorway.",
                                              "First wording", None)
    run_worker(app)
    assert told(NotificationKind.VISION_AWAITS) == ["Aisha Khan", "Ann Lee", "Dan Roberts", "Priya Shah"]
    [email] = smtp_server.messages_to(plymouth.worker.email)
    assert subject(email) == f"Version 1 of the vision awaits your organisation's position: {plymouth.project.title}"
    assert "Tom Evans proposed version 1 of the shared vision" in text_of(email)

    for person in (plymouth.lead, plymouth.nurse, plymouth.officer, plymouth.worker):
        vision_services.record_position(context(plymouth, person), version.number, Stance.ENDORSE, "")
    run_worker(app)
    # Everyone, the last endorser too; in the digest by default, so no email.
    assert told(NotificationKind.VISION_AGREED) == ["Aisha Khan", "Ann Lee", "Dan Roberts", "Priya Shah", "Tom Evans"]
    assert len(smtp_server.messages_to(plymouth.worker.email)) == 1


def test_an_action_given_to_someone_emails_its_owner_only(app, session, plymouth, proposed, smtp_server):
    action = actions.add_action(context(plymouth, plymouth.lead), proposed, "Book the outreach van",
                                plymouth.officer.id, date(2027, 1, 15))
    actions.add_action(context(plymouth, plymouth.lead), proposed, "Write to the trust", plymouth.lead.id,
                       date(2027, 1, 16))
    run_worker(app)

    assert told(NotificationKind.ACTION_GIVEN) == ["Aisha Khan"]
    email = smtp_server.messages_to(plymouth.officer.email)[-1]
    assert subject(email) == "An action is yours, due 15 January 2027: Book the outreach van"
    assert "Priya Shah gave you an action on the decision" in text_of(email)
    assert session.scalar(select(Notification.object_id).where(Notification.kind == NotificationKind.ACTION_GIVEN)) \
        == action.id


def test_an_invited_person_with_an_account_is_told_and_emailed_once_by_the_invitation(
        app, session, plymouth, smtp_server):
    invitations.invite_to_project(context(plymouth, plymouth.lead), plymouth.officer.email.upper(), plymouth.police,
                                  factories.ProjectRole.MEMBER)
    run_worker(app)

    assert told(NotificationKind.INVITED) == ["Aisha Khan"]
    [email] = smtp_server.messages_to(plymouth.officer.email)
    assert "/invitations/" in text_of(email)


def test_an_organisation_invited_to_a_project_is_told_through_its_administrators(app, session, plymouth, smtp_server):
    wirral = factories.organisation("Wirral Food Bank")
    admin = factories.user(wirral, name="Meg Jones", organisation_admin=True)
    factories.user(wirral, name="Sam Cole")
    session.commit()
    invitations.invite_organisation(context(plymouth, plymouth.lead), wirral)
    run_worker(app)

    assert told(NotificationKind.ORGANISATION_INVITED) == ["Meg Jones"]
    notification = session.scalar(select(Notification).where(Notification.user_id == admin.id))
    assert notification.link.startswith("/organisation/invitations/")
    [email] = smtp_server.messages_to(admin.email)  # the invitation itself, not a second email
    assert subject(email).startswith("Wirral Food Bank is invited to join")


def test_a_person_removed_before_the_event_is_handled_is_told_nothing(app, session, plymouth, smtp_server):
    decisions.propose_decision(context(plymouth, plymouth.worker), details())
    officer = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == plymouth.officer.id))
    project_services.remove_person(context(plymouth, plymouth.lead), officer)
    run_worker(app)

    assert "Aisha Khan" not in told(NotificationKind.DECISION_AWAITS)
    assert smtp_server.messages_to(plymouth.officer.email) == []


def test_each_event_tells_each_person_once_however_often_the_fan_out_runs(app, session, plymouth, smtp_server):
    decisions.propose_decision(context(plymouth, plymouth.worker), details())
    assert notification_events.fan_out() == 1
    assert notification_events.fan_out() == 0  # a retry, or the scheduler's next run
    # Even with its marker gone, the dedupe keys hold.
    session.execute(NotifiedEvent.__table__.delete())
    assert notification_events.fan_out() == 1
    assert session.scalar(select(func.count()).select_from(Notification)) == 4
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 4
    run_worker(app)
    assert len(smtp_server.messages) == 4


def test_events_committed_while_redis_is_down_are_told_by_the_scheduled_run(
        app, unreachable_redis, session, plymouth, smtp_server):
    decisions.propose_decision(context(plymouth, plymouth.worker), details())
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    notification_events.fan_out()  # what the scheduler's run does once Redis is back
    assert len(told(NotificationKind.DECISION_AWAITS)) == 4


def test_an_event_committed_late_below_handled_ones_is_still_told(app, session, plymouth):
    """Ids are taken at insert, not commit: an event with a lower id than one already
    handled (its transaction was slower) is found, because only events handled over an
    hour ago bound the search."""
    early = decisions.propose_decision(context(plymouth, plymouth.worker), details(title="Earlier"))
    decisions.propose_decision(context(plymouth, plymouth.worker), details(title="Later"))
    # Handle only the later event, as a run would that started before the earlier one committed.
    later_id, earlier_id = (session.scalar(select(AuditEvent.id).where(AuditEvent.object_label == title))
                            for title in ("Later", "Earlier"))
    assert notification_events._handle(later_id) == 1
    assert notification_events.fan_out() == 1
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.object_id == early.id)) == 4
    assert earlier_id < later_id


def test_unsubscribing_stops_that_kind_of_email_but_the_page_still_lists_it(
        app, session, plymouth, proposed, smtp_server):
    token = notifications.unsubscribe_token(plymouth.officer, NotificationKind.DECISION_AWAITS.value)
    notifications.unsubscribe(token)
    notifications.unsubscribe(token)  # twice changes nothing
    decisions.propose_decision(context(plymouth, plymouth.worker), details(title="Second decision"))
    run_worker(app)

    assert len(smtp_server.messages_to(plymouth.officer.email)) == 1  # only the first decision's
    assert told(NotificationKind.DECISION_AWAITS).count("Aisha Khan") == 2
    assert choices_of(plymouth.officer)[NotificationKind.DECISION_AWAITS] is Delivery.OFF


def test_a_digest_unsubscribe_turns_the_digest_off(session, plymouth):
    notifications.unsubscribe(notifications.unsubscribe_token(plymouth.nurse, "digest"))
    assert session.get(NotificationSettings, plymouth.nurse.id).digest_frequency is DigestFrequency.NEVER
    assert digest_frequency_of(plymouth.officer) is DigestFrequency.WEEKLY


@pytest.mark.parametrize("token", ["", "not-a-token", "eyJ1IjoxLCJrIjoiZGVjaXNpb24uYXdhaXRzIn0.forged"])
def test_a_forged_unsubscribe_token_is_refused(session, plymouth, token):
    with pytest.raises(notifications.Refused):
        notifications.read_unsubscribe_token(token)


def test_a_token_signed_with_another_secret_is_refused(app, session, plymouth, monkeypatch):
    monkeypatch.setitem(app.config, "SECRET_KEY", "someone-elses-secret")
    forged = notifications.unsubscribe_token(plymouth.nurse, NotificationKind.DECISION_AWAITS.value)
    monkeypatch.setitem(app.config, "SECRET_KEY", "test-secret-key")
    with pytest.raises(notifications.Refused):
        notifications.unsubscribe(forged)
