"""Outcome indicators for the demonstration partnerships, with monthly measurements.

Only the Birkenhead food bank figures follow a published account (9,000 rising to over
13,000 in four months); every other figure is illustrative.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select

from localvision.domain.vocabulary import Direction, Frequency, ProjectRole, Unit
from localvision.extensions import db
from localvision.models import (
    Decision,
    DecisionIndicator,
    Indicator,
    Measurement,
    Organisation,
    Project,
    ProjectMembership,
)

# Two and a half years of monthly figures, up to last month's: a newcomer sees indicators
# kept up to date, whatever day the demonstration is loaded on.
MONTHS = 30


@dataclass(frozen=True)
class DemoIndicator:
    project: str
    name: str
    description: str
    unit: Unit
    decimal_places: int
    direction: Direction
    baseline: str
    target: str
    target_in_months: int  # after last month
    owner: str
    source: str
    path: tuple[str, ...]  # values the monthly series passes through, evenly spaced
    wiggle: str = "0"  # size of the month-to-month ups and downs
    # Months of figures the owner has not entered yet: behind by three, an indicator is
    # overdue, as the demonstration's reminders and health check show.
    months_behind: int = 0


LOWER, HIGHER = Direction.LOWER_IS_BETTER, Direction.HIGHER_IS_BETTER

INDICATORS = [
    DemoIndicator("street-drinking-plymouth", "Alcohol-related A&E attendances, 10pm to 4am",
                  "Night-time attendances at the emergency department where alcohol was recorded as a factor.",
                  Unit.COUNT, 0, LOWER, "420", "300", 7, "University Hospitals Plymouth NHS Trust",
                  "Emergency department records", ("420", "405", "360", "335"), "12", months_behind=3),
    DemoIndicator("street-drinking-plymouth", "Street-cleaning call-outs for drinking litter",
                  "Call-outs to clear bottles, cans and litter from street drinking in the city centre.",
                  Unit.COUNT, 0, LOWER, "180", "110", 7, "Plymouth City Council",
                  "Council street services", ("180", "165", "142", "120"), "9"),
    DemoIndicator("street-drinking-plymouth", "People reached by night-time outreach who enter treatment",
                  "Of the people outreach workers meet, the share who start alcohol treatment within three months.",
                  Unit.PERCENTAGE, 1, HIGHER, "8.0", "20.0", 7, "Harbour Street Outreach",
                  "Outreach case records", ("8", "10.5", "14", "17.5"), "0.8"),
    DemoIndicator("food-and-wellbeing-cornwall", "Households using food banks",
                  "Households given at least one food bank parcel in the month, across Cornwall.",
                  Unit.COUNT, 0, LOWER, "5200", "4000", 7, "Kernow Community Food Network",
                  "Food bank network returns", ("5200", "5350", "4750", "4200"), "120"),
    DemoIndicator("food-and-wellbeing-cornwall", "Community cafes open",
                  "Community cafes serving low-cost meals at least weekly.",
                  Unit.COUNT, 0, HIGHER, "14", "30", 7, "Kernow Community Food Network",
                  "Food network directory", ("14", "18", "22", "27")),
    DemoIndicator("food-and-wellbeing-cornwall", "Schools teaching the food skills curriculum",
                  "Share of primary and secondary schools teaching the skills-based food curriculum.",
                  Unit.PERCENTAGE, 1, HIGHER, "12.0", "60.0", 10, "Cornwall Council",
                  "Council education returns", ("12", "22", "34", "44")),
    DemoIndicator("food-poverty-wirral", "Food bank parcels given out in Birkenhead",
                  "Parcels given out each month. Use rose from 9,000 to over 13,000 in four months.",
                  Unit.COUNT, 0, LOWER, "9000", "8000", 7, "Birkenhead Food Bank",
                  "Birkenhead Food Bank records",
                  ("9000", "13100", "12600", "12200", "11700", "11300", "10900", "10600"), "150"),
    DemoIndicator("food-poverty-wirral", "Surplus food meals redistributed",
                  "Meals' worth of surplus food passed from retailers to community groups each month.",
                  Unit.COUNT, 0, HIGHER, "2500", "10000", 7, "Wirral Council",
                  "Surplus food partnership returns", ("2500", "4500", "6600", "8600"), "300"),
    DemoIndicator("co-production-merton", "Carers who feel listened to",
                  "Share of carers surveyed who say services listened to them.",
                  Unit.PERCENTAGE, 1, HIGHER, "52.0", "75.0", 4, "Healthwatch Merton",
                  "Healthwatch carers survey", ("52", "57", "64", "70.5"), "1.5"),
    DemoIndicator("co-production-merton", "Days from referral to first care assessment",
                  "Median days from a referral to social care to the first assessment.",
                  Unit.DAYS, 0, LOWER, "28", "14", 4, "London Borough of Merton",
                  "Adult social care records", ("28", "24", "19", "16"), "1"),
    DemoIndicator("better-care-fund-kent", "Delayed transfers of care per 100,000 adults",
                  "Days people spent in hospital beyond being ready to leave, per 100,000 adults.",
                  Unit.RATE_PER_100000, 1, LOWER, "14.5", "9.0", 4,
                  "West Kent Clinical Commissioning Group", "NHS discharge returns", ("14.5", "12.9", "11.1", "9.6"),
                  "0.6"),
    DemoIndicator("better-care-fund-kent", "Pooled budget spent on prevention",
                  "Better Care Fund money spent on prevention and community support in the month.",
                  Unit.POUNDS, 0, HIGHER, "410000", "650000", 4, "Kent County Council",
                  "Better Care Fund ledger", ("410000", "470000", "540000", "605000"), "15000"),
    DemoIndicator("integrated-care-wakefield", "Emergency admissions of people over 65 per 1,000",
                  "Emergency hospital admissions in the month per 1,000 residents aged over 65.",
                  Unit.RATE_PER_1000, 2, LOWER, "21.40", "17.00", 10, "Wakefield Commissioners",
                  "Hospital episode statistics", ("21.4", "21.9", "21.1", "20.6"), "0.5"),
    DemoIndicator("integrated-care-wakefield", "Waiting time for musculoskeletal physiotherapy",
                  "Median days from referral to first physiotherapy appointment.",
                  Unit.DAYS, 0, LOWER, "50", "30", 10, "Mid Yorkshire Teaching NHS Trust",
                  "Trust waiting list", ("50", "44", "37", "34"), "1.5"),
]

# Which demonstration decisions aim to move which indicators: (decision, indicator).
DECISION_LINKS = [
    ("Fund a night-time street outreach team for a year", "People reached by night-time outreach who enter treatment"),
    ("Fund a night-time street outreach team for a year", "Alcohol-related A&E attendances, 10pm to 4am"),
    ("Pilot an alcohol recovery space on Friday and Saturday nights", "Alcohol-related A&E attendances, 10pm to 4am"),
    ("Extend street-cleaning hours in the city centre", "Street-cleaning call-outs for drinking litter"),
    ("Pool a budget for a multi-agency alcohol liaison post", "Alcohol-related A&E attendances, 10pm to 4am"),
    ("Fund three community cafes using surplus food", "Community cafes open"),
    ("Fund three community cafes using surplus food", "Households using food banks"),
    ("A second food bank distribution point in Birkenhead", "Food bank parcels given out in Birkenhead"),
    ("Carers' breaks in the Better Care Fund plan", "Pooled budget spent on prevention"),
    ("Co-design workshops with carers and Healthwatch", "Carers who feel listened to"),
]


def months_after(first: date, count: int) -> date:
    """The first day of the month ``count`` months after ``first``'s (before it if negative)."""
    months = first.year * 12 + first.month - 1 + count
    return date(months // 12, months % 12 + 1, 1)


def last_month(today: date) -> date:
    """The latest month a monthly figure can be in for: the one before today's."""
    return months_after(today, -1)


def first_month(spec: DemoIndicator, today: date) -> date:
    return months_after(last_month(today), -(MONTHS - 1) - spec.months_behind)


def monthly_values(spec: DemoIndicator) -> list[Decimal]:
    """A series through the path's points, with a steady wiggle so it looks measured."""
    path = [Decimal(value) for value in spec.path]
    step = Decimal(MONTHS - 1) / (len(path) - 1)
    values = []
    for index in range(MONTHS):
        segment = min(int(index / step), len(path) - 2)
        share = (Decimal(index) - segment * step) / step
        value = path[segment] + (path[segment + 1] - path[segment]) * share
        if 0 < index < MONTHS - 1:
            value += Decimal(spec.wiggle) * Decimal(str(round(math.sin(index * 1.7), 3)))
        values.append(value.quantize(Decimal(1).scaleb(-spec.decimal_places), ROUND_HALF_UP))
    return values


def load_indicators() -> None:
    """Add the demonstration indicators, after the decisions they are linked to (the caller commits)."""
    today = date.today()
    projects = {project.slug: project for project in db.session.scalars(select(Project))}
    organisations = {organisation.name: organisation for organisation in db.session.scalars(select(Organisation))}
    for spec in INDICATORS:
        first = first_month(spec, today)
        indicator = Indicator(
            project=projects[spec.project], name=spec.name, description=spec.description, unit=spec.unit,
            decimal_places=spec.decimal_places, direction=spec.direction, baseline_value=Decimal(spec.baseline),
            baseline_date=first, target_value=Decimal(spec.target),
            target_date=months_after(last_month(today), spec.target_in_months),
            source=spec.source, frequency=Frequency.MONTHLY, owner_organisation=organisations[spec.owner],
        )
        db.session.add(indicator)
        db.session.flush()
        # Project leads enter their projects' figures in the demonstration.
        entered_by = db.session.scalar(select(ProjectMembership.user_id).where(
            ProjectMembership.project_id == indicator.project_id, ProjectMembership.role == ProjectRole.LEAD))
        db.session.execute(insert(Measurement), [
            {"indicator_id": indicator.id, "period": months_after(first, index), "value": value,
             "note": "", "source": spec.source, "entered_by_id": entered_by}
            for index, value in enumerate(monthly_values(spec))
        ])

    db.session.flush()
    decisions = {decision.title: decision.id for decision in db.session.scalars(select(Decision))}
    indicators = {indicator.name: indicator.id for indicator in db.session.scalars(select(Indicator))}
    db.session.add_all(DecisionIndicator(decision_id=decisions[decision], indicator_id=indicators[indicator])
                       for decision, indicator in DECISION_LINKS)
