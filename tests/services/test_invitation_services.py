"""Invitations sent and accepted through the services, without a request."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import PartnerRole, ProjectRole
from localvision.models import (
    AuditEvent,
    Invitation,
    OrganisationDomain,
    OutboxMessage,
    ProjectMembership,
    ProjectPartner,
    User,
)
from localvision.permissions.policy import context_for
from localvision.services import invitations, projects
from support import last_event, link_mailed_to, token_mailed_to


@pytest.fixture
def partnership(session):
    lead, member = factories.council_and_trust()
    return {"lead": lead, "member": member, "project": factories.two_partner_project(lead, member)}


def test_a_lead_invites_someone_of_a_partner_by_email(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    invitation = invitations.invite_to_project(context_for(partnership["lead"], project), " Ana@Example.org ", trust,
                                               ProjectRole.MEMBER)
    assert (invitation.email, invitation.project_id, invitation.project_role) == ("ana@example.org", project.id,
                                                                                   ProjectRole.MEMBER)
    event = last_event(session)
    assert (event.kind, event.action, event.object_label) == ("invitation.sent", "invited",
                                                              f"Invitation sent for {trust.name}")
    assert "ana@example.org" not in str((event.before, event.after, event.payload))
    assert event.payload == {"invitation_id": invitation.id, "organisation_id": trust.id, "role": "member"}
    assert invitations.usable_invitation(token_mailed_to("ana@example.org")).id == invitation.id


def test_an_existing_account_is_invited_like_anyone_else(session, partnership):
    """Nothing tells the inviter whether the address has an account."""
    context = context_for(partnership["lead"], partnership["project"])
    existing = partnership["member"]
    invitation = invitations.invite_to_project(context, existing.email.upper(), existing.organisation,
                                               ProjectRole.MEMBER)
    assert invitation.email == existing.email
    with pytest.raises(Refused, match="is not a partner of this project"):
        invitations.invite_to_project(context, "new@example.org", factories.organisation(), ProjectRole.MEMBER)
    with pytest.raises(NotPermitted):
        invitations.invite_to_project(context_for(existing, partnership["project"]), "new@example.org",
                                      existing.organisation, ProjectRole.MEMBER)


def test_an_administrators_invitation_makes_the_organisation_a_lead_partner(session, partnership):
    admin = factories.user(is_admin=True)
    newcomer = factories.organisation("Truro Food Bank")
    invitation = invitations.invite_by_administrator(admin, "chair@foodbank.example", newcomer, partnership["project"])
    partner = next(p for p in partnership["project"].partners if p.organisation_id == newcomer.id)
    assert partner.role == PartnerRole.LEAD_PARTNER
    kinds = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()[-2:]
    assert kinds == ["partner.added", "invitation.sent"]
    assert last_event(session).payload["role"] == "lead"
    assert invitation.project_role == ProjectRole.LEAD
    with pytest.raises(NotPermitted):
        invitations.invite_by_administrator(partnership["lead"], "someone@example.org", newcomer, None)


def test_accepting_creates_the_account_and_the_membership_once(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    invitations.invite_to_project(context_for(partnership["lead"], project), "ana@example.org", trust,
                                  ProjectRole.MEMBER)
    token = token_mailed_to("ana@example.org")
    user = invitations.accept_invitation(token, " Ana Lee ", "a long harbour walk")
    assert (user.name, user.organisation_id) == ("Ana Lee", trust.id) and user.check_password("a long harbour walk")
    # example.org is not one of the trust's domains: the account waits for its administrators.
    assert not user.belongs_to_organisation
    membership = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == user.id))
    assert (membership.project_id, membership.role) == (project.id, ProjectRole.MEMBER)
    event = last_event(session)
    assert (event.kind, event.actor_id, event.object_label) == ("member.joined", user.id, "Ana Lee joined as member")
    invitation = session.scalar(select(Invitation))
    assert event.payload == {"user_id": user.id, "organisation_id": trust.id, "role": "member",
                             "invitation_id": invitation.id}
    with pytest.raises(Refused, match="already been used"):
        invitations.accept_invitation(token, "Ana Again", "a long harbour walk")


def test_an_address_at_the_organisations_domain_confirms_the_new_account(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    session.add(OrganisationDomain(organisation=trust, domain="trust.nhs.example"))
    invitations.invite_to_project(context_for(partnership["lead"], project), "ana@trust.nhs.example", trust,
                                  ProjectRole.MEMBER)
    user = invitations.accept_invitation(token_mailed_to("ana@trust.nhs.example"), "Ana Lee", "a long harbour walk")
    assert user.belongs_to_organisation


def test_an_organisation_that_left_brings_no_membership(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    invitations.invite_to_project(context_for(partnership["lead"], project), "ana@example.org", trust,
                                  ProjectRole.MEMBER)
    projects.remove_partner(context_for(partnership["lead"], project),
                            next(p for p in project.partners if p.organisation_id == trust.id))
    user = invitations.accept_invitation(token_mailed_to("ana@example.org"), "Ana Lee", "a long harbour walk")
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == user.id)) is None


def test_expired_links_and_taken_addresses_are_refused(session):
    admin = factories.user(is_admin=True)
    invitations.invite_by_administrator(admin, "late@example.org", admin.organisation, None)
    session.scalar(select(Invitation)).expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    with pytest.raises(Refused, match="has expired"):
        invitations.usable_invitation(token_mailed_to("late@example.org"))
    invitations.invite_by_administrator(admin, "taken@example.org", admin.organisation, None)
    factories.user(admin.organisation, email="taken@example.org")
    with pytest.raises(Refused, match="sent to a different email address"):
        invitations.accept_invitation(token_mailed_to("taken@example.org"), "Someone", "a long harbour walk")
    assert session.scalar(select(User).where(User.name == "Someone")) is None


def test_an_invitation_to_an_existing_account_works_only_for_that_account(session, partnership):
    lead, project = partnership["lead"], partnership["project"]
    trust = partnership["member"].organisation
    colleague = factories.user(trust, email="colleague@trust.example")
    invitations.invite_to_project(context_for(lead, project), colleague.email, trust, ProjectRole.MEMBER)
    token = token_mailed_to(colleague.email)
    with pytest.raises(NotPermitted, match="different email address"):
        invitations.accept_as_signed_in(partnership["member"], token)
    invitations.accept_as_signed_in(colleague, token)
    assert context_for(colleague, project).is_member


def test_an_invited_organisation_is_no_partner_until_its_own_people_accept(session, partnership):
    lead, project = partnership["lead"], partnership["project"]
    police = factories.organisation("Devon and Cornwall Police")
    officer = factories.user(police, organisation_admin=True, email="inspector@police.example")
    outsider = factories.user(email="someone@elsewhere.example")
    invited = invitations.invite_organisation(context_for(lead, project), police)
    assert police.id not in {p.organisation_id for p in project.partners}
    assert [p.organisation_id for p in project.invited_partners] == [police.id]
    assert f"/organisation/invitations/{invited.id}" in link_mailed_to(officer.email, "/organisation/invitations/")
    assert session.scalar(select(OutboxMessage.kind).where(OutboxMessage.to_address == officer.email)) == "partner.invited"
    event = last_event(session)
    assert (event.kind, event.payload) == ("partner.invited", {"organisation_id": police.id, "partner_id": invited.id})
    with pytest.raises(Refused, match="already been invited"):
        invitations.invite_organisation(context_for(lead, project), police)
    for stranger in (lead, outsider, factories.user(police, confirmed=False)):
        with pytest.raises(NotPermitted):
            invitations.accept_partner_invitation(stranger, invited.id)
    invitations.accept_partner_invitation(officer, invited.id)
    assert police.id in {p.organisation_id for p in project.partners}
    assert context_for(officer, project).is_member
    assert session.scalar(select(ProjectPartner.accepted_by_id).where(ProjectPartner.id == invited.id)) == officer.id


def test_an_invitation_can_be_declined_or_withdrawn(session, partnership):
    lead, project = partnership["lead"], partnership["project"]
    police, fire = factories.organisation("Police"), factories.organisation("Fire")
    officer = factories.user(police)
    declined = invitations.invite_organisation(context_for(lead, project), police)
    withdrawn = invitations.invite_organisation(context_for(lead, project), fire)
    invitations.decline_partner_invitation(officer, declined.id)
    with pytest.raises(NotPermitted):
        invitations.withdraw_partner_invitation(context_for(partnership["member"], project), withdrawn.id)
    invitations.withdraw_partner_invitation(context_for(lead, project), withdrawn.id)
    assert project.invited_partners == [] and session.scalar(select(ProjectPartner).where(
        ProjectPartner.organisation_id.in_([police.id, fire.id]))) is None
