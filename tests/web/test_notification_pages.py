"""The notification pages: the header's count, the list, marking read, preferences, and
the one-click unsubscribe link that works without signing in."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import DecisionStance, Delivery, DigestFrequency, NotificationKind
from localvision.models import Decision, Notification, NotificationPreference
from localvision.permissions import policy
from localvision.queries.notifications import choices_of, digest_frequency_of, unread_count
from localvision.services import decisions, notification_events, notifications
from localvision.services.decisions import DecisionDetails


def propose(plymouth, title: str):
    today = date.today()
    decisions.propose_decision(policy.context_for(plymouth.worker, plymouth.project), DecisionDetails(
        title=title, rationale="Why", category=factories.DecisionCategory.GRANT, opens_on=today,
        closes_on=today + timedelta(days=14)))


def unread_in_header(page: str) -> int:
    count = re.search(r'class="app-notification-count" data-unread="(\d+)"', page)
    return int(count.group(1)) if count else 0


def test_the_header_counts_unread_notifications_and_the_page_lists_them_newest_first(client_for, session, plymouth):
    propose(plymouth, "Fund a night bus")
    propose(plymouth, "Fund a street pastor")
    notification_events.fan_out()
    client = client_for(plymouth.officer)

    assert unread_in_header(client.get("/your-work").get_data(as_text=True)) == 2
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("Fund a street pastor") < page.index("Fund a night bus")
    assert page.count(">New</strong>") == 2
    # Listed is not read: they stay new until followed, or marked read.
    again = client.get("/notifications").get_data(as_text=True)
    assert again.count(">New</strong>") == 2 and unread_in_header(again) == 2
    assert "Notifications" in again
    # Nobody else's notifications are listed to anyone.
    assert "Fund a night bus" not in client_for(plymouth.outsider).get("/notifications").get_data(as_text=True)


def test_following_a_notification_reads_it_and_leads_to_what_it_is_about(client_for, session, plymouth):
    propose(plymouth, "Fund a night bus")
    propose(plymouth, "Fund a street pastor")
    notification_events.fan_out()
    client = client_for(plymouth.officer)
    page = client.get("/notifications").get_data(as_text=True)
    [follow] = re.findall(r'href="(/notifications/\d+)">[^<]*Fund a night bus', page)

    response = client.get(follow)
    decision = session.scalar(select(Decision).where(Decision.title == "Fund a night bus"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{plymouth.project.slug}/decisions/{decision.id}"
    after = client.get("/notifications").get_data(as_text=True)
    assert after.count(">New</strong>") == 1 and unread_in_header(after) == 1
    # Someone else's notification is not there to follow, and stays unread.
    assert client_for(plymouth.nurse).get(follow).status_code == 404
    assert client_for(plymouth.nurse).get("/notifications/999999").status_code == 404


def test_a_decision_awaiting_an_organisation_is_done_for_all_its_people_once_its_position_is_recorded(
        client_for, session, plymouth):
    propose(plymouth, "Fund a night bus")
    notification_events.fan_out()
    decision = session.scalar(select(Decision).where(Decision.title == "Fund a night bus"))
    # Ann records the NHS trust's position: Tom, of the same trust, has nothing left to do.
    decisions.record_position(policy.context_for(plymouth.nhs_director, plymouth.project), decision,
                              DecisionStance.SUPPORT, "")

    page = client_for(plymouth.nurse).get("/notifications").get_data(as_text=True)
    assert "Done: your organisation's position is recorded" in page
    assert ">New</strong>" not in page and unread_in_header(page) == 0
    assert unread_count(plymouth.nurse) == 0
    # The police have not answered: theirs still awaits.
    police = client_for(plymouth.officer).get("/notifications").get_data(as_text=True)
    assert "Done:" not in police and police.count(">New</strong>") == 1 and unread_count(plymouth.officer) == 1


def test_mark_all_as_read_is_a_button_that_clears_the_count(client_for, session, plymouth):
    propose(plymouth, "Fund a night bus")
    notification_events.fan_out()
    client = client_for(plymouth.nurse)
    response = client.post("/notifications/read-all")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    assert unread_count(plymouth.nurse) == 0
    assert unread_count(plymouth.officer) == 1  # only their own


def test_the_notifications_page_is_paginated(client_for, session, plymouth):
    for number in range(23):
        propose(plymouth, f"Decision number {number}")
    notification_events.fan_out()
    client = client_for(plymouth.officer)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Decision number 22" in first and "Decision number 2<" not in first
    assert "/notifications?page=2" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Decision number 0" in second and "Decision number 22" not in second
    assert unread_count(plymouth.officer) == 23


def test_preferences_show_the_defaults_and_save_a_persons_choices(client_for, session, plymouth):
    client = client_for(plymouth.nurse)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert re.search(r'name="kind_decision_awaits"[^>]*value="immediately"[^>]*checked|'
                     r'checked[^>]*name="kind_decision_awaits"[^>]*value="immediately"', page)
    assert re.search(r'value="weekly"[^>]*checked|checked[^>]*value="weekly"', page)
    assert "kind_invitation_received" not in page  # invitations are always emailed

    form = {f"kind_{kind.value.replace('.', '_')}": "digest" for kind in NotificationKind
            if kind not in (NotificationKind.INVITED, NotificationKind.ORGANISATION_INVITED)}
    form["kind_action_given"] = "off"
    form["digest_frequency"] = "daily"
    response = client.post("/account/notifications", data=form)
    assert response.status_code == 302
    choices = choices_of(plymouth.nurse)
    assert choices[NotificationKind.ACTION_GIVEN] is Delivery.OFF
    assert choices[NotificationKind.DECISION_AWAITS] is Delivery.DIGEST
    assert digest_frequency_of(plymouth.nurse) is DigestFrequency.DAILY


def test_a_preference_left_unanswered_is_refused_beside_its_question(client_for, session, plymouth):
    response = client_for(plymouth.nurse).post("/account/notifications", data={"digest_frequency": "daily"})
    assert response.status_code == 200
    assert "Choose how you hear of this: a decision awaits your organisation" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


def test_the_unsubscribe_link_asks_first_then_one_click_post_unsubscribes_without_signing_in(
        client, session, plymouth):
    url = notifications.unsubscribe_url(plymouth.officer, NotificationKind.DECISION_AWAITS.value)
    path = url.removeprefix("http://localhost:5000")

    page = client.get(path)
    assert page.status_code == 200
    assert "Stop emails about this: a decision awaits your organisation" in page.get_data(as_text=True)
    assert choices_of(plymouth.officer)[NotificationKind.DECISION_AWAITS] is Delivery.IMMEDIATELY

    # What a mail client sends for RFC 8058: no cookie, no CSRF token.
    done = client.post(path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert choices_of(plymouth.officer)[NotificationKind.DECISION_AWAITS] is Delivery.OFF
    assert choices_of(plymouth.officer)[NotificationKind.ACTION_GIVEN] is Delivery.IMMEDIATELY


@pytest.mark.parametrize("token", ["made-up", "eyJ1IjoxLCJrIjoiZGVjaXNpb24uYXdhaXRzIn0.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                   "..", "%00", "x" * 3000])
def test_a_made_up_unsubscribe_link_is_not_found_and_changes_nothing(client, session, plymouth, token):
    for method in ("GET", "POST"):
        response = client.open(f"/notifications/unsubscribe/{token}", method=method)
        # A null character is refused before any route reads the address.
        assert response.status_code == (400 if token == "%00" else 404)
    assert session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


def test_a_notification_link_leads_to_a_page_its_reader_may_open(client_for, session, plymouth):
    propose(plymouth, "Fund a night bus")
    notification_events.fan_out()
    link = session.scalar(select(Notification.link).where(Notification.user_id == plymouth.officer.id))
    assert client_for(plymouth.officer).get(link).status_code == 200
