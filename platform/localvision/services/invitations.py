"""Invitations: the only way to create an account apart from the first administrator.

An invitation is a one-time link; only a hash of its token is stored, so the link is
shown once, to the person who sends it.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from localvision.extensions import db
from localvision.models import Invitation, Organisation, Project, ProjectMembership, ProjectRole, User
from localvision.models.accounts import hash_invitation_token
from localvision.services import NotPermitted, Refused, events, organisations, policy
from localvision.services.events import EventKind
from localvision.services.policy import ProjectContext

LINK_UNUSABLE = ("This invitation link has expired or has already been used. "
                 "Ask the person who invited you for a new one.")
ACCOUNT_EXISTS = "An account already exists for this email address. Sign in instead."


def _account_for(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _new_invitation(inviter: User, email: str, organisation: Organisation, project: Project | None,
                    role: ProjectRole | None) -> str:
    """Add the invitation to the session (the caller commits) and return its token."""
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
    if project is not None:
        db.session.flush()
        events.record(EventKind.INVITATION_SENT, invitation, actor=inviter, project=project,
                      label=f"Invited {invitation.email} ({organisation.name})",
                      after={"email": invitation.email, "organisation": organisation.name,
                             "role": role.value if role else None},
                      payload={"invitation_id": invitation.id, "organisation_id": organisation.id, "role": role})
    return token


def invite_to_project(context: ProjectContext, email: str, organisation: Organisation, role: ProjectRole) -> str:
    """Invite someone of a partner organisation to join the project; returns the link's token."""
    if not policy.may_manage_project(context):
        raise NotPermitted("Only the project leads can invite people to the project.")
    email = email.strip().lower()
    if _account_for(email) is not None:
        raise Refused(f"{email} already has an account: add them on the people page instead", field="email")
    if not any(partner.organisation_id == organisation.id for partner in context.project.partners):
        raise Refused(f"{organisation.name} is not a partner of this project", field="organisation_id")
    token = _new_invitation(context.actor, email, organisation, context.project, role)
    db.session.commit()
    return token


def invite_by_administrator(actor: User, email: str, organisation: Organisation, project: Project | None) -> str:
    """An administrator invites someone to the service, or to lead a project: their
    organisation becomes a lead partner if it is not a partner yet. Returns the token."""
    if not policy.may_administer(actor):
        raise NotPermitted("Only administrators can invite people to the service.")
    email = email.strip().lower()
    if _account_for(email) is not None:
        raise Refused(f"{email} already has an account", field="email")
    if project is not None:
        organisations.join_as_lead_partner(actor, organisation, project)
    token = _new_invitation(actor, email, organisation, project, ProjectRole.LEAD if project is not None else None)
    db.session.commit()
    return token


def usable_invitation(token: str) -> Invitation:
    """The invitation a link stands for, while it can still create an account."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_invitation_token(token)))
    if invitation is None or not invitation.is_usable(datetime.now(timezone.utc)):
        raise Refused(LINK_UNUSABLE)
    if _account_for(invitation.email) is not None:
        raise Refused(ACCOUNT_EXISTS)
    return invitation


def accept_invitation(token: str, name: str, password: str) -> User:
    """Create the invited person's account and, if the invitation was to a project whose
    partner their organisation still is, make them part of it."""
    invitation = usable_invitation(token)
    user = User(email=invitation.email.lower(), name=name.strip(), organisation_id=invitation.organisation_id)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # The same link was used a moment earlier, in another tab or by someone else.
        db.session.rollback()
        raise Refused(ACCOUNT_EXISTS) from None
    invitation.accepted_at = datetime.now(timezone.utc)
    invitation.accepted_by_id = user.id
    project = invitation.project
    # The organisation may have left the partnership since the invitation was sent.
    if project is not None and invitation.organisation_id in {p.organisation_id for p in project.partners}:
        membership = ProjectMembership(project=project, user=user, role=invitation.project_role)
        db.session.add(membership)
        db.session.flush()
        events.record(EventKind.MEMBER_JOINED, membership, actor=user, project=project,
                      label=f"{user.name} joined as {invitation.project_role.label.lower()}",
                      after={"user": user.email, "role": invitation.project_role.value},
                      payload={"user_id": user.id, "organisation_id": user.organisation_id,
                               "role": invitation.project_role, "invitation_id": invitation.id})
    db.session.commit()
    return user
