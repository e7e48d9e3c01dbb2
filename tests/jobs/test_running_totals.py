"""The running totals behind summaries stay equal to the records they total, whatever
sequence of changes partners make, and the nightly check repairs them if they ever drift."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import (
    ActionStatus,
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    EventKind,
    Sector,
)
from localvision.extensions import db
from localvision.models import AuditEvent, Decision, DecisionIndicator, OrganisationTotal, ProjectPartner
from localvision.models.summaries import DecisionTotal, IndicatorTotal, ProjectTotal, SectorSetTotal
from localvision.permissions import policy
from localvision.services import actions as action_services
from localvision.services import decisions as decision_services
from localvision.services import indicators as indicator_services
from localvision.services import projects as project_services
from localvision.services.decisions import DecisionDetails
from localvision.services.running_totals import check_running_totals
from localvision.summaries import drift, figures

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
                           opens_on=date.today(), closes_on=date.today() + timedelta(days=14),
                           is_commercially_sensitive=number % 4 == 0)


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


def change_sector(partnership, rng, number):
    """An organisation is found to be of another sector: every set of sectors it funded moves."""
    organisation = rng.choice(partnership.people).organisation
    organisation.sector = rng.choice([sector for sector in SECTORS if sector != organisation.sector])
    db.session.flush()


def toggle_sensitivity(partnership, rng, number):
    """A decision is found to be commercially sensitive, or no longer so."""
    decision = rng.choice(partnership.decisions)
    decision.is_commercially_sensitive = not decision.is_commercially_sensitive
    db.session.flush()


STEPS = ([propose] * 2 + [contribute] * 8 + [take_back] * 2 + [respond] * 3 + [close] * 3 + [reopen] * 2 + [withdraw, amend]
         + [set_action] * 2 + [finish_action, link, change_sector, toggle_sensitivity])
NO_DRIFT = {"decisions": [], "sector_sets": [], "organisations": [], "projects": [], "indicators": []}
ALL_SECTORS = list(Sector)


def pounds(amount) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01")))


def expected_totals(project) -> dict:
    """What the running totals must hold, worked out here in plain Python from the records
    themselves, sharing nothing with the queries that keep them."""
    db.session.expire_all()
    decisions = db.session.scalars(select(Decision).where(Decision.project_id == project.id)).all()
    agreed = [decision for decision in decisions if decision.status == DecisionStatus.AGREED]
    funded = {decision.id: decision for decision in agreed if decision.contributions}
    by_decision = {decision.id: (sum(1 << index for index in {ALL_SECTORS.index(c.organisation.sector)
                                                              for c in decision.contributions}),
                                 pounds(sum(c.amount for c in decision.contributions)),
                                 not decision.is_commercially_sensitive)
                   for decision in funded.values()}
    sector_sets: dict[int, tuple[int, str, int, str]] = {}
    for mask, amount, disclosed in by_decision.values():
        count, total, disclosed_count, disclosed_total = sector_sets.get(mask, (0, "0", 0, "0"))
        sector_sets[mask] = (count + 1, pounds(Decimal(total) + Decimal(amount)), disclosed_count + disclosed,
                             pounds(Decimal(disclosed_total) + (Decimal(amount) if disclosed else 0)))
    organisations: dict[int, dict] = {}

    def entry(organisation_id: int) -> dict:
        return organisations.setdefault(organisation_id, {
            "amounts": {kind.value: "0.00" for kind in ContributionKind},
            "disclosed_amounts": {kind.value: "0.00" for kind in ContributionKind},
            "decisions_cofunded": 0, "disclosed_decisions_cofunded": 0, "decisions_proposed": 0,
            "positions_recorded": 0,
            "actions_owned": 0, "actions_done": 0})

    for decision in funded.values():
        for contribution in decision.contributions:
            amounts = entry(contribution.organisation_id)
            for field in ("amounts", "disclosed_amounts") if not decision.is_commercially_sensitive else ("amounts",):
                amounts[field][contribution.kind.value] = pounds(
                    Decimal(amounts[field][contribution.kind.value]) + contribution.amount)
        for organisation_id in {contribution.organisation_id for contribution in decision.contributions}:
            entry(organisation_id)["decisions_cofunded"] += 1
            entry(organisation_id)["disclosed_decisions_cofunded"] += not decision.is_commercially_sensitive
    for decision in decisions:
        entry(decision.proposing_organisation_id)["decisions_proposed"] += 1
        if decision.status != DecisionStatus.WITHDRAWN:
            for organisation_id in {position.organisation_id for position in decision.positions}:
                entry(organisation_id)["positions_recorded"] += 1
        for action in decision.actions:
            entry(action.owner.organisation_id)["actions_owned"] += 1
            entry(action.owner.organisation_id)["actions_done"] += action.status == ActionStatus.DONE
    links = db.session.execute(select(DecisionIndicator.decision_id, DecisionIndicator.indicator_id)).all()
    indicators: dict[int, tuple[int, str, str]] = {}
    for decision_id, indicator_id in links:
        if decision_id in {decision.id for decision in agreed}:
            count, total, disclosed_total = indicators.get(indicator_id, (0, "0", "0"))
            _, amount, disclosed = by_decision.get(decision_id, (0, "0", True))
            indicators[indicator_id] = (count + 1, pounds(Decimal(total) + Decimal(amount)),
                                        pounds(Decimal(disclosed_total) + (Decimal(amount) if disclosed else 0)))
    linked = {decision_id for decision_id, _ in links}
    projects = {project.id: (len(agreed), sum(1 for d in decisions if d.status != DecisionStatus.WITHDRAWN),
                             sum(1 for d in agreed if d.id in linked))} if decisions else {}
    return {"decisions": by_decision, "sector_sets": sector_sets, "organisations": organisations,
            "projects": projects, "indicators": indicators}


def stored(project) -> dict:
    return drift.stored_totals(db.session.connection(), project.id)


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
        assert stored(partnership.project) == expected_totals(partnership.project), f"step {number}: {step.__name__}"
        assert drift.drift(db.session.connection(), partnership.project.id) == NO_DRIFT, \
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


def test_the_nightly_check_records_and_repairs_drift_in_every_kind_of_total(session):
    partnership = Partnership()
    rng = random.Random(4)
    propose(partnership, rng, 0)
    decision = partnership.decisions[0]
    nurse, officer = partnership.people[0], partnership.people[1]
    decision_services.add_contribution(partnership.context(nurse), decision, ContributionKind.CASH,
                                       amount=Decimal("1200.00"))
    decision_services.add_contribution(partnership.context(officer), decision, ContributionKind.IN_KIND,
                                       amount=Decimal("300.00"))
    indicator_services.link_decisions(partnership.context(partnership.lead), partnership.indicators[0], {decision.id})
    decision_services.close_decision(partnership.context(partnership.lead), decision, DecisionStatus.AGREED.value,
                                     "Agreed at the board.")
    expected = expected_totals(partnership.project)
    assert stored(partnership.project) == expected
    assert check_running_totals() == 0

    # Writes that bypassed the application, say a hand-run SQL fix, leave one row of each kind wrong.
    project_id, [mask] = partnership.project.id, expected["sector_sets"]
    nurse_total = db.session.get(OrganisationTotal, (project_id, nurse.organisation_id))
    nurse_total.amounts = {**nurse_total.amounts, "cash": "99.00"}
    db.session.get(DecisionTotal, decision.id).amount = Decimal("1.00")
    db.session.get(SectorSetTotal, (project_id, mask)).decisions = 7
    db.session.get(ProjectTotal, project_id).agreed_decisions = 0
    db.session.get(IndicatorTotal, partnership.indicators[0].id).amount = Decimal("2.00")
    db.session.commit()
    assert stored(partnership.project) != expected
    assert check_running_totals() == 1

    assert stored(partnership.project) == expected_totals(partnership.project) == expected
    repaired = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == EventKind.SUMMARY_TOTALS_REPAIRED.value))
    assert repaired.project_id == partnership.project.id
    assert repaired.payload == {"decision_ids": [decision.id], "sector_masks": [mask],
                                "organisation_ids": [nurse.organisation_id],
                                "indicator_ids": [partnership.indicators[0].id], "project_ids": [project_id]}
    assert "1 decision, 1 sector set, 1 organisation, 1 indicator and 1 project totals differed" in repaired.object_label
    assert check_running_totals() == 0
