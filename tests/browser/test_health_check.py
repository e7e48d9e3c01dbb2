"""The health check in a browser: a partner answers with the keyboard alone on a narrow
screen, and the results page reads well, with its chart and tables, for everyone."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from keyboard_support import sign_in_with_keyboard, tab_to
from localvision.domain.vocabulary import HealthStatement
from localvision.extensions import db
from localvision.models import HealthCheckRound, Project

pytestmark = pytest.mark.browser
PLYMOUTH = "street-drinking-plymouth"
NARROW = {"width": 320, "height": 640}


def plymouth_rounds(live_app) -> tuple[str, str]:
    """The titles of Plymouth's latest closed round and of its open one: the demo names
    rounds by the month they opened, which moves with the day it loads."""
    with live_app.app_context():
        rounds = db.session.scalars(select(HealthCheckRound).join(Project).where(Project.slug == PLYMOUTH)
                                    .order_by(HealthCheckRound.opens_on)).all()
        titles = ([item.title for item in rounds if item.closed_at is not None][-1],
                  next(item.title for item in rounds if item.closed_at is None))
        db.session.remove()
    return titles


def test_a_partner_answers_the_open_round_with_the_keyboard_at_320_pixels(page, live_server, live_app,
                                                                          assert_accessible):
    _, open_round = plymouth_rounds(live_app)
    page.set_viewport_size(NARROW)
    sign_in_with_keyboard(page, live_server, "nhs")
    page.goto(f"{live_server}/projects/{PLYMOUTH}/health-check")
    assert_accessible()
    answer = page.get_by_role("link", name="Answer the health check")
    tab_to(page, answer)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(open_round)
    assert_accessible()

    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible()
    for number, statement in enumerate(HealthStatement, start=1):
        group = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        tab_to(page, group.get_by_label("Strongly disagree"))
        # Arrow keys move through a radio group and choose as they go: three down is "Agree".
        for _ in range(3):
            page.keyboard.press("ArrowDown")
        expect(group.get_by_label("Agree", exact=True)).to_be_checked()
        if statement is HealthStatement.LEARNING:
            tab_to(page, page.get_by_label(f"Comment on statement {number} (optional)"))
            page.keyboard.type("We write lessons down but rarely read them.")
    tab_to(page, page.get_by_role("button", name="Send my answers"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you: your answers are in")).to_be_visible()
    expect(page.get_by_text("You have answered this round.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible()


def test_the_results_page_passes_wcag_22_aa_for_visitors_and_partners(page, live_server, live_app, sign_in,
                                                                     assert_accessible):
    latest_closed, _ = plymouth_rounds(live_app)
    page.goto(f"{live_server}/projects/{PLYMOUTH}/health-check")
    page.get_by_role("link", name=latest_closed).click()
    expect(page.locator("[data-health-chart] canvas")).to_be_visible()
    change = page.get_by_role("table", name=re.compile("whether the change is more than noise"))
    expect(change).to_contain_text("More than noise")
    expect(change).to_contain_text("Could be noise")
    expect(page.get_by_role("table", name=re.compile("Mean rating by organisation"))).to_contain_text("Other partners")
    expect(page.get_by_text("permutation test")).to_be_visible()
    assert_accessible()
    page.set_viewport_size(NARROW)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    assert_accessible()

    sign_in("lead")
    page.goto(f"{live_server}/projects/{PLYMOUTH}/health-check")
    page.get_by_role("link", name=latest_closed).click()
    expect(page.get_by_role("heading", name="Comments")).to_be_visible()
    assert_accessible()
    page.goto(f"{live_server}/projects/{PLYMOUTH}/health-check/new")
    assert_accessible()
