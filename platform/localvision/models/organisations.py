from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.models.base import Base, LabelledEnum, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User


class Sector(LabelledEnum):
    NHS = "nhs", "NHS / health care"
    PUBLIC_HEALTH = "public_health", "Public health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    VOLUNTARY_AND_COMMUNITY = "voluntary_and_community", "Voluntary and community sector"
    UNIVERSITY_AND_RESEARCH = "university_and_research", "University / research"
    HOUSING = "housing", "Housing"
    BUSINESS = "business", "Business"
    RESIDENTS = "residents", "Residents / service users group"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sector: Mapped[Sector] = enum_column(Sector)
    website: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = created_at_column()

    people: Mapped[list["User"]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
