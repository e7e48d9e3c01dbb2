"""Nobody bends a decision's rule: the rule and the partners it counts are fixed when it
opens, closing dates move earlier only with notice and before anyone responds, and the
discussion belongs to the people of the project."""
from __future__ import annotations

from datetime import date, timedelta, timezone

import pytest

import factories
from localvision.domain.decisions import add_working_days
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import DecisionCategory, DecisionRule, DecisionStance, DecisionStatus, Phase
from localvision.permissions import policy
from localvision.services import decisions as services
from localvision.services import discussions, invitations
from localvision.services import projects as project_services
from localvision.services.decisions import APPLY_RULE, DecisionDetails
from support import last_event


def context(plymouth, person):
    return policy.context_for(person, plymouth.project)


def change_rule(plymouth, rule: DecisionRule) -> None:
    project = plymouth.project
    project_services.update_project(context(plymouth, plymouth.lead), title=project.title, place=project.place,
                                    theme=project.theme, summary=project.summary, phase=Phase(project.phase),
                                    decision_rule=rule)


def everyone_supports_but_the_police(decision, plymouth):
    for person in (plymouth.lead, plymouth.nurse, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    factories.position(decision, plymouth.officer, DecisionStance.OBJECT, "Displaces drinking to residential streets")


def test_switching_the_project_to_lead_decides_does_not_let_the_lead_choose_an_outcome(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    everyone_supports_but_the_police(decision, plymouth)
    change_rule(plymouth, DecisionRule.LEAD_DECIDES)
    assert decision.decision_rule == DecisionRule.CONSENSUS
    with pytest.raises(Refused, match="Choose an outcome"):
        services.close_decision(context(plymouth, plymouth.lead), decision, DecisionStatus.AGREED.value, "We decide")
    change_rule(plymouth, DecisionRule.CONSENSUS)
    result = services.close_decision(context(plymouth, plymouth.lead), decision, APPLY_RULE, "")
    assert result.status == DecisionStatus.NOT_AGREED and decision.status == DecisionStatus.NOT_AGREED


def test_a_new_rule_applies_to_decisions_opened_afterwards(session, plymouth):
    before = factories.decision(plymouth.project, plymouth.worker)
    change_rule(plymouth, DecisionRule.MAJORITY)
    after = factories.decision(plymouth.project, plymouth.worker)
    assert (before.decision_rule, after.decision_rule) == (DecisionRule.CONSENSUS, DecisionRule.MAJORITY)
    # On the closing date each rule decides, so both offer to apply it.
    assert services.closing_choices(before, before.closes_on) == services.closing_choices(after, after.closes_on)


def test_removing_the_objecting_partner_does_not_remove_its_objection(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    everyone_supports_but_the_police(decision, plymouth)
    police = next(p for p in plymouth.project.partners if p.organisation_id == plymouth.police.id)
    project_services.remove_partner(context(plymouth, plymouth.lead), police)
    assert plymouth.police.id in decision.counted_organisation_ids
    result = services.close_decision(context(plymouth, plymouth.lead), decision, APPLY_RULE, "")
    assert result.status == DecisionStatus.NOT_AGREED and "1 partner objected" in result.explanation


def test_a_partner_removed_in_silence_is_no_longer_waited_for(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    for person in (plymouth.lead, plymouth.nurse, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    police = next(p for p in plymouth.project.partners if p.organisation_id == plymouth.police.id)
    project_services.remove_partner(context(plymouth, plymouth.lead), police)
    assert services.close_decision(context(plymouth, plymouth.lead), decision, APPLY_RULE, "").status == DecisionStatus.AGREED


def test_a_partner_accepting_while_open_is_counted_and_its_position_stays_counted_once_removed(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    closed = factories.decision(plymouth.project, plymouth.worker, status=DecisionStatus.AGREED)
    university = factories.organisation("University of Plymouth")
    scholar = factories.user(university, organisation_admin=True)
    invited = invitations.invite_organisation(context(plymouth, plymouth.lead), university)
    assert university.id not in decision.counted_organisation_ids, "an organisation only invited counts for nothing"
    partner = invitations.accept_partner_invitation(scholar, invited.id)
    assert university.id in {c.organisation_id for c in decision.counted}
    assert university.id not in closed.counted_organisation_ids
    factories.position(decision, scholar, DecisionStance.OBJECT, "No evaluation planned")
    project_services.remove_partner(context(plymouth, plymouth.lead), partner)
    assert university.id in decision.counted_organisation_ids


def test_once_a_partner_responds_the_closing_date_only_moves_later(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=20)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    original = decision.closes_on
    for earlier in (date.today(), original - timedelta(days=1)):
        with pytest.raises(Refused, match="can only move later") as refusal:
            services.update_decision(context(plymouth, plymouth.lead), decision, details(decision, closes_on=earlier))
        assert refusal.value.field == "closes_on"
    assert decision.closes_on == original
    later = original + timedelta(days=7)
    services.update_decision(context(plymouth, plymouth.lead), decision, details(decision, closes_on=later))
    moved = last_event(session)
    assert moved.kind == "decision.closing_date_moved"
    assert moved.payload["old_closes_on"] == original.isoformat() and moved.payload["new_closes_on"] == later.isoformat()
    assert set(moved.payload["organisation_ids"]) == {plymouth.council.id, plymouth.nhs.id, plymouth.police.id, plymouth.charity.id}


def test_before_anyone_responds_an_earlier_date_leaves_the_minimum_notice(session, plymouth):
    plymouth.project.minimum_notice_days = 5
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=40)
    earliest = add_working_days(date.today(), 5)
    with pytest.raises(Refused, match="at least 5 working days' notice") as refusal:
        services.update_decision(context(plymouth, plymouth.lead), decision,
                                 details(decision, closes_on=earliest - timedelta(days=1)))
    assert f"{earliest:%-d %B %Y}" in refusal.value.message
    services.update_decision(context(plymouth, plymouth.lead), decision, details(decision, closes_on=earliest))
    assert decision.closes_on == earliest and last_event(session).kind == "decision.closing_date_moved"


def test_working_days_skip_weekends():
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 1) == date(2026, 12, 7)
    assert add_working_days(friday, 5) == date(2026, 12, 11)
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)  # from a Saturday


def test_the_lead_decides_with_a_reason_and_the_positions_stay_beside_it(session):
    plymouth = factories.Partnership(session, rule=DecisionRule.LEAD_DECIDES)
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.nurse, DecisionStance.OBJECT, "Too costly")
    with pytest.raises(Refused, match="Give the reason"):
        services.closing_outcome(context(plymouth, plymouth.lead), decision, DecisionStatus.AGREED.value, " ")
    services.close_decision(context(plymouth, plymouth.lead), decision, DecisionStatus.AGREED.value, "The pilot evidence")
    closed = last_event(session)
    assert decision.outcome_reason == "The pilot evidence" and closed.after["decision_rule"] == "lead_decides"
    assert closed.after["positions"] == {"University Hospitals Plymouth": "object"}


def test_previewing_a_closing_writes_nothing(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=-1)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    result = services.closing_outcome(context(plymouth, plymouth.lead), decision, APPLY_RULE, "")
    assert result.status == DecisionStatus.NOT_AGREED and "3 partners did not respond" in result.explanation
    assert decision.is_open


def details(decision, **changes) -> DecisionDetails:
    values = dict(title=decision.title, rationale=decision.rationale, category=DecisionCategory(decision.category),
                  opens_on=decision.opens_on, closes_on=decision.closes_on)
    values.update(changes)
    return DecisionDetails(**values)


# The discussion ------------------------------------------------------------------------------

def test_the_people_of_the_project_discuss_a_decision_before_and_after_it_closes(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    comment = discussions.add_comment(context(plymouth, plymouth.nurse), decision, " Could it start in *January*? ")
    assert comment.text == "Could it start in *January*?" and last_event(session).kind == "decision.commented"
    reply = discussions.add_comment(context(plymouth, plymouth.officer), decision, "Yes", reply_to=comment)
    nested = discussions.add_comment(context(plymouth, plymouth.worker), decision, "Agreed", reply_to=reply)
    assert reply.reply_to == comment and nested.reply_to == comment  # one level of replies
    services.close_decision(context(plymouth, plymouth.lead), decision, DecisionStatus.DEFERRED.value, "Later")
    discussions.add_comment(context(plymouth, plymouth.lead), decision, "Let us revisit in spring")
    with pytest.raises(NotPermitted):
        discussions.add_comment(context(plymouth, plymouth.outsider), decision, "Let me in")
    with pytest.raises(Refused, match="Write your comment"):
        discussions.add_comment(context(plymouth, plymouth.nurse), decision, "   ")


def test_a_comment_is_corrected_by_its_author_soon_after_and_its_earlier_wording_kept(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    comment = discussions.add_comment(context(plymouth, plymouth.nurse), decision, "Start in Janury")
    written = comment.created_at.replace(tzinfo=comment.created_at.tzinfo or timezone.utc)
    with pytest.raises(NotPermitted):
        discussions.edit_comment(context(plymouth, plymouth.lead), comment, "Rewritten by the lead")
    discussions.edit_comment(context(plymouth, plymouth.nurse), comment, "Start in January", now=written + timedelta(minutes=5))
    assert comment.text == "Start in January" and [r.text for r in comment.revisions] == ["Start in Janury"]
    assert last_event(session).before == {"text": "Start in Janury"}
    with pytest.raises(Refused, match="15 minutes"):
        discussions.edit_comment(context(plymouth, plymouth.nurse), comment, "Start in March",
                                 now=written + timedelta(minutes=16))
    assert comment.text == "Start in January"


def test_an_organisation_an_administrator_makes_a_lead_partner_is_counted_on_open_decisions(session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    university = factories.organisation("University of Plymouth")
    admin = factories.user(is_admin=True)
    invitations.invite_by_administrator(admin, "dean@university.example", university, plymouth.project)
    assert university.id in {c.organisation_id for c in decision.counted}
