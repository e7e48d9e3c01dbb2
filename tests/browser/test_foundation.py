import re

import pytest
from playwright.sync_api import expect

from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug


def test_lead_invites_a_partner_in_place(page, live_server, sign_in):
    sign_in("lead")
    page.get_by_role("link", name="Reducing late-night street drinking").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reducing late-night street drinking")
    page.get_by_role("link", name="Add or remove partners").click()
    partners_url = page.url

    page.get_by_label("Organisation", exact=True).select_option(label="Kent Fire and Rescue Service (Fire and rescue)")
    with page.expect_response(re.compile(r"/partners$")) as response:
        page.get_by_role("button", name="Send invitation").click()
    assert response.value.request.headers.get("hx-request") == "true"  # swapped in place by htmx
    assert page.url == partners_url
    invited = page.locator("#partners table", has_text="Invited, not answered yet")
    expect(invited.get_by_role("row", name=re.compile("Kent Fire and Rescue Service"))).to_be_visible()
    # Only invited: it is no partner until one of its own people accepts.
    expect(page.locator("#partners").get_by_text("6 partner organisations")).to_be_visible()

    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("region", name=re.compile("Fire and rescue"))).to_have_count(0)


def test_public_pages_pass_wcag_22_aa(page, live_server, assert_accessible):
    for path in ("/", "/sign-in", f"/projects/{PLYMOUTH}"):
        page.goto(live_server + path)
        assert_accessible()


def test_signed_in_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    sign_in("lead")
    for path in ("/", f"/projects/{PLYMOUTH}", f"/projects/{PLYMOUTH}/partners", f"/projects/{PLYMOUTH}/people",
                 f"/projects/{PLYMOUTH}/audit", f"/projects/{PLYMOUTH}/edit", "/projects/new"):
        page.goto(live_server + path)
        assert_accessible()
