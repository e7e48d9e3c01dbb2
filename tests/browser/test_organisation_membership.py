"""An organisation's own side of joining a partnership, in a real browser: its pages pass
axe, and one of its administrators accepts an invitation with the keyboard alone."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from keyboard_support import sign_in_with_keyboard, tab_to
from localvision import create_app
from localvision.demo import EMAIL_DOMAIN
from localvision.domain.vocabulary import PartnerRole, PartnerStatus, ProjectRole
from localvision.extensions import db
from localvision.models import Organisation, Project, ProjectMembership, ProjectPartner, User
from support import settings_for_tests

pytestmark = pytest.mark.browser


@pytest.fixture
def invitation_to_plymouth(live_server, live_database_url, tmp_path, request):
    """A private Wirral project that has invited Plymouth City Council, whose demo lead
    (Priya Shah) administers it. Returns the project's title."""
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": live_database_url}, instance_path=tmp_path)
    title = f"Invitation journey {request.node.name[-12:]}"
    with app.app_context():
        wirral = db.session.scalar(select(User).where(User.email == f"wirral@{EMAIL_DOMAIN}"))
        plymouth = db.session.scalar(select(Organisation).where(Organisation.name == "Plymouth City Council"))
        project = Project(slug=title.lower().replace(" ", "-").replace("_", "-"), title=title, place="Birkenhead",
                          theme="Food poverty", summary="Sharing what worked with street outreach.")
        db.session.add_all([
            project,
            ProjectPartner(project=project, organisation=wirral.organisation, role=PartnerRole.LEAD_PARTNER),
            ProjectMembership(project=project, user=wirral, role=ProjectRole.LEAD),
        ])
        project.invited_partners.append(ProjectPartner(organisation=plymouth, role=PartnerRole.PARTNER,
                                                       status=PartnerStatus.INVITED, invited_by_id=wirral.id))
        db.session.commit()
        invited_id = project.invited_partners[0].id
        db.session.remove()
        db.engine.dispose()
    return title, invited_id


def test_organisation_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible, invitation_to_plymouth):
    _title, invited_id = invitation_to_plymouth
    sign_in("lead")
    for path in ("/organisation", f"/organisation/invitations/{invited_id}"):
        page.goto(live_server + path)
        assert_accessible()
    page.context.clear_cookies()
    sign_in("admin")
    page.goto(f"{live_server}/admin/organisations")
    page.get_by_role("link", name="Plymouth City Council").click()
    expect(page.get_by_role("heading", name="Email domains")).to_be_visible()
    assert_accessible()


def test_an_organisation_administrator_accepts_an_invitation_with_the_keyboard_alone(
        page, live_server, invitation_to_plymouth):
    title, _invited_id = invitation_to_plymouth
    sign_in_with_keyboard(page, live_server, "lead")
    tab_to(page, page.get_by_role("link", name="Your organisation"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Plymouth City Council", level=1)).to_be_visible()
    tab_to(page, page.get_by_role("link", name=f"{title}, Birkenhead"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Join {title}?")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Accept invitation"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Plymouth City Council is now a partner of {title}")).to_be_visible()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
