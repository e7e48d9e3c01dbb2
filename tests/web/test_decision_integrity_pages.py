"""The pages of a decision hold to its rule: the bending attempts a lead could try are
refused, closing and removals ask first, and a partner finds its own part at the top."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import DecisionRule, DecisionStance, DecisionStatus
from localvision.models import DecisionComment
from support import day_month_year


def project_details(plymouth, rule: str) -> dict:
    project = plymouth.project
    return {"title": project.title, "place": project.place, "theme": project.theme, "summary": project.summary,
            "phase": project.phase.value, "decision_rule": rule, "minimum_notice_days": "5"}


def edit_data(decision, closes_on: date) -> dict:
    return {"title": decision.title, "rationale": decision.rationale, "category": decision.category.value,
            "opens_on": day_month_year(decision.opens_on), "closes_on": day_month_year(closes_on)}


def objection_on_record(plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, title="Alcohol-free zone on Union Street")
    for person in (plymouth.lead, plymouth.nurse, plymouth.worker):
        factories.position(decision, person, DecisionStance.SUPPORT)
    factories.position(decision, plymouth.officer, DecisionStance.OBJECT, "Displaces drinking to residential streets")
    return decision


def test_switching_the_rule_to_close_a_decision_as_agreed_is_refused(client_for, session, plymouth):
    decision = objection_on_record(plymouth)
    session.commit()
    lead = client_for(plymouth.lead)
    edit_page = lead.get(f"/projects/{plymouth.project.slug}/edit").get_data(as_text=True)
    assert "These open decisions keep the rule they opened under" in edit_page and decision.title in edit_page
    lead.post(f"/projects/{plymouth.project.slug}/edit", data=project_details(plymouth, "lead_decides"))
    page = lead.get(plymouth.url(decision)).get_data(as_text=True)
    assert "Consensus: every partner responds and nobody objects (the rule when it opened" in page
    refused = lead.post(plymouth.url(decision, "/close"), data={"outcome": "agreed", "reason": "We decide",
                                                                "confirmed": "yes"}).get_data(as_text=True)
    assert "Choose an outcome" in refused
    session.refresh(decision)
    assert decision.is_open
    lead.post(plymouth.url(decision, "/close"), data={"outcome": "apply_rule", "confirmed": "yes"})
    session.refresh(decision)
    assert decision.status == DecisionStatus.NOT_AGREED and decision.decision_rule == DecisionRule.CONSENSUS
    document = client_for().get(f"/api/v1/projects/{plymouth.project.slug}/decisions").get_json()
    shown = next(d for d in document["data"] if d["id"] == decision.id)
    assert shown["decision_rule"] == "consensus" and (shown["partners_responded"], shown["partners_counted"]) == (4, 4)
    rows = list(csv.DictReader(io.StringIO(client_for().get(plymouth.url(tail="/decisions.csv")).get_data(as_text=True))))
    assert next(r for r in rows if r["Decision"] == str(decision.id))["Decision rule"].startswith("Consensus")


def test_moving_the_closing_date_to_today_once_partners_respond_is_refused(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=21)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    session.commit()
    original = decision.closes_on
    page = client_for(plymouth.lead).post(plymouth.url(decision, "/edit"), data=edit_data(decision, date.today())).get_data(as_text=True)
    assert "Partners have started responding, so the closing date can only move later" in page
    session.refresh(decision)
    assert decision.closes_on == original


def test_the_page_shows_the_earliest_date_when_notice_is_too_short(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=40)
    session.commit()
    page = client_for(plymouth.lead).post(plymouth.url(decision, "/edit"),
                                          data=edit_data(decision, date.today() + timedelta(days=1))).get_data(as_text=True)
    assert "working days&#39; notice" in page or "working days' notice" in page


def test_closing_shows_what_will_happen_and_asks_to_confirm(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=-1)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    session.commit()
    lead = client_for(plymouth.lead)
    asked = lead.post(plymouth.url(decision, "/close"), data={"outcome": "apply_rule"}).get_data(as_text=True)
    assert "Close as not agreed?" in asked and "3 partners did not respond" in asked
    assert "1 of 4 partners have responded" in asked and 'name="confirmed" value="yes"' in asked
    session.refresh(decision)
    assert decision.is_open
    closed = lead.post(plymouth.url(decision, "/close"), data={"outcome": "apply_rule", "confirmed": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Decision closed: not agreed" in closed
    banner = re.search(r'<div class="govuk-notification-banner[^"]*"', closed).group(0)
    assert "success" not in banner  # an outcome is news, not a success


def test_a_partner_finds_its_own_part_at_the_top_of_the_decision(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT_WITH_CONCERNS, "Needs an evaluation")
    factories.contribution(decision, plymouth.nhs_director, "1500.00")
    session.commit()
    page = client_for(plymouth.nhs_director).get(plymouth.url(decision)).get_data(as_text=True)
    part = page.index("Your organisation's part: University Hospitals Plymouth")
    assert part < page.index("Rationale") < page.index('id="positions-heading"')
    assert "£1,500.00" in page[part:page.index("Rationale")] and "1 of 4 partners have responded" in page
    assert 'value="support_with_concerns" checked' in page and "Needs an evaluation</textarea>" in page
    assert "A new position replaces the current one" in page
    assert "Your organisation's part" not in client_for().get(plymouth.url(decision)).get_data(as_text=True)


def test_the_log_says_who_responded_and_finds_words_within_what_the_visitor_may_read(client_for, session, plymouth):
    open_one = factories.decision(plymouth.project, plymouth.worker, title="Night outreach")
    open_one.rationale = "A pilot near the harbour."
    factories.position(open_one, plymouth.nurse, DecisionStance.SUPPORT)
    secret = factories.decision(plymouth.project, plymouth.worker, title="Shelter lease", sensitive=True)
    secret.rationale = "Landlord asks for a harbour-side premium."
    session.commit()
    log = client_for(plymouth.lead).get(plymouth.url(tail="?keywords=harbour")).get_data(as_text=True)
    assert "Night outreach" in log and "Shelter lease" in log and "responded 1 of 4" in log
    public = client_for().get(plymouth.url(tail="?keywords=harbour")).get_data(as_text=True)
    assert "Night outreach" in public and "Shelter lease" not in public
    assert "Shelter lease" in client_for().get(plymouth.url(tail="?keywords=lease")).get_data(as_text=True)
    assert "Night outreach" not in client_for(plymouth.lead).get(plymouth.url(tail="?keywords=100%25")).get_data(as_text=True)


def test_the_discussion_is_for_the_project_only_even_when_published(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker)
    session.commit()
    member = client_for(plymouth.nurse)
    member.post(plymouth.url(decision, "/comments"), data={"text": "Could it **start** in January?"})
    comment = session.scalar(select(DecisionComment))
    member.post(plymouth.url(decision, "/comments"), data={"text": "<script>alert(1)</script>Yes", "reply_to": str(comment.id)})
    page = client_for(plymouth.officer).get(plymouth.url(decision)).get_data(as_text=True)
    assert "<strong>start</strong>" in page and "<script>alert(1)" not in page
    assert "Discussion" not in client_for().get(plymouth.url(decision)).get_data(as_text=True)
    outsider = client_for(plymouth.outsider)
    assert "start</strong>" not in outsider.get(plymouth.url(decision)).get_data(as_text=True)
    assert outsider.post(plymouth.url(decision, "/comments"), data={"text": "Let me in"}).status_code == 403
    assert "/sign-in" in client_for().post(plymouth.url(decision, "/comments"), data={"text": "Hi"}).headers["Location"]
    assert client_for(plymouth.officer).get(plymouth.url(decision, f"/comments/{comment.id}/edit")).status_code == 403
    member.post(plymouth.url(decision, f"/comments/{comment.id}/edit"), data={"text": "Could it start in February?"})
    session.refresh(comment)
    assert comment.text == "Could it start in February?" and comment.revisions[0].text.startswith("Could it **start**")
    assert session.scalar(select(func.count(DecisionComment.id))) == 2


def test_making_a_project_private_asks_first(client_for, session, plymouth):
    lead = client_for(plymouth.lead)
    asked = lead.post(f"/projects/{plymouth.project.slug}/publication", data={"publish": "0"}).get_data(as_text=True)
    assert "Make" in asked and "private?" in asked
    session.refresh(plymouth.project)
    assert plymouth.project.is_published
    lead.post(f"/projects/{plymouth.project.slug}/publication", data={"publish": "0", "confirmed": "yes"})
    session.refresh(plymouth.project)
    assert not plymouth.project.is_published


def test_the_edit_page_says_how_the_closing_date_may_move(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.worker, closes_in_days=30)
    session.commit()
    worker = client_for(plymouth.worker)
    assert "Nobody has responded yet: it can move earlier" in worker.get(plymouth.url(decision, "/edit")).get_data(as_text=True)
    factories.position(decision, plymouth.nurse, DecisionStance.SUPPORT)
    session.commit()
    assert "this date can only move later" in worker.get(plymouth.url(decision, "/edit")).get_data(as_text=True)
