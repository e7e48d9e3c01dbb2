from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from localvision.domain.vocabulary import AccountTokenPurpose, ProjectRole
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.organisations import Organisation
    from localvision.models.projects import Project, ProjectMembership


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    # A person only claims their organisation until they prove an address at one of its
    # domains or one of its administrators approves them; until then they speak for nobody.
    organisation_confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Manages the organisation's people and its representatives in projects.
    is_organisation_admin: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    created_at: Mapped[datetime] = created_at_column()
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Stored in the session at sign-in and compared on every request: raising it ends
    # every session signed in before (sign-out, password change, reset).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped["Organisation"] = relationship(back_populates="people")
    memberships: Mapped[list["ProjectMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def belongs_to_organisation(self) -> bool:
        return self.organisation_confirmed_at is not None

    @property
    def administers_organisation(self) -> bool:
        return self.is_organisation_admin and self.belongs_to_organisation

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"


def hash_invitation_token(token: str) -> str:
    """Only a hash is stored, so a leaked database cannot be used to accept invitations."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    project_role: Mapped[ProjectRole | None] = enum_column(ProjectRole, nullable=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped["Organisation"] = relationship()
    project: Mapped["Project | None"] = relationship()
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])

    def is_usable(self, now: datetime) -> bool:
        expires_at = self.expires_at
        if expires_at.tzinfo is None:  # SQLite hands back naive UTC datetimes
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        return self.accepted_at is None and now < expires_at


class AccountToken(Base):
    """A single-use emailed link: a password reset, or proof of a new email address.

    Only the token's hash is kept; ``used_at`` makes it single-use."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[AccountTokenPurpose] = enum_column(AccountTokenPurpose)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    user: Mapped[User] = relationship()

    def is_usable(self, now: datetime) -> bool:
        expires_at = self.expires_at
        if expires_at.tzinfo is None:  # SQLite hands back naive UTC datetimes
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        return self.used_at is None and now < expires_at
