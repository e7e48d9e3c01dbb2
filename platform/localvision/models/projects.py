from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import DecisionRule, PartnerRole, PartnerStatus, Phase, ProjectRole
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column, updated_at_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.organisations import Organisation


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[Phase] = enum_column(Phase, default=Phase.DISCOVER)
    is_published: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    decision_rule: Mapped[DecisionRule] = enum_column(DecisionRule, default=DecisionRule.CONSENSUS)
    # Demonstration projects carry a banner so nobody mistakes them for a real record.
    is_demo: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    # How far behind its trajectory an indicator may fall, as a percentage of the
    # baseline-to-target gap, and still count as "at risk" rather than "off track".
    indicator_tolerance_percent: Mapped[int] = mapped_column(Integer, server_default=text("10"), default=10)
    # Moving a closing date earlier leaves partners at least this many working days.
    minimum_notice_days: Mapped[int] = mapped_column(Integer, server_default=text("5"), default=5)
    # Silent partners are reminded this many days before a decision closes, and the day before.
    reminder_lead_days: Mapped[int] = mapped_column(Integer, server_default=text("3"), default=3)
    # Whether anyone at all may raise a barrier through the published page's public form.
    accepts_public_barriers: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    # Only organisations that accepted are partners: everything that counts, lists or
    # summarises partners reads this. Invitations awaiting an answer are kept apart.
    partners: Mapped[list["ProjectPartner"]] = relationship(
        back_populates="project", cascade="all, delete-orphan",
        primaryjoin="and_(Project.id == ProjectPartner.project_id, ProjectPartner.status == 'accepted')",
    )
    invited_partners: Mapped[list["ProjectPartner"]] = relationship(
        cascade="all, delete-orphan", viewonly=False, overlaps="partners,project",
        primaryjoin="and_(Project.id == ProjectPartner.project_id, ProjectPartner.status == 'invited')",
    )
    memberships: Mapped[list["ProjectMembership"]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Project {self.slug!r}>"


class ProjectPartner(Base):
    __tablename__ = "project_partners"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[PartnerRole] = enum_column(PartnerRole, default=PartnerRole.PARTNER)
    joined_at: Mapped[datetime] = created_at_column()
    # An invited organisation becomes a partner when one of its own people accepts.
    status: Mapped[PartnerStatus] = enum_column(PartnerStatus, default=PartnerStatus.ACCEPTED,
                                                server_default=PartnerStatus.ACCEPTED.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="partners", overlaps="invited_partners")
    # Partners are almost always shown with their organisation: load them together.
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")


class ProjectMembership(Base):
    """A person of a project, acting for their own organisation."""

    __tablename__ = "project_memberships"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[ProjectRole] = enum_column(ProjectRole, default=ProjectRole.MEMBER)
    # Named by a project lead; once an organisation has any, only they speak for it.
    is_representative: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    added_at: Mapped[datetime] = created_at_column()

    project: Mapped[Project] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships", lazy="selectin")
