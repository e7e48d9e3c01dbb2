"""A large published partnership for the benchmarks: 100 partner organisations, an
agreed vision, 2,000 joint decisions with contributions and positions, and 30 outcome
indicators with five years of monthly measurements, its contribution summary computed."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from localvision import create_app
from localvision.domain.vocabulary import (
    ContributionKind,
    DecisionCategory,
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
    Contribution,
    Decision,
    Indicator,
    Measurement,
    Organisation,
    Position,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
    VisionPosition,
    VisionVersion,
)
from localvision.schema import build_schema
from localvision.summaries.recompute import recompute_project_summary

PARTNERS = 100
DECISIONS = 2_000
INDICATORS = 30
MONTHS = 60
STATUSES = (DecisionStatus.AGREED, DecisionStatus.AGREED, DecisionStatus.OPEN, DecisionStatus.NOT_AGREED)


def _people_and_partners(project: Project) -> list[User]:
    sectors = list(Sector)
    people = []
    for number in range(PARTNERS):
        organisation = Organisation(name=f"Partner organisation {number:03d}", sector=sectors[number % len(sectors)])
        person = User(email=f"person{number}@bench.example", name=f"Person {number}", organisation=organisation,
                      password_hash="not-for-signing-in")
        first = number == 0
        db.session.add_all([
            ProjectPartner(project=project, organisation=organisation,
                           role=PartnerRole.LEAD_PARTNER if first else PartnerRole.PARTNER),
            ProjectMembership(project=project, user=person, role=ProjectRole.LEAD if first else ProjectRole.MEMBER),
        ])
        people.append(person)
    return people


def _agreed_vision(project: Project, people: list[User]) -> None:
    version = VisionVersion(project=project, number=1, text="Every partner working to one shared aim.",
                            change_note="First wording", author=people[0], organisation=people[0].organisation)
    db.session.add(version)
    db.session.add_all([VisionPosition(version=version, organisation=person.organisation, stance=Stance.ENDORSE,
                                       recorded_by=person) for person in people])


def _decisions(project: Project, people: list[User]) -> None:
    start = date(2021, 1, 4)
    for number in range(DECISIONS):
        proposer, partner = people[number % PARTNERS], people[(number * 7 + 1) % PARTNERS]
        decision = Decision(project=project, title=f"Joint decision {number:04d}", rationale="Illustrative.",
                            category=DecisionCategory.GRANT, proposer=proposer,
                            proposing_organisation=proposer.organisation, recipient_name="Community Cafe CIC",
                            opens_on=start + timedelta(days=number // 2), closes_on=start + timedelta(days=number // 2 + 14),
                            status=STATUSES[number % len(STATUSES)])
        db.session.add_all([
            decision,
            Contribution(decision=decision, organisation=proposer.organisation, kind=ContributionKind.CASH,
                         amount=Decimal("2500.00"), recorded_by=proposer),
            Contribution(decision=decision, organisation=partner.organisation, kind=ContributionKind.IN_KIND,
                         amount=Decimal("400.00"), recorded_by=partner),
            Position(decision=decision, organisation=proposer.organisation, stance=DecisionStance.SUPPORT,
                     recorded_by=proposer),
            Position(decision=decision, organisation=partner.organisation, stance=DecisionStance.STAND_ASIDE,
                     recorded_by=partner),
        ])


def _indicators(project: Project, people: list[User]) -> None:
    for number in range(INDICATORS):
        indicator = Indicator(project=project, name=f"Outcome indicator {number:02d}", unit=Unit.COUNT,
                              direction=Direction.LOWER_IS_BETTER, frequency=Frequency.MONTHLY,
                              owner_organisation_id=people[number % PARTNERS].organisation.id,
                              baseline_date=date(2021, 1, 1), baseline_value=Decimal(500),
                              target_date=date(2026, 1, 1), target_value=Decimal(300))
        db.session.add(indicator)
        db.session.add_all([Measurement(indicator=indicator, period=date(2021 + month // 12, month % 12 + 1, 1),
                                        value=Decimal(500 - 3 * month)) for month in range(MONTHS)])


def build_large_project(database_url: str, instance_path: Path, redis_url: str) -> str:
    """Create the schema and the project in an empty database; return the project's slug."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "REDIS_URL": redis_url},
                     instance_path=instance_path)
    with app.app_context():
        build_schema()
        project = Project(slug="large-partnership", title="A large partnership", place="Benchmark",
                          theme="Everything at once", summary="One hundred partners working together.",
                          phase=Phase.DELIVER, is_published=True)
        db.session.add(project)
        people = _people_and_partners(project)
        db.session.flush()
        _agreed_vision(project, people)
        _decisions(project, people)
        _indicators(project, people)
        db.session.commit()
        recompute_project_summary(project.id)
        slug = project.slug
        db.session.remove()
        # As a production database would be: its statistics current and nothing left for
        # autovacuum to do in the middle of a measurement.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    return slug
