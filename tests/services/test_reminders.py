"""Reminders and the calendar's checks, end to end with the clock controlled: the hourly
job run by a real worker at a given moment, the notifications, and the emails a real SMTP
server receives. The Plymouth partnership of ``factories.Partnership``: Priya (council,
the lead), Tom and Ann (NHS), Aisha (police), Dan (charity).

Tuesday 17 March 2026, 08:00 in London (GMT) is the morning the reminders go out for a
decision closing on Friday 20 March."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

import factories
from localvision import job_queue
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import DecisionStance, DecisionStatus, NotificationKind
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import AuditEvent, Notification, ProjectMembership, User
from localvision.permissions import policy
from localvision.queries.audit import trail
from localvision.services import reminders
from localvision.services.reminders import send_reminders
from smtp_server import text_of

TUESDAY_MORNING = datetime(2026, 3, 17, 8, 0, tzinfo=timezone.utc)


def run_reminders_at(app, moment: datetime) -> None:
    """The scheduler's hourly job at ``moment``, and the emails it queued, by a real worker."""
    job_queue.enqueue(send_reminders, moment.isoformat())
    build_worker(app).work(burst=True)
    db.session.expire_all()


def told(kind: NotificationKind) -> list[str]:
    return sorted(db.session.scalars(select(User.name).join(Notification.user).where(Notification.kind == kind)))


def subjects(smtp_server, person) -> list[str]:
    return [message["Subject"].strip() for message in smtp_server.messages_to(person.email)]


@pytest.fixture
def closing_friday(session, plymouth):
    """Opened on 6 March, closing on Friday 20 March; the NHS has responded."""
    decision = factories.decision(plymouth.project, plymouth.worker, title="Fund a night-time outreach worker")
    decision.opens_on, decision.closes_on = date(2026, 3, 6), date(2026, 3, 20)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    session.commit()
    return decision


def test_reminders_go_three_days_before_and_the_day_before_only_to_those_who_have_not_responded(
        app, session, redis, plymouth, closing_friday, smtp_server):
    run_reminders_at(app, TUESDAY_MORNING - timedelta(days=1))  # Monday: four days before
    assert told(NotificationKind.DECISION_REMINDER) == []

    run_reminders_at(app, TUESDAY_MORNING)
    # The NHS has responded: neither Tom nor Ann hears of it again.
    assert told(NotificationKind.DECISION_REMINDER) == ["Aisha Khan", "Dan Roberts", "Priya Shah"]
    assert smtp_server.messages_to(plymouth.nurse.email) == []
    [email] = smtp_server.messages_to(plymouth.officer.email)
    assert email["Subject"].strip() == ("Reminder: “Fund a night-time outreach worker” closes on Friday 20 March "
                                        "and awaits your organisation's position")
    body = text_of(email)
    assert "Your organisation has not yet recorded its position" in body
    assert "Positions close on Friday 20 March 2026." in body
    assert f"/projects/{plymouth.project.slug}/decisions/{closing_friday.id}#your-part" in body
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The hourly job runs again that morning, and the next: nothing is sent twice.
    run_reminders_at(app, TUESDAY_MORNING + timedelta(hours=1))
    run_reminders_at(app, TUESDAY_MORNING + timedelta(days=1))
    assert len(smtp_server.messages_to(plymouth.officer.email)) == 1

    # Aisha responds on Wednesday; on Thursday only the still silent are reminded.
    factories.position(closing_friday, plymouth.officer, DecisionStance.STAND_ASIDE)
    session.commit()
    run_reminders_at(app, TUESDAY_MORNING + timedelta(days=2))
    assert subjects(smtp_server, plymouth.worker)[-1] == (
        "Reminder: “Fund a night-time outreach worker” closes tomorrow and awaits your organisation's position")
    assert len(smtp_server.messages_to(plymouth.officer.email)) == 1
    assert "Positions close tomorrow, on Friday 20 March 2026." in text_of(smtp_server.messages_to(plymouth.worker.email)[-1])


def test_on_the_closing_date_the_lead_hears_it_is_ready_to_close_and_what_the_rule_says(
        app, session, redis, plymouth, closing_friday, smtp_server):
    run_reminders_at(app, datetime(2026, 3, 20, 8, 0, tzinfo=timezone.utc))
    assert told(NotificationKind.DECISION_READY_TO_CLOSE) == ["Priya Shah"]
    [email] = [m for m in smtp_server.messages_to(plymouth.lead.email) if "ready to close" in m["Subject"]]
    # Consensus; of four partners only the NHS responded.
    assert ("What the rule says now: No consensus: 3 partners did not respond by the closing date."
            in text_of(email))
    assert f"/decisions/{closing_friday.id}/close" in text_of(email)


def test_reminders_wait_for_the_morning_in_england(app, session, redis, plymouth, closing_friday, smtp_server):
    run_reminders_at(app, datetime(2026, 3, 17, 3, 0, tzinfo=timezone.utc))
    assert told(NotificationKind.DECISION_REMINDER) == []


def test_the_projects_lead_time_sets_the_first_reminder(app, session, redis, plymouth, closing_friday, smtp_server):
    plymouth.project.reminder_lead_days = 7
    session.commit()
    run_reminders_at(app, datetime(2026, 3, 13, 8, 0, tzinfo=timezone.utc))  # a week before
    assert told(NotificationKind.DECISION_REMINDER) == ["Aisha Khan", "Dan Roberts", "Priya Shah"]


def test_actions_due_tomorrow_and_overdue_tell_their_owner_and_once_a_week_the_lead(
        app, session, redis, plymouth, closing_friday, smtp_server):
    due_wednesday = factories.action(closing_friday, plymouth.officer, title="Draft the outreach job description")
    due_wednesday.due_on = date(2026, 3, 18)
    overdue = factories.action(closing_friday, plymouth.worker, title="Book the steering group room")
    overdue.due_on = date(2026, 3, 13)
    session.commit()

    run_reminders_at(app, TUESDAY_MORNING)
    assert subjects(smtp_server, plymouth.officer)[-1] == "Your action “Draft the outreach job description” is due tomorrow"
    assert "Your action “Book the steering group room” was due on 13 March 2026" in subjects(smtp_server, plymouth.worker)
    [weekly] = [m for m in smtp_server.messages_to(plymouth.lead.email) if "overdue in" in m["Subject"]]
    assert weekly["Subject"].strip() == f"1 action is overdue in {plymouth.project.title}"
    assert "Book the steering group room: Dan Roberts, due 13 March 2026" in text_of(weekly)

    # The rest of the week the lead hears nothing more; the next Monday, again.
    run_reminders_at(app, TUESDAY_MORNING + timedelta(days=5))
    assert len([m for m in smtp_server.messages_to(plymouth.lead.email) if "overdue in" in m["Subject"]]) == 1
    run_reminders_at(app, TUESDAY_MORNING + timedelta(days=6))  # Monday 23 March
    assert len([m for m in smtp_server.messages_to(plymouth.lead.email) if "overdue in" in m["Subject"]]) == 2
    # The owner was told once that it became overdue.
    assert len([s for s in subjects(smtp_server, plymouth.worker) if "was due" in s]) == 1


def test_a_stale_indicator_tells_its_owning_organisation_and_a_review_date_the_lead(
        app, session, redis, plymouth, smtp_server):
    indicator = factories.indicator(plymouth.project, owner=plymouth.nhs, name="A&E attendances after midnight")
    factories.measurement(indicator, period="2026-01-01")
    agreed = factories.decision(plymouth.project, plymouth.worker, title="Pool the night-time budget",
                                status=DecisionStatus.AGREED)
    agreed.review_on = date(2026, 3, 17)
    session.commit()

    run_reminders_at(app, TUESDAY_MORNING)  # 75 days after the January figure: two months have passed
    assert told(NotificationKind.INDICATOR_STALE) == ["Ann Lee", "Tom Evans"]
    assert told(NotificationKind.DECISION_REVIEW_DUE) == ["Dan Roberts", "Priya Shah"]
    # Stale indicators wait for the digest by default; the review is emailed at once.
    assert not any("no new measurement" in s for s in subjects(smtp_server, plymouth.nurse))
    assert "“Pool the night-time budget” is due for review" in subjects(smtp_server, plymouth.lead)


def test_a_person_removed_from_the_project_is_reminded_of_nothing(
        app, session, redis, plymouth, closing_friday, smtp_server):
    session.delete(session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == plymouth.officer.id)))
    session.commit()
    run_reminders_at(app, TUESDAY_MORNING)
    assert "Aisha Khan" not in told(NotificationKind.DECISION_REMINDER)
    assert smtp_server.messages_to(plymouth.officer.email) == []


# The lead's reminder ---------------------------------------------------------------------

def test_the_lead_reminds_the_silent_partners_at_most_once_a_day(app, session, redis, plymouth, closing_friday,
                                                                 smtp_server):
    lead = policy.context_for(plymouth.lead, plymouth.project)
    assert reminders.remind_silent_partners(lead, closing_friday, datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)) == [
        "Devon and Cornwall Police", "Harbour Street Outreach", "Plymouth City Council"]
    build_worker(app).work(burst=True)
    assert subjects(smtp_server, plymouth.worker) == [
        "Reminder: “Fund a night-time outreach worker” closes on Friday 20 March and awaits your organisation's position"]
    assert "A project lead of" in text_of(smtp_server.messages_to(plymouth.worker.email)[0])
    assert smtp_server.messages_to(plymouth.nurse.email) == []
    # Priya's council is silent too, but she sent the reminder: she is not emailed it.
    assert not any(s.startswith("Reminder") for s in subjects(smtp_server, plymouth.lead))

    # Later the same day in London (23:30 GMT is still 10 March), refused with the time it went.
    with pytest.raises(Refused, match="reminded today at 09:00. You can remind them again tomorrow"):
        reminders.remind_silent_partners(lead, closing_friday, datetime(2026, 3, 10, 23, 30, tzinfo=timezone.utc))
    assert len(reminders.remind_silent_partners(lead, closing_friday, datetime(2026, 3, 11, 0, 5, tzinfo=timezone.utc))) == 3
    build_worker(app).work(burst=True)
    assert len(smtp_server.messages_to(plymouth.worker.email)) == 2

    [entry, *_] = trail(plymouth.project, 1)[1]
    assert entry.sentence == ("Priya Shah (Plymouth City Council) reminded the partners who had not responded to "
                              "‘Fund a night-time outreach worker’: Devon and Cornwall Police, Harbour Street Outreach, "
                              "Plymouth City Council")
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.kind == "decision.reminder_sent")) == 2


def test_only_a_lead_may_remind_and_only_while_someone_is_silent(app, session, plymouth, closing_friday):
    with pytest.raises(NotPermitted):
        reminders.remind_silent_partners(policy.context_for(plymouth.worker, plymouth.project), closing_friday,
                                         TUESDAY_MORNING)
    for person in (plymouth.lead, plymouth.officer, plymouth.worker):
        factories.position(closing_friday, person, DecisionStance.SUPPORT)
    session.commit()
    with pytest.raises(Refused, match="Every partner has responded"):
        reminders.remind_silent_partners(policy.context_for(plymouth.lead, plymouth.project), closing_friday,
                                         TUESDAY_MORNING)


def test_the_button_on_the_decision_page(app, session, redis, plymouth, closing_friday, client_for):
    lead = client_for(plymouth.lead)
    page = lead.get(plymouth.url(closing_friday)).get_data(as_text=True)
    assert "Remind the 3 partners who have not responded" in page
    assert "Remind the" not in client_for(plymouth.worker).get(plymouth.url(closing_friday)).get_data(as_text=True)

    answer = lead.post(plymouth.url(closing_friday, "/remind"), follow_redirects=True).get_data(as_text=True)
    assert ("Reminded Devon and Cornwall Police, Harbour Street Outreach and Plymouth City Council: "
            "they have not responded yet") in answer
    assert "Remind the 3 partners" not in answer
    assert "were reminded today at" in answer

    again = lead.post(plymouth.url(closing_friday, "/remind"), follow_redirects=True).get_data(as_text=True)
    assert "You can remind them again tomorrow" in again
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.kind == "decision.reminder_sent")) == 1
    assert client_for(plymouth.worker).post(plymouth.url(closing_friday, "/remind")).status_code == 403


def test_the_lead_sets_the_reminder_lead_time_in_the_projects_settings(app, session, plymouth, client_for):
    project = plymouth.project
    details = {"title": project.title, "place": project.place, "theme": project.theme, "summary": project.summary,
               "phase": project.phase.value, "decision_rule": project.decision_rule.value, "minimum_notice_days": "5"}
    lead = client_for(plymouth.lead)
    form = lead.get(f"/projects/{project.slug}/edit").get_data(as_text=True)
    assert "Reminders, in days before the closing date" in form and 'name="reminder_lead_days"' in form
    assert 'value="3"' in form
    refused = lead.post(f"/projects/{project.slug}/edit", data={**details, "reminder_lead_days": "0"})
    assert "Reminders go between 1 and 30 days before the closing date" in refused.get_data(as_text=True)
    lead.post(f"/projects/{project.slug}/edit", data={**details, "reminder_lead_days": "7"})
    session.refresh(project)
    assert project.reminder_lead_days == 7
    [entry, *_] = trail(project, 1)[1]
    assert any(change.label == "Reminders, days before the closing date" and change.after == "7" for change in entry.changes)
