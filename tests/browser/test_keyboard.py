"""The main tasks done with a keyboard alone: every control is reached with Tab and
worked with Space and Enter, never with a mouse."""
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from keyboard_support import sign_in_with_keyboard, tab_to
from localvision import create_app
from localvision.demo import EMAIL_DOMAIN
from localvision.domain.vocabulary import DecisionCategory, PartnerRole, ProjectRole
from localvision.extensions import db
from localvision.models import Decision, Project, ProjectMembership, ProjectPartner, User, VisionVersion
from support import settings_for_tests

pytestmark = pytest.mark.browser
# From the top of a decision's page to its position form: past the header, the skip
# link and the project's tabs, and nothing else.
TABS_TO_OWN_POSITION = 23


@pytest.fixture
def two_partner_project(live_server, live_database_url, tmp_path, request):
    """A published project of Wirral Public Health (lead) and Birkenhead Food Bank, with a
    first wording of a vision and an open decision the food bank has not yet answered."""
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": live_database_url}, instance_path=tmp_path)
    slug = f"keyboard-{request.node.name.replace('_', '-')}"
    with app.app_context():
        lead, member = (db.session.scalar(select(User).where(User.email == f"{key}@{EMAIL_DOMAIN}"))
                        for key in ("wirral", "foodbank"))
        project = Project(slug=slug, title="Keyboard partnership", place="Birkenhead", theme="Food poverty",
                          is_published=True)
        db.session.add_all([
            project,
            ProjectPartner(project=project, organisation=lead.organisation, role=PartnerRole.LEAD_PARTNER),
            ProjectPartner(project=project, organisation=member.organisation, role=PartnerRole.PARTNER),
            ProjectMembership(project=project, user=lead, role=ProjectRole.LEAD),
            ProjectMembership(project=project, user=member, role=ProjectRole.MEMBER),
            VisionVersion(project=project, number=1, text="Food hubs within a short walk of every home.",
                          change_note="First wording", author=lead, organisation=lead.organisation),
            Decision(project=project, title="Fund a second food hub", rationale="Demand doubled in a year.",
                     category=DecisionCategory.GRANT, proposer=lead, proposing_organisation=lead.organisation,
                     opens_on=date.today(), closes_on=date.today() + timedelta(days=14)),
        ])
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return slug


def test_a_partner_objects_to_a_decision_with_the_keyboard_alone(page, live_server, two_partner_project):
    sign_in_with_keyboard(page, live_server, "foodbank")
    page.goto(f"{live_server}/projects/{two_partner_project}")
    decision = page.get_by_role("link", name="Fund a second food hub")
    tab_to(page, decision)
    page.keyboard.press("Enter")
    first_choice = page.get_by_label("Support", exact=True)
    tab_to(page, first_choice)
    # Arrow keys move through a radio group and choose as they go.
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Object", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Reasons"))
    page.keyboard.type("We cannot staff a second hub this year.")
    tab_to(page, page.get_by_role("button", name="Record position"))
    page.keyboard.press("Enter")
    row = page.locator("#positions").get_by_role("row", name=re.compile("Birkenhead Food Bank"))
    expect(row).to_contain_text("Object")
    expect(row).to_contain_text("We cannot staff a second hub this year.")


def test_a_partner_endorses_the_vision_with_the_keyboard_alone(page, live_server, two_partner_project):
    sign_in_with_keyboard(page, live_server, "foodbank")
    page.goto(f"{live_server}/projects/{two_partner_project}/vision")
    endorse = page.get_by_label("Endorse", exact=True)
    tab_to(page, endorse)
    page.keyboard.press("Space")
    expect(endorse).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Record position"))
    page.keyboard.press("Enter")
    expect(page.locator("#endorsements")).to_contain_text("Birkenhead Food Bank's position on version 1 is recorded")


def test_a_partner_records_its_position_from_the_top_of_the_decision_page(page, live_server, two_partner_project):
    sign_in_with_keyboard(page, live_server, "foodbank")
    page.goto(f"{live_server}/projects/{two_partner_project}")
    tab_to(page, page.get_by_role("link", name="Fund a second food hub"))
    page.keyboard.press("Enter")
    own_part = page.locator("#your-part")
    expect(own_part).to_contain_text("Your organisation has not responded yet")
    expect(own_part).to_contain_text("0 of 2 partners have responded")
    presses = tab_to(page, own_part.get_by_label("Support", exact=True))
    assert presses <= TABS_TO_OWN_POSITION, f"{presses} Tab presses to the position form"
    page.keyboard.press("Space")
    tab_to(page, own_part.get_by_role("button", name="Record position"))
    page.keyboard.press("Enter")
    expect(page.locator("#your-part")).to_contain_text("1 of 2 partners have responded")
    expect(page.locator("#your-part").get_by_label("Support", exact=True)).to_be_checked()
    expect(page.locator("#your-part")).to_contain_text("A new position replaces the current one")
