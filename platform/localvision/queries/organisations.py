"""Organisations, their people and the partnership invitations awaiting them, for the pages that list or choose them."""
from __future__ import annotations

from sqlalchemy import func, select

from localvision.domain.vocabulary import PartnerStatus
from localvision.extensions import db
from localvision.models import Organisation, ProjectPartner, User


def organisations_by_name() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def people_of_organisation(organisation_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == organisation_id).order_by(User.name)))


def confirmed_people_of_organisation(organisation_id: int) -> list[User]:
    """The people the organisation has confirmed as its own."""
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.organisation_confirmed_at.is_not(None))
        .order_by(User.name)))


def people_counts() -> dict[int, int]:
    """How many people each organisation has, by organisation id."""
    return dict(db.session.execute(select(User.organisation_id, func.count()).group_by(User.organisation_id)).all())


def partnership_counts() -> dict[int, int]:
    """How many projects each organisation is a partner of, by organisation id."""
    return dict(db.session.execute(
        select(ProjectPartner.organisation_id, func.count()).where(ProjectPartner.status == PartnerStatus.ACCEPTED)
        .group_by(ProjectPartner.organisation_id)).all())


def awaiting_answer(user: User) -> list[ProjectPartner]:
    """Partnership invitations the user's organisation has not answered yet."""
    if not user.is_authenticated or not user.belongs_to_organisation:
        return []
    return list(db.session.scalars(
        select(ProjectPartner).where(ProjectPartner.organisation_id == user.organisation_id,
                                     ProjectPartner.status == PartnerStatus.INVITED).order_by(ProjectPartner.id)))
