"""Pages that ask before an irreversible change, and the pages that say what a change of
rule leaves alone, pass WCAG 2.2 AA; cancelling changes nothing."""
import pytest
from playwright.sync_api import expect

from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug


def test_confirmation_pages_pass_wcag_22_aa_and_cancel_changes_nothing(page, live_server, sign_in, assert_accessible):
    sign_in("lead")
    page.goto(f"{live_server}/projects/{PLYMOUTH}/edit")
    expect(page.get_by_text("These open decisions keep the rule they opened under")).to_be_visible()
    assert_accessible()

    page.goto(f"{live_server}/projects/{PLYMOUTH}/people")
    page.get_by_role("button", name="Remove").nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from the project?")
    assert_accessible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People")

    page.goto(f"{live_server}/projects/{PLYMOUTH}/partners")
    page.get_by_role("button", name="Remove Devon and Cornwall Police").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Devon and Cornwall Police from the partnership?")
    assert_accessible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("button", name="Remove Devon and Cornwall Police")).to_be_visible()

    page.goto(f"{live_server}/projects/{PLYMOUTH}")
    page.get_by_role("button", name="Make private").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("private?")
    assert_accessible()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("button", name="Make private")).to_be_visible()


def test_correcting_a_comment_passes_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    sign_in("nhs")
    page.goto(f"{live_server}/projects/{PLYMOUTH}/decisions")
    page.get_by_role("link", name="Fund a night-time street outreach team for a year").click()
    discussion = page.locator("#discussion")
    discussion.get_by_label("Comment").fill("Could the team start in Janury?")
    discussion.get_by_role("button", name="Add comment").click()
    page.get_by_role("link", name="Correct your comment").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct your comment")
    assert_accessible()
    page.get_by_label("Comment").fill("Could the team start in January?")
    page.get_by_role("button", name="Save correction").click()
    expect(page.locator("#discussion")).to_contain_text("Could the team start in January?")
    expect(page.locator("#discussion")).to_contain_text("Earlier wording (1)")
    assert_accessible()
