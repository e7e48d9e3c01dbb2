import re

import pytest
from playwright.sync_api import expect

from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug


def test_public_pages_pass_wcag_22_aa(page, live_server, assert_accessible):
    for path in ("/projects", "/projects?q=food&sector=nhs&phase=deliver", "/projects?sector=unknown",
                 "/accessibility", f"/projects/{PLYMOUTH}", f"/projects/{PLYMOUTH}/decisions",
                 f"/projects/{PLYMOUTH}/indicators"):
        page.goto(live_server + path)
        assert_accessible()


def test_a_visitors_decision_and_indicator_pages_pass_wcag_22_aa(page, live_server, assert_accessible):
    for listing in (f"/projects/{PLYMOUTH}/decisions", f"/projects/{PLYMOUTH}/indicators"):
        page.goto(live_server + listing)
        page.locator(f"main a[href^='{listing}/']").first.click()
        page.wait_for_url(re.compile(re.escape(live_server + listing) + r"/\d+$"))
        assert_accessible()


def test_a_visitor_searches_the_directory_with_the_keyboard(page, live_server):
    page.goto(f"{live_server}/projects")
    page.get_by_label("Search projects").fill("food")
    page.get_by_label("Voluntary and community sector").focus()
    page.keyboard.press("Space")
    page.get_by_label("Search projects").press("Enter")
    expect(page.get_by_role("heading", level=2, name=re.compile("match your search"))).to_be_visible()
    expect(page.get_by_role("link", name="Health and wellbeing through food")).to_be_visible()
    expect(page.get_by_role("link", name="Reducing late-night street drinking")).to_have_count(0)
    assert "q=food" in page.url and "sector=voluntary_and_community" in page.url
    page.get_by_role("link", name="Reducing food poverty").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2, name="Open data")).to_be_visible()
