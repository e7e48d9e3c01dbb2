"""Invitations: the only way to create an account apart from the first administrator."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app, url_for

from localvision.services import events
from localvision.services.events import EventKind
from localvision.extensions import db
from localvision.models import Invitation, Organisation, Project, ProjectRole, User
from localvision.models.accounts import hash_invitation_token


def create_invitation(
    email: str,
    organisation: Organisation,
    invited_by: User,
    project: Project | None = None,
    role: ProjectRole | None = None,
) -> str:
    """Store an invitation and return its one-time link; the token itself is never stored."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=hash_invitation_token(token),
        email=email.strip().lower(),
        organisation=organisation,
        project=project,
        project_role=role if project is not None else None,
        invited_by=invited_by,
        expires_at=datetime.now(timezone.utc) + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    if project is not None:
        events.record(EventKind.INVITATION_SENT,
            invitation,
            actor=invited_by,
            project=project,
            label=f"Invited {invitation.email} ({organisation.name})",
            after={"email": invitation.email, "organisation": organisation.name, "role": role.value if role else None},
        )
    return url_for("auth.accept_invitation", token=token, _external=True)
