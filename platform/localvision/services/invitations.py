"""Invitations: an organisation's to a partnership, and a person's to a project or the service.

An organisation invited to a project is only "invited" until one of its own confirmed
people accepts; until then it counts for nothing and is listed nowhere public.

A person's invitation is a one-time link emailed to their address; only a hash of its
token is stored, and the link works only for that address: it creates the account of
someone new, or is accepted by the account already at that address, signed in. Nothing
the inviter sees tells whether the address has an account.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind, PartnerRole, PartnerStatus, ProjectRole
from localvision.extensions import db
from localvision.links import external_url
from localvision.models import Invitation, Organisation, Project, ProjectMembership, ProjectPartner, User
from localvision.models.accounts import hash_invitation_token
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.accounts import account_for
from localvision.services import decisions, events, mail, organisations

LINK_UNUSABLE = ("This invitation link has expired or has already been used. "
                 "Ask the person who invited you for a new one.")
NOT_YOUR_INVITATION = ("This invitation was sent to a different email address. "
                       "Sign out, then follow the link again and sign in with the address it was sent to.")


# Organisations --------------------------------------------------------------------

def invite_organisation(context: ProjectContext, organisation: Organisation) -> ProjectPartner:
    """Ask an organisation to join the partnership: its administrators are told by email."""
    if not policy.may_manage_project(context):
        raise NotPermitted("Only the project leads can invite organisations to the partnership.")
    project = context.project
    if any(partner.organisation_id == organisation.id for partner in project.partners):
        raise Refused(f"{organisation.name} is already a partner", field="organisation_id")
    if any(partner.organisation_id == organisation.id for partner in project.invited_partners):
        raise Refused(f"{organisation.name} has already been invited", field="organisation_id")
    invited = ProjectPartner(organisation=organisation, role=PartnerRole.PARTNER, invited_by_id=context.actor.id,
                             status=PartnerStatus.INVITED)
    project.invited_partners.append(invited)
    db.session.flush()
    events.record(EventKind.PARTNER_INVITED, invited, actor=context.actor, project=project,
                  label=f"{organisation.name} invited to the partnership",
                  payload={"organisation_id": organisation.id, "partner_id": invited.id})
    link = external_url("organisations.partner_invitation", invited_id=invited.id)
    for contact in organisations.contacts_for(organisation):
        mail.queue_message(to=contact.email, template="organisation_invitation", kind="partner.invited",
                           user=contact, context={"person": contact, "organisation": organisation, "project": project,
                                                  "inviter": context.actor, "link": link})
    db.session.commit()
    return invited


def pending_partner_invitation(user: User, partner_id: int) -> ProjectPartner:
    """An invitation awaiting an answer from the user's own organisation; any other is
    refused as if it did not exist, so its project stays unknown."""
    invited = db.session.get(ProjectPartner, partner_id)
    if invited is None or invited.status != PartnerStatus.INVITED or not policy.may_answer_partner_invitation(user, invited):
        raise NotPermitted("There is no invitation for your organisation here.")
    return invited


def accept_partner_invitation(user: User, partner_id: int) -> ProjectPartner:
    """One of the organisation's own people consents: it becomes a partner, and they join."""
    invited = pending_partner_invitation(user, partner_id)
    project = invited.project
    invited.status = PartnerStatus.ACCEPTED
    # A partner joins when it accepts: decisions closed before then did not await it.
    invited.accepted_at = invited.joined_at = datetime.now(timezone.utc)
    invited.accepted_by_id = user.id
    db.session.flush()
    db.session.expire(project, ["partners", "invited_partners"])
    # Decisions open now wait for the new partner too.
    decisions.count_partners_on_open_decisions(project)
    events.record(EventKind.PARTNER_ACCEPTED, invited, actor=user, project=project,
                  label=f"{invited.organisation.name} joined as {invited.role.label.lower()}",
                  payload={"organisation_id": invited.organisation_id, "partner_id": invited.id, "role": invited.role})
    if policy.membership_of(user, project) is None:
        _join(project, user, ProjectRole.MEMBER, invitation_id=None)
    db.session.commit()
    return invited


def decline_partner_invitation(user: User, partner_id: int) -> Project:
    invited = pending_partner_invitation(user, partner_id)
    project = invited.project
    events.record(EventKind.PARTNER_DECLINED, invited, actor=user, project=project,
                  label=f"{invited.organisation.name} declined to join",
                  payload={"organisation_id": invited.organisation_id, "partner_id": invited.id})
    project.invited_partners.remove(invited)
    db.session.delete(invited)
    db.session.commit()
    return project


def withdraw_partner_invitation(context: ProjectContext, partner_id: int) -> None:
    if not policy.may_manage_project(context):
        raise NotPermitted("Only the project leads can withdraw an invitation.")
    invited = next((p for p in context.project.invited_partners if p.id == partner_id), None)
    if invited is None:
        raise Refused("That invitation has already been answered or withdrawn.")
    events.record(EventKind.PARTNER_INVITATION_WITHDRAWN, invited, actor=context.actor, project=context.project,
                  label=f"Invitation to {invited.organisation.name} withdrawn",
                  payload={"organisation_id": invited.organisation_id, "partner_id": invited.id})
    context.project.invited_partners.remove(invited)
    db.session.delete(invited)
    db.session.commit()


# People ---------------------------------------------------------------------------

def _new_invitation(inviter: User, email: str, organisation: Organisation, project: Project | None,
                    role: ProjectRole | None) -> Invitation:
    """Add the invitation to the session and email its link (the caller commits)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_invitation_token(token),
        email=email,
        organisation=organisation,
        project=project,
        project_role=role if project is not None else None,
        invited_by=inviter,
        expires_at=datetime.now(timezone.utc) + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    if project is not None:
        events.record(EventKind.INVITATION_SENT, invitation, actor=inviter, project=project,
                      label=f"Invitation sent for {organisation.name}",
                      after={"organisation": organisation.name, "role": role.value if role else None},
                      payload={"invitation_id": invitation.id, "organisation_id": organisation.id, "role": role})
    mail.queue_message(to=email, template="organisation_person_invitation", kind="invitation.sent",
                       context={"inviter": inviter, "organisation": organisation, "project": project,
                                "link": external_url("auth.accept_invitation", token=token),
                                "expires_at": invitation.expires_at})
    return invitation


def invite_to_project(context: ProjectContext, email: str, organisation: Organisation, role: ProjectRole) -> Invitation:
    """Invite someone of a partner organisation to join the project, by email. The same
    happens whether or not the address has an account, so the inviter learns nothing."""
    if not policy.may_manage_project(context):
        raise NotPermitted("Only the project leads can invite people to the project.")
    if not any(partner.organisation_id == organisation.id for partner in context.project.partners):
        raise Refused(f"{organisation.name} is not a partner of this project", field="organisation_id")
    invitation = _new_invitation(context.actor, email.strip().lower(), organisation, context.project, role)
    db.session.commit()
    return invitation


def invite_by_administrator(actor: User, email: str, organisation: Organisation, project: Project | None) -> Invitation:
    """An administrator invites someone to the service, or to lead a project: their
    organisation becomes a lead partner if it is not a partner yet."""
    if not policy.may_administer(actor):
        raise NotPermitted("Only administrators can invite people to the service.")
    if project is not None:
        organisations.join_as_lead_partner(actor, organisation, project)
    invitation = _new_invitation(actor, email.strip().lower(), organisation, project,
                                 ProjectRole.LEAD if project is not None else None)
    db.session.commit()
    return invitation


def usable_invitation(token: str) -> Invitation:
    """The invitation a link stands for, while it can still be accepted."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_invitation_token(token)))
    if invitation is None or not invitation.is_usable(datetime.now(timezone.utc)):
        raise Refused(LINK_UNUSABLE)
    return invitation


def _join(project: Project, user: User, role: ProjectRole, invitation_id: int | None) -> ProjectMembership:
    membership = ProjectMembership(project=project, user=user, role=role)
    db.session.add(membership)
    db.session.flush()
    events.record(EventKind.MEMBER_JOINED, membership, actor=user, project=project,
                  label=f"{user.name} joined as {role.label.lower()}",
                  after={"role": role.value},
                  payload={"user_id": user.id, "organisation_id": user.organisation_id, "role": role,
                           "invitation_id": invitation_id})
    return membership


def _join_invited_project(invitation: Invitation, user: User) -> None:
    project = invitation.project
    # The organisation may have left the partnership since the invitation was sent.
    if (project is not None and user.organisation_id in {p.organisation_id for p in project.partners}
            and policy.membership_of(user, project) is None):
        _join(project, user, invitation.project_role, invitation.id)


def accept_invitation(token: str, name: str, password: str) -> User:
    """Create the account of someone new at the invited address. Following the emailed link
    proved the address, so an address at one of the organisation's domains confirms that
    they belong to it; any other waits for its administrators' approval."""
    invitation = usable_invitation(token)
    if account_for(invitation.email) is not None:
        raise Refused(NOT_YOUR_INVITATION)
    user = User(email=invitation.email.lower(), name=name.strip(), organisation_id=invitation.organisation_id)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # The same link was used a moment earlier, in another tab or by someone else.
        db.session.rollback()
        raise Refused(LINK_UNUSABLE) from None
    organisations.confirm_if_address_proves(user)
    invitation.accepted_at = datetime.now(timezone.utc)
    invitation.accepted_by_id = user.id
    _join_invited_project(invitation, user)
    db.session.commit()
    return user


def accept_as_signed_in(user: User, token: str) -> Invitation:
    """The person already at the invited address accepts; anyone else is refused."""
    invitation = usable_invitation(token)
    if not user.is_authenticated or user.email.lower() != invitation.email.lower():
        raise NotPermitted(NOT_YOUR_INVITATION)
    if invitation.project is not None and user.organisation_id not in {
            p.organisation_id for p in invitation.project.partners}:
        raise Refused(f"{user.organisation.name} is not a partner of this project. "
                      "Ask the project leads to invite your organisation first.")
    invitation.accepted_at = datetime.now(timezone.utc)
    invitation.accepted_by_id = user.id
    _join_invited_project(invitation, user)
    db.session.commit()
    return invitation
