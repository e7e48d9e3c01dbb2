"""Invitations sent and accepted through the services, without a request."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import factories
from localvision.models import AuditEvent, Invitation, PartnerRole, ProjectMembership, ProjectRole, User
from localvision.models.accounts import hash_invitation_token
from localvision.services import NotPermitted, Refused, invitations, projects
from localvision.services.policy import context_for


def last_event(session) -> AuditEvent:
    return session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))


@pytest.fixture
def partnership(session):
    lead, member = factories.council_and_trust()
    return {"lead": lead, "member": member, "project": factories.two_partner_project(lead, member)}


def test_a_lead_invites_someone_of_a_partner(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    token = invitations.invite_to_project(context_for(partnership["lead"], project), " Ana@Example.org ", trust,
                                          ProjectRole.MEMBER)
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == hash_invitation_token(token)))
    assert (invitation.email, invitation.project_id, invitation.project_role) == ("ana@example.org", project.id,
                                                                                   ProjectRole.MEMBER)
    event = last_event(session)
    assert (event.kind, event.action, event.object_label) == ("invitation.sent", "invited",
                                                              f"Invited ana@example.org ({trust.name})")
    assert event.payload == {"invitation_id": invitation.id, "organisation_id": trust.id, "role": "member"}


def test_invitations_are_refused_for_existing_accounts_and_non_partners(session, partnership):
    context = context_for(partnership["lead"], partnership["project"])
    existing = partnership["member"]
    with pytest.raises(Refused) as refusal:
        invitations.invite_to_project(context, existing.email.upper(), existing.organisation, ProjectRole.MEMBER)
    assert (refusal.value.field, refusal.value.message) == (
        "email", f"{existing.email} already has an account: add them on the people page instead")
    with pytest.raises(Refused, match="is not a partner of this project"):
        invitations.invite_to_project(context, "new@example.org", factories.organisation(), ProjectRole.MEMBER)
    with pytest.raises(NotPermitted):
        invitations.invite_to_project(context_for(existing, partnership["project"]), "new@example.org",
                                      existing.organisation, ProjectRole.MEMBER)
    assert session.scalar(select(Invitation)) is None


def test_an_administrators_invitation_makes_the_organisation_a_lead_partner(session, partnership):
    admin = factories.user(is_admin=True)
    newcomer = factories.organisation("Truro Food Bank")
    token = invitations.invite_by_administrator(admin, "chair@foodbank.example", newcomer, partnership["project"])
    partner = next(p for p in partnership["project"].partners if p.organisation_id == newcomer.id)
    assert partner.role == PartnerRole.LEAD_PARTNER
    kinds = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()[-2:]
    assert kinds == ["partner.added", "invitation.sent"]
    assert last_event(session).payload["role"] == "lead"
    assert invitations.usable_invitation(token).project_role == ProjectRole.LEAD
    with pytest.raises(Refused, match="already has an account$"):
        invitations.invite_by_administrator(admin, partnership["lead"].email, newcomer, None)
    with pytest.raises(NotPermitted):
        invitations.invite_by_administrator(partnership["lead"], "someone@example.org", newcomer, None)


def test_accepting_creates_the_account_and_the_membership_once(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    token = invitations.invite_to_project(context_for(partnership["lead"], project), "ana@example.org", trust,
                                          ProjectRole.MEMBER)
    user = invitations.accept_invitation(token, " Ana Lee ", "a long harbour walk")
    assert (user.name, user.organisation_id) == ("Ana Lee", trust.id) and user.check_password("a long harbour walk")
    membership = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == user.id))
    assert (membership.project_id, membership.role) == (project.id, ProjectRole.MEMBER)
    event = last_event(session)
    assert (event.kind, event.actor_id, event.object_label) == ("member.joined", user.id, "Ana Lee joined as member")
    invitation = session.scalar(select(Invitation))
    assert event.payload == {"user_id": user.id, "organisation_id": trust.id, "role": "member",
                             "invitation_id": invitation.id}
    with pytest.raises(Refused, match="already been used"):
        invitations.accept_invitation(token, "Ana Again", "a long harbour walk")


def test_an_organisation_that_left_brings_no_membership(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    token = invitations.invite_to_project(context_for(partnership["lead"], project), "ana@example.org", trust,
                                          ProjectRole.MEMBER)
    projects.remove_partner(context_for(partnership["lead"], project),
                            next(p for p in project.partners if p.organisation_id == trust.id))
    user = invitations.accept_invitation(token, "Ana Lee", "a long harbour walk")
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == user.id)) is None


def test_expired_links_and_taken_addresses_are_refused(session):
    admin = factories.user(is_admin=True)
    token = invitations.invite_by_administrator(admin, "late@example.org", admin.organisation, None)
    session.scalar(select(Invitation)).expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
    with pytest.raises(Refused, match="has expired"):
        invitations.usable_invitation(token)
    token = invitations.invite_by_administrator(admin, "taken@example.org", admin.organisation, None)
    factories.user(admin.organisation, email="taken@example.org")
    with pytest.raises(Refused, match="An account already exists for this email address. Sign in instead."):
        invitations.accept_invitation(token, "Someone", "a long harbour walk")
    assert session.scalar(select(User).where(User.name == "Someone")) is None
