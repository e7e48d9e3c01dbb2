"""Organisations: listing a new one, and making one a project's lead partner."""
from __future__ import annotations

from sqlalchemy import func, select

from localvision.extensions import db
from localvision.models import Organisation, PartnerRole, Project, ProjectPartner, Sector, User
from localvision.services import NotPermitted, Refused, events, policy
from localvision.services.events import EventKind


def is_listed(name: str) -> bool:
    """Whether an organisation of this name exists, whatever its capitals."""
    return db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())) is not None


def new_organisation(name: str, sector: Sector, website: str | None, *, refusal: str) -> Organisation:
    """Add an organisation to the session (the caller commits); ``refusal`` is the message
    for a name already listed, which differs with where the person is."""
    name = name.strip()
    if is_listed(name):
        raise Refused(refusal.format(name=name), field="name")
    organisation = Organisation(name=name, sector=sector, website=website or None)
    db.session.add(organisation)
    return organisation


def create_organisation(actor: User, name: str, sector: Sector, website: str | None) -> Organisation:
    if not policy.may_administer(actor):
        raise NotPermitted("Only administrators can list a new organisation here.")
    organisation = new_organisation(name, sector, website, refusal="{name} is already listed")
    db.session.commit()
    return organisation


def join_as_lead_partner(actor: User, organisation: Organisation, project: Project) -> ProjectPartner | None:
    """Make the organisation a lead partner of the project unless it is a partner already
    (the caller commits): an administrator's invitation to lead a project does this."""
    if any(partner.organisation_id == organisation.id for partner in project.partners):
        return None
    partner = ProjectPartner(project=project, organisation=organisation, role=PartnerRole.LEAD_PARTNER)
    db.session.add(partner)
    events.record(EventKind.PARTNER_ADDED, partner, actor=actor, project=project,
                  label=f"{organisation.name} joined as lead partner",
                  after={"organisation": organisation.name, "role": PartnerRole.LEAD_PARTNER.value},
                  payload={"organisation_id": organisation.id, "role": PartnerRole.LEAD_PARTNER})
    return partner
