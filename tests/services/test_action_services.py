"""Follow-up actions change only through their services: one owner of the project each,
finished by that owner or a lead, each change recorded as one event."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import ActionStatus
from localvision.models import Action
from localvision.permissions import policy
from localvision.services import actions as services
from support import last_event


@pytest.fixture
def team(session):
    lead = factories.user(name="Priya Shah")
    owner = factories.user(name="Dan Roberts")
    colleague = factories.user(owner.organisation, name="Aisha Khan")
    outsider = factories.user(name="Kent Person")
    project = factories.project(lead=lead, partners=(owner.organisation,), members=(owner, colleague))
    decision = factories.decision(project, lead)
    return dict(lead=lead, owner=owner, colleague=colleague, outsider=outsider, project=project, decision=decision)


def context(team, person):
    return policy.context_for(person, team["project"])


def test_a_member_adds_an_action_owned_by_one_person_of_the_project(session, team):
    due = date.today() + timedelta(days=30)
    action = services.add_action(context(team, team["colleague"]), team["decision"], " Recruit the worker ",
                                 team["owner"].id, due)
    assert (action.title, action.owner, action.due_on, action.status, action.created_by) == (
        "Recruit the worker", team["owner"], due, ActionStatus.OPEN, team["colleague"])
    event = last_event(session)
    assert (event.kind, event.after["owner"]) == ("action.added", "Dan Roberts")
    assert event.payload == {"decision_id": team["decision"].id, "owner_id": team["owner"].id, "due_on": due.isoformat()}


def test_an_action_is_owned_by_a_person_of_the_project_and_added_by_one(session, team):
    due = date.today()
    with pytest.raises(Refused, match="Choose a person of the project") as refusal:
        services.add_action(context(team, team["lead"]), team["decision"], "Ask Kent", team["outsider"].id, due)
    assert refusal.value.field == "owner_id"
    with pytest.raises(NotPermitted):
        services.add_action(context(team, team["outsider"]), team["decision"], "Anything", team["owner"].id, due)
    assert session.scalar(select(Action)) is None


def test_only_the_owner_or_a_lead_marks_an_action_done_and_only_once(session, team):
    action = factories.action(team["decision"], team["owner"])
    with pytest.raises(NotPermitted, match="Only the action's owner and the project leads can mark it done."):
        services.complete_action(context(team, team["colleague"]), action)
    services.complete_action(context(team, team["owner"]), action)
    assert action.status == ActionStatus.DONE and action.finished_at is not None
    event = last_event(session)
    assert (event.kind, event.before, event.after) == ("action.done", {"status": "open"}, {"status": "done"})
    assert event.payload == {"decision_id": team["decision"].id, "owner_id": team["owner"].id, "status": "done"}
    with pytest.raises(Refused, match="This action is already done."):
        services.complete_action(context(team, team["lead"]), action)


def test_a_lead_drops_an_action_with_a_reason_that_stays_on_the_record(session, team):
    action = factories.action(team["decision"], team["owner"])
    with pytest.raises(NotPermitted, match="can drop it"):
        services.drop_action(context(team, team["colleague"]), action, "Not needed")
    with pytest.raises(Refused, match="Give the reason for dropping the action"):
        services.drop_action(context(team, team["lead"]), action, " ")
    services.drop_action(context(team, team["lead"]), action, " Covered by the council's contract ")
    assert (action.status, action.dropped_reason) == (ActionStatus.DROPPED, "Covered by the council's contract")
    event = last_event(session)
    assert event.kind == "action.dropped" and event.after["dropped_reason"] == "Covered by the council's contract"
    assert event.payload == {"decision_id": team["decision"].id, "owner_id": team["owner"].id, "status": "dropped"}
    with pytest.raises(Refused, match="already dropped"):
        services.drop_action(context(team, team["owner"]), action, "Again")
