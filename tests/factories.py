"""Test data builders. They add to the current session and flush, never commit."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from localvision.domain.vocabulary import (
    BarrierSource,
    BarrierStatus,
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    Direction,
    Frequency,
    PartnerRole,
    Phase,
    ProjectRole,
    Sector,
    Stance,
    Unit,
)
from localvision.extensions import db
from localvision.models import (
    Action,
    Barrier,
    BarrierAnswer,
    Contribution,
    Decision,
    DecisionComment,
    HealthCheckRound,
    Indicator,
    LearningEntry,
    Measurement,
    MeasurementImport,
    Organisation,
    Position,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
    VisionPosition,
    VisionVersion,
)
from localvision.permissions import policy
from localvision.services import measurement_imports

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # Hashing once keeps the suite fast: scrypt is slow on purpose.
    return generate_password_hash(PASSWORD, method="scrypt")


def organisation(name: str | None = None, sector: Sector = Sector.LOCAL_AUTHORITY) -> Organisation:
    org = Organisation(name=name or f"Organisation {next(_sequence)}", sector=sector)
    db.session.add(org)
    db.session.flush()
    return org


def user(org: Organisation | None = None, *, name: str | None = None, email: str | None = None,
         is_admin: bool = False, confirmed: bool = True, organisation_admin: bool = False) -> User:
    number = next(_sequence)
    person = User(
        email=email or f"person{number}@example.org",
        name=name or f"Person {number}",
        organisation=org or organisation(),
        is_admin=is_admin,
        is_organisation_admin=organisation_admin,
        organisation_confirmed_at=datetime.now(timezone.utc) if confirmed else None,
        password_hash=_password_hash(),
    )
    db.session.add(person)
    db.session.flush()
    return person


def project(*, lead: User, published: bool = False, title: str | None = None,
            partners: tuple[Organisation, ...] = (), members: tuple[User, ...] = (),
            place: str = "Plymouth", theme: str = "Street drinking", summary: str = "A test partnership",
            phase: Phase = Phase.DISCOVER) -> Project:
    number = next(_sequence)
    proj = Project(
        slug=f"project-{number}",
        title=title or f"Project {number}",
        place=place,
        theme=theme,
        summary=summary,
        phase=phase,
        is_published=published,
    )
    db.session.add(proj)
    db.session.add(ProjectPartner(project=proj, organisation=lead.organisation, role=PartnerRole.LEAD_PARTNER))
    for org in partners:
        if org.id != lead.organisation_id:
            db.session.add(ProjectPartner(project=proj, organisation=org, role=PartnerRole.PARTNER))
    db.session.add(ProjectMembership(project=proj, user=lead, role=ProjectRole.LEAD))
    for person in members:
        db.session.add(ProjectMembership(project=proj, user=person, role=ProjectRole.MEMBER))
    db.session.flush()
    return proj


def vision_version(proj: Project, author: User, text: str = "Fewer people drinking on our streets at night.",
                   change_note: str = "First wording") -> VisionVersion:
    previous = db.session.scalar(
        select(VisionVersion).where(VisionVersion.project_id == proj.id).order_by(VisionVersion.number.desc()).limit(1)
    )
    version = VisionVersion(project=proj, number=(previous.number if previous else 0) + 1, text=text,
                            change_note=change_note, author=author, organisation_id=author.organisation_id,
                            based_on=previous)
    db.session.add(version)
    db.session.flush()
    return version


def vision_position(version: VisionVersion, person: User, stance: Stance = Stance.ENDORSE,
                    comment: str = "") -> VisionPosition:
    position = VisionPosition(version=version, organisation_id=person.organisation_id, stance=stance,
                              comment=comment, recorded_by=person)
    db.session.add(position)
    db.session.flush()
    return position


def decision(project: Project, proposer: User, *, title: str | None = None, status: DecisionStatus = DecisionStatus.OPEN,
             closes_in_days: int = 14, sensitive: bool = False) -> Decision:
    item = Decision(
        project=project,
        title=title or f"Decision {next(_sequence)}",
        rationale="Fund **outreach** at night.",
        category=DecisionCategory.PILOT,
        proposer=proposer,
        proposing_organisation=proposer.organisation,
        opens_on=date.today(),
        closes_on=date.today() + timedelta(days=closes_in_days),
        status=status,
        is_commercially_sensitive=sensitive,
    )
    db.session.add(item)
    db.session.flush()
    return item


def barrier(project: Project, *, raiser: User | None = None, status: BarrierStatus = BarrierStatus.NEW,
            what: str | None = None, raiser_email: str | None = None, raised_days_ago: int = 0) -> Barrier:
    """A barrier raised by a person of the project, or (without a raiser) through the public form."""
    item = Barrier(project=project, what=what or f"Barrier {next(_sequence)}: no weekend discharge team",
                   location="Hospital discharge", who_affected="Older patients and their carers",
                   source=BarrierSource.PROJECT if raiser else BarrierSource.PUBLIC, status=status, raised_by=raiser,
                   raiser_email=raiser_email,
                   raised_at=datetime.now(timezone.utc) - timedelta(days=raised_days_ago))
    db.session.add(item)
    db.session.flush()
    return item


def barrier_answer(item: Barrier, author: User, text: str = "We are talking to the discharge team.") -> BarrierAnswer:
    answer = BarrierAnswer(barrier=item, text=text, status=item.status, author=author,
                           organisation=author.organisation)
    db.session.add(answer)
    db.session.flush()
    return answer


def lesson(project: Project, author: User, *, title: str | None = None, published: bool = False,
           phase: Phase = Phase.DISCOVER, tried: str = "Walking the night-time economy with street pastors") -> LearningEntry:
    entry = LearningEntry(project=project, author=author, title=title or f"Lesson {next(_sequence)}", phase=phase,
                          tried=tried, happened="We met people no service had met",
                          differently="Start with the people who work at night", is_published=published,
                          published_at=datetime.now(timezone.utc) if published else None)
    db.session.add(entry)
    db.session.flush()
    return entry


def comment(item: Decision, author: User, text: str = "Could the outreach start in January?",
            reply_to: DecisionComment | None = None) -> DecisionComment:
    written = DecisionComment(decision=item, author=author, organisation_id=author.organisation_id, text=text,
                              reply_to=reply_to)
    db.session.add(written)
    db.session.flush()
    return written


def contribution(item: Decision, person: User, amount: str, kind: ContributionKind = ContributionKind.CASH) -> Contribution:
    added = Contribution(decision=item, organisation=person.organisation, kind=kind, amount=Decimal(amount),
                         recorded_by=person)
    if kind == ContributionKind.STAFF_TIME:
        added.hours, added.hourly_cost = Decimal("1"), Decimal(amount)
    db.session.add(added)
    db.session.flush()
    return added


def position(item: Decision, person: User, stance: DecisionStance, reasons: str = "") -> Position:
    recorded = Position(decision=item, organisation=person.organisation, stance=stance, reasons=reasons,
                        recorded_by=person, replaces=item.current_positions().get(person.organisation_id))
    db.session.add(recorded)
    db.session.flush()
    return recorded


def action(item: Decision, owner: User, *, due_in_days: int = 7, title: str | None = None) -> Action:
    added = Action(decision=item, title=title or f"Action {next(_sequence)}", owner=owner,
                   due_on=date.today() + timedelta(days=due_in_days), created_by=owner)
    db.session.add(added)
    db.session.flush()
    return added


def indicator(proj: Project, *, owner: Organisation | None = None, name: str | None = None,
              higher_is_better: bool = False, baseline: tuple[str, str] | None = ("2024-01-01", "100"),
              target: tuple[str, str] | None = ("2025-01-01", "80")) -> Indicator:
    """An indicator; baseline and target are (ISO date, value) pairs."""
    made = Indicator(
        project=proj,
        name=name or f"Indicator {next(_sequence)}",
        unit=Unit.COUNT,
        direction=Direction.HIGHER_IS_BETTER if higher_is_better else Direction.LOWER_IS_BETTER,
        frequency=Frequency.MONTHLY,
        owner_organisation_id=(owner or proj.partners[0].organisation).id,
        baseline_date=date.fromisoformat(baseline[0]) if baseline else None,
        baseline_value=Decimal(baseline[1]) if baseline else None,
        target_date=date.fromisoformat(target[0]) if target else None,
        target_value=Decimal(target[1]) if target else None,
    )
    db.session.add(made)
    db.session.flush()
    return made


def measurement(ind: Indicator, *, period: str = "2024-04-01", value: str = "90", entered_by: User | None = None) -> Measurement:
    made = Measurement(indicator=ind, period=date.fromisoformat(period), value=Decimal(value), entered_by=entered_by)
    db.session.add(made)
    db.session.flush()
    return made


def measurement_import(proj: Project, uploader: User, content: str, filename: str = "measurements.csv") -> MeasurementImport:
    """An uploaded file and its preview, checked as an upload is; unlike the other builders
    this one commits, as the upload's service does (a savepoint inside a test)."""
    return measurement_imports.check_import(policy.context_for(uploader, proj), filename, content.encode())


def council_and_trust() -> tuple[User, User]:
    """A person of Plymouth City Council and one of Plymouth NHS Trust, for two-partner projects."""
    return (user(organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)),
            user(organisation("Plymouth NHS Trust", Sector.NHS)))


def two_partner_project(lead: User, member: User, **details) -> Project:
    """A published project of the lead's and the member's organisations, unless told otherwise."""
    details.setdefault("published", True)
    return project(lead=lead, partners=(member.organisation,), members=(member,), **details)


def plymouth_organisations() -> tuple[Organisation, Organisation, Organisation, Organisation]:
    """The council, NHS trust, police and charity of the Plymouth street-drinking partnership."""
    return (organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY),
            organisation("University Hospitals Plymouth", Sector.NHS),
            organisation("Devon and Cornwall Police", Sector.POLICE),
            organisation("Harbour Street Outreach", Sector.VOLUNTARY_AND_COMMUNITY))


class Partnership:
    """A project with a council lead and three partners of different sectors."""

    def __init__(self, session, rule=DecisionRule.CONSENSUS, published=True):
        self.council, self.nhs, self.police, self.charity = plymouth_organisations()
        self.lead = user(self.council, name="Priya Shah")
        self.nurse = user(self.nhs, name="Tom Evans")
        self.nhs_director = user(self.nhs, name="Ann Lee")
        self.officer = user(self.police, name="Aisha Khan")
        self.worker = user(self.charity, name="Dan Roberts")
        self.outsider = user(organisation("Kent County Council"))
        self.project = project(
            lead=self.lead, published=published, partners=(self.nhs, self.police, self.charity),
            members=(self.nurse, self.nhs_director, self.officer, self.worker))
        self.project.decision_rule = rule
        session.commit()

    def url(self, decision=None, tail=""):
        base = f"/projects/{self.project.slug}/decisions"
        return base + (f"/{decision.id}" if decision is not None else "") + tail


def health_check_round(proj: Project, lead: User, *, title: str | None = None, opens_in_days: int = 0,
                       closes_in_days: int = 14) -> HealthCheckRound:
    made = HealthCheckRound(project_id=proj.id, title=title or f"Round {next(_sequence)}", opened_by_id=lead.id,
                            opens_on=date.today() + timedelta(days=opens_in_days),
                            closes_on=date.today() + timedelta(days=closes_in_days))
    db.session.add(made)
    db.session.flush()
    return made


def health_check_answer(made_round, person: User, rating: int = 4, comment: str = "") -> None:
    """One person's answer, every statement rated the same, recorded as the service records it."""
    from localvision.domain.vocabulary import HealthStatement
    from localvision.models import HealthCheckAnswer, HealthCheckRespondent

    db.session.add(HealthCheckRespondent(round_id=made_round.id, user_id=person.id))
    db.session.add(HealthCheckAnswer(round_id=made_round.id, organisation_id=person.organisation_id,
                                     sector=person.organisation.sector,
                                     ratings={statement.value: rating for statement in HealthStatement},
                                     comments={"direction": comment} if comment else {}))
    db.session.flush()


def wirral_food_bank(session, *, published: bool = False) -> dict:
    """A council and a food bank that count food bank parcels and community cafes."""
    council = organisation("Wirral Council", Sector.LOCAL_AUTHORITY)
    food_bank = organisation("Birkenhead Food Bank", Sector.VOLUNTARY_AND_COMMUNITY)
    lead, volunteer = user(council), user(food_bank)
    outsider = user(organisation("Kent County Council"))
    made = project(lead=lead, partners=(food_bank,), members=(volunteer,), published=published)
    parcels = indicator(made, name="Food bank parcels", baseline=("2013-01-01", "9000"), target=("2014-01-01", "8000"))
    cafes = indicator(made, name="Community cafes open", higher_is_better=True, baseline=None, target=None)
    session.commit()
    return {"project": made, "lead": lead, "volunteer": volunteer, "outsider": outsider, "parcels": parcels,
            "cafes": cafes}
