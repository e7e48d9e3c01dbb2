"""Joint decisions: proposing, amending, editing, withdrawing, closing, reopening, review
dates, and each partner organisation's position and contributions.

Each ``check_…`` function raises the refusal its use case would, so a page can refuse
before showing a form; the use case itself checks again before it writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from localvision.domain.decisions import (
    APPLY_RULE,
    HOURLY_COST_NEEDED,
    HOURS_NEEDED,
    OUTCOME_NEEDED,
    VALUE_NEEDED,
    WITHDRAWAL_REASON_NEEDED,
    Outcome,
    add_working_days,
    closing_date_problem,
    new_closing_date_problem,
    outcome_reason_problem,
    reasons_problem,
    staff_time_value,
)
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import (
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    EventKind,
)
from localvision.extensions import db
from localvision.models import Contribution, CountedPartner, Decision, Organisation, Position, Project
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.decisions import open_decisions
from localvision.services import events

DECISION_FIELDS = (
    "title", "rationale", "category", "recipient_name", "recipient_charity_number", "recipient_company_number",
    "opens_on", "closes_on", "is_commercially_sensitive",
)
CLOSING_FIELDS = ("status", "outcome_reason", "closed_at")
CONTRIBUTION_FIELDS = ("kind", "amount", "hours", "hourly_cost", "description")
MANAGERS = "Only the person who proposed this decision and the project leads can"


@dataclass(frozen=True)
class DecisionDetails:
    """What a proposer writes about a decision; text is trimmed when it is saved."""

    title: str
    rationale: str
    category: DecisionCategory
    opens_on: date
    closes_on: date
    recipient_name: str = ""
    recipient_charity_number: str = ""
    recipient_company_number: str = ""
    is_commercially_sensitive: bool = False


def _fill(decision: Decision, details: DecisionDetails) -> None:
    if problem := closing_date_problem(details.opens_on, details.closes_on):
        raise Refused(problem, field="closes_on")
    decision.title = details.title.strip()
    decision.rationale = details.rationale.strip()
    decision.category = details.category
    decision.recipient_name = details.recipient_name.strip() or None
    decision.recipient_charity_number = details.recipient_charity_number.strip() or None
    decision.recipient_company_number = details.recipient_company_number.strip().upper() or None
    decision.opens_on = details.opens_on
    decision.closes_on = details.closes_on
    decision.is_commercially_sensitive = details.is_commercially_sensitive


def _require_member(context: ProjectContext) -> None:
    if not context.is_member:
        raise NotPermitted("Only the people of the project can act on its decisions.")


# Proposing, amending, editing, withdrawing ------------------------------------------------

def check_proposal(context: ProjectContext, amends: Decision | None = None) -> Organisation:
    """The organisation the proposal is made for."""
    _require_member(context)
    if amends is not None and amends.status != DecisionStatus.AGREED:
        raise Refused("Only an agreed decision is amended. An open decision can be edited.")
    organisation = policy.partner_organisation(context)
    if organisation is None:
        raise Refused("Your organisation is not a partner of this project, so you cannot propose decisions here")
    return organisation


def propose_decision(context: ProjectContext, details: DecisionDetails, amends: Decision | None = None) -> Decision:
    """A new decision, open for positions; an amendment of an agreed one leaves it on the record."""
    decision = stage_proposal(context, details, amends)
    db.session.commit()
    return decision


def stage_proposal(context: ProjectContext, details: DecisionDetails, amends: Decision | None = None) -> Decision:
    """``propose_decision`` without the commit, for a use case that proposes a decision
    as part of its own change (a barrier turned into a decision)."""
    organisation = check_proposal(context, amends)
    decision = Decision(project=context.project, proposer=context.actor, proposing_organisation=organisation,
                        status=DecisionStatus.OPEN, amends=amends)
    _fill(decision, details)
    db.session.add(decision)
    db.session.flush()
    after = events.snapshot(decision, (*DECISION_FIELDS, "decision_rule"))
    after["counted"] = sorted(c.organisation.name for c in decision.counted)
    if amends is not None:
        after["amends"] = amends.id
    events.record(EventKind.AMENDMENT_PROPOSED if amends else EventKind.DECISION_PROPOSED, decision,
                  actor=context.actor, project=context.project, label=decision.title, after=after,
                  payload={"decision_id": decision.id, "organisation_id": organisation.id,
                           "amends_id": amends.id if amends else None})
    return decision


def check_edit(context: ProjectContext, decision: Decision) -> None:
    if not policy.may_manage_decision(context, decision):
        raise NotPermitted(f"{MANAGERS} edit it.")
    if decision.status == DecisionStatus.AGREED:
        raise Refused("An agreed decision cannot be edited. Propose an amendment instead: both stay on the record.")
    if not decision.is_open:
        raise Refused(f"This decision is {decision.status.label.lower()}, so it can no longer be edited.")


def earliest_closing_date(decision: Decision, today: date) -> date | None:
    """How early the closing date may now be set, or None when it may only move later
    because a partner has responded: partners decide on the date they were given."""
    if decision.positions:
        return None
    notice = add_working_days(today, decision.project.minimum_notice_days)
    return min(notice, decision.closes_on)


def _check_closing_date(decision: Decision, closes_on: date, today: date) -> None:
    if closes_on >= decision.closes_on:
        return
    earliest = earliest_closing_date(decision, today)
    if earliest is None:
        raise Refused(f"Partners have started responding, so the closing date can only move later than "
                      f"{decision.closes_on:%-d %B %Y}", field="closes_on")
    if closes_on < earliest:
        raise Refused(f"Partners get at least {decision.project.minimum_notice_days} working days' notice: "
                      f"the closing date can be {earliest:%-d %B %Y} at the earliest", field="closes_on")


def update_decision(context: ProjectContext, decision: Decision, details: DecisionDetails) -> Decision:
    """Change an open decision's wording or dates; the trail keeps what changed. A closing
    date moves earlier only before anyone responds and with notice, and every partner is
    told of any move (the event is what notifications read)."""
    check_edit(context, decision)
    _check_closing_date(decision, details.closes_on, date.today())
    before = events.snapshot(decision, DECISION_FIELDS)
    _fill(decision, details)
    old, new = events.changed_fields(before, events.snapshot(decision, DECISION_FIELDS))
    if new:
        events.record(EventKind.DECISION_UPDATED, decision, actor=context.actor, project=context.project,
                      label=decision.title, before=old, after=new,
                      payload={"decision_id": decision.id, "changed": sorted(new)})
    if "closes_on" in new:
        events.record(EventKind.DECISION_CLOSING_DATE_MOVED, decision, actor=context.actor, project=context.project,
                      label=decision.title, before={"closes_on": old["closes_on"]}, after={"closes_on": new["closes_on"]},
                      payload={"decision_id": decision.id, "old_closes_on": old["closes_on"],
                               "new_closes_on": new["closes_on"],
                               "organisation_ids": sorted(decision.counted_organisation_ids)})
    db.session.commit()
    return decision


def check_withdrawal(context: ProjectContext, decision: Decision) -> None:
    if not policy.may_manage_decision(context, decision):
        raise NotPermitted(f"{MANAGERS} withdraw it.")
    if not decision.is_open:
        raise Refused("Only an open decision can be withdrawn.")


def withdraw_decision(context: ProjectContext, decision: Decision, reason: str) -> Decision:
    check_withdrawal(context, decision)
    if not reason.strip():
        raise Refused(WITHDRAWAL_REASON_NEEDED, field="reason")
    _finish(context, decision, DecisionStatus.WITHDRAWN, reason.strip(), EventKind.DECISION_WITHDRAWN)
    return decision


# Closing, reopening, reviewing -------------------------------------------------------------

def closing_choices(decision: Decision, today: date) -> list[tuple[str, str]]:
    """Where the decision's rule is that the lead decides they choose the outcome;
    otherwise they defer it, or apply the rule once it can decide."""
    if decision.decision_rule == DecisionRule.LEAD_DECIDES:
        return [(s.value, s.label) for s in (DecisionStatus.AGREED, DecisionStatus.NOT_AGREED, DecisionStatus.DEFERRED)]
    defer = (DecisionStatus.DEFERRED.value, "Defer it")
    return [(APPLY_RULE, "Apply the decision rule"), defer] if decision.rule_outcome(today).is_decided else [defer]


def check_closing(context: ProjectContext, decision: Decision) -> None:
    if not policy.may_close_decision(context):
        raise NotPermitted("Only the project leads can close a decision.")
    if not decision.is_open:
        raise Refused(f"This decision is already {decision.status.label.lower()}.")


def closing_outcome(context: ProjectContext, decision: Decision, choice: str, reason: str) -> Outcome:
    """What closing would record, for the lead to confirm: nothing is written."""
    check_closing(context, decision)
    if choice == APPLY_RULE and decision.decision_rule != DecisionRule.LEAD_DECIDES:
        result = decision.rule_outcome(date.today())
        if not result.is_decided:
            raise Refused(f"The rule cannot decide yet. {result.explanation}", field="outcome")
        return result
    if choice not in dict(closing_choices(decision, date.today())):
        raise Refused(OUTCOME_NEEDED, field="outcome")
    if problem := outcome_reason_problem(choice, reason):
        raise Refused(problem, field="reason")
    return Outcome(DecisionStatus(choice), "")


def close_decision(context: ProjectContext, decision: Decision, choice: str, reason: str) -> Outcome:
    """Close an open decision by its rule, by the lead's choice where the lead decides, or
    defer it. The outcome's explanation is the rule's, or empty for a chosen outcome."""
    result = closing_outcome(context, decision, choice, reason)
    reason = "\n\n".join(filter(None, [result.explanation, reason.strip()]))
    _finish(context, decision, result.status, reason, EventKind.DECISION_CLOSED)
    return result


def _finish(context: ProjectContext, decision: Decision, status: DecisionStatus, reason: str, kind: EventKind) -> None:
    before = events.snapshot(decision, CLOSING_FIELDS)
    decision.status = status
    decision.outcome_reason = reason
    decision.closed_by = context.actor
    decision.closed_at = datetime.now(timezone.utc)
    after = events.snapshot(decision, (*CLOSING_FIELDS, "decision_rule"))
    after["positions"] = {p.organisation.name: p.stance.value for p in decision.current_positions().values()}
    events.record(kind, decision, actor=context.actor, project=context.project, label=decision.title,
                  before=before, after=after,
                  payload={"decision_id": decision.id, "status": status})
    db.session.commit()


def check_reopening(context: ProjectContext, decision: Decision) -> None:
    if not policy.may_close_decision(context):
        raise NotPermitted("Only the project leads can reopen a decision.")
    if decision.status != DecisionStatus.DEFERRED:
        raise Refused("Only a deferred decision is reopened.")


def reopen_decision(context: ProjectContext, decision: Decision, closes_on: date) -> Decision:
    """A deferred decision comes back for positions, with a new closing date."""
    check_reopening(context, decision)
    if problem := new_closing_date_problem(closes_on, date.today()):
        raise Refused(problem, field="closes_on")
    fields = ("status", "closes_on", "outcome_reason", "closed_at")
    before = events.snapshot(decision, fields)
    decision.status = DecisionStatus.OPEN
    decision.closes_on = closes_on
    decision.outcome_reason = decision.closed_by = decision.closed_at = None
    count_partners(decision)
    events.record(EventKind.DECISION_REOPENED, decision, actor=context.actor, project=context.project,
                  label=decision.title, before=before, after=events.snapshot(decision, fields),
                  payload={"decision_id": decision.id, "closes_on": closes_on})
    db.session.commit()
    return decision


def check_review_date(context: ProjectContext, decision: Decision) -> None:
    if not policy.may_manage_decision(context, decision):
        raise NotPermitted(f"{MANAGERS} set its review date.")
    if decision.status != DecisionStatus.AGREED:
        raise Refused("A review date is set once a decision is agreed.")


def set_review_date(context: ProjectContext, decision: Decision, review_on: date) -> Decision:
    """When an agreed decision is to be looked at again."""
    check_review_date(context, decision)
    before = events.snapshot(decision, ("review_on",))
    decision.review_on = review_on
    events.record(EventKind.REVIEW_DATE_SET, decision, actor=context.actor, project=context.project,
                  label=decision.title, before=before, after=events.snapshot(decision, ("review_on",)),
                  payload={"decision_id": decision.id, "review_on": review_on})
    db.session.commit()
    return decision


def count_partners(decision: Decision) -> None:
    """Record every current partner as counted by an open decision: one joining while it is
    open is waited for, and stays counted if it is removed later."""
    counted = {c.organisation_id for c in decision.counted}
    for partner in decision.project.partners:
        if partner.organisation_id not in counted:
            decision.counted.append(CountedPartner(organisation_id=partner.organisation_id))


def count_partners_on_open_decisions(project: Project) -> None:
    """A partner joining or leaving: every decision open now counts every current partner."""
    for decision in open_decisions(project):
        count_partners(decision)


# Positions and contributions ----------------------------------------------------------------

def _acting_organisation(context: ProjectContext, decision: Decision, once_closed: str) -> Organisation:
    """The organisation this person acts for on the decision, or why they cannot."""
    _require_member(context)
    if not context.actor.belongs_to_organisation:
        raise Refused(f"{context.actor.organisation.name} has not confirmed you as one of its people yet, "
                      "so you cannot act for it.")
    organisation = policy.partner_organisation(context)
    if organisation is None:
        raise Refused("Your organisation is not a partner of this project.")
    if not decision.is_open:
        raise Refused(f"This decision is {decision.status.label.lower()}: {once_closed}.")
    return organisation


def check_position(context: ProjectContext, decision: Decision) -> Organisation:
    """The organisation whose position this person records."""
    organisation = _acting_organisation(context, decision, "positions are closed")
    if not policy.may_record_position(context):
        raise Refused(f"Only the named representatives of {organisation.name} record its position.")
    return organisation


def record_position(context: ProjectContext, decision: Decision, stance: DecisionStance, reasons: str) -> Position:
    """The organisation's position; an earlier one stays on the record, replaced."""
    organisation = check_position(context, decision)
    reasons = reasons.strip()
    if problem := reasons_problem(stance, reasons):
        raise Refused(problem, field="reasons")
    previous = decision.current_positions().get(organisation.id)
    position = Position(decision=decision, organisation=organisation, stance=stance, reasons=reasons,
                        recorded_by=context.actor, replaces=previous)
    db.session.add(position)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone recorded this organisation's position a moment earlier: theirs stands.
        db.session.rollback()
        raise Refused(f"Someone else recorded {organisation.name}'s position a moment ago. Read it, then record "
                      f"yours again if it should change.", field="stance") from None
    events.record(EventKind.POSITION_RECORDED, position, actor=context.actor, project=context.project,
                  label=f"{organisation.name}: {stance.label.lower()} on {decision.title}",
                  before=events.snapshot(previous, ("stance", "reasons")) if previous else None,
                  after={**events.snapshot(position, ("stance", "reasons")), "decision": decision.id},
                  payload={"decision_id": decision.id, "organisation_id": organisation.id, "stance": stance,
                           "replaces_id": previous.id if previous else None})
    db.session.commit()
    return position


def check_contribution(context: ProjectContext, decision: Decision) -> Organisation:
    """The organisation this person contributes for."""
    return _acting_organisation(context, decision, "contributions are fixed")


def add_contribution(context: ProjectContext, decision: Decision, kind: ContributionKind, *,
                     amount: Decimal | None = None, hours: Decimal | None = None,
                     hourly_cost: Decimal | None = None, description: str = "") -> Contribution:
    """Cash or in-kind support at its value, or staff time valued as hours times their cost."""
    organisation = check_contribution(context, decision)
    if kind == ContributionKind.STAFF_TIME:
        if hours is None:
            raise Refused(HOURS_NEEDED, field="hours")
        if hourly_cost is None:
            raise Refused(HOURLY_COST_NEEDED, field="hourly_cost")
        amount = staff_time_value(hours, hourly_cost)
    else:
        hours = hourly_cost = None
    if amount is None or amount <= 0:
        raise Refused(VALUE_NEEDED, field="amount")
    contribution = Contribution(decision=decision, organisation=organisation, kind=kind, amount=amount, hours=hours,
                                hourly_cost=hourly_cost, description=description.strip(), recorded_by=context.actor)
    db.session.add(contribution)
    events.record(EventKind.CONTRIBUTION_ADDED, contribution, actor=context.actor, project=context.project,
                  label=f"{organisation.name}: £{amount:,} {kind.label.lower()} to {decision.title}",
                  after={**events.snapshot(contribution, CONTRIBUTION_FIELDS), "decision": decision.id},
                  payload={"decision_id": decision.id, "organisation_id": organisation.id, "kind": kind,
                           "amount": amount})
    db.session.commit()
    return contribution


def check_contribution_removal(context: ProjectContext, decision: Decision, contribution: Contribution) -> None:
    if not policy.may_remove_contribution(context, contribution):
        raise Refused("You can remove only your own organisation's contributions.")
    if not decision.is_open:
        raise Refused(f"This decision is {decision.status.label.lower()}: contributions are fixed.")


def remove_contribution(context: ProjectContext, decision: Decision, contribution: Contribution) -> None:
    """Take back a contribution while the decision is open."""
    check_contribution_removal(context, decision, contribution)
    events.record(EventKind.CONTRIBUTION_REMOVED, contribution, actor=context.actor, project=context.project,
                  label=f"{contribution.organisation.name}: £{contribution.amount:,} "
                        f"{contribution.kind.label.lower()} removed from {decision.title}",
                  before={**events.snapshot(contribution, CONTRIBUTION_FIELDS), "decision": decision.id},
                  payload={"decision_id": decision.id, "organisation_id": contribution.organisation_id,
                           "contribution_id": contribution.id})
    db.session.delete(contribution)
    db.session.commit()
