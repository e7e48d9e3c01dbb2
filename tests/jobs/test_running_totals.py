"""The running totals behind summaries stay equal to the records they total, whatever
sequence of changes partners make, and the nightly check repairs them if they ever drift."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import factories
from localvision.extensions import db
from localvision.jobs.summaries import check_running_totals
from localvision.models import AuditEvent, DecisionIndicator, DecisionRule, OrganisationTotal, ProjectPartner, Sector
from localvision.models.actions import ActionStatus
from localvision.models.decisions import ContributionKind, DecisionCategory, DecisionStance, DecisionStatus
from localvision.services import NotPermitted, Refused, policy
from localvision.services import actions as action_services
from localvision.services import decisions as decision_services
from localvision.services import indicators as indicator_services
from localvision.services import projects as project_services
from localvision.services.decisions import DecisionDetails
from localvision.services.events import EventKind
from localvision.summaries import figures, totals

SECTORS = (Sector.NHS, Sector.POLICE, Sector.VOLUNTARY_AND_COMMUNITY, Sector.NHS, Sector.HOUSING)


class Partnership:
    """A council lead and five partners in four sectors, one person each; the lead decides."""

    def __init__(self):
        self.lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY))
        self.people = [factories.user(factories.organisation(f"Partner {number}", sector))
                       for number, sector in enumerate(SECTORS)]
        self.project = factories.project(lead=self.lead, published=True,
                                         partners=tuple(person.organisation for person in self.people),
                                         members=tuple(self.people))
        self.project.decision_rule = DecisionRule.LEAD_DECIDES
        self.indicators = [factories.indicator(self.project, name=name) for name in ("A&E attendances", "Street cleaning")]
        db.session.flush()
        self.decisions = []

    def context(self, person):
        return policy.context_for(person, self.project)

    def anyone(self, rng):
        return rng.choice([self.lead, *self.people])


def pick(partnership, rng, status=DecisionStatus.OPEN):
    """Mostly a decision in the status the step needs, sometimes any: refusals change nothing."""
    fitting = [d for d in partnership.decisions if d.status == status]
    return rng.choice(fitting if fitting and rng.random() < 0.8 else partnership.decisions)


def details(number: int) -> DecisionDetails:
    return DecisionDetails(title=f"Decision {number}", rationale="Shared priority.", category=DecisionCategory.PILOT,
                           opens_on=date.today(), closes_on=date.today() + timedelta(days=14))


def propose(partnership, rng, number):
    decision = decision_services.propose_decision(partnership.context(partnership.anyone(rng)), details(number))
    partnership.decisions.append(decision)


def amend(partnership, rng, number):
    agreed = [d for d in partnership.decisions if d.status == DecisionStatus.AGREED]
    if agreed:
        amendment = decision_services.propose_decision(partnership.context(partnership.anyone(rng)), details(number),
                                                       amends=rng.choice(agreed))
        partnership.decisions.append(amendment)


def contribute(partnership, rng, number):
    decision = pick(partnership, rng)
    kind = rng.choice(list(ContributionKind))
    context = partnership.context(partnership.anyone(rng))
    if kind == ContributionKind.STAFF_TIME:
        decision_services.add_contribution(context, decision, kind, hours=Decimal(rng.randint(1, 80)),
                                           hourly_cost=Decimal("42.50"))
    else:
        decision_services.add_contribution(context, decision, kind, amount=Decimal(rng.randint(100, 900_000)) / 100)


def take_back(partnership, rng, number):
    decision = pick(partnership, rng)
    if decision.contributions:
        contribution = rng.choice(decision.contributions)
        person = next((p for p in (partnership.lead, *partnership.people)
                       if p.organisation_id == contribution.organisation_id), partnership.lead)
        decision_services.remove_contribution(partnership.context(person), decision, contribution)


def respond(partnership, rng, number):
    decision_services.record_position(partnership.context(partnership.anyone(rng)), pick(partnership, rng),
                                      rng.choice([DecisionStance.SUPPORT, DecisionStance.STAND_ASIDE]), "")


def close(partnership, rng, number):
    outcome = rng.choice([DecisionStatus.AGREED, DecisionStatus.AGREED, DecisionStatus.NOT_AGREED,
                          DecisionStatus.DEFERRED])
    decision_services.close_decision(partnership.context(partnership.lead), pick(partnership, rng),
                                     outcome.value, "The lead decided.")


def reopen(partnership, rng, number):
    decision_services.reopen_decision(partnership.context(partnership.lead), pick(partnership, rng, DecisionStatus.DEFERRED),
                                      date.today() + timedelta(days=7))


def withdraw(partnership, rng, number):
    decision_services.withdraw_decision(partnership.context(partnership.lead), pick(partnership, rng),
                                        "No longer needed.")


def set_action(partnership, rng, number):
    owner = partnership.anyone(rng)
    action_services.add_action(partnership.context(partnership.lead), pick(partnership, rng, DecisionStatus.AGREED),
                               f"Follow-up {number}", owner.id, date.today() + timedelta(days=rng.randint(-30, 30)))


def finish_action(partnership, rng, number):
    actions = [action for decision in partnership.decisions for action in decision.actions
               if action.status == ActionStatus.OPEN]
    if actions:
        action = rng.choice(actions)
        if rng.random() < 0.5:
            action_services.complete_action(partnership.context(partnership.lead), action)
        else:
            action_services.drop_action(partnership.context(partnership.lead), action, "Overtaken by events.")


def link(partnership, rng, number):
    """Aim an indicator at a new choice of decisions: some links made, some removed."""
    chosen = {decision.id for decision in partnership.decisions if rng.random() < 0.5}
    indicator_services.link_decisions(partnership.context(partnership.lead), rng.choice(partnership.indicators), chosen)


def remove_partner(partnership, rng, number):
    person = rng.choice(partnership.people)
    partner = db.session.scalar(select(ProjectPartner).where(ProjectPartner.project_id == partnership.project.id,
                                                             ProjectPartner.organisation_id == person.organisation_id))
    if partner is not None:
        project_services.remove_partner(partnership.context(partnership.lead), partner)
        partnership.people.remove(person)


STEPS = ([propose] * 2 + [contribute] * 8 + [take_back] * 2 + [respond] * 3 + [close] * 3 + [reopen] * 2 + [withdraw, amend]
         + [set_action] * 2 + [finish_action, link])
NO_DRIFT = {"decisions": [], "sector_sets": [], "organisations": [], "projects": [], "indicators": []}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_equal_the_records_after_any_sequence_of_changes(session, seed):
    rng = random.Random(seed)
    partnership = Partnership()
    propose(partnership, rng, 0)
    done = set()
    for number in range(1, 151):
        # Partners leave now and then, but not all of them: the rest keep contributing.
        step = remove_partner if number % 40 == 0 else rng.choice(STEPS)
        try:
            step(partnership, rng, number)
            done.add(step.__name__)
        except (Refused, NotPermitted):
            db.session.rollback()
        assert totals.drift(db.session.connection(), partnership.project.id) == NO_DRIFT, \
            f"step {number}: {step.__name__}"
    assert done == {step.__name__ for step in (*STEPS, remove_partner)}, "every kind of change happened"
    assert len(partnership.people) == 2
    agreed = [d for d in partnership.decisions if d.status == DecisionStatus.AGREED and d.contributions]
    assert agreed, "the sequence agreed some funded decisions"
    summary = figures.project_figures(partnership.project.id)
    assert Decimal(summary["totals"]["total"]) == sum(c.amount for d in agreed for c in d.contributions)
    assert summary["funded_decisions"] == len(agreed)
    assert summary["agreed_decisions"] == sum(1 for d in partnership.decisions if d.status == DecisionStatus.AGREED)
    actions = [action for decision in partnership.decisions for action in decision.actions]
    assert actions, "the sequence set some actions"
    links = db.session.execute(select(DecisionIndicator.decision_id, DecisionIndicator.indicator_id)).all()
    agreed_ids = {d.id: d for d in partnership.decisions if d.status == DecisionStatus.AGREED}
    assert summary["indicators"]["linked_decisions"] == len({decision_id for decision_id, _ in links
                                                             if decision_id in agreed_ids})
    assert sum(Decimal(entry["amount"]) for entry in summary["indicators"]["aimed_at"]) == sum(
        c.amount for decision_id, _ in links if decision_id in agreed_ids for c in agreed_ids[decision_id].contributions)
    assert sum(entry["actions_owned"] for entry in summary["organisations"]) == len(actions)
    assert sum(entry["actions_done"] for entry in summary["organisations"]) == \
        sum(1 for action in actions if action.status == ActionStatus.DONE)


def test_the_nightly_check_records_and_repairs_drift(session):
    partnership = Partnership()
    rng = random.Random(4)
    propose(partnership, rng, 0)
    decision = partnership.decisions[0]
    nurse = partnership.people[0]
    decision_services.add_contribution(partnership.context(nurse), decision, ContributionKind.CASH,
                                       amount=Decimal("1200.00"))
    decision_services.close_decision(partnership.context(partnership.lead), decision, DecisionStatus.AGREED.value,
                                     "Agreed at the board.")
    stored = db.session.get(OrganisationTotal, (partnership.project.id, nurse.organisation_id))
    assert stored.amounts["cash"] == "1200.00"
    assert check_running_totals() == 0

    # A write that bypassed the application, say a hand-run SQL fix, leaves the totals wrong.
    stored.amounts = {**stored.amounts, "cash": "99.00"}
    db.session.commit()
    assert check_running_totals() == 1

    db.session.expire_all()
    assert db.session.get(OrganisationTotal, (partnership.project.id, nurse.organisation_id)).amounts["cash"] == "1200.00"
    repaired = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == EventKind.SUMMARY_TOTALS_REPAIRED.value))
    assert repaired.project_id == partnership.project.id
    assert repaired.payload == {"decision_ids": [], "sector_masks": [], "organisation_ids": [nurse.organisation_id],
                                "indicator_ids": [], "project_ids": []}
    assert "0 decision, 0 sector set, 1 organisation, 0 indicator and 0 project totals differed" in repaired.object_label
    assert check_running_totals() == 0
