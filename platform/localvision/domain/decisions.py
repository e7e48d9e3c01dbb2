"""Decision rules and contribution totals: values in, values out, no database.

A decision rule turns the partner organisations' current positions into an outcome.
The organisations counted are fixed by the decision, not by today's partners: those
that were partners when it opened and those that joined while it was open. A partner
removed since still counts, so removing an objector cannot turn an objection into
consensus.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from localvision.domain.vocabulary import ContributionKind, DecisionRule, DecisionStance, DecisionStatus

PENNY = Decimal("0.01")
SUPPORTING = (DecisionStance.SUPPORT, DecisionStance.SUPPORT_WITH_CONCERNS)


@dataclass(frozen=True)
class Outcome:
    """What the rule says now. ``status`` is None while the rule cannot yet decide, or
    when the lead decides; ``explanation`` says why in words for the page."""

    status: DecisionStatus | None
    explanation: str
    lead_decides: bool = False

    @property
    def is_decided(self) -> bool:
        return self.status is not None


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def outcome(
    rule: DecisionRule,
    partner_ids: Iterable[int],
    current_positions: Mapping[int, DecisionStance],
    closes_on: date,
    today: date,
) -> Outcome:
    """Apply the decision's rule to the organisations it counts (``partner_ids``).

    ``current_positions`` maps organisation id to its latest stance. Before the closing
    date a rule decides only once every partner has responded, since positions may
    still change; from the closing date it decides on what has been recorded.
    """
    partners = set(partner_ids)
    positions = {org: stance for org, stance in current_positions.items() if org in partners}
    if rule == DecisionRule.LEAD_DECIDES:
        return Outcome(None, "The lead records the outcome and a reason; partners' positions are advice.",
                       lead_decides=True)
    waiting = len(partners) - len(positions)
    if waiting and today < closes_on:
        return Outcome(None, f"Waiting for {_count(waiting, 'partner')} to record a position "
                             f"before the closing date, {closes_on:%-d %B %Y}.")
    objections = sum(1 for stance in positions.values() if stance == DecisionStance.OBJECT)
    if rule == DecisionRule.CONSENSUS:
        if objections:
            return Outcome(DecisionStatus.NOT_AGREED, f"No consensus: {_count(objections, 'partner')} objected.")
        if waiting:
            return Outcome(DecisionStatus.NOT_AGREED,
                           f"No consensus: {_count(waiting, 'partner')} did not respond by the closing date.")
        return Outcome(DecisionStatus.AGREED, "Consensus: every partner responded and nobody objected.")
    if rule == DecisionRule.CONSENT:
        if objections:
            return Outcome(DecisionStatus.NOT_AGREED, f"No consent: {_count(objections, 'partner')} objected.")
        return Outcome(DecisionStatus.AGREED, "Consent: nobody objected by the closing date.")
    supporters = sum(1 for stance in positions.values() if stance in SUPPORTING)
    summary = f"{supporters} of {_count(len(partners), 'partner organisation')} supported"
    if supporters * 2 > len(partners):
        return Outcome(DecisionStatus.AGREED, f"Majority: {summary}.")
    return Outcome(DecisionStatus.NOT_AGREED, f"No majority: {summary}.")


def counted_organisations(counted: set[int], partners: set[int], responded: set[int], is_open: bool) -> set[int]:
    """The organisations whose positions a decision's rule counts: those recorded as counted
    when it opened or while it was open (``counted``) and, while it is open, every current
    partner, since a partner joining now joins it too. A removed partner's recorded position
    still counts; one removed in silence is no longer waited for."""
    if not is_open:
        return set(counted)
    return {organisation for organisation in counted | partners if organisation in partners | responded}


def staff_time_value(hours: Decimal, hourly_cost: Decimal) -> Decimal:
    """Staff time valued in pounds, to the penny (half a penny rounds up)."""
    return (hours * hourly_cost).quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Totals:
    total: Decimal
    by_organisation: dict[int, Decimal]
    by_kind: dict[ContributionKind, Decimal]


def totals(contributions: Iterable[tuple[int, ContributionKind, Decimal]]) -> Totals:
    """Sum (organisation id, kind, amount) rows exactly; every kind appears, even at zero."""
    by_organisation: dict[int, Decimal] = {}
    by_kind = {kind: Decimal("0.00") for kind in ContributionKind}
    for organisation_id, kind, amount in contributions:
        by_organisation[organisation_id] = by_organisation.get(organisation_id, Decimal("0.00")) + amount
        by_kind[kind] += amount
    return Totals(total=sum(by_kind.values(), Decimal("0.00")), by_organisation=by_organisation, by_kind=by_kind)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``. Working days are Monday to Friday;
    bank holidays are not taken out, so a notice spanning one is a day shorter in practice."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


# What the use cases need from the person acting. Each rule is here once: the service
# refuses with its words and the form shows them before anything is saved.

# The closing choice that lets the project's decision rule give the outcome.
APPLY_RULE = "apply_rule"
OUTCOME_NEEDED = "Choose an outcome"
WITHDRAWAL_REASON_NEEDED = "Give the reason for withdrawing"
VALUE_NEEDED = "Enter the value in pounds"
HOURS_NEEDED = "Enter the hours of staff time"
HOURLY_COST_NEEDED = "Enter the hourly cost that values the staff time"
STANCES_WITH_REASONS = (DecisionStance.SUPPORT_WITH_CONCERNS, DecisionStance.OBJECT)


def closing_date_problem(opens_on: date, closes_on: date) -> str | None:
    if closes_on < opens_on:
        return "The closing date must be on or after the opening date"
    return None


def new_closing_date_problem(closes_on: date, today: date) -> str | None:
    """A deferred decision reopens for positions from today on."""
    if closes_on < today:
        return "The new closing date must be today or later"
    return None


def reasons_problem(stance: str | None, reasons: str) -> str | None:
    """Concerns and an objection are recorded with their reasons; support needs none."""
    if stance in STANCES_WITH_REASONS and not reasons.strip():
        return "Give your reasons: they are required with concerns or an objection"
    return None


def outcome_reason_problem(choice: str | None, reason: str) -> str | None:
    """An outcome the lead chooses carries its reason; the rule's outcome carries its explanation."""
    if choice != APPLY_RULE and not reason.strip():
        return "Give the reason for this outcome"
    return None
