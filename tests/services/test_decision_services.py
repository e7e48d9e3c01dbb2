"""Joint decisions change only through their services: each one refuses what the person
may not do and records what it did as one event, without a request."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import (
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    Sector,
)
from localvision.models import Contribution
from localvision.permissions import policy
from localvision.services import decisions as services
from localvision.services.decisions import APPLY_RULE, DecisionDetails
from support import last_event


class Partners:
    """A council lead, an NHS trust with two people, and a consultant whose firm is not a partner."""

    def __init__(self):
        self.lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY))
        nhs = factories.organisation("Plymouth NHS Trust", Sector.NHS)
        self.nurse = factories.user(nhs, name="Tom Evans")
        self.director = factories.user(nhs, name="Ann Lee")
        self.consultant = factories.user(factories.organisation("Acme Consulting", Sector.BUSINESS))
        self.visitor = factories.user()
        self.project = factories.project(lead=self.lead, published=True, partners=(nhs,),
                                         members=(self.nurse, self.director, self.consultant))

    def context(self, person):
        return policy.context_for(person, self.project)


@pytest.fixture
def partners(session):
    return Partners()


def details(**changes) -> DecisionDetails:
    values = dict(title="  Fund a night-time outreach worker ", rationale="Fewer A&E attendances.",
                  category=DecisionCategory.PILOT, opens_on=date.today(), closes_on=date.today() + timedelta(days=14),
                  recipient_company_number=" sc123456 ")
    values.update(changes)
    return DecisionDetails(**values)


# Proposing, amending, editing, withdrawing ------------------------------------------------

def test_a_partner_proposes_a_decision_for_its_organisation(session, partners):
    decision = services.propose_decision(partners.context(partners.nurse), details())
    assert (decision.status, decision.proposer, decision.proposing_organisation) == (
        DecisionStatus.OPEN, partners.nurse, partners.nurse.organisation)
    assert decision.title == "Fund a night-time outreach worker" and decision.recipient_company_number == "SC123456"
    event = last_event(session)
    assert (event.kind, event.action, event.object_id) == ("decision.proposed", "proposed", decision.id)
    assert event.payload == {"decision_id": decision.id, "organisation_id": partners.nurse.organisation_id,
                             "amends_id": None}


def test_only_people_of_a_partner_organisation_propose(session, partners):
    with pytest.raises(Refused, match="Your organisation is not a partner of this project"):
        services.propose_decision(partners.context(partners.consultant), details())
    with pytest.raises(NotPermitted):
        services.propose_decision(partners.context(partners.visitor), details())
    with pytest.raises(Refused, match="closing date must be on or after") as refusal:
        services.propose_decision(partners.context(partners.nurse), details(closes_on=date.today() - timedelta(days=1)))
    assert refusal.value.field == "closes_on"
    assert last_event(session) is None


def test_only_an_agreed_decision_is_amended_and_both_stay_on_the_record(session, partners):
    still_open = factories.decision(partners.project, partners.lead)
    with pytest.raises(Refused, match="Only an agreed decision is amended"):
        services.propose_decision(partners.context(partners.nurse), details(), amends=still_open)
    agreed = factories.decision(partners.project, partners.lead, status=DecisionStatus.AGREED)
    amendment = services.propose_decision(partners.context(partners.nurse), details(), amends=agreed)
    assert amendment.amends == agreed and agreed.status == DecisionStatus.AGREED
    event = last_event(session)
    assert event.kind == "decision.amendment_proposed" and event.payload["amends_id"] == agreed.id


def test_the_proposer_edits_an_open_decision_and_the_event_names_what_changed(session, partners):
    decision = factories.decision(partners.project, partners.nurse, title="First wording")
    with pytest.raises(NotPermitted, match="can edit it"):
        services.update_decision(partners.context(partners.director), decision, details())
    services.update_decision(partners.context(partners.nurse), decision, details(title="Better wording"))
    event = last_event(session)
    assert (event.kind, event.before["title"], event.after["title"]) == ("decision.updated", "First wording",
                                                                         "Better wording")
    assert event.payload["decision_id"] == decision.id and "title" in event.payload["changed"]


@pytest.mark.parametrize("status, message", [
    (DecisionStatus.AGREED, "An agreed decision cannot be edited. Propose an amendment instead"),
    (DecisionStatus.WITHDRAWN, "This decision is withdrawn, so it can no longer be edited."),
])
def test_a_closed_decision_is_not_edited(session, partners, status, message):
    decision = factories.decision(partners.project, partners.nurse, title="As agreed", status=status)
    with pytest.raises(Refused, match=message):
        services.update_decision(partners.context(partners.lead), decision, details())
    assert decision.title == "As agreed"


def test_withdrawing_keeps_the_decision_on_the_record_with_the_reason(session, partners):
    decision = factories.decision(partners.project, partners.nurse)
    with pytest.raises(NotPermitted, match="can withdraw it"):
        services.withdraw_decision(partners.context(partners.director), decision, "Not needed")
    with pytest.raises(Refused, match="Give the reason"):
        services.withdraw_decision(partners.context(partners.nurse), decision, "  ")
    services.withdraw_decision(partners.context(partners.nurse), decision, " Funding found elsewhere ")
    assert (decision.status, decision.outcome_reason, decision.closed_by) == (
        DecisionStatus.WITHDRAWN, "Funding found elsewhere", partners.nurse)
    event = last_event(session)
    assert event.kind == "decision.withdrawn" and event.payload == {"decision_id": decision.id, "status": "withdrawn"}
    with pytest.raises(Refused, match="Only an open decision can be withdrawn"):
        services.withdraw_decision(partners.context(partners.nurse), decision, "Again")


# Closing, reopening, reviewing -------------------------------------------------------------

def test_a_lead_closes_by_the_rule_and_the_event_keeps_the_positions(session, partners):
    decision = factories.decision(partners.project, partners.nurse)
    factories.position(decision, partners.lead, DecisionStance.SUPPORT)
    with pytest.raises(Refused, match="The rule cannot decide yet. Waiting for 1 partner") as refusal:
        services.close_decision(partners.context(partners.lead), decision, APPLY_RULE, "")
    assert refusal.value.field == "outcome" and decision.is_open
    factories.position(decision, partners.director, DecisionStance.SUPPORT_WITH_CONCERNS, "Cost")
    with pytest.raises(NotPermitted, match="Only the project leads can close a decision"):
        services.close_decision(partners.context(partners.nurse), decision, APPLY_RULE, "")
    result = services.close_decision(partners.context(partners.lead), decision, APPLY_RULE, "Good evidence")
    assert result.status == decision.status == DecisionStatus.AGREED
    assert decision.outcome_reason == f"{result.explanation}\n\nGood evidence"
    event = last_event(session)
    assert event.kind == "decision.closed" and event.payload == {"decision_id": decision.id, "status": "agreed"}
    assert event.after["positions"] == {"Plymouth City Council": "support", "Plymouth NHS Trust": "support_with_concerns"}
    with pytest.raises(Refused, match="This decision is already agreed."):
        services.close_decision(partners.context(partners.lead), decision, DecisionStatus.DEFERRED.value, "Later")


def test_where_the_lead_decides_they_choose_the_outcome_and_give_a_reason(session, partners):
    partners.project.decision_rule = DecisionRule.LEAD_DECIDES
    decision = factories.decision(partners.project, partners.nurse)
    with pytest.raises(Refused, match="Choose an outcome"):
        services.close_decision(partners.context(partners.lead), decision, APPLY_RULE, "")
    with pytest.raises(Refused, match="Give the reason for this outcome") as refusal:
        services.close_decision(partners.context(partners.lead), decision, DecisionStatus.NOT_AGREED.value, "")
    assert refusal.value.field == "reason"
    result = services.close_decision(partners.context(partners.lead), decision, DecisionStatus.NOT_AGREED.value,
                                     "Too costly this year")
    assert (result.status, result.explanation, decision.outcome_reason) == (
        DecisionStatus.NOT_AGREED, "", "Too costly this year")


def test_a_lead_reopens_a_deferred_decision_with_a_new_closing_date(session, partners):
    decision = factories.decision(partners.project, partners.nurse)
    new_date = date.today() + timedelta(days=30)
    with pytest.raises(Refused, match="Only a deferred decision is reopened"):
        services.reopen_decision(partners.context(partners.lead), decision, new_date)
    services.close_decision(partners.context(partners.lead), decision, DecisionStatus.DEFERRED.value, "Await budget")
    with pytest.raises(NotPermitted, match="Only the project leads can reopen"):
        services.reopen_decision(partners.context(partners.nurse), decision, new_date)
    with pytest.raises(Refused, match="today or later"):
        services.reopen_decision(partners.context(partners.lead), decision, date.today() - timedelta(days=1))
    services.reopen_decision(partners.context(partners.lead), decision, new_date)
    assert (decision.status, decision.closes_on, decision.outcome_reason, decision.closed_at) == (
        DecisionStatus.OPEN, new_date, None, None)
    event = last_event(session)
    assert event.kind == "decision.reopened"
    assert event.payload == {"decision_id": decision.id, "closes_on": new_date.isoformat()}


def test_a_review_date_is_set_on_an_agreed_decision_by_its_proposer_or_a_lead(session, partners):
    decision = factories.decision(partners.project, partners.nurse)
    review_on = date.today() + timedelta(days=180)
    with pytest.raises(Refused, match="once a decision is agreed"):
        services.set_review_date(partners.context(partners.nurse), decision, review_on)
    decision.status = DecisionStatus.AGREED
    with pytest.raises(NotPermitted, match="set its review date"):
        services.set_review_date(partners.context(partners.director), decision, review_on)
    services.set_review_date(partners.context(partners.nurse), decision, review_on)
    assert decision.review_on == review_on
    event = last_event(session)
    assert event.kind == "decision.review_date_set"
    assert event.payload == {"decision_id": decision.id, "review_on": review_on.isoformat()}


# Positions and contributions ----------------------------------------------------------------

def test_a_position_replaces_the_organisations_earlier_one(session, partners):
    decision = factories.decision(partners.project, partners.lead)
    first = services.record_position(partners.context(partners.nurse), decision, DecisionStance.SUPPORT, "")
    second = services.record_position(partners.context(partners.director), decision, DecisionStance.OBJECT, " Cost ")
    assert second.replaces == first and second.reasons == "Cost"
    assert decision.current_positions()[partners.nurse.organisation_id] == second
    event = last_event(session)
    assert (event.kind, event.before["stance"], event.after["stance"]) == ("decision.position_recorded", "support", "object")
    assert event.payload == {"decision_id": decision.id, "organisation_id": partners.nurse.organisation_id,
                             "stance": "object", "replaces_id": first.id}


def test_a_position_needs_a_partner_a_representative_an_open_decision_and_reasons_for_dissent(session, partners):
    decision = factories.decision(partners.project, partners.lead)
    with pytest.raises(Refused, match="Your organisation is not a partner of this project."):
        services.record_position(partners.context(partners.consultant), decision, DecisionStance.SUPPORT, "")
    with pytest.raises(Refused, match="reasons: they are required"):
        services.record_position(partners.context(partners.nurse), decision, DecisionStance.OBJECT, "")
    next(m for m in partners.project.memberships if m.user == partners.director).is_representative = True
    with pytest.raises(Refused, match="Only the named representatives of Plymouth NHS Trust record its position."):
        services.record_position(partners.context(partners.nurse), decision, DecisionStance.SUPPORT, "")
    decision.status = DecisionStatus.DEFERRED
    with pytest.raises(Refused, match="This decision is deferred: positions are closed."):
        services.record_position(partners.context(partners.director), decision, DecisionStance.SUPPORT, "")
    assert decision.positions == [] and last_event(session) is None


def test_staff_time_is_valued_as_hours_times_their_cost(session, partners):
    decision = factories.decision(partners.project, partners.lead)
    contribution = services.add_contribution(partners.context(partners.nurse), decision, ContributionKind.STAFF_TIME,
                                             amount=Decimal("1"), hours=Decimal("37.5"), hourly_cost=Decimal("28.41"),
                                             description=" Two nurses ")
    assert (contribution.amount, contribution.description) == (Decimal("1065.38"), "Two nurses")
    event = last_event(session)
    assert event.kind == "decision.contribution_added"
    assert event.payload == {"decision_id": decision.id, "organisation_id": partners.nurse.organisation_id,
                             "kind": "staff_time", "amount": "1065.38"}


def test_a_contribution_needs_a_partner_an_open_decision_and_a_value(session, partners):
    decision = factories.decision(partners.project, partners.lead)
    with pytest.raises(Refused, match="Your organisation is not a partner"):
        services.add_contribution(partners.context(partners.consultant), decision, ContributionKind.CASH,
                                  amount=Decimal("10"))
    with pytest.raises(Refused, match="Enter the value in pounds"):
        services.add_contribution(partners.context(partners.nurse), decision, ContributionKind.CASH, amount=Decimal("0"))
    decision.status = DecisionStatus.AGREED
    with pytest.raises(Refused, match="This decision is agreed: contributions are fixed."):
        services.add_contribution(partners.context(partners.nurse), decision, ContributionKind.CASH,
                                  amount=Decimal("10"))
    assert session.scalar(select(func.count(Contribution.id))) == 0


def test_only_the_contributing_organisation_removes_its_contribution_while_open(session, partners):
    decision = factories.decision(partners.project, partners.lead)
    nhs_money = factories.contribution(decision, partners.nurse, "300.00")
    with pytest.raises(Refused, match="only your own organisation's contributions"):
        services.remove_contribution(partners.context(partners.lead), decision, nhs_money)
    decision.status = DecisionStatus.AGREED
    with pytest.raises(Refused, match="contributions are fixed"):
        services.remove_contribution(partners.context(partners.director), decision, nhs_money)
    decision.status = DecisionStatus.OPEN
    services.remove_contribution(partners.context(partners.director), decision, nhs_money)
    assert session.scalar(select(func.count(Contribution.id))) == 0
    event = last_event(session)
    assert (event.kind, event.before["amount"]) == ("decision.contribution_removed", "300.00")
    assert event.payload == {"decision_id": decision.id, "organisation_id": partners.nurse.organisation_id,
                             "contribution_id": nhs_money.id}
