"""The audit trail as sentences: who did what to which thing, and when, with the values
that changed under plain labels. One sentence per kind of event; an event of a kind
added later still reads sensibly through the fallback. No email address is ever shown."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision.domain.vocabulary import BarrierStatus, DecisionStance, DecisionStatus, EventKind, LabelledEnum, Stance
from localvision.domain.wording import possessive
from localvision.extensions import db
from localvision.models import AuditEvent, Decision, Organisation, Project

FIELD_LABELS = {
    "title": "Title", "rationale": "Rationale", "category": "Category", "opens_on": "Opens", "closes_on": "Closing date",
    "review_on": "Review date", "status": "Status", "outcome_reason": "Reason", "stance": "Position",
    "reasons": "Reasons", "kind": "Kind", "amount": "Amount", "hours": "Hours", "hourly_cost": "Cost per hour",
    "description": "Description", "due_on": "Due date", "owner": "Owner", "user": "Person", "role": "Role",
    "is_representative": "Speaks for the organisation", "is_published": "Published", "organisation": "Organisation",
    "domain": "Email domain", "is_organisation_admin": "Organisation administrator",
    "number": "Version", "version": "Version", "text": "Comment", "wording": "Wording",
    "change_note": "Change note", "name": "Name", "unit": "Unit", "direction": "Direction",
    "baseline_value": "Baseline value", "baseline_date": "Baseline date", "target_value": "Target value",
    "target_date": "Target date", "frequency": "Frequency", "source": "Source", "period": "Period", "value": "Value",
    "note": "Note", "file": "File", "indicator_tolerance_percent": "Tolerance for “at risk” (%)",
    "place": "Place", "theme": "Theme", "summary": "Summary", "phase": "Phase", "decision_rule": "Decision rule",
    "recipient_name": "Recipient", "is_commercially_sensitive": "Commercially sensitive",
    "reminder_lead_days": "Reminders, days before the closing date",
    "what": "What gets in the way", "location": "Where", "who_affected": "Who it affects",
    "owner_organisation": "Owner", "wont_remove_reason": "Reason", "answer": "Answer",
    "accepts_public_barriers": "Public form open", "tried": "What we tried", "happened": "What happened",
    "differently": "What we would do differently", "decisions": "Decisions", "indicators": "Indicators",
}
# Internal references mean nothing to a reader; the sentence names the things instead.
# People are named, never shown by address: entries recorded before the trail kept only
# ids named people by address, so any address left in a label or value is hidden.
HIDDEN_FIELD = re.compile(r"(_id|_ids|digest|token|hash|^user|^email|^decision)$")
EMAIL_ADDRESS = re.compile(r"[^\s@(),<>]+@[^\s@(),<>]+\.[^\s@(),<>]+")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LABELLED = {"stance": (DecisionStance, Stance), "status": (DecisionStatus, BarrierStatus)}


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Entry:
    sentence: str
    when: datetime
    changes: list[Change]


def hide_addresses(text: str) -> str:
    return EMAIL_ADDRESS.sub("(address hidden)", text)


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "not set"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(key, item) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_value(k, v)}" for k, v in value.items() if not HIDDEN_FIELD.search(k))
    text = str(value)
    if ISO_DATE.match(text):
        return date.fromisoformat(text).strftime("%-d %B %Y")
    if ISO_MOMENT.match(text):
        return datetime.fromisoformat(text).strftime("%-d %B %Y, %H:%M")
    for enum_type in LABELLED.get(key, ()):
        try:
            return enum_type(text).label.lower()
        except ValueError:
            continue
    if re.fullmatch(r"[a-z]+(_[a-z]+)+", text):
        return text.replace("_", " ")
    return hide_addresses(text)


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " ").capitalize())


def changes(event: AuditEvent) -> list[Change]:
    before, after = event.before or {}, event.after or {}
    keys = [key for key in {**before, **after} if not HIDDEN_FIELD.search(key)]
    found = [Change(_label(key), _value(key, before[key]) if key in before else None,
                    _value(key, after[key]) if key in after else None) for key in keys]
    # A blank field on something new says nothing.
    return [change for change in found if not (change.before is None and change.after == "not set")]


@dataclass(frozen=True)
class Names:
    organisations: dict[int, str]
    decisions: dict[int, str]

    def organisation(self, event: AuditEvent) -> str:
        known = self.organisations.get((event.payload or {}).get("organisation_id"))
        return known or "an organisation"

    def decision(self, event: AuditEvent) -> str:
        title = self.decisions.get((event.payload or {}).get("decision_id"))
        return f"‘{title}’" if title else "a decision"


def _stance(event: AuditEvent, *enum_types: type[LabelledEnum]) -> str:
    value = (event.payload or {}).get("stance") or (event.after or {}).get("stance")
    for enum_type in enum_types:
        try:
            return enum_type(value).label.lower()
        except ValueError:
            continue
    return _value("stance", value)


def _version(event: AuditEvent) -> str:
    return str((event.payload or {}).get("version", ""))


Phrase = Callable[[AuditEvent, Names], str]
PHRASES: dict[EventKind, Phrase] = {
    EventKind.PROJECT_CREATED: lambda e, n: "created the project",
    EventKind.PROJECT_UPDATED: lambda e, n: "changed the project’s details",
    EventKind.PROJECT_PUBLISHED: lambda e, n: "published the project",
    EventKind.PROJECT_UNPUBLISHED: lambda e, n: "made the project private",
    EventKind.PARTNER_ADDED: lambda e, n: f"added {n.organisation(e)} to the partnership",
    EventKind.PARTNER_REMOVED: lambda e, n: f"removed {n.organisation(e)} from the partnership",
    EventKind.PARTNER_INVITED: lambda e, n: f"invited {n.organisation(e)} to join the partnership",
    EventKind.PARTNER_ACCEPTED: lambda e, n: f"accepted, for {n.organisation(e)}, the invitation to join the partnership",
    EventKind.PARTNER_DECLINED: lambda e, n: f"declined, for {n.organisation(e)}, the invitation to join the partnership",
    EventKind.PARTNER_INVITATION_WITHDRAWN: lambda e, n: f"withdrew the invitation to {n.organisation(e)}",
    EventKind.ORGANISATION_DOMAIN_ADDED: lambda e, n: f"added an email domain of {n.organisation(e)}: {e.object_label}",
    EventKind.ORGANISATION_DOMAIN_REMOVED: lambda e, n: f"removed an email domain of {n.organisation(e)}: {e.object_label}",
    EventKind.PERSON_CONFIRMED: lambda e, n: f"confirmed a person as one of {possessive(n.organisation(e))} people: {e.object_label}",
    EventKind.ORGANISATION_ADMIN_SET: lambda e, n: f"changed who administers {n.organisation(e)}: {e.object_label}",
    EventKind.MEMBER_ADDED: lambda e, n: f"added a person to the project: {e.object_label}",
    EventKind.MEMBER_JOINED: lambda e, n: "accepted an invitation and joined the project",
    EventKind.MEMBER_REMOVED: lambda e, n: f"removed a person from the project: {e.object_label}",
    EventKind.MEMBER_ROLE_CHANGED: lambda e, n: f"changed a role: {e.object_label}",
    EventKind.REPRESENTATIVE_NAMED: lambda e, n: f"named who speaks for {n.organisation(e)}: {e.object_label}",
    EventKind.REPRESENTATIVE_REMOVED: lambda e, n: f"changed who speaks for {n.organisation(e)}: {e.object_label}",
    EventKind.INVITATION_SENT: lambda e, n: f"sent an invitation: {e.object_label}",
    EventKind.DECISION_PROPOSED: lambda e, n: f"proposed the decision {n.decision(e)}",
    EventKind.AMENDMENT_PROPOSED: lambda e, n: f"proposed an amendment to {n.decision(e)}",
    EventKind.DECISION_UPDATED: lambda e, n: f"changed the decision {n.decision(e)}",
    EventKind.DECISION_CLOSING_DATE_MOVED: lambda e, n: f"moved the closing date of {n.decision(e)}",
    EventKind.DECISION_COMMENTED: lambda e, n: f"commented on {n.decision(e)}",
    EventKind.DECISION_COMMENT_EDITED: lambda e, n: f"corrected a comment on {n.decision(e)}",
    EventKind.DECISION_WITHDRAWN: lambda e, n: f"withdrew the decision {n.decision(e)}",
    EventKind.DECISION_CLOSED: lambda e, n: f"closed {n.decision(e)}: {_value('status', (e.payload or {}).get('status'))}",
    EventKind.DECISION_REOPENED: lambda e, n: f"reopened {n.decision(e)} for positions",
    EventKind.REVIEW_DATE_SET: lambda e, n: f"set the review date of {n.decision(e)}",
    EventKind.DECISION_REMINDER_SENT: lambda e, n: (f"reminded the partners who had not responded to {n.decision(e)}: "
                                                    f"{_value('reminded', (e.after or {}).get('reminded'))}"),
    EventKind.POSITION_RECORDED: lambda e, n: (f"recorded {possessive(n.organisation(e))} position on {n.decision(e)}: "
                                               f"{_stance(e, DecisionStance)}"),
    EventKind.CONTRIBUTION_ADDED: lambda e, n: f"added {possessive(n.organisation(e))} contribution to {n.decision(e)}",
    EventKind.CONTRIBUTION_REMOVED: lambda e, n: f"removed {possessive(n.organisation(e))} contribution to {n.decision(e)}",
    EventKind.ACTION_ADDED: lambda e, n: f"added the action ‘{e.object_label}’ to {n.decision(e)}",
    EventKind.ACTION_DONE: lambda e, n: f"marked the action ‘{e.object_label}’ done",
    EventKind.ACTION_DROPPED: lambda e, n: f"dropped the action ‘{e.object_label}’",
    EventKind.VISION_PROPOSED: lambda e, n: f"proposed version {_version(e)} of the vision",
    EventKind.VISION_POSITION_RECORDED: lambda e, n: (f"recorded {possessive(n.organisation(e))} position on version "
                                                      f"{_version(e)} of the vision: {_stance(e, Stance)}"),
    EventKind.VISION_COMMENTED: lambda e, n: f"commented on version {_version(e)} of the vision",
    EventKind.VISION_AGREED: lambda e, n: (f"recorded the position that made version {_version(e)} of the vision "
                                           f"agreed by every partner"),
    EventKind.INDICATOR_CREATED: lambda e, n: f"created the indicator ‘{e.object_label}’",
    EventKind.INDICATOR_UPDATED: lambda e, n: f"changed the indicator ‘{e.object_label}’",
    EventKind.INDICATOR_LINKED: lambda e, n: f"linked a decision to an indicator: {e.object_label}",
    EventKind.INDICATOR_UNLINKED: lambda e, n: f"unlinked a decision from an indicator: {e.object_label}",
    EventKind.INDICATOR_TOLERANCE_SET: lambda e, n: "changed the tolerance for “at risk”",
    EventKind.MEASUREMENT_ADDED: lambda e, n: f"added a measurement of {e.object_label}",
    EventKind.MEASUREMENT_CORRECTED: lambda e, n: f"corrected a measurement of {e.object_label}",
    EventKind.MEASUREMENTS_IMPORTED: lambda e, n: f"imported measurements from {e.object_label}",
    EventKind.HEALTH_CHECK_OPENED: lambda e, n: f"opened the health check round ‘{e.object_label}’",
    EventKind.HEALTH_CHECK_CLOSED: lambda e, n: (f"closed the health check round ‘{e.object_label}’" if e.actor_id
                                                 else f"closed the health check round ‘{e.object_label}’ on its closing date"),
    EventKind.HEALTH_CHECK_PUBLISHED: lambda e, n: f"published the results of the health check round ‘{e.object_label}’",
    EventKind.HEALTH_CHECK_UNPUBLISHED: lambda e, n: f"made the results of the health check round ‘{e.object_label}’ private",
    EventKind.PUBLIC_BARRIERS_SET: lambda e, n: ("opened the public form for raising barriers"
                                                 if (e.after or {}).get("accepts_public_barriers")
                                                 else "closed the public form for raising barriers"),
    EventKind.BARRIER_RAISED: lambda e, n: f"raised the barrier ‘{e.object_label}’",
    EventKind.BARRIER_SUBMITTED: lambda e, n: f"received the barrier ‘{e.object_label}’ through the public form",
    EventKind.BARRIER_APPROVED: lambda e, n: f"approved the barrier ‘{e.object_label}’ for the barrier log",
    EventKind.BARRIER_REJECTED: lambda e, n: f"rejected the barrier ‘{e.object_label}’ in moderation",
    EventKind.BARRIER_TRIAGED: lambda e, n: f"triaged the barrier ‘{e.object_label}’",
    EventKind.BARRIER_ANSWERED: lambda e, n: f"answered the barrier ‘{e.object_label}’ for {n.organisation(e)}",
    EventKind.BARRIER_LINKED: lambda e, n: f"turned the barrier ‘{e.object_label}’ into {n.decision(e)}"
                                           + (" with an action" if (e.payload or {}).get("action_id") else ""),
    EventKind.LEARNING_ADDED: lambda e, n: f"added the lesson ‘{e.object_label}’ to the learning log",
    EventKind.LEARNING_UPDATED: lambda e, n: f"changed the lesson ‘{e.object_label}’",
    EventKind.LEARNING_PUBLISHED: lambda e, n: f"published the lesson ‘{e.object_label}’",
    EventKind.LEARNING_UNPUBLISHED: lambda e, n: f"took the lesson ‘{e.object_label}’ off the public page",
    # Account events belong to no project, so no project's trail shows them; they read
    # sensibly wherever a person's own history is shown.
    EventKind.ACCOUNT_SIGNED_OUT: lambda e, n: "signed out everywhere",
    EventKind.ACCOUNT_PASSWORD_RESET_REQUESTED: lambda e, n: "asked for a password reset link",
    EventKind.ACCOUNT_PASSWORD_RESET: lambda e, n: "set a new password from a reset link",
    EventKind.ACCOUNT_PASSWORD_CHANGED: lambda e, n: "changed their password",
    EventKind.ACCOUNT_EMAIL_CHANGE_REQUESTED: lambda e, n: "asked to change their email address",
    EventKind.ACCOUNT_EMAIL_CHANGED: lambda e, n: "confirmed a new email address",
    EventKind.SUMMARY_TOTALS_REPAIRED: lambda e, n: "found the running totals behind the contribution summary out of step with the record, and repaired them",
}


def _fallback(event: AuditEvent, names: Names) -> str:
    thing = re.sub(r"(?<!^)(?=[A-Z])", " ", event.object_type).lower()
    return f"{event.action} a {thing}" + (f": {event.object_label}" if event.object_label else "")


def sentence(event: AuditEvent, names: Names) -> str:
    who = f"{event.actor.name} ({event.actor_organisation.name})" if event.actor else "The platform"
    try:
        phrase = PHRASES[EventKind(event.kind)]
    except (KeyError, ValueError):
        phrase = _fallback
    return hide_addresses(f"{who} {phrase(event, names)}")


def names_of(events: list[AuditEvent]) -> Names:
    payloads = [event.payload or {} for event in events]
    organisation_ids = {p["organisation_id"] for p in payloads if isinstance(p.get("organisation_id"), int)}
    decision_ids = {p["decision_id"] for p in payloads if isinstance(p.get("decision_id"), int)}
    organisations = dict(db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))).tuples().all())
    decisions = dict(db.session.execute(
        select(Decision.id, Decision.title).where(Decision.id.in_(decision_ids))).tuples().all())
    return Names(organisations, decisions)


def trail(project: Project, page: int, per_page: int = 50) -> tuple[Pagination, list[Entry]]:
    """One page of the project's audit trail, newest first, as sentences."""
    events = db.paginate(
        select(AuditEvent)
        .where(AuditEvent.project_id == project.id)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.actor_organisation))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
        page=page, per_page=per_page, error_out=False,
    )
    names = names_of(list(events.items))
    return events, [Entry(sentence(event, names), event.occurred_at, changes(event)) for event in events.items]
