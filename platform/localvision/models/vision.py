"""The shared vision: versions of its wording, each partner's position on a version, and
the discussion beside the text. Rows are only added: history stays readable."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from localvision.domain.markdown_text import render_markdown
from localvision.domain.vocabulary import Stance
from localvision.models.base import Base, created_at_column, enum_column, markdown_html_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.organisations import Organisation
    from localvision.models.projects import Project


class VisionVersion(Base):
    __tablename__ = "vision_versions"
    # Two people saving from the same version cannot both become the next number.
    __table_args__ = (UniqueConstraint("project_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = markdown_html_column()
    change_note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("vision_versions.id"))
    created_at: Mapped[datetime] = created_at_column()

    project: Mapped["Project"] = relationship()
    author: Mapped["User"] = relationship(lazy="selectin")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    based_on: Mapped["VisionVersion | None"] = relationship(remote_side=[id])
    positions: Mapped[list["VisionPosition"]] = relationship(
        back_populates="version", order_by="VisionPosition.id", cascade="all, delete-orphan"
    )
    comments: Mapped[list["VisionComment"]] = relationship(
        back_populates="version", order_by="VisionComment.id", cascade="all, delete-orphan"
    )

    @validates("text")
    def _render_text(self, _key: str, text: str) -> str:
        self.text_html = render_markdown(text)
        return text

    def __repr__(self) -> str:
        return f"<VisionVersion {self.project_id}#{self.number}>"


class VisionPosition(Base):
    """One organisation's position on one version. A change of mind adds a row; the
    organisation's current position is its latest row."""

    __tablename__ = "vision_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("vision_versions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    stance: Mapped[Stance] = enum_column(Stance)
    comment: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = created_at_column()

    version: Mapped[VisionVersion] = relationship(back_populates="positions")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    recorded_by: Mapped["User"] = relationship(lazy="selectin")


class VisionComment(Base):
    __tablename__ = "vision_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("vision_versions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()

    version: Mapped[VisionVersion] = relationship(back_populates="comments")
    author: Mapped["User"] = relationship(lazy="selectin")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
