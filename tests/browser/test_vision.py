import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from localvision import create_app
from localvision.demo import EMAIL_DOMAIN, PROJECTS
from localvision.domain.vocabulary import PartnerRole, ProjectRole
from localvision.extensions import db
from localvision.models import Project, ProjectMembership, ProjectPartner, User, VisionVersion
from support import settings_for_tests

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug
WORDING = "## Our shared vision\n\nEvery family in Birkenhead can reach a community food hub within a short walk."


@pytest.fixture
def food_hubs(live_server, live_database_url, tmp_path, request):
    """A partnership of two organisations, Wirral Public Health and Birkenhead Food Bank,
    with a first wording of its vision nobody has endorsed yet."""
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": live_database_url}, instance_path=tmp_path)
    slug = f"food-hubs-{request.node.name.replace('_', '-')}"
    with app.app_context():
        users = {key: db.session.scalar(select(User).where(User.email == f"{key}@{EMAIL_DOMAIN}"))
                 for key in ("wirral", "foodbank")}
        project = Project(slug=slug, title="Community food hubs", place="Birkenhead", theme="Food poverty",
                          summary="Food hubs within walking distance.", is_published=True)
        db.session.add(project)
        for key, partner_role, project_role in (("wirral", PartnerRole.LEAD_PARTNER, ProjectRole.LEAD),
                                                ("foodbank", PartnerRole.PARTNER, ProjectRole.MEMBER)):
            db.session.add(ProjectPartner(project=project, organisation=users[key].organisation, role=partner_role))
            db.session.add(ProjectMembership(project=project, user=users[key], role=project_role))
        db.session.add(VisionVersion(project=project, number=1, text=WORDING, change_note="First wording",
                                     author=users["wirral"], organisation=users["wirral"].organisation))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return slug


def record_in_place(page: Page, stance: str, comment: str = "") -> None:
    vision_url = page.url
    page.get_by_label(stance, exact=True).check()
    if comment:
        page.get_by_label("Comment", exact=True).fill(comment)
    with page.expect_response(re.compile(r"/vision/positions$")) as response:
        page.get_by_role("button", name="Record position").click()
    assert response.value.request.headers.get("hx-request") == "true"  # swapped in place by htmx
    assert page.url == vision_url


def test_two_partners_endorse_and_the_vision_is_agreed(page, browser, live_server, sign_in, food_hubs,
                                                       assert_accessible):
    sign_in("wirral")
    page.goto(f"{live_server}/projects/{food_hubs}/vision")
    status = page.locator("#agreement-status")
    expect(status).to_contain_text("0 of 2 partner organisations endorse version 1")
    assert_accessible()

    record_in_place(page, "Endorse")
    matrix = page.locator("#endorsements table")
    expect(page.locator("#endorsements")).to_contain_text("Wirral Public Health's position on version 1 is recorded")
    expect(matrix.get_by_role("row", name=re.compile("Wirral Public Health"))).to_contain_text("Endorse")
    expect(matrix.get_by_role("row", name=re.compile("Birkenhead Food Bank"))).to_contain_text("Not yet responded")
    expect(status).to_contain_text("1 of 2 partner organisations endorse version 1")
    assert_accessible()

    food_bank = browser.new_context().new_page()
    try:
        sign_in("foodbank", on=food_bank)
        food_bank.goto(f"{live_server}/projects/{food_hubs}/vision")
        record_in_place(food_bank, "Endorse with reservations", "We need volunteers' travel costs covered.")
        expect(food_bank.locator("#agreement-status")).to_contain_text("Agreed")
        expect(food_bank.locator("#agreement-status")).to_contain_text("Every partner organisation endorses version 1")
        expect(food_bank.locator("#endorsements table").get_by_role("row", name=re.compile("Birkenhead Food Bank"))
               ).to_contain_text("Endorse with reservations")
    finally:
        food_bank.context.close()

    page.goto(f"{live_server}/projects/{food_hubs}")
    vision = page.get_by_role("region", name="Shared vision")
    expect(vision).to_contain_text("Agreed")
    expect(vision).to_contain_text("Every family in Birkenhead can reach a community food hub")
    expect(vision.get_by_role("listitem")).to_have_text([re.compile("Birkenhead Food Bank"), "Wirral Public Health"])


def test_a_conflicting_edit_keeps_the_second_persons_text(page, live_server, sign_in, food_hubs, assert_accessible):
    sign_in("wirral")
    propose_url = f"{live_server}/projects/{food_hubs}/vision/propose"
    other_tab = page.context.new_page()
    other_tab.goto(propose_url)
    page.goto(propose_url)

    other_tab.get_by_label("Wording of the vision").fill(WORDING + " Hubs open every weekday.")
    other_tab.get_by_label("What you changed and why").fill("Opening days")
    other_tab.get_by_role("button", name="Propose this version").click()
    expect(other_tab.locator("#agreement-status")).to_contain_text("version 2")

    mine = WORDING.replace("a short walk", "a ten-minute walk")
    page.get_by_label("Wording of the vision").fill(mine)
    page.get_by_label("What you changed and why").fill("Say how short the walk is")
    page.get_by_role("button", name="Propose this version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Someone saved new wording while you were editing")
    expect(page.locator(".app-diff ins").first).to_contain_text("Hubs open every weekday.")
    expect(page.get_by_label("Your wording, to merge with version 2")).to_have_value(mine)
    assert_accessible(status=409)  # the conflict page answers 409 Conflict


def test_vision_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    sign_in("lead")
    base = f"{live_server}/projects/{PLYMOUTH}/vision"
    for path in ("", "/history", "/versions/3", "/versions/1", "/propose", "/compare?from=1&to=3"):
        page.goto(base + path)
        assert_accessible()
    page.goto(base + "/history")
    page.get_by_role("link", name="Compare with version 2").click()
    expect(page.locator("#comparison")).to_contain_text("Changes from version 2 to version 3")
    assert page.url == base + "/history"  # loaded in place by htmx
    assert_accessible()
    page.goto(f"{live_server}/projects/{PLYMOUTH}")
    assert_accessible()
