"""Joint decisions through the web: proposing, contributing, positions, closing, amending."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

import factories
from factories import Partnership
from localvision.domain.vocabulary import ContributionKind, DecisionRule, DecisionStance, DecisionStatus, Sector
from localvision.models import AuditEvent, Contribution, Decision, Position
from support import day_month_year, invite_and_accept


def proposal(**changes):
    closes = date.today() + timedelta(days=14)
    data = {
        "title": "Fund a night-time outreach worker",
        "rationale": "Fewer A&E attendances on Friday nights.",
        "category": "pilot",
        "opens_on": day_month_year(date.today()),
        "closes_on": day_month_year(closes),
    }
    data.update(changes)
    return data


def audit_actions(session, object_type):
    return session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == object_type)
                           .order_by(AuditEvent.id)).all()


def test_any_member_proposes_a_decision_for_their_own_organisation(client_for, session, plymouth):
    response = client_for(plymouth.worker).post(plymouth.url(tail="/new"), data=proposal(recipient_name="Harbour Street Outreach",
                                                                                         recipient_charity_number="1123456"))
    decision = session.scalar(select(Decision))
    assert response.headers["Location"] == plymouth.url(decision)
    assert (decision.proposer, decision.proposing_organisation, decision.status) == (plymouth.worker, plymouth.charity, DecisionStatus.OPEN)
    assert decision.recipient_charity_number == "1123456"
    assert audit_actions(session, "Decision") == ["proposed"]
    page = client_for(plymouth.worker).get(plymouth.url(decision)).get_data(as_text=True)
    assert "Fund a night-time outreach worker" in page and "Dan Roberts, Harbour Street Outreach" in page


def test_rationale_markdown_is_sanitised(client_for, session, plymouth):
    client_for(plymouth.worker).post(plymouth.url(tail="/new"), data=proposal(rationale="**Why** <script>alert(1)</script>"))
    page = client_for(plymouth.worker).get(plymouth.url(session.scalar(select(Decision)))).get_data(as_text=True)
    assert "<strong>Why</strong>" in page and "<script>alert(1)" not in page


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Enter a title"),
    ({"title": "x" * 201}, "title", "Title must be 200 characters or fewer"),
    ({"rationale": "x" * 20001}, "rationale", "Rationale must be 20,000 characters or fewer"),
    ({"closes_on": ["31", "2", "2027"]}, "closes_on", "must be a real date"),
    ({"closes_on": ["", "", ""]}, "closes_on", "Enter the closing date"),
    ({"closes_on": day_month_year(date.today() - timedelta(days=1))}, "closes_on", "on or after the opening date"),
    ({"recipient_charity_number": "=1+1"}, "recipient_charity_number", "Enter a charity number"),
    ({"category": "bribe"}, "category", "Not a valid choice"),
])
def test_bad_proposals_are_explained_next_to_the_field_and_nothing_typed_is_lost(client_for, session, plymouth, changes,
                                                                                field, message):
    response = client_for(plymouth.nurse).post(plymouth.url(tail="/new"), data=proposal(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and f'id="{field}-error"' in page and message in page
    assert "Fewer A&amp;E attendances on Friday nights." in page or field == "rationale"
    assert session.scalar(select(func.count(Decision.id))) == 0


def test_a_proposal_with_missing_date_boxes_is_answered_not_crashed(client_for, session, plymouth):
    data = proposal()
    data["closes_on"] = ["12"]
    page = client_for(plymouth.nurse).post(plymouth.url(tail="/new"), data=data).get_data(as_text=True)
    assert "Closing date for positions must include a month and a year" in page


def test_contributions_are_totalled_by_organisation_and_kind_to_the_penny(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    client_for(plymouth.lead).post(plymouth.url(decision, "/contributions"),
                                   data={"contribution-kind": "cash", "contribution-amount": "£10,000.10"})
    client_for(plymouth.nurse).post(plymouth.url(decision, "/contributions"),
                                    data={"contribution-kind": "staff_time", "contribution-hours": "37.5",
                                          "contribution-hourly_cost": "28.41", "contribution-description": "A nurse, one week"})
    client_for(plymouth.nhs_director).post(plymouth.url(decision, "/contributions"),
                                           data={"contribution-kind": "in_kind", "contribution-amount": "0.01"})
    amounts = session.execute(select(Contribution.organisation_id, Contribution.kind, Contribution.amount)
                              .order_by(Contribution.id)).all()
    assert amounts == [(plymouth.council.id, ContributionKind.CASH, Decimal("10000.10")),
                       (plymouth.nhs.id, ContributionKind.STAFF_TIME, Decimal("1065.38")),
                       (plymouth.nhs.id, ContributionKind.IN_KIND, Decimal("0.01"))]
    page = client_for().get(plymouth.url(decision)).get_data(as_text=True)
    assert "Total: <strong>£11,065.49</strong>" in page
    assert "£1,065.39" in page  # the NHS trust in total
    assert "37.50 hours at £28.41" in page
    assert audit_actions(session, "Contribution") == ["contribution added"] * 3


def test_a_contribution_in_place_with_htmx_returns_the_updated_block(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    response = client_for(plymouth.officer).post(plymouth.url(decision, "/contributions"), headers={"HX-Request": "true"},
                                                 data={"contribution-kind": "cash", "contribution-amount": "2500"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith("{#") is False and '<section id="contributions"' in fragment
    assert "<html" not in fragment and "Total: <strong>£2,500.00</strong>" in fragment
    assert "Devon and Cornwall Police&#39;s contribution of £2,500.00 added" in fragment


@pytest.mark.parametrize("data, message", [
    ({"contribution-kind": "cash", "contribution-amount": "-500"}, "The value in pounds must be more than 0"),
    ({"contribution-kind": "cash", "contribution-amount": "0"}, "must be at least 0.01"),
    ({"contribution-kind": "cash", "contribution-amount": "1000000000.01"}, "must be 1,000,000,000.00 or less"),
    ({"contribution-kind": "cash", "contribution-amount": "99999999999999999999"}, "Enter the value in pounds as a number"),
    ({"contribution-kind": "cash", "contribution-amount": "1e9"}, "Enter the value in pounds as a number"),
    ({"contribution-kind": "cash", "contribution-amount": "NaN"}, "Enter the value in pounds as a number"),
    ({"contribution-kind": "cash", "contribution-amount": "12.345"}, "up to 2 decimal places"),
    ({"contribution-kind": "cash", "contribution-amount": ""}, "Enter the value in pounds"),
    ({"contribution-kind": "staff_time", "contribution-hours": "10"}, "Enter the hourly cost"),
    ({"contribution-kind": "staff_time", "contribution-hours": "100000.01", "contribution-hourly_cost": "10"},
     "The hours must be 100,000 or less"),
    ({"contribution-kind": "cash", "contribution-amount": "5", "contribution-description": "x" * 501},
     "Description must be 500 characters or fewer"),
    ({"contribution-amount": "5"}, "Choose the kind of contribution"),
])
def test_hostile_amounts_get_clear_messages_and_nothing_is_saved(client_for, session, plymouth, data, message):
    decision = factories.decision(plymouth.project, plymouth.lead)
    factories.contribution(decision, plymouth.officer, "750.00")
    session.commit()
    for headers in ({}, {"HX-Request": "true"}):
        response = client_for(plymouth.nurse).post(plymouth.url(decision, "/contributions"), data=data, headers=headers)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in page and message in page
        typed = data.get("contribution-amount")
        if typed and len(typed) < 30:
            assert f'value="{typed}"' in page  # what was typed is shown back
    assert session.scalars(select(Contribution.amount)).all() == [Decimal("750.00")]


def test_a_person_contributes_only_for_their_own_organisation(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    client_for(plymouth.nurse).post(plymouth.url(decision, "/contributions"),
                                    data={"contribution-kind": "cash", "contribution-amount": "100",
                                          "organisation_id": str(plymouth.police.id), "contribution-organisation_id": str(plymouth.police.id)})
    assert session.scalars(select(Contribution.organisation_id)).all() == [plymouth.nhs.id]


def test_only_the_contributing_organisation_removes_a_contribution(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    nhs_money = factories.contribution(decision, plymouth.nurse, "300.00")
    session.commit()
    response = client_for(plymouth.lead).post(plymouth.url(decision, f"/contributions/{nhs_money.id}/remove"), follow_redirects=True)
    assert "You can remove only your own organisation" in response.get_data(as_text=True)
    assert session.scalar(select(func.count(Contribution.id))) == 1
    director = client_for(plymouth.nhs_director)
    asked = director.post(plymouth.url(decision, f"/contributions/{nhs_money.id}/remove")).get_data(as_text=True)
    assert "Remove this contribution?" in asked and "£300.00" in asked
    assert session.scalar(select(func.count(Contribution.id))) == 1
    director.post(plymouth.url(decision, f"/contributions/{nhs_money.id}/remove"), data={"confirmed": "yes"})
    assert session.scalar(select(func.count(Contribution.id))) == 0
    removed = session.scalar(select(AuditEvent).where(AuditEvent.action == "contribution removed"))
    assert removed.before["amount"] == "300.00"


def test_positions_keep_their_history_and_the_latest_counts(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    nurse = client_for(plymouth.nurse)
    nurse.post(plymouth.url(decision, "/position"), data={"position-stance": "object", "position-reasons": "No evaluation"})
    nurse.post(plymouth.url(decision, "/position"), data={"position-stance": "support_with_concerns",
                                                          "position-reasons": "Evaluation now funded"})
    assert [p.stance for p in session.scalars(select(Position).order_by(Position.id))] == [DecisionStance.OBJECT, DecisionStance.SUPPORT_WITH_CONCERNS]
    session.refresh(decision)
    assert decision.current_positions()[plymouth.nhs.id].stance == DecisionStance.SUPPORT_WITH_CONCERNS
    page = client_for().get(plymouth.url(decision)).get_data(as_text=True)
    assert "Earlier positions (1)" in page and "No evaluation" in page and "Evaluation now funded" in page
    recorded = session.scalars(select(AuditEvent).where(AuditEvent.action == "position recorded").order_by(AuditEvent.id)).all()
    assert recorded[1].before == {"stance": "object", "reasons": "No evaluation"}


@pytest.mark.parametrize("stance", ["object", "support_with_concerns"])
def test_concerns_and_objections_need_reasons(client_for, session, plymouth, stance):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    page = client_for(plymouth.officer).post(plymouth.url(decision, "/position"), data={"position-stance": stance,
                                                                                        "position-reasons": "  "}).get_data(as_text=True)
    assert "Give your reasons" in page and 'id="position-reasons-error"' in page
    assert session.scalar(select(func.count(Position.id))) == 0


def test_oversize_reasons_are_refused_and_kept(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    page = client_for(plymouth.officer).post(plymouth.url(decision, "/position"), headers={"HX-Request": "true"},
                                             data={"position-stance": "object", "position-reasons": "y" * 5001}).get_data(as_text=True)
    assert "Reasons must be 5,000 characters or fewer" in page and "y" * 5001 in page
    assert session.scalar(select(func.count(Position.id))) == 0


def test_a_position_is_recorded_only_for_ones_own_organisation(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    client_for(plymouth.officer).post(plymouth.url(decision, "/position"),
                                      data={"position-stance": "object", "position-reasons": "x",
                                            "organisation_id": str(plymouth.nhs.id)})
    assert session.scalars(select(Position.organisation_id)).all() == [plymouth.police.id]


def test_named_representatives_alone_speak_for_their_organisation(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    director = next(m for m in plymouth.project.memberships if m.user_id == plymouth.nhs_director.id)
    director.is_representative = True
    session.commit()
    response = client_for(plymouth.nurse).post(plymouth.url(decision, "/position"), data={"position-stance": "support"},
                                               follow_redirects=True)
    assert "Only the named representatives of University Hospitals Plymouth" in response.get_data(as_text=True)
    client_for(plymouth.nhs_director).post(plymouth.url(decision, "/position"), data={"position-stance": "support"})
    assert session.scalars(select(Position.recorded_by_id)).all() == [plymouth.nhs_director.id]


def test_outsiders_cannot_act_on_a_decision(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    outsider = client_for(plymouth.outsider)
    assert outsider.post(plymouth.url(decision, "/position"), data={"position-stance": "object", "position-reasons": "x"}).status_code == 403
    assert outsider.post(plymouth.url(decision, "/contributions"), data={"contribution-kind": "cash",
                                                                      "contribution-amount": "5"}).status_code == 403
    assert session.scalar(select(func.count(Position.id))) == 0 and session.scalar(select(func.count(Contribution.id))) == 0


def close(client, plymouth, decision, outcome="apply_rule", reason=""):
    """Close and confirm, as a lead does on the confirmation page."""
    return client.post(plymouth.url(decision, "/close"), data={"outcome": outcome, "reason": reason, "confirmed": "yes"},
                       follow_redirects=True)


def test_closing_applies_consensus_and_dissent_stays_on_the_record(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.lead, DecisionStance.SUPPORT)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT_WITH_CONCERNS, "Needs an evaluation")
    factories.position(decision, plymouth.officer, DecisionStance.STAND_ASIDE)
    factories.position(decision, plymouth.worker, DecisionStance.SUPPORT)
    session.commit()
    page = close(client_for(plymouth.lead), plymouth, decision).get_data(as_text=True)
    assert "Decision closed: agreed" in page
    session.refresh(decision)
    assert decision.status == DecisionStatus.AGREED and decision.closed_by == plymouth.lead and decision.closed_at is not None
    assert "Needs an evaluation" in client_for().get(plymouth.url(decision)).get_data(as_text=True)
    closed = session.scalar(select(AuditEvent).where(AuditEvent.action == "closed"))
    assert closed.after["status"] == "agreed" and closed.after["positions"]["Devon and Cornwall Police"] == "stand_aside"
    # Positions are closed with the decision.
    client_for(plymouth.officer).post(plymouth.url(decision, "/position"), data={"position-stance": "object", "position-reasons": "Late"})
    assert session.scalar(select(func.count(Position.id))) == 4


def test_an_objection_means_not_agreed_under_consensus(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    for person in (plymouth.lead, plymouth.nurse, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    factories.position(decision, plymouth.officer, DecisionStance.OBJECT, "Displaces drinking to residential streets")
    session.commit()
    close(client_for(plymouth.lead), plymouth, decision)
    session.refresh(decision)
    assert decision.status == DecisionStatus.NOT_AGREED
    assert "1 partner objected" in decision.outcome_reason


def test_the_rule_refuses_to_close_before_it_can_decide(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.lead, DecisionStance.SUPPORT)
    session.commit()
    page = close(client_for(plymouth.lead), plymouth, decision).get_data(as_text=True)
    assert "The rule cannot decide yet. Waiting for 3 partners" in page
    session.refresh(decision)
    assert decision.is_open


def test_the_close_page_offers_the_rule_only_once_it_can_decide(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.lead, DecisionStance.SUPPORT)
    session.commit()
    page = client_for(plymouth.lead).get(plymouth.url(decision, "/close")).get_data(as_text=True)
    assert "Apply the decision rule" not in page and "Defer it" in page
    assert "The rule cannot decide yet, so it cannot be applied now" in page
    assert "lead decides" not in page
    for person in (plymouth.nurse, plymouth.officer, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    session.commit()
    page = client_for(plymouth.lead).get(plymouth.url(decision, "/close")).get_data(as_text=True)
    assert "Apply the decision rule" in page and "cannot be applied now" not in page


def test_when_the_lead_decides_they_record_the_outcome_and_a_reason(client_for, session):
    plymouth = Partnership(session, rule=DecisionRule.LEAD_DECIDES)
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.nurse, DecisionStance.OBJECT, "Too costly")
    session.commit()
    page = close(client_for(plymouth.lead), plymouth, decision, outcome="agreed").get_data(as_text=True)
    assert "Give the reason for this outcome" in page
    close(client_for(plymouth.lead), plymouth, decision, outcome="agreed", reason="Evidence from the pilot outweighs cost")
    session.refresh(decision)
    assert decision.status == DecisionStatus.AGREED and decision.outcome_reason == "Evidence from the pilot outweighs cost"


def test_where_the_lead_decides_nobody_is_told_to_wait_for_the_partners(client_for, session):
    plymouth = Partnership(session, rule=DecisionRule.LEAD_DECIDES)
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=14)
    factories.position(decision, plymouth.nurse, DecisionStance.OBJECT, "Too costly")
    session.commit()
    lead = client_for(plymouth.lead)
    for page in (lead.get(plymouth.url(decision)), lead.get(plymouth.url(decision, "/close"))):
        text = page.get_data(as_text=True)
        assert "The lead records the outcome and a reason" in text and "Waiting for" not in text


def test_only_a_lead_closes(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    session.commit()
    assert client_for(plymouth.worker).post(plymouth.url(decision, "/close"), data={"outcome": "deferred", "reason": "x"}).status_code == 403


def test_an_agreed_decision_cannot_be_edited_but_can_be_amended(client_for, session, plymouth):
    original = factories.decision(plymouth.project, plymouth.worker, title="Outreach pilot", status=DecisionStatus.AGREED)
    session.commit()
    worker = client_for(plymouth.worker)
    response = worker.post(plymouth.url(original, "/edit"), data=proposal(title="Changed after the fact"), follow_redirects=True)
    assert "An agreed decision cannot be edited" in response.get_data(as_text=True)
    session.refresh(original)
    assert original.title == "Outreach pilot"
    worker.post(plymouth.url(original, "/amend"), data=proposal(title="Outreach pilot, extended to Sundays"))
    amendment = session.scalar(select(Decision).where(Decision.amends_id == original.id))
    assert amendment.status == DecisionStatus.OPEN and original.status == DecisionStatus.AGREED
    page = client_for().get(plymouth.url(original)).get_data(as_text=True)
    assert "Outreach pilot, extended to Sundays" in page
    amendment_page = client_for().get(plymouth.url(amendment)).get_data(as_text=True)
    assert f'<a class="govuk-link" href="{plymouth.url(original)}">Outreach pilot</a>' in amendment_page
    assert "&lt;a class" not in amendment_page
    assert session.scalar(select(AuditEvent.after).where(AuditEvent.action == "amendment proposed"))["amends"] == original.id


def test_the_proposer_edits_an_open_decision_and_others_may_not(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, title="First wording")
    session.commit()
    assert client_for(plymouth.officer).post(plymouth.url(decision, "/edit"), data=proposal()).status_code == 403
    client_for(plymouth.worker).post(plymouth.url(decision, "/edit"), data=proposal(title="Better wording"))
    session.refresh(decision)
    assert decision.title == "Better wording"
    updated = session.scalar(select(AuditEvent).where(AuditEvent.action == "updated"))
    assert updated.before["title"] == "First wording" and updated.after["title"] == "Better wording"


def test_withdrawing_needs_a_reason_and_keeps_the_record(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    session.commit()
    page = client_for(plymouth.worker).post(plymouth.url(decision, "/withdraw"), data={"reason": ""}).get_data(as_text=True)
    assert "Give the reason for withdrawing" in page
    client_for(plymouth.worker).post(plymouth.url(decision, "/withdraw"), data={"reason": "Funding found elsewhere"})
    session.refresh(decision)
    assert decision.status == DecisionStatus.WITHDRAWN and decision.outcome_reason == "Funding found elsewhere"
    assert "Withdrawn" in client_for().get(plymouth.url()).get_data(as_text=True)


def test_commercially_sensitive_details_stay_inside_the_project(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead, title="Contract with a security firm", sensitive=True)
    factories.contribution(decision, plymouth.lead, "12000.00")
    factories.contribution(decision, plymouth.officer, "3000.50")
    session.commit()
    for visitor in (client_for(), client_for(plymouth.outsider)):
        page = visitor.get(plymouth.url(decision)).get_data(as_text=True)
        assert "Contract with a security firm" in page and "Total: <strong>£15,000.50</strong>" in page
        assert "outreach" not in page and "£12,000.00" not in page and "£3,000.50" not in page
        log = visitor.get(plymouth.url()).get_data(as_text=True)
        assert "Contract with a security firm" in log and "£15,000.50" in log
        csv_text = visitor.get(plymouth.url(tail="/decisions.csv")).get_data(as_text=True)
        assert "(commercially sensitive)" in csv_text and "outreach" not in csv_text
    page = client_for(plymouth.nurse).get(plymouth.url(decision)).get_data(as_text=True)
    assert "<strong>outreach</strong>" in page and "£12,000.00" in page and "£3,000.50" in page


def test_the_log_does_not_tell_outsiders_who_funds_a_commercially_sensitive_decision(client_for, session, plymouth):
    secret = factories.decision(plymouth.project, plymouth.lead, title="Contract with a security firm", sensitive=True)
    factories.contribution(secret, plymouth.nurse, "12000.00")
    factories.position(secret, plymouth.officer, DecisionStance.OBJECT, "Too costly")
    public = factories.decision(plymouth.project, plymouth.lead, title="Night-time outreach")
    factories.contribution(public, plymouth.nurse, "500.00")
    session.commit()
    by_hospital = (f"organisation={plymouth.nhs.id}", "sector=nhs")

    def listed(visitor, query):
        log = visitor.get(plymouth.url(tail=f"?{query}")).get_data(as_text=True)
        rows = visitor.get(plymouth.url(tail=f"/decisions.csv?{query}")).get_data(as_text=True)
        return {title for title in (secret.title, public.title) if title in log}, \
            {title for title in (secret.title, public.title) if title in rows}

    for visitor in (client_for(), client_for(plymouth.outsider)):
        for query in by_hospital:
            assert listed(visitor, query) == ({public.title}, {public.title}), query
        # Its proposer and the positions taken are on its public page, so they still find it.
        assert secret.title in listed(visitor, f"organisation={plymouth.council.id}")[0]
        assert secret.title in listed(visitor, f"organisation={plymouth.police.id}")[0]
    for query in by_hospital:
        assert listed(client_for(plymouth.officer), query) == ({secret.title, public.title},) * 2, query


def test_private_projects_decisions_are_hidden_from_outsiders(client_for, session):
    plymouth = Partnership(session, published=False)
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    assert client_for().get(plymouth.url(decision)).status_code == 404
    assert client_for(plymouth.outsider).get(plymouth.url()).status_code == 404


def test_a_decision_of_another_project_is_not_found_here(client_for, session, plymouth):
    other_lead = factories.user()
    other = factories.decision(factories.project(lead=other_lead), other_lead)
    session.commit()
    assert client_for(plymouth.lead).get(plymouth.url(other)).status_code == 404


def test_the_project_pages_show_the_decisions_in_brief(client_for, session, plymouth):
    agreed = factories.decision(plymouth.project, plymouth.lead, title="Outreach plymouth", status=DecisionStatus.AGREED)
    factories.contribution(agreed, plymouth.lead, "1000.00")
    secret = factories.decision(plymouth.project, plymouth.officer, title="Taxi marshals", status=DecisionStatus.AGREED, sensitive=True)
    factories.contribution(secret, plymouth.officer, "250.25")
    factories.contribution(factories.decision(plymouth.project, plymouth.nurse, title="Recovery space"), plymouth.nurse, "99.00")
    session.commit()
    for visitor in (client_for(), client_for(plymouth.nurse)):
        page = visitor.get(f"/projects/{plymouth.project.slug}").get_data(as_text=True)
        assert "3 decisions: 1 open for positions, 2 agreed." in " ".join(page.split())
        assert "Partners have committed £1,250.25 to agreed decisions." in page
        assert "Taxi marshals" in page and plymouth.url() in page
    assert plymouth.url(tail="/decisions.csv") in client_for().get(f"/projects/{plymouth.project.slug}").get_data(as_text=True)


def test_a_removed_partners_objection_still_counts_on_the_decisions_open_when_it_left(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    for person in (plymouth.lead, plymouth.nurse, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    factories.position(decision, plymouth.officer, DecisionStance.OBJECT, "Not our priority")
    session.commit()
    lead = client_for(plymouth.lead)
    police = next(p for p in plymouth.project.partners if p.organisation_id == plymouth.police.id)
    lead.post(f"/projects/{plymouth.project.slug}/partners/{police.id}/remove", data={"confirmed": "yes"})
    page = lead.get(plymouth.url(decision)).get_data(as_text=True)
    assert "Devon and Cornwall Police" in page and "no longer a partner: its position still counts on this decision" in page
    assert "Not our priority" in page
    close(lead, plymouth, decision)
    session.refresh(decision)
    assert decision.status == DecisionStatus.NOT_AGREED and "1 partner objected" in decision.outcome_reason


def test_a_partner_added_while_open_is_waited_for(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    for person in (plymouth.lead, plymouth.nurse, plymouth.officer, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    university = factories.organisation("University of Plymouth", Sector.UNIVERSITY_AND_RESEARCH)
    session.commit()
    lead = client_for(plymouth.lead)
    invite_and_accept(client_for, plymouth.lead, plymouth.project, university)
    page = close(lead, plymouth, decision).get_data(as_text=True)
    assert "The rule cannot decide yet. Waiting for 1 partner to record a position" in page
    session.refresh(decision)
    assert decision.is_open


def test_a_lead_reopens_a_deferred_decision_with_a_new_closing_date(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    factories.position(decision, plymouth.nurse, DecisionStance.OBJECT, "Wait for the evaluation")
    session.commit()
    lead = client_for(plymouth.lead)
    close(lead, plymouth, decision, outcome="deferred", reason="Wait for the evaluation")
    session.refresh(decision)
    assert decision.status == DecisionStatus.DEFERRED
    assert client_for(plymouth.worker).get(plymouth.url(decision, "/reopen")).status_code == 403
    page = lead.post(plymouth.url(decision, "/reopen"), data={"closes_on": day_month_year(date.today() - timedelta(days=1))}).get_data(as_text=True)
    assert "The new closing date must be today or later" in page
    new_closing = date.today() + timedelta(days=10)
    lead.post(plymouth.url(decision, "/reopen"), data={"closes_on": day_month_year(new_closing)})
    session.refresh(decision)
    assert (decision.status, decision.closes_on, decision.closed_at) == (DecisionStatus.OPEN, new_closing, None)
    reopened = session.scalar(select(AuditEvent).where(AuditEvent.action == "reopened"))
    assert reopened.before["status"] == "deferred" and reopened.before["outcome_reason"] == "Wait for the evaluation"
    assert "Wait for the evaluation" in client_for().get(plymouth.url(decision)).get_data(as_text=True)


def test_an_open_decision_past_its_closing_date_says_so(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=-1)
    session.commit()
    assert "The closing date has passed" in client_for(plymouth.nurse).get(plymouth.url(decision)).get_data(as_text=True)


def test_messages_use_the_possessive_of_a_plural_name(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    plymouth.police.name = "Torbay Street Pastors"
    session.commit()
    page = client_for(plymouth.officer).post(plymouth.url(decision, "/position"), headers={"HX-Request": "true"},
                                             data={"position-stance": "support"}).get_data(as_text=True)
    page = page.replace("&#39;", "'")
    assert "Torbay Street Pastors' position recorded: support" in page and "Pastors's" not in page
