"""Demonstration partnerships from the published Local Vision accounts: organisations,
people and projects.

Places and kinds of organisation follow the published accounts; people, organisations'
names and every figure beyond those accounts are illustrative, and demo projects carry
a banner saying so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from localvision.domain.vocabulary import DecisionRule, PartnerRole, PartnerStatus, Phase, ProjectRole, Sector
from localvision.extensions import db
from localvision.models import Organisation, OrganisationDomain, Project, ProjectMembership, ProjectPartner, User

DEMO_PASSWORD = "demo-partnership-2026"
EMAIL_DOMAIN = "demo.localvision.example"

ORGANISATIONS: dict[str, Sector] = {
    "Local Vision platform team": Sector.BUSINESS,
    # Plymouth
    "University Hospitals Plymouth NHS Trust": Sector.NHS,
    "Plymouth Public Health": Sector.PUBLIC_HEALTH,
    "Plymouth City Council": Sector.LOCAL_AUTHORITY,
    "Devon and Cornwall Police": Sector.POLICE,
    "Harbour Street Outreach": Sector.VOLUNTARY_AND_COMMUNITY,
    "University of Plymouth": Sector.UNIVERSITY_AND_RESEARCH,
    # Cornwall
    "Cornwall Council": Sector.LOCAL_AUTHORITY,
    "Cornwall Public Health": Sector.PUBLIC_HEALTH,
    "Kernow Community Food Network": Sector.VOLUNTARY_AND_COMMUNITY,
    "Cornwall Partnership NHS Foundation Trust": Sector.NHS,
    "Cornwall Food Voices": Sector.RESIDENTS,
    # The Wirral
    "Wirral Council": Sector.LOCAL_AUTHORITY,
    "Wirral Public Health": Sector.PUBLIC_HEALTH,
    "Birkenhead Food Bank": Sector.VOLUNTARY_AND_COMMUNITY,
    "Wirral Community Health NHS Trust": Sector.NHS,
    "Wirral Homes": Sector.HOUSING,
    # Merton
    "London Borough of Merton": Sector.LOCAL_AUTHORITY,
    "South West London NHS": Sector.NHS,
    "Healthwatch Merton": Sector.RESIDENTS,
    "Merton Voluntary Service Council": Sector.VOLUNTARY_AND_COMMUNITY,
    # Kent
    "Kent County Council": Sector.LOCAL_AUTHORITY,
    "West Kent Clinical Commissioning Group": Sector.NHS,
    "Kent Community Health NHS Foundation Trust": Sector.NHS,
    "Kent Fire and Rescue Service": Sector.FIRE_AND_RESCUE,
    "Kent Carers Network": Sector.VOLUNTARY_AND_COMMUNITY,
    # Wakefield
    "Wakefield Council": Sector.LOCAL_AUTHORITY,
    "Wakefield Commissioners": Sector.NHS,
    "Mid Yorkshire Teaching NHS Trust": Sector.NHS,
    "Wakefield District Housing": Sector.HOUSING,
    "Wakefield Community Support": Sector.VOLUNTARY_AND_COMMUNITY,
}


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    organisation: str
    is_admin: bool = False
    # Approves its organisation's people and names who speaks for it.
    is_organisation_admin: bool = False

    @property
    def email(self) -> str:
        return f"{self.key}@{EMAIL_DOMAIN}"


PEOPLE = [
    DemoPerson("admin", "Alex Morgan", "Local Vision platform team", is_admin=True),
    DemoPerson("lead", "Priya Shah", "Plymouth City Council", is_organisation_admin=True),
    DemoPerson("nhs", "Tom Evans", "University Hospitals Plymouth NHS Trust"),
    DemoPerson("publichealth", "Sam Okafor", "Plymouth Public Health"),
    DemoPerson("police", "Aisha Khan", "Devon and Cornwall Police"),
    DemoPerson("voluntary", "Dan Roberts", "Harbour Street Outreach"),
    DemoPerson("university", "Helen Price", "University of Plymouth"),
    DemoPerson("cornwall", "Jenna Trelawny", "Cornwall Public Health"),
    DemoPerson("foodnetwork", "Mark Pascoe", "Kernow Community Food Network"),
    DemoPerson("wirral", "Ruth Doyle", "Wirral Public Health"),
    DemoPerson("foodbank", "Kieran Walsh", "Birkenhead Food Bank"),
    DemoPerson("merton", "Grace Adeyemi", "London Borough of Merton"),
    DemoPerson("healthwatch", "Oliver Chen", "Healthwatch Merton"),
    DemoPerson("kent", "Fiona Baker", "West Kent Clinical Commissioning Group"),
    DemoPerson("wakefield", "Imran Hussain", "Wakefield Commissioners"),
]


@dataclass(frozen=True)
class DemoProject:
    slug: str
    title: str
    place: str
    theme: str
    summary: str
    phase: Phase
    rule: DecisionRule
    published: bool
    partners: tuple[str, ...]  # the first is the lead partner
    people: tuple[tuple[str, ProjectRole], ...]


PROJECTS = [
    DemoProject(
        slug="street-drinking-plymouth",
        title="Reducing late-night street drinking",
        place="Plymouth",
        theme="Street drinking, health and safety",
        summary=(
            "Health, public health, the city council, voluntary and third sector organisations, "
            "the police and the university working together to reduce late-night street drinking "
            "and the harm alcohol does: to improve drinkers' health, cut demand on A&E and cut street-cleaning costs. "
            "The partnership decides jointly where funding is invested."
        ),
        phase=Phase.DELIVER,
        rule=DecisionRule.CONSENSUS,
        published=True,
        partners=(
            "Plymouth City Council",
            "University Hospitals Plymouth NHS Trust",
            "Plymouth Public Health",
            "Devon and Cornwall Police",
            "Harbour Street Outreach",
            "University of Plymouth",
        ),
        people=(
            ("lead", ProjectRole.LEAD),
            ("nhs", ProjectRole.MEMBER),
            ("publichealth", ProjectRole.MEMBER),
            ("police", ProjectRole.MEMBER),
            ("voluntary", ProjectRole.MEMBER),
            ("university", ProjectRole.MEMBER),
        ),
    ),
    DemoProject(
        slug="food-and-wellbeing-cornwall",
        title="Health and wellbeing through food",
        place="Cornwall",
        theme="Food poverty and wellbeing",
        summary=(
            "A wide range of partners working on health and wellbeing through food: local markets "
            "and food networks, use of surplus food, community cafes and a skills-based food "
            "curriculum for schools. A distributed leadership model keeping local voices at its heart."
        ),
        phase=Phase.DELIVER,
        rule=DecisionRule.CONSENT,
        published=True,
        partners=(
            "Cornwall Public Health",
            "Cornwall Council",
            "Kernow Community Food Network",
            "Cornwall Partnership NHS Foundation Trust",
            "Cornwall Food Voices",
            "Devon and Cornwall Police",
        ),
        people=(("cornwall", ProjectRole.LEAD), ("foodnetwork", ProjectRole.MEMBER), ("police", ProjectRole.MEMBER)),
    ),
    DemoProject(
        slug="food-poverty-wirral",
        title="Reducing food poverty",
        place="The Wirral",
        theme="Food poverty",
        summary=(
            "Food bank use in Birkenhead rose 47% in four months, from 9,000 to over 13,000. "
            "Partners across the Wirral work together on food networks, surplus food and community cafes."
        ),
        phase=Phase.DESIGN,
        rule=DecisionRule.MAJORITY,
        published=True,
        partners=(
            "Wirral Public Health",
            "Wirral Council",
            "Birkenhead Food Bank",
            "Wirral Community Health NHS Trust",
            "Wirral Homes",
        ),
        people=(("wirral", ProjectRole.LEAD), ("foodbank", ProjectRole.MEMBER)),
    ),
    DemoProject(
        slug="co-production-merton",
        title="Co-producing health and social care",
        place="Merton",
        theme="Integrated health and social care",
        summary=(
            "Co-production between health and social care, with feedback loops between front line "
            "staff, middle managers, clinicians and the senior leadership group, and links with users, "
            "carers and the voluntary sector, including Healthwatch."
        ),
        phase=Phase.DESIGN,
        rule=DecisionRule.CONSENSUS,
        published=False,
        partners=(
            "London Borough of Merton",
            "South West London NHS",
            "Healthwatch Merton",
            "Merton Voluntary Service Council",
        ),
        people=(("merton", ProjectRole.LEAD), ("healthwatch", ProjectRole.MEMBER)),
    ),
    DemoProject(
        slug="better-care-fund-kent",
        title="A person-centred Better Care Fund bid",
        place="Kent",
        theme="Pooled budgets for integrated care",
        summary=(
            "Clinical commissioning groups helped bring together a person-centred Better Care Fund bid: "
            "a pooled NHS and local authority budget shaped around the people it serves."
        ),
        phase=Phase.DELIVER,
        rule=DecisionRule.LEAD_DECIDES,
        published=True,
        partners=(
            "West Kent Clinical Commissioning Group",
            "Kent County Council",
            "Kent Community Health NHS Foundation Trust",
            "Kent Fire and Rescue Service",
            "Kent Carers Network",
        ),
        people=(("kent", ProjectRole.LEAD),),
    ),
    DemoProject(
        slug="integrated-care-wakefield",
        title="An integrated model of care",
        place="Wakefield",
        theme="Integrated care",
        summary="Commissioners driving an integrated model of care with council, hospital, housing and community partners.",
        phase=Phase.DISCOVER,
        rule=DecisionRule.CONSENSUS,
        published=True,
        partners=(
            "Wakefield Commissioners",
            "Wakefield Council",
            "Mid Yorkshire Teaching NHS Trust",
            "Wakefield District Housing",
            "Wakefield Community Support",
        ),
        people=(("wakefield", ProjectRole.LEAD),),
    ),
]

# The logins `make run` prints.
# One invitation awaits an answer, so the organisation's side of joining can be tried:
# (project slug, invited organisation, inviting person's key).
PENDING_INVITATIONS = (("food-poverty-wirral", "Plymouth City Council", "wirral"),)

PRINTED_LOGINS = ("admin", "lead", "nhs", "police", "voluntary", "merton")


def _get_or_create(model, lookup: dict, **values):  # type: ignore[no-untyped-def]
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is None:
        instance = model(**lookup, **values)
        db.session.add(instance)
    return instance


def load_partnerships() -> dict[str, User]:
    """Add the organisations, people and projects; returns the people by key (the caller commits)."""
    organisations = {
        name: _get_or_create(Organisation, {"name": name}, sector=sector) for name, sector in ORGANISATIONS.items()
    }
    for name, organisation in organisations.items():
        if not organisation.domains:
            organisation.domains.append(OrganisationDomain(domain=demo_domain(name)))
    now = datetime.now(timezone.utc)
    users: dict[str, User] = {}
    password_hash = None  # every demo login shares one password: hash it once
    for person in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == person.email))
        if user is None:
            user = User(email=person.email, name=person.name, organisation=organisations[person.organisation],
                        is_admin=person.is_admin, is_organisation_admin=person.is_organisation_admin,
                        organisation_confirmed_at=now)
            if password_hash is None:
                user.set_password(DEMO_PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash
            db.session.add(user)
        users[person.key] = user
    for spec in PROJECTS:
        project = _get_or_create(
            Project,
            {"slug": spec.slug},
            title=spec.title,
            place=spec.place,
            theme=spec.theme,
            summary=spec.summary,
            phase=spec.phase,
            decision_rule=spec.rule,
            is_published=spec.published,
            is_demo=True,
        )
        for index, name in enumerate(spec.partners):
            role = PartnerRole.LEAD_PARTNER if index == 0 else PartnerRole.PARTNER
            db.session.add(ProjectPartner(project=project, organisation=organisations[name], role=role))
        for key, role in spec.people:
            db.session.add(ProjectMembership(project=project, user=users[key], role=role))
    db.session.flush()
    for slug, name, inviter in PENDING_INVITATIONS:
        project = db.session.scalar(select(Project).where(Project.slug == slug))
        project.invited_partners.append(ProjectPartner(organisation=organisations[name], role=PartnerRole.PARTNER,
                                                       invited_by_id=users[inviter].id,
                                                       status=PartnerStatus.INVITED))
    return users


def demo_domain(organisation_name: str) -> str:
    """Each demo organisation's own email domain, under the demo's reserved one."""
    return f"{'-'.join(re.findall(r'[a-z0-9]+', organisation_name.lower()))}.{EMAIL_DOMAIN}"


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, who, what they can do) for the logins worth trying first."""
    by_key = {person.key: person for person in PEOPLE}
    descriptions = {
        "admin": "platform administrator",
        "lead": "project lead, Plymouth; administrator of Plymouth City Council, with an invitation to answer",
        "nhs": "NHS partner member, Plymouth",
        "police": "police partner member, Plymouth and Cornwall",
        "voluntary": "voluntary sector partner member, Plymouth",
        "merton": "project lead of a private project, Merton",
    }
    return [(by_key[key].email, f"{by_key[key].name}, {by_key[key].organisation}", descriptions[key]) for key in PRINTED_LOGINS]
