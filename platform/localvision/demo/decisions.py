"""Demonstration joint decisions: illustrative, like every figure in the demo projects.

Dates are relative to the day the demo is loaded, so open decisions stay open and the
overdue action stays overdue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from localvision.domain.decisions import staff_time_value
from localvision.domain.vocabulary import (
    ActionStatus,
    ContributionKind,
    DecisionCategory,
    DecisionStance,
    DecisionStatus,
)
from localvision.extensions import db
from localvision.models import Action, Contribution, Decision, Position, Project, User

CASH, STAFF, IN_KIND = ContributionKind.CASH, ContributionKind.STAFF_TIME, ContributionKind.IN_KIND
SUPPORT, CONCERNS, ASIDE, OBJECT = DecisionStance.SUPPORT, DecisionStance.SUPPORT_WITH_CONCERNS, DecisionStance.STAND_ASIDE, DecisionStance.OBJECT


@dataclass(frozen=True)
class DemoContribution:
    person: str  # the demo person's key: they record it for their organisation
    kind: ContributionKind
    amount: str = ""  # cash and in-kind
    hours: str = ""  # staff time
    hourly_cost: str = ""
    description: str = ""


@dataclass(frozen=True)
class DemoAction:
    title: str
    owner: str
    due_in_days: int
    status: ActionStatus = ActionStatus.OPEN


@dataclass(frozen=True)
class DemoDecision:
    project: str
    title: str
    rationale: str
    proposer: str
    category: DecisionCategory
    opened_days_ago: int
    open_for_days: int
    status: DecisionStatus
    outcome_reason: str = ""
    recipient: str = ""
    sensitive: bool = False
    amends: str = ""  # the title of the decision this one amends
    review_in_days: int | None = None
    contributions: tuple[DemoContribution, ...] = ()
    # (person, stance, reasons); a person listed twice changed their organisation's position.
    positions: tuple[tuple[str, DecisionStance, str], ...] = ()
    actions: tuple[DemoAction, ...] = field(default_factory=tuple)


PLYMOUTH = "street-drinking-plymouth"
OUTREACH = "Fund a night-time street outreach team for a year"

DECISIONS = [
    DemoDecision(
        PLYMOUTH, OUTREACH,
        "Two outreach workers on Friday and Saturday nights, 9pm to 3am, to offer help to people drinking on the "
        "street: brief advice, a route into treatment and a safe way home.\n\n"
        "**Aims:** fewer alcohol-related A&E attendances on weekend nights, and fewer street-cleaning call-outs.",
        "voluntary", DecisionCategory.GRANT, 200, 21, DecisionStatus.AGREED,
        outcome_reason="Consensus: every partner responded and nobody objected.",
        recipient="Harbour Street Outreach", review_in_days=150,
        contributions=(
            DemoContribution("lead", CASH, "45000.00", description="Grant from the community safety budget"),
            DemoContribution("publichealth", CASH, "30000.00", description="Public health grant, alcohol harm reduction"),
            DemoContribution("nhs", STAFF, hours="312", hourly_cost="38.50", description="Emergency department liaison nurse, three hours a week"),
            DemoContribution("police", IN_KIND, "6000.00", description="Radios and a link to the city-centre CCTV room"),
            DemoContribution("university", STAFF, hours="120", hourly_cost="45.00", description="Evaluation design and analysis"),
        ),
        positions=(
            ("lead", SUPPORT, ""), ("nhs", SUPPORT, ""), ("publichealth", SUPPORT, ""),
            ("police", OBJECT, "No plan for people moved on from the city centre."),
            ("police", CONCERNS, "Displacement into residential streets must be monitored monthly."),
            ("voluntary", SUPPORT, ""), ("university", SUPPORT, ""),
        ),
        actions=(
            DemoAction("Recruit two outreach workers", "voluntary", -150, ActionStatus.DONE),
            DemoAction("Publish the evaluation framework", "university", -140, ActionStatus.DONE),
            DemoAction("Report displacement figures each month", "police", 20),
        ),
    ),
    DemoDecision(
        PLYMOUTH, "Pilot an alcohol recovery space on Friday and Saturday nights",
        "A staffed space near the night-time economy where intoxicated people can recover safely instead of "
        "going to A&E. Paramedics and the outreach team refer people in.",
        "nhs", DecisionCategory.PILOT, 120, 14, DecisionStatus.AGREED,
        outcome_reason="Consensus: every partner responded and nobody objected.",
        contributions=(
            DemoContribution("nhs", CASH, "20000.00", description="Urgent care transformation fund"),
            DemoContribution("nhs", STAFF, hours="416", hourly_cost="32.75", description="Healthcare assistants, two per night"),
            DemoContribution("lead", IN_KIND, "8000.00", description="Use of the Royal Parade community room"),
            DemoContribution("voluntary", STAFF, hours="208", hourly_cost="19.20", description="Volunteer co-ordinator"),
        ),
        positions=(
            ("lead", SUPPORT, ""), ("nhs", SUPPORT, ""), ("publichealth", SUPPORT, ""),
            ("police", SUPPORT, ""), ("voluntary", SUPPORT, ""),
            ("university", CONCERNS, "The pilot needs a comparison period, or its effect on A&E cannot be judged."),
        ),
        actions=(
            DemoAction("Agree the referral protocol with the emergency department", "nhs", -10),
            DemoAction("Set up data sharing for the evaluation", "university", 25),
        ),
    ),
    DemoDecision(
        PLYMOUTH, "Extend street-cleaning hours in the city centre",
        "Add an early-morning cleaning round on weekends to clear litter and bottles before shops open.",
        "lead", DecisionCategory.COMMISSIONING, 90, 14, DecisionStatus.NOT_AGREED,
        outcome_reason="No consensus: 1 partner objected.",
        contributions=(DemoContribution("lead", CASH, "22000.00", description="Street services budget"),),
        positions=(
            ("lead", SUPPORT, ""), ("nhs", ASIDE, ""), ("publichealth", ASIDE, ""), ("police", SUPPORT, ""),
            ("voluntary", OBJECT, "It treats the symptom: the same money would fund a third outreach worker."),
            ("university", ASIDE, ""),
        ),
    ),
    DemoDecision(
        PLYMOUTH, "Pool a budget for a multi-agency alcohol liaison post",
        "One post, hosted by public health, working across the hospital, the police custody suite and the "
        "outreach team so that the same person follows people through.",
        "publichealth", DecisionCategory.POOLED_BUDGET, 5, 12, DecisionStatus.OPEN,
        contributions=(
            DemoContribution("publichealth", CASH, "24000.00", description="Half the post's salary and costs"),
            DemoContribution("nhs", CASH, "12000.00", description="A quarter of the post"),
            DemoContribution("police", CASH, "12000.00", description="A quarter of the post"),
        ),
        positions=(
            ("publichealth", SUPPORT, ""), ("nhs", SUPPORT, ""),
            ("police", CONCERNS, "Custody cover is needed at weekends, not only on weekdays."),
        ),
        actions=(DemoAction("Draft the job description", "publichealth", 14),),
    ),
    DemoDecision(
        PLYMOUTH, "Contract taxi marshals at the Union Street rank",
        "Marshals at the busiest taxi rank from 11pm to 4am to keep queues calm and get people home.",
        "police", DecisionCategory.COMMISSIONING, 3, 14, DecisionStatus.OPEN, sensitive=True,
        contributions=(
            DemoContribution("police", CASH, "18500.00", description="Quoted price, supplier shortlist attached"),
            DemoContribution("lead", CASH, "9000.00", description="Licensing income"),
        ),
        positions=(("police", SUPPORT, ""),),
    ),
    DemoDecision(
        PLYMOUTH, "Second a police officer to the outreach team two nights a week",
        "An officer working alongside the outreach workers, out of uniform, to build trust.",
        "police", DecisionCategory.STAFF_SECONDMENT, 60, 14, DecisionStatus.DEFERRED,
        outcome_reason="Deferred until the evaluation of the outreach team's first six months is in.",
        positions=(("police", SUPPORT, ""), ("voluntary", CONCERNS, "People may avoid the outreach team if police are with it.")),
    ),
    DemoDecision(
        PLYMOUTH, "Student volunteers for night-time welfare",
        "Trained student volunteers helping the outreach team on the busiest nights.",
        "university", DecisionCategory.PILOT, 45, 14, DecisionStatus.WITHDRAWN,
        outcome_reason="Insurance cover for student volunteers at night could not be arranged.",
    ),
    DemoDecision(
        PLYMOUTH, "Amendment: extend the outreach team to Sunday nights",
        "Bank holiday weekends showed the same pattern on Sunday nights. This adds a third night to the "
        "agreed outreach team, for the rest of the year.",
        "voluntary", DecisionCategory.GRANT, 2, 14, DecisionStatus.OPEN, recipient="Harbour Street Outreach", amends=OUTREACH,
        contributions=(DemoContribution("voluntary", STAFF, hours="150", hourly_cost="19.20", description="Volunteer hours on Sundays"),),
        positions=(("voluntary", SUPPORT, ""), ("lead", SUPPORT, "")),
    ),
    DemoDecision(
        "food-and-wellbeing-cornwall", "Fund three community cafes using surplus food",
        "Cafes in Camborne, Bodmin and Liskeard, run by the food network, cooking with surplus food from local "
        "shops and offering cooking sessions.",
        "foodnetwork", DecisionCategory.GRANT, 80, 21, DecisionStatus.AGREED,
        outcome_reason="Consent: nobody objected by the closing date.", recipient="Kernow Community Food Network",
        contributions=(
            DemoContribution("cornwall", CASH, "36000.00", description="Healthy weight programme"),
            DemoContribution("foodnetwork", STAFF, hours="600", hourly_cost="15.50", description="Cafe volunteers' co-ordination"),
        ),
        positions=(("cornwall", SUPPORT, ""), ("foodnetwork", SUPPORT, ""), ("police", ASIDE, "")),
        actions=(DemoAction("Sign up three surplus food suppliers", "foodnetwork", 30),),
    ),
    DemoDecision(
        "food-poverty-wirral", "A second food bank distribution point in Birkenhead",
        "Food bank use in Birkenhead has risen sharply; a second point in the north of the town would cut "
        "journeys for families without a car.",
        "foodbank", DecisionCategory.GRANT, 4, 14, DecisionStatus.OPEN, recipient="Birkenhead Food Bank",
        contributions=(DemoContribution("wirral", CASH, "15000.00", description="Household support fund"),),
        positions=(("wirral", SUPPORT, ""),),
    ),
    DemoDecision(
        "co-production-merton", "Co-design workshops with carers and Healthwatch",
        "Six workshops where carers, front-line staff and managers redesign the hospital discharge letter together.",
        "healthwatch", DecisionCategory.PILOT, 6, 20, DecisionStatus.OPEN,
        contributions=(DemoContribution("merton", CASH, "4500.00", description="Venue hire and carers' expenses"),),
        positions=(("healthwatch", SUPPORT, ""),),
    ),
    DemoDecision(
        "better-care-fund-kent", "Carers' breaks in the Better Care Fund plan",
        "Move carers' short breaks into the pooled Better Care Fund so that health and social care fund them together.",
        "kent", DecisionCategory.POOLED_BUDGET, 40, 14, DecisionStatus.AGREED,
        outcome_reason="Carers told the consultation breaks are what keeps them going; the fire service's concern "
                       "about home safety checks is taken up as an action.",
        contributions=(DemoContribution("kent", CASH, "250000.00", description="Clinical commissioning group share"),),
        positions=(("kent", SUPPORT, ""),),
        actions=(DemoAction("Agree home safety checks during carers' breaks with the fire service", "kent", 21),),
    ),
    DemoDecision(
        "integrated-care-wakefield", "Map what each partner spends on care for older people",
        "Before designing an integrated model, agree one picture of current spending across the partners.",
        "wakefield", DecisionCategory.OTHER, 1, 28, DecisionStatus.OPEN,
        contributions=(DemoContribution("wakefield", STAFF, hours="80", hourly_cost="41.00", description="Finance analyst"),),
    ),
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(17, 0), tzinfo=timezone.utc)


def load_decisions(users: dict[str, User]) -> None:
    """Add the demonstration decisions to the demo projects (the caller commits)."""
    db.session.flush()
    projects = {project.slug: project for project in db.session.scalars(select(Project))}
    today = date.today()
    by_title: dict[str, Decision] = {}
    for spec in DECISIONS:
        opens_on = today - timedelta(days=spec.opened_days_ago)
        closes_on = opens_on + timedelta(days=spec.open_for_days)
        proposer = users[spec.proposer]
        lead = next(m.user for m in projects[spec.project].memberships if m.role.value == "lead")
        decision = Decision(
            project=projects[spec.project], title=spec.title, rationale=spec.rationale, category=spec.category,
            proposer=proposer, proposing_organisation=proposer.organisation, opens_on=opens_on, closes_on=closes_on,
            status=spec.status, is_commercially_sensitive=spec.sensitive, recipient_name=spec.recipient or None,
            amends=by_title.get(spec.amends), outcome_reason=spec.outcome_reason or None,
            review_on=today + timedelta(days=spec.review_in_days) if spec.review_in_days is not None else None,
        )
        if spec.status != DecisionStatus.OPEN:
            decision.closed_by, decision.closed_at = lead, _at(closes_on)
        for item in spec.contributions:
            hours = Decimal(item.hours) if item.hours else None
            hourly_cost = Decimal(item.hourly_cost) if item.hourly_cost else None
            amount = staff_time_value(hours, hourly_cost) if item.kind == STAFF else Decimal(item.amount)
            decision.contributions.append(Contribution(
                organisation=users[item.person].organisation, kind=item.kind, amount=amount, hours=hours,
                hourly_cost=hourly_cost, description=item.description, recorded_by=users[item.person]))
        latest_positions: dict[int, Position] = {}
        for index, (person, stance, reasons) in enumerate(spec.positions):
            organisation = users[person].organisation
            position = Position(
                organisation=organisation, stance=stance, reasons=reasons, recorded_by=users[person],
                replaces=latest_positions.get(organisation.id),
                recorded_at=_at(opens_on + timedelta(days=min(index, spec.open_for_days, spec.opened_days_ago))))
            decision.positions.append(position)
            latest_positions[organisation.id] = position
        for item in spec.actions:
            decision.actions.append(Action(
                title=item.title, owner=users[item.owner], due_on=today + timedelta(days=item.due_in_days),
                status=item.status, created_by=proposer,
                finished_at=_at(today + timedelta(days=item.due_in_days)) if item.status != ActionStatus.OPEN else None))
        db.session.add(decision)
        by_title[spec.title] = decision
