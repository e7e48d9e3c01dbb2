"""Follow-up actions on joint decisions: adding one, marking it done, dropping it."""
from __future__ import annotations

from datetime import date, datetime, timezone

from localvision.domain.actions import ACTION_NEEDED, DROPPING_REASON_NEEDED
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import ActionStatus, EventKind
from localvision.extensions import db
from localvision.models import Action, Decision
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import events


def add_action(context: ProjectContext, decision: Decision, title: str, owner_id: int, due_on: date) -> Action:
    """An action with exactly one owner, who must be a person of the project."""
    action = stage_action(context, decision, title, owner_id, due_on)
    db.session.commit()
    return action


def stage_action(context: ProjectContext, decision: Decision, title: str, owner_id: int, due_on: date) -> Action:
    """``add_action`` without the commit, for a use case that adds one as part of its own change."""
    if not policy.may_add_action(context):
        raise NotPermitted("Only the people of the project can add actions.")
    if not title.strip():
        raise Refused(ACTION_NEEDED, field="title")
    owner = next((m.user for m in context.project.memberships if m.user_id == owner_id), None)
    if owner is None:
        raise Refused("Choose a person of the project to own the action", field="owner_id")
    action = Action(decision=decision, title=title.strip(), owner=owner, due_on=due_on, created_by=context.actor)
    db.session.add(action)
    db.session.flush()
    events.record(EventKind.ACTION_ADDED, action, actor=context.actor, project=context.project, label=action.title,
                  after={**events.snapshot(action, ("title", "due_on")), "owner": owner.name, "decision": decision.id},
                  payload={"decision_id": decision.id, "owner_id": owner.id, "due_on": due_on})
    return action


def check_change(context: ProjectContext, action: Action, change: str) -> None:
    """Whether this person may ``change`` the action (the words say what, for the refusal)."""
    if not policy.may_change_action(context, action):
        raise NotPermitted(f"Only the action's owner and the project leads can {change}.")
    if action.status != ActionStatus.OPEN:
        raise Refused(f"This action is already {action.status.label.lower()}.")


def _finish(context: ProjectContext, action: Action, status: ActionStatus, kind: EventKind, **after) -> None:
    action.status = status
    action.finished_at = datetime.now(timezone.utc)
    events.record(kind, action, actor=context.actor, project=context.project, label=action.title,
                  before={"status": ActionStatus.OPEN.value}, after={"status": status.value, **after},
                  payload={"decision_id": action.decision_id, "owner_id": action.owner_id, "status": status})
    db.session.commit()


def complete_action(context: ProjectContext, action: Action) -> Action:
    check_change(context, action, "mark it done")
    _finish(context, action, ActionStatus.DONE, EventKind.ACTION_DONE)
    return action


def drop_action(context: ProjectContext, action: Action, reason: str) -> Action:
    """Stop an open action; the reason stays on the record."""
    check_change(context, action, "drop it")
    if not reason.strip():
        raise Refused(DROPPING_REASON_NEEDED, field="reason")
    action.dropped_reason = reason.strip()
    _finish(context, action, ActionStatus.DROPPED, EventKind.ACTION_DROPPED, dropped_reason=action.dropped_reason)
    return action
