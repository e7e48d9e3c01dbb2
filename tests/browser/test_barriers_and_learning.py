"""The barrier log and the learning log in a browser: WCAG 2.2 AA (axe), the keyboard alone, 320 px."""
import re

import pytest
from playwright.sync_api import expect

from keyboard_support import tab_to
from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug
NARROW = {"width": 320, "height": 640}


def test_a_visitor_raises_a_barrier_with_the_keyboard_alone_at_320_pixels(page, live_server, assert_accessible):
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server}/projects/{PLYMOUTH}")
    expect(page.get_by_role("heading", name="You said, we did: barriers")).to_be_visible()
    assert_accessible()
    link = page.get_by_role("link", name="Tell the partnership about a barrier")
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/projects/{PLYMOUTH}/barriers/tell-us")
    assert_accessible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]

    # Submitted empty: the errors are announced and linked to their fields.
    tab_to(page, page.get_by_role("button", name="Send barrier"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Say what gets in the way")
    assert_accessible()

    for label, text in (("What gets in the way?", "No late buses from the city centre after 1am"),
                        ("Where does it get in the way?", "Royal Parade bus stops"),
                        ("Who does it affect?", "Night-time workers"),
                        ("Your email address (optional)", "night.worker@example.org")):
        tab_to(page, page.get_by_label(label, exact=True))
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    # The trap for robots is never in the way of a keyboard.
    tab_to(page, page.get_by_role("button", name="Send barrier"))
    assert page.evaluate("document.activeElement.name") != "website"
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Barrier sent")).to_be_visible()
    expect(page.get_by_text("We will email you each answer")).to_be_visible()
    assert_accessible()

    # Until someone in the project approves it, the public log does not show it.
    page.goto(f"{live_server}/projects/{PLYMOUTH}/barriers")
    expect(page.get_by_text("No late buses from the city centre")).to_have_count(0)
    assert_accessible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


def test_the_public_barrier_and_learning_pages_pass_wcag_22_aa_at_320_pixels(page, live_server, assert_accessible):
    page.set_viewport_size(NARROW)
    for path in (f"/projects/{PLYMOUTH}/barriers", f"/projects/{PLYMOUTH}/learning", "/learning",
                 "/learning?q=budget", f"/projects/{PLYMOUTH}/summary"):
        page.goto(live_server + path)
        assert_accessible()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], path
    page.goto(f"{live_server}/projects/{PLYMOUTH}/barriers")
    page.locator(".app-barrier-list a").first.click()
    page.wait_for_url(re.compile(r".*/barriers/\d+$"))
    expect(page.get_by_role("heading", name="Answers")).to_be_visible()
    assert_accessible()


def test_a_partner_moderates_and_answers_with_the_keyboard_alone(page, live_server, sign_in, assert_accessible):
    sign_in("lead")
    page.set_viewport_size(NARROW)
    page.goto(f"{live_server}/projects/{PLYMOUTH}/barriers")
    assert_accessible()
    tab_to(page, page.get_by_role("button", name=re.compile("^Approve")))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Barrier approved")).to_be_visible()
    assert_accessible()
    tab_to(page, page.get_by_label("Owner organisation"))
    page.keyboard.type("Plymouth City")
    expect(page.get_by_label("Owner organisation")).to_have_value(re.compile(r"^[1-9]"))
    # A radio group is one stop for Tab, on the status the barrier has; the arrows move within it.
    tab_to(page, page.get_by_label("New", exact=True))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Accepted", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Public answer"))
    page.keyboard.type("The council will look at seating on Royal Parade.")
    tab_to(page, page.get_by_role("button", name="Save"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("The answer is published and sent to whoever raised it")).to_be_visible()
    expect(page.get_by_text("The council will look at seating on Royal Parade.")).to_be_visible()
    assert_accessible()
    for path in ("/barriers/new", "/learning", "/learning/new"):
        page.goto(f"{live_server}/projects/{PLYMOUTH}{path}")
        assert_accessible()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], path
