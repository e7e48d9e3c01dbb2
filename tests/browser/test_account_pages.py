"""The account pages and the administrators' outbox pass WCAG 2.2 AA, empty and with
errors; a reset link is read from the outbox page as `make run` shows it."""
from __future__ import annotations

from playwright.sync_api import expect

from localvision.demo import EMAIL_DOMAIN
from localvision.jobs.worker import build_worker


def test_password_reset_pages_pass_wcag_22_aa(page, live_app, live_server, sign_in, assert_accessible):
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert_accessible()
    page.get_by_role("button", name="Send the link").click()  # empty: the error summary
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible()
    page.get_by_label("Email address").fill(f"police@{EMAIL_DOMAIN}")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible()
    build_worker(live_app).work(burst=True)  # the job that looks the address up and writes the link

    # No MAIL_URL: the message waits in the outbox, where an administrator reads it.
    sign_in("admin")
    page.goto(f"{live_server}/admin/outbox")
    assert_accessible()
    page.get_by_role("link", name="Reset your Local Vision password").first.click()
    assert_accessible()
    reset_link = page.locator(".app-mail-text a").first.get_attribute("href")
    page.goto(reset_link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Save the new password").click()  # empty: errors, nothing saved
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible()


def test_account_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    sign_in("voluntary")
    page.get_by_role("link", name="Your account").click()
    assert_accessible()
    page.get_by_role("link", name="Change password").click()
    assert_accessible()
    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password", exact=True).fill("a quiet harbour at dawn")
    page.get_by_label("Confirm new password").fill("a quiet harbour at dawn")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your current password is not right")
    assert_accessible()

    page.goto(f"{live_server}/account/email")
    assert_accessible()
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible()


def test_the_email_confirmation_page_passes_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    from localvision.demo import DEMO_PASSWORD

    sign_in("nhs")
    page.goto(f"{live_server}/account/email")
    page.get_by_label("New email address").fill(f"nhs.new@{EMAIL_DOMAIN}")
    page.get_by_label("Current password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_text(f"We have sent a link to nhs.new@{EMAIL_DOMAIN}")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in("admin")
    page.goto(f"{live_server}/admin/outbox")
    page.get_by_role("link", name="Confirm your new email address for Local Vision").first.click()
    page.goto(page.locator(".app-mail-text a").first.get_attribute("href"))
    expect(page.get_by_role("heading", name="Confirm your new email address")).to_be_visible()
    assert_accessible()
