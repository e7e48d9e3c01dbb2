import re
from datetime import date

import pytest
from playwright.sync_api import expect

from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug
CORNWALL = PROJECTS[1].slug  # decision rule: consent


def fill_date(page, legend: str, value: date) -> None:
    fieldset = page.get_by_role("group", name=legend)
    fieldset.get_by_label("Day").fill(str(value.day))
    fieldset.get_by_label("Month").fill(str(value.month))
    fieldset.get_by_label("Year").fill(str(value.year))


def contribute_and_take_a_position(page, url: str, kind: str, values: dict[str, str], stance: str, reasons: str = "") -> None:
    page.goto(url)
    contributions = page.locator("#contributions")
    contributions.get_by_label(kind, exact=True).check()
    for label, value in values.items():
        contributions.get_by_label(label, exact=True).fill(value)
    with page.expect_response(re.compile(r"/contributions$")) as response:
        contributions.get_by_role("button", name="Add contribution").click()
    assert response.value.request.headers.get("hx-request") == "true"  # swapped in place by htmx
    expect(page.locator("#contributions").get_by_role("alert")).to_contain_text("contribution of")
    own_part = page.locator("#your-part")
    own_part.get_by_label(stance, exact=True).check()
    if reasons:
        own_part.get_by_label("Reasons").fill(reasons)
    with page.expect_response(re.compile(r"/position$")):
        own_part.get_by_role("button", name="Record position").click()
    expect(page.locator("#your-part").get_by_role("alert")).to_contain_text("position recorded")
    # The table of positions is swapped too, out of band.
    expect(page.locator("#positions")).to_contain_text(stance)
    assert page.url == url


def test_partners_propose_fund_and_agree_a_decision(page, live_server, sign_in, assert_accessible):
    sign_in("foodnetwork")  # a partner member, voluntary and community sector
    page.goto(f"{live_server}/projects/{CORNWALL}/decisions")
    page.get_by_role("button", name="Propose a decision").click()
    page.get_by_label("Title").fill("School holiday lunch clubs in Penzance")
    page.get_by_label("Rationale").fill("Free lunches and cooking sessions for families over the **summer holidays**.")
    page.get_by_label("Grant to a local organisation").check()
    fill_date(page, "Closing date for positions", date.today())
    assert_accessible()
    page.get_by_role("button", name="Propose decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("School holiday lunch clubs in Penzance")
    decision_url = page.url
    assert_accessible()

    contribute_and_take_a_position(page, decision_url, "Cash", {"Value in pounds": "1,200.50"}, "Support")
    page.context.clear_cookies()
    sign_in("police")  # police
    contribute_and_take_a_position(page, decision_url, "Staff time", {"Hours": "10", "Hourly cost in pounds": "35.25"},
                                   "Support with concerns", "Officers only on the two busiest days")
    page.context.clear_cookies()
    sign_in("cornwall")  # public health, and the project lead
    contribute_and_take_a_position(page, decision_url, "In-kind", {"Value in pounds": "400"}, "Support")
    assert_accessible()

    page.get_by_role("link", name="Close the decision").click()
    expect(page.get_by_text("Consent: nobody objected by the closing date.")).to_be_visible()
    assert_accessible()
    page.get_by_label("Apply the decision rule").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close as agreed?")
    assert_accessible()
    page.get_by_role("button", name="Close as agreed").click()
    expect(page.get_by_role("region", name="Important")).to_contain_text("Decision closed: agreed")
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)

    discussion = page.locator("#discussion")
    discussion.get_by_label("Comment").fill("Can we report back on **uptake** in March?")
    discussion.get_by_role("button", name="Add comment").click()
    expect(page.locator("#discussion strong", has_text="uptake")).to_be_visible()
    assert_accessible()

    expect(page.locator(".govuk-summary-list__row", has_text="Outcome")).to_contain_text("Agreed")
    expect(page.get_by_text("Total: £1,953.00")).to_be_visible()
    by_organisation = page.locator(".app-contribution-table")
    expect(by_organisation.get_by_role("row", name=re.compile("Kernow Community Food Network in total"))).to_contain_text("£1,200.50")
    expect(by_organisation.get_by_role("row", name=re.compile("Devon and Cornwall Police in total"))).to_contain_text("£352.50")
    expect(by_organisation.get_by_role("row", name=re.compile("Cornwall Public Health in total"))).to_contain_text("£400.00")
    expect(page.locator("#positions")).to_contain_text("Officers only on the two busiest days")
    assert_accessible()


def test_decision_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    page.goto(f"{live_server}/projects/{PLYMOUTH}/decisions")
    assert_accessible()
    page.get_by_role("link", name="Contract taxi marshals at the Union Street rank").click()
    expect(page.get_by_text("commercially sensitive: its rationale")).to_be_visible()
    assert_accessible()
    sign_in("nhs")
    page.goto(f"{live_server}/projects/{PLYMOUTH}/decisions")
    page.get_by_role("link", name="Fund a night-time street outreach team for a year").click()
    assert_accessible()
    for path in (f"/projects/{PLYMOUTH}/decisions/actions", "/your-work", f"/projects/{PLYMOUTH}/decisions?status=open"):
        page.goto(live_server + path)
        assert_accessible()
    expect(page.get_by_role("link", name="Pool a budget for a multi-agency alcohol liaison post")).to_be_visible()
    page.get_by_role("link", name="Pool a budget for a multi-agency alcohol liaison post").click()
    assert_accessible()
