"""The decision rules and contribution totals, on their own."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from localvision.domain.decisions import outcome, staff_time_value, totals
from localvision.domain.vocabulary import ContributionKind, DecisionRule, DecisionStance, DecisionStatus

TODAY = date(2026, 11, 23)
BEFORE_CLOSE = TODAY + timedelta(days=3)
CLOSED_YESTERDAY = TODAY - timedelta(days=1)
PARTNERS = [1, 2, 3, 4]
S, C, A, O = DecisionStance.SUPPORT, DecisionStance.SUPPORT_WITH_CONCERNS, DecisionStance.STAND_ASIDE, DecisionStance.OBJECT


def decide(rule, positions, partners=PARTNERS, closes_on=CLOSED_YESTERDAY):
    return outcome(rule, partners, positions, closes_on, TODAY)


@pytest.mark.parametrize("rule, positions, expected", [
    (DecisionRule.CONSENSUS, {1: S, 2: C, 3: A, 4: S}, DecisionStatus.AGREED),
    (DecisionRule.CONSENSUS, {1: S, 2: S, 3: S, 4: O}, DecisionStatus.NOT_AGREED),
    (DecisionRule.CONSENSUS, {1: S, 2: S, 3: S}, DecisionStatus.NOT_AGREED),  # one never responded
    (DecisionRule.CONSENT, {1: S}, DecisionStatus.AGREED),  # silence is consent
    (DecisionRule.CONSENT, {1: S, 2: O}, DecisionStatus.NOT_AGREED),
    (DecisionRule.MAJORITY, {1: S, 2: C, 3: S, 4: O}, DecisionStatus.AGREED),
    (DecisionRule.MAJORITY, {1: S, 2: C, 3: A, 4: O}, DecisionStatus.NOT_AGREED),  # half is not a majority
    (DecisionRule.MAJORITY, {1: S, 2: S, 3: A}, DecisionStatus.NOT_AGREED),  # half again, one silent
])
def test_each_rule_after_the_closing_date(rule, positions, expected):
    assert decide(rule, positions).status == expected


def test_consensus_is_reached_early_once_every_partner_responds():
    ruling = decide(DecisionRule.CONSENSUS, {1: S, 2: S, 3: A, 4: C}, closes_on=BEFORE_CLOSE)
    assert ruling.status == DecisionStatus.AGREED
    assert ruling.explanation == "Consensus: every partner responded and nobody objected."


@pytest.mark.parametrize("rule", [DecisionRule.CONSENSUS, DecisionRule.CONSENT, DecisionRule.MAJORITY])
def test_no_rule_decides_before_the_closing_date_while_partners_are_silent(rule):
    ruling = decide(rule, {1: S, 2: O}, closes_on=BEFORE_CLOSE)
    assert ruling.status is None
    assert "Waiting for 2 partners" in ruling.explanation


@pytest.mark.parametrize("rule, expected", [
    (DecisionRule.CONSENSUS, DecisionStatus.NOT_AGREED),
    (DecisionRule.CONSENT, DecisionStatus.AGREED),
    (DecisionRule.MAJORITY, DecisionStatus.NOT_AGREED),
])
def test_no_responses_at_all(rule, expected):
    assert decide(rule, {}).status == expected


def test_the_closing_date_itself_counts_as_closed():
    assert outcome(DecisionRule.CONSENT, PARTNERS, {}, TODAY, TODAY).status == DecisionStatus.AGREED


def test_a_partner_added_while_open_is_waited_for_and_counted():
    positions = {1: S, 2: S, 3: S, 4: S}
    assert decide(DecisionRule.CONSENSUS, positions, closes_on=BEFORE_CLOSE).status == DecisionStatus.AGREED
    with_newcomer = decide(DecisionRule.CONSENSUS, positions, partners=PARTNERS + [5], closes_on=BEFORE_CLOSE)
    assert with_newcomer.status is None and "Waiting for 1 partner " in with_newcomer.explanation
    assert decide(DecisionRule.CONSENSUS, positions, partners=PARTNERS + [5]).status == DecisionStatus.NOT_AGREED


def test_a_removed_partners_position_no_longer_counts():
    positions = {1: S, 2: S, 3: S, 4: O}
    assert decide(DecisionRule.CONSENSUS, positions).status == DecisionStatus.NOT_AGREED
    assert decide(DecisionRule.CONSENSUS, positions, partners=[1, 2, 3]).status == DecisionStatus.AGREED
    # A majority is of the partners there are now: 2 of 3 is one.
    assert decide(DecisionRule.MAJORITY, {1: S, 2: S, 4: O, 5: O}, partners=[1, 2, 3]).status == DecisionStatus.AGREED


def test_a_position_changed_at_the_last_moment_is_the_one_that_counts():
    positions = {1: S, 2: S, 3: S, 4: S}
    assert decide(DecisionRule.CONSENT, positions).status == DecisionStatus.AGREED
    positions[4] = O  # changed just before the rule is applied
    ruling = decide(DecisionRule.CONSENT, positions)
    assert ruling.status == DecisionStatus.NOT_AGREED and ruling.explanation == "No consent: 1 partner objected."


def test_lead_decides_leaves_the_outcome_to_the_lead_whatever_the_positions():
    ruling = decide(DecisionRule.LEAD_DECIDES, {1: O, 2: O, 3: O, 4: O})
    assert ruling.status is None and ruling.lead_decides


def test_lead_decides_even_before_the_closing_date_while_partners_are_silent():
    ruling = decide(DecisionRule.LEAD_DECIDES, {1: S}, closes_on=BEFORE_CLOSE)
    assert ruling.status is None and ruling.lead_decides
    assert ruling.explanation == "The lead records the outcome and a reason; partners' positions are advice."


def test_totals_are_exact_to_the_penny():
    rows = [(1, ContributionKind.CASH, Decimal("0.10"))] * 10 + [
        (2, ContributionKind.STAFF_TIME, Decimal("12345.67")),
        (2, ContributionKind.IN_KIND, Decimal("0.01")),
        (3, ContributionKind.CASH, Decimal("999999999.99")),
    ]
    result = totals(rows)
    assert result.total == Decimal("1000012346.67")
    assert result.by_organisation == {1: Decimal("1.00"), 2: Decimal("12345.68"), 3: Decimal("999999999.99")}
    assert result.by_kind == {ContributionKind.CASH: Decimal("1000000000.99"),
                              ContributionKind.STAFF_TIME: Decimal("12345.67"),
                              ContributionKind.IN_KIND: Decimal("0.01")}


def test_no_contributions_total_zero_of_every_kind():
    result = totals([])
    assert result.total == Decimal("0.00") and set(result.by_kind.values()) == {Decimal("0.00")}


def test_staff_time_is_valued_to_the_penny_rounding_half_up():
    assert staff_time_value(Decimal("37.5"), Decimal("28.41")) == Decimal("1065.38")  # 1065.375
    assert staff_time_value(Decimal("0.01"), Decimal("0.49")) == Decimal("0.00")
