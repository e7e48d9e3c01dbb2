from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import Sector
from localvision.models.base import Base, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[Sector] = enum_column(Sector)
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at_column()

    people: Mapped[list["User"]] = relationship(back_populates="organisation")
    domains: Mapped[list["OrganisationDomain"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrganisationDomain.domain"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class OrganisationDomain(Base):
    """An email domain the organisation's own addresses are at, recorded by an administrator:
    proving an address at it proves that a person belongs to the organisation."""

    __tablename__ = "organisation_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    organisation: Mapped[Organisation] = relationship(back_populates="domains")
