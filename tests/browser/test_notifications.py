"""Notifications in the browser: the count in the header, the notifications page, marking
read, the preferences and unsubscribe pages; each passes WCAG 2.2 AA."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from localvision.domain.vocabulary import NotificationKind
from localvision.extensions import db
from localvision.models import Notification, User
from localvision.services.notifications import Tidings, notify, unsubscribe_url


def header_count(page):
    return page.locator(".govuk-service-navigation .app-notification-count")


def unread_in_the_demo(live_app, address_start: str) -> int:
    """What the demo left unread for a person: the header must say the same."""
    with live_app.app_context():
        person = db.session.scalar(select(User).where(User.email.startswith(address_start)))
        unread = len(db.session.scalars(select(Notification.id).where(Notification.user_id == person.id,
                                                                      Notification.read_at.is_(None))).all())
        db.session.remove()
    return unread


def test_the_header_counts_what_is_unread_until_a_notification_is_followed(page, live_server, live_app, sign_in,
                                                                    assert_accessible):
    # In the demo the NHS trust is awaited on two of Plymouth's decisions, one an amendment;
    # this morning's checks told its person of an overdue action and a stale indicator, and
    # it is asked to answer the health check and to moderate a public barrier.
    unread = unread_in_the_demo(live_app, "nhs@")
    assert unread >= 4
    sign_in("nhs")
    expect(header_count(page)).to_have_text(f"{unread} unread")
    assert_accessible()
    page.get_by_role("link", name=f"Notifications {unread} unread").click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.locator(".app-notification").get_by_text("New", exact=True)).to_have_count(unread)
    notification = page.locator(".app-notification").filter(has_text="An amendment of an agreed decision awaits")
    assert_accessible()
    # Listed is not read: the count stays until a notification is followed.
    expect(header_count(page)).to_have_text(f"{unread} unread")
    notification.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amendment")
    expect(header_count(page)).to_have_text(f"{unread - 1} unread")


def test_mark_all_as_read_clears_what_later_pages_hold(page, live_server, live_app, sign_in, assert_accessible):
    from_the_demo = unread_in_the_demo(live_app, "lead@")
    with live_app.app_context():
        lead = db.session.scalar(select(User).where(User.email.startswith("lead@")))
        for number in range(25):
            notify([lead], Tidings(NotificationKind.VISION_AGREED, f"The vision is agreed: test {number}", "/your-work",
                                   "VisionVersion", None, None, "vision_agreed"), dedupe_key=f"browser-test:{number}")
        db.session.commit()
        db.session.remove()
    sign_in("lead")
    page.goto(f"{live_server}/notifications")
    # Seeing the first page reads none of it.
    expect(header_count(page)).to_have_text(f"{25 + from_the_demo} unread")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All your notifications are marked as read")).to_be_visible()
    expect(header_count(page)).to_have_count(0)
    assert_accessible()
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".app-notification").first).to_be_visible()
    assert_accessible()


def test_preferences_and_unsubscribing_pass_wcag_22_aa(page, live_server, live_app, sign_in, assert_accessible):
    sign_in("police")
    page.goto(f"{live_server}/account/notifications")
    assert_accessible()
    page.get_by_role("group", name="An action is given to you").get_by_label("No email").check()
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_text("Your notification choices are saved")).to_be_visible()
    expect(page.get_by_role("group", name="An action is given to you").get_by_label("No email")).to_be_checked()
    assert_accessible()

    with live_app.app_context():
        police = db.session.scalar(select(User).where(User.email.startswith("police@")))
        link = unsubscribe_url(police, NotificationKind.DECISION_AWAITS.value)
        db.session.remove()
    page.context.clear_cookies()  # the link works without signing in
    page.goto(link.replace("http://localhost:5000", live_server))
    assert_accessible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert_accessible()
