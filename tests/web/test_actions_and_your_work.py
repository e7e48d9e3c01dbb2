"""Follow-up actions, the decision log and "your work"."""
import csv
import io
from datetime import date, timedelta

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import ActionStatus, DecisionStance, DecisionStatus
from localvision.models import Action, AuditEvent
from support import day_month_year


def test_a_member_adds_an_action_with_one_owner_and_a_due_date(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    due = date.today() + timedelta(days=30)
    client_for(plymouth.nurse).post(plymouth.url(decision, "/actions"), data={"action-title": "Recruit the outreach worker",
                                                                              "action-owner_id": str(plymouth.worker.id),
                                                                              "action-due_on": day_month_year(due)})
    action = session.scalar(select(Action))
    assert (action.owner, action.due_on, action.status, action.created_by) == (plymouth.worker, due, ActionStatus.OPEN, plymouth.nurse)
    assert session.scalar(select(AuditEvent.after).where(AuditEvent.action == "action added"))["owner"] == "Dan Roberts"


def test_an_action_needs_a_title_an_owner_of_the_project_and_a_date(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    session.commit()
    page = client_for(plymouth.nurse).post(plymouth.url(decision, "/actions"), data={
        "action-title": "x" * 301, "action-owner_id": str(plymouth.outsider.id), "action-due_on": ["", "", ""],
    }).get_data(as_text=True)
    assert "Action must be 300 characters or fewer" in page and "Not a valid choice" in page and "Enter the due date" in page
    assert session.scalar(select(Action)) is None


def test_the_owner_marks_done_and_a_drop_needs_a_reason(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    first = factories.action(decision, plymouth.worker)
    second = factories.action(decision, plymouth.worker)
    session.commit()
    assert client_for(plymouth.officer).post(plymouth.url(decision, f"/actions/{first.id}/done")).status_code == 403
    client_for(plymouth.worker).post(plymouth.url(decision, f"/actions/{first.id}/done"))
    again = client_for(plymouth.worker).post(plymouth.url(decision, f"/actions/{first.id}/done"), follow_redirects=True)
    assert "This action is already done." in again.get_data(as_text=True)
    page = client_for(plymouth.worker).post(plymouth.url(decision, f"/actions/{second.id}/drop"), data={"reason": ""}).get_data(as_text=True)
    assert "Give the reason for dropping the action" in page
    client_for(plymouth.lead).post(plymouth.url(decision, f"/actions/{second.id}/drop"), data={"reason": "Covered by the council's contract"})
    session.refresh(first)
    session.refresh(second)
    assert first.status == ActionStatus.DONE and first.finished_at is not None
    assert second.status == ActionStatus.DROPPED and second.dropped_reason == "Covered by the council's contract"
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "Action")).all() == ["action done", "action dropped"]


def test_overdue_actions_are_highlighted_for_the_whole_partnership(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.lead)
    factories.action(decision, plymouth.worker, due_in_days=-2, title="Send the evaluation plan")
    factories.action(decision, plymouth.nurse, due_in_days=5, title="Book the clinic room")
    session.commit()
    page = client_for(plymouth.officer).get(plymouth.url(tail="/actions")).get_data(as_text=True)
    overdue = page[page.index("Overdue (1)"):page.index("Open (1)")]
    assert "Send the evaluation plan" in overdue and "Book the clinic room" not in overdue
    assert 'class="govuk-table__row app-overdue"' in page
    decision_page = client_for(plymouth.officer).get(plymouth.url(decision)).get_data(as_text=True)
    assert decision_page.count("govuk-tag--red\">Overdue") == 1


def test_your_work_lists_what_awaits_the_person_across_projects(client_for, session, plymouth):
    awaiting = factories.decision(plymouth.project, plymouth.lead, title="Late-night bus for street drinkers")
    answered = factories.decision(plymouth.project, plymouth.lead, title="Already answered by the NHS")
    factories.position(answered, plymouth.nhs_director, DecisionStance.SUPPORT)
    agreed = factories.decision(plymouth.project, plymouth.nurse, title="Alcohol treatment beds", status=DecisionStatus.AGREED)
    agreed.review_on = date.today() - timedelta(days=1)
    factories.action(awaiting, plymouth.nurse, due_in_days=-1, title="Draft the bus route")
    factories.action(awaiting, plymouth.nurse, due_in_days=10, title="Ask the bus company")
    factories.action(awaiting, plymouth.worker, due_in_days=-1, title="Someone else's action")
    session.commit()
    page = client_for(plymouth.nurse).get("/your-work").get_data(as_text=True)
    assert "Decisions awaiting your organisation&#39;s position (1)" in page
    assert "Late-night bus for street drinkers" in page and "Already answered by the NHS" not in page
    assert "Actions you own (2, 1 overdue)" in page
    assert "Draft the bus route" in page and "Ask the bus company" in page and "Someone else" not in page
    assert "Decisions due for review (1)" in page and "Alcohol treatment beds" in page


def test_your_work_leaves_out_positions_for_organisations_with_other_representatives(client_for, session, plymouth):
    factories.decision(plymouth.project, plymouth.lead, title="Late-night bus for street drinkers")
    next(m for m in plymouth.project.memberships if m.user_id == plymouth.nhs_director.id).is_representative = True
    session.commit()
    assert "Late-night bus" not in client_for(plymouth.nurse).get("/your-work").get_data(as_text=True)
    assert "Late-night bus" in client_for(plymouth.nhs_director).get("/your-work").get_data(as_text=True)


def test_the_log_filters_by_status_organisation_sector_and_date(client_for, session, plymouth):
    police_idea = factories.decision(plymouth.project, plymouth.officer, title="Police-led dispersal pilot")
    nhs_funded = factories.decision(plymouth.project, plymouth.lead, title="Funded by the hospital", status=DecisionStatus.AGREED)
    factories.contribution(nhs_funded, plymouth.nurse, "900.00")
    old = factories.decision(plymouth.project, plymouth.worker, title="Last year's idea", status=DecisionStatus.WITHDRAWN)
    old.opens_on = date(2025, 1, 10)
    session.commit()
    visitor = client_for()

    def titles(query):
        page = visitor.get(plymouth.url(tail=f"?{query}")).get_data(as_text=True)
        return {d.title for d in (police_idea, nhs_funded, old) if d.title.replace("'", "&#39;") in page}

    assert titles("status=agreed") == {"Funded by the hospital"}
    assert titles(f"organisation={plymouth.nhs.id}") == {"Funded by the hospital"}
    assert titles("sector=police") == {"Police-led dispersal pilot"}
    assert titles("opened_to=31&opened_to=12&opened_to=2025") == {"Last year's idea"}
    assert titles("opened_from=1&opened_from=1&opened_from=2026&status=open") == {"Police-led dispersal pilot"}
    assert titles("status=nonsense&opened_from=yesterday&opened_from=13&opened_from=0") == {d.title for d in (police_idea, nhs_funded, old)}


def test_the_log_downloads_as_csv_with_formulas_neutralised(client_for, session, plymouth):
    decision = factories.decision(plymouth.project, plymouth.officer, title="=HYPERLINK(\"http://evil.example\")")
    factories.contribution(decision, plymouth.officer, "1500.25")
    factories.position(decision, plymouth.officer, DecisionStance.OBJECT, "-1")
    session.commit()
    response = client_for().get(plymouth.url(tail="/decisions.csv?status=open"))
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    assert rows[0]["Title"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows[0]["Total (£)"] == "1500.25" and rows[0]["Cash (£)"] == "1500.25" and rows[0]["Object"] == "1"


def test_your_work_lists_the_latest_vision_wording_awaiting_the_organisations_position(client_for, session, plymouth):
    factories.vision_version(plymouth.project, plymouth.lead)
    latest = factories.vision_version(plymouth.project, plymouth.worker, text="Safer, healthier nights for everyone")
    factories.vision_position(latest, plymouth.officer)
    session.commit()
    assert "Version 2 of the shared vision" in client_for(plymouth.nurse).get("/your-work").get_data(as_text=True)
    police_page = client_for(plymouth.officer).get("/your-work").get_data(as_text=True)
    assert "Vision wording awaiting your organisation&#39;s position (0)" in police_page
