"""Organisations: listing one, its email domains, and who belongs to it.

A person belongs to an organisation once they prove an address at one of its domains
(an emailed link) or one of its own administrators approves them. Until then they only
claim it, and speak for nobody.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind, PartnerRole, Sector
from localvision.domain.web_addresses import (
    DOMAIN_REFUSED,
    WEB_ADDRESS_REFUSED,
    email_domain,
    is_web_address,
    normalised_domain,
)
from localvision.domain.wording import possessive
from localvision.extensions import db
from localvision.links import external_url
from localvision.models import Organisation, OrganisationDomain, Project, ProjectPartner, User
from localvision.permissions import policy
from localvision.services import decisions, events, mail

CONFIRMATION_SECONDS = 3 * 24 * 3600
CONFIRMATION_UNUSABLE = "This confirmation link has expired or is not for your account. Ask for a new one."


def is_listed(name: str) -> bool:
    """Whether an organisation of this name exists, whatever its capitals."""
    return db.session.scalar(select(Organisation.id).where(func.lower(Organisation.name) == name.lower())) is not None


def new_organisation(name: str, sector: Sector, website: str | None, *, refusal: str) -> Organisation:
    """Add an organisation to the session (the caller commits); ``refusal`` is the message
    for a name already listed, which differs with where the person is."""
    name = name.strip()
    if is_listed(name):
        raise Refused(refusal.format(name=name), field="name")
    website = (website or "").strip() or None
    if website is not None and not is_web_address(website):
        raise Refused(WEB_ADDRESS_REFUSED, field="website")
    organisation = Organisation(name=name, sector=sector, website=website)
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
    for invited in [p for p in project.invited_partners if p.organisation_id == organisation.id]:
        project.invited_partners.remove(invited)
        db.session.delete(invited)
        db.session.flush()
    partner = ProjectPartner(project=project, organisation=organisation, role=PartnerRole.LEAD_PARTNER,
                             invited_by_id=actor.id, accepted_at=datetime.now(timezone.utc))
    db.session.add(partner)
    db.session.flush()
    decisions.count_partners_on_open_decisions(project)
    events.record(EventKind.PARTNER_ADDED, partner, actor=actor, project=project,
                  label=f"{organisation.name} joined as lead partner",
                  after={"organisation": organisation.name, "role": PartnerRole.LEAD_PARTNER.value},
                  payload={"organisation_id": organisation.id, "role": PartnerRole.LEAD_PARTNER})
    return partner


# Domains --------------------------------------------------------------------------

def add_domain(actor: User, organisation: Organisation, domain: str) -> OrganisationDomain:
    if not policy.may_administer(actor):
        raise NotPermitted("Only platform administrators record an organisation's email domains.")
    cleaned = normalised_domain(domain)
    if cleaned is None:
        raise Refused(DOMAIN_REFUSED, field="domain")
    holder = db.session.scalar(select(OrganisationDomain).where(OrganisationDomain.domain == cleaned))
    if holder is not None:
        raise Refused(f"{cleaned} is already a domain of {holder.organisation.name}", field="domain")
    record = OrganisationDomain(organisation=organisation, domain=cleaned)
    db.session.add(record)
    db.session.flush()
    events.record(EventKind.ORGANISATION_DOMAIN_ADDED, record, actor=actor, project=None,
                  label=f"{cleaned} for {organisation.name}", after={"domain": cleaned},
                  payload={"organisation_id": organisation.id, "domain_id": record.id})
    db.session.commit()
    return record


def remove_domain(actor: User, record: OrganisationDomain) -> None:
    """People already confirmed stay confirmed: the domain only stops confirming new ones."""
    if not policy.may_administer(actor):
        raise NotPermitted("Only platform administrators record an organisation's email domains.")
    events.record(EventKind.ORGANISATION_DOMAIN_REMOVED, record, actor=actor, project=None,
                  label=f"{record.domain} for {record.organisation.name}", before={"domain": record.domain},
                  payload={"organisation_id": record.organisation_id, "domain_id": record.id})
    db.session.delete(record)
    db.session.commit()


def address_proves_membership(address: str, organisation: Organisation) -> bool:
    return email_domain(address) in {record.domain for record in organisation.domains}


# Belonging ------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="organisation-membership")


def _confirm(person: User, actor: User, how: str) -> None:
    person.organisation_confirmed_at = datetime.now(timezone.utc)
    events.record(EventKind.PERSON_CONFIRMED, person, actor=actor, project=None,
                  label=f"{person.name} belongs to {person.organisation.name}",
                  after={"confirmed_by": how},
                  payload={"user_id": person.id, "organisation_id": person.organisation_id})


def confirm_if_address_proves(person: User) -> bool:
    """Confirm a person whose address (just proved by an emailed link) is at one of their
    organisation's domains; the caller commits. Returns whether they belong now."""
    if not person.belongs_to_organisation and address_proves_membership(person.email, person.organisation):
        _confirm(person, person, "email address")
    return person.belongs_to_organisation


def send_confirmation_link(person: User) -> None:
    """Email the person a link that proves their address is theirs."""
    if person.belongs_to_organisation:
        raise Refused(f"You already belong to {person.organisation.name}.")
    if not address_proves_membership(person.email, person.organisation):
        raise Refused(f"Your address is not at a domain of {person.organisation.name}. "
                      "Ask one of its organisation administrators to approve you.")
    token = _serializer().dumps({"user": person.id, "email": person.email, "organisation": person.organisation_id})
    mail.queue_message(to=person.email, template="organisation_confirm_membership", kind="organisation.confirm",
                       user=person, context={"person": person, "organisation": person.organisation,
                                             "link": external_url("organisations.confirm", token=token)})
    db.session.commit()


def confirm_membership(person: User, token: str) -> User:
    """Follow the emailed link: it works only for the account, address and organisation it
    was made for, and only while the address is still at one of the organisation's domains."""
    try:
        claim = _serializer().loads(token, max_age=CONFIRMATION_SECONDS)
    except (BadSignature, SignatureExpired):
        raise Refused(CONFIRMATION_UNUSABLE)
    if claim != {"user": person.id, "email": person.email, "organisation": person.organisation_id}:
        raise Refused(CONFIRMATION_UNUSABLE)
    if not confirm_if_address_proves(person):
        raise Refused(CONFIRMATION_UNUSABLE)
    db.session.commit()
    return person


def approve_person(actor: User, person: User) -> User:
    """An organisation administrator confirms that someone belongs to their organisation."""
    if not policy.may_manage_people_of(actor, person.organisation):
        raise NotPermitted("Only the organisation's own administrators can approve its people.")
    if not person.belongs_to_organisation:
        _confirm(person, actor, "organisation administrator")
    db.session.commit()
    return person


def set_organisation_admin(actor: User, person: User, is_admin: bool) -> User:
    if not policy.may_manage_people_of(actor, person.organisation):
        raise NotPermitted("Only the organisation's own administrators can change who administers it.")
    if is_admin and not person.belongs_to_organisation:
        raise Refused(f"Approve {person.name} as one of {possessive(person.organisation.name)} people first.")
    if not is_admin and person.id == actor.id and not actor.is_admin:
        raise Refused("Ask another administrator of your organisation to do this.")
    if is_admin != person.is_organisation_admin:
        person.is_organisation_admin = is_admin
        events.record(EventKind.ORGANISATION_ADMIN_SET, person, actor=actor, project=None,
                      label=f"{person.name} {'administers' if is_admin else 'no longer administers'} "
                            f"{person.organisation.name}",
                      before={"is_organisation_admin": not is_admin}, after={"is_organisation_admin": is_admin},
                      payload={"user_id": person.id, "organisation_id": person.organisation_id})
    db.session.commit()
    return person


def contacts_for(organisation: Organisation) -> list[User]:
    """Who hears of an invitation to the organisation: its administrators, or, while it has
    none, its confirmed people."""
    confirmed = [person for person in organisation.people if person.belongs_to_organisation]
    return [person for person in confirmed if person.is_organisation_admin] or confirmed
