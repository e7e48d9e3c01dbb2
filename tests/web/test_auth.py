from datetime import datetime, timedelta, timezone

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import ProjectRole
from localvision.extensions import db
from localvision.models import AuditEvent, Invitation, ProjectMembership, User
from localvision.permissions.policy import context_for
from localvision.services import invitations
from support import sign_in, token_mailed_to


def test_sign_in_and_out(client, session):
    person = factories.user(name="Priya Shah")
    session.commit()
    response = sign_in(client, person.email.upper())
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Priya Shah" in client.get("/").get_data(as_text=True)
    client.post("/sign-out")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_wrong_password_says_so_next_to_the_field_without_revealing_accounts(client, session):
    person = factories.user()
    session.commit()
    wrong_password = sign_in(client, person.email, "not the password at all").get_data(as_text=True)
    unknown_email = sign_in(client, "nobody@example.org").get_data(as_text=True)
    for page in (wrong_password, unknown_email):
        assert "There is a problem" in page
        assert 'id="email-error"' in page and "Email address or password is not right" in page


def test_next_only_goes_to_this_site(client, session):
    person = factories.user()
    session.commit()
    assert sign_in(client, person.email, next_url="/projects/new").headers["Location"] == "/projects/new"
    client.post("/sign-out")
    assert sign_in(client, person.email, next_url="//evil.example/x").headers["Location"] == "/"
    client.post("/sign-out")
    assert sign_in(client, person.email, next_url="https://evil.example/").headers["Location"] == "/"


def test_sign_in_attempts_are_rate_limited(client, session, app):
    person = factories.user()
    session.commit()
    limit = int(app.config["SIGN_IN_RATE_LIMIT"].split()[0])
    statuses = [sign_in(client, person.email, "wrong password here").status_code for _ in range(limit)]
    assert set(statuses) == {200}
    blocked = sign_in(client, person.email)
    assert blocked.status_code == 429
    assert "Too Many Requests" in blocked.get_data(as_text=True)


def _invite(email="new.person@example.org"):
    admin = factories.user(is_admin=True)
    invitations.invite_by_administrator(admin, email, admin.organisation, None)
    return f"/invitations/{token_mailed_to(email)}"


def test_invitation_creates_an_account_once(app, client, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    invitations.invite_to_project(context_for(lead, project), "New.Person@example.org", lead.organisation,
                                  ProjectRole.MEMBER)
    path = f"/invitations/{token_mailed_to('new.person@example.org')}"
    page = client.get(path).get_data(as_text=True)
    assert "new.person@example.org" in page and lead.organisation.name in page

    weak = client.post(path, data={"name": "Nia", "password": "password1234", "confirm_password": "password1234"})
    assert "too common" in weak.get_data(as_text=True)

    accepted = client.post(path, data={"name": "Nia Jones", "password": "a long harbour walk", "confirm_password": "a long harbour walk"})
    assert accepted.status_code == 302 and accepted.headers["Location"] == f"/projects/{project.slug}"
    user = session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.name == "Nia Jones" and user.organisation_id == lead.organisation_id
    assert user.check_password("a long harbour walk")
    membership = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == user.id))
    assert membership.project_id == project.id and membership.role == ProjectRole.MEMBER
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "joined")).actor_id == user.id

    client.post("/sign-out")
    reused = client.get(path)
    assert reused.status_code == 404 and "already been used" in reused.get_data(as_text=True)


def test_invitation_links_expire_after_seven_days(app, client, session):
    path = _invite()
    invitation = session.scalar(select(Invitation))
    now = datetime.now(timezone.utc)
    assert invitation.is_usable(now + timedelta(days=6, hours=23))
    assert not invitation.is_usable(now + timedelta(days=7, minutes=1))
    invitation.expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    session.commit()
    assert client.get(path).status_code == 404


def test_invitation_tokens_are_not_stored(app, session):
    path = _invite()
    token = path.rsplit("/", 1)[-1]
    assert session.scalar(select(Invitation)).token_hash != token
    assert session.scalar(select(Invitation).where(Invitation.token_hash == token)) is None


def test_lead_invites_through_the_page_and_the_link_goes_only_by_email(client_for, session):
    lead = factories.user()
    member_org = factories.organisation("Harbour Street Outreach")
    project = factories.project(lead=lead, partners=(member_org,))
    session.commit()
    client = client_for(lead)
    response = client.post(f"/projects/{project.slug}/invitations",
                           data={"email": "dan@example.org", "organisation_id": member_org.id, "role": "member"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to dan@example.org" in page and "/invitations/" not in page
    invitation = session.scalar(select(Invitation).where(Invitation.email == "dan@example.org"))
    assert invitation.organisation_id == member_org.id and invitation.project_id == project.id
    assert invitations.usable_invitation(token_mailed_to("dan@example.org")).id == invitation.id


def test_an_invitation_to_an_existing_account_needs_that_account_signed_in(client_for, client, session):
    lead = factories.user()
    trust = factories.organisation("Plymouth NHS Trust")
    colleague, someone_else = factories.user(trust, email="tom@trust.example"), factories.user(trust)
    project = factories.project(lead=lead, partners=(trust,))
    invitations.invite_to_project(context_for(lead, project), colleague.email, trust, ProjectRole.MEMBER)
    path = f"/invitations/{token_mailed_to(colleague.email)}"
    session.commit()
    assert "/sign-in?next=" in client.get(path).headers["Location"]
    refused = client_for(someone_else).post(path)
    assert refused.status_code == 403 and "sent to a different email address" in refused.get_data(as_text=True)
    assert project.title not in refused.get_data(as_text=True)
    joined = client_for(colleague).post(path)
    assert joined.headers["Location"] == f"/projects/{project.slug}"
    assert context_for(colleague, project).is_member


def test_lead_cannot_invite_for_an_organisation_outside_the_project(client_for, session):
    lead = factories.user()
    outsider_org = factories.organisation("Kent County Council")
    project = factories.project(lead=lead)
    session.commit()
    response = client_for(lead).post(f"/projects/{project.slug}/invitations",
                                     data={"email": "x@example.org", "organisation_id": outsider_org.id, "role": "lead"})
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert session.scalar(select(Invitation)) is None


def test_create_admin_command(app, session):
    result = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "Admin@Example.org", "--name", "Alex Morgan", "--organisation", "Platform team",
        "--sector", "business", "--password", "a long quiet harbour"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    assert admin.is_admin and admin.organisation.name == "Platform team"
    refused = app.test_cli_runner().invoke(args=[
        "create-admin", "--email", "b@example.org", "--name", "B", "--organisation", "Platform team",
        "--sector", "business", "--password", "short"])
    assert refused.exit_code != 0 and "12 characters" in refused.output
