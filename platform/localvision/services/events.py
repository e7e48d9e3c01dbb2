"""Recording a change: one row that is both the audit trail's entry and the domain event.

The row is added in the transaction of the change it describes, so it exists exactly
when the change does (a transactional outbox). Readers that act on changes, such as
notifications and digests, read these rows in id order; the audit trail shows them.
"""
from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any, Iterable

from localvision.extensions import db
from localvision.models import AuditEvent, Project, User
from localvision.domain.vocabulary import LabelledEnum


RECORDED = "events_recorded"  # a session.info key: this transaction recorded events


class EventKind(LabelledEnum):
    """What happened, for programs; the label is the audit trail's words for people."""

    PROJECT_CREATED = "project.created", "created"
    PROJECT_UPDATED = "project.updated", "updated"
    PROJECT_PUBLISHED = "project.published", "published"
    PROJECT_UNPUBLISHED = "project.unpublished", "unpublished"
    PARTNER_ADDED = "partner.added", "added"
    PARTNER_REMOVED = "partner.removed", "removed"
    PARTNER_INVITED = "partner.invited", "invited"
    PARTNER_ACCEPTED = "partner.accepted", "accepted"
    PARTNER_DECLINED = "partner.declined", "declined"
    PARTNER_INVITATION_WITHDRAWN = "partner.invitation_withdrawn", "invitation withdrawn"
    ORGANISATION_DOMAIN_ADDED = "organisation.domain_added", "domain added"
    ORGANISATION_DOMAIN_REMOVED = "organisation.domain_removed", "domain removed"
    PERSON_CONFIRMED = "organisation.person_confirmed", "confirmed"
    ORGANISATION_ADMIN_SET = "organisation.admin_set", "administrator changed"
    MEMBER_ADDED = "member.added", "added"
    MEMBER_JOINED = "member.joined", "joined"
    MEMBER_REMOVED = "member.removed", "removed"
    MEMBER_ROLE_CHANGED = "member.role_changed", "role changed"
    REPRESENTATIVE_NAMED = "member.representative_named", "representative named"
    REPRESENTATIVE_REMOVED = "member.representative_removed", "representative removed"
    INVITATION_SENT = "invitation.sent", "invited"
    DECISION_PROPOSED = "decision.proposed", "proposed"
    AMENDMENT_PROPOSED = "decision.amendment_proposed", "amendment proposed"
    DECISION_UPDATED = "decision.updated", "updated"
    DECISION_CLOSING_DATE_MOVED = "decision.closing_date_moved", "closing date moved"
    DECISION_COMMENTED = "decision.commented", "commented"
    DECISION_COMMENT_EDITED = "decision.comment_edited", "comment edited"
    DECISION_WITHDRAWN = "decision.withdrawn", "withdrawn"
    DECISION_CLOSED = "decision.closed", "closed"
    DECISION_REOPENED = "decision.reopened", "reopened"
    REVIEW_DATE_SET = "decision.review_date_set", "review date set"
    DECISION_REMINDER_SENT = "decision.reminder_sent", "reminder sent"
    POSITION_RECORDED = "decision.position_recorded", "position recorded"
    CONTRIBUTION_ADDED = "decision.contribution_added", "contribution added"
    CONTRIBUTION_REMOVED = "decision.contribution_removed", "contribution removed"
    ACTION_ADDED = "action.added", "action added"
    ACTION_DONE = "action.done", "action done"
    ACTION_DROPPED = "action.dropped", "action dropped"
    VISION_PROPOSED = "vision.proposed", "proposed"
    VISION_POSITION_RECORDED = "vision.position_recorded", "position recorded"
    VISION_COMMENTED = "vision.commented", "commented"
    VISION_AGREED = "vision.agreed", "agreed"
    INDICATOR_CREATED = "indicator.created", "created"
    INDICATOR_UPDATED = "indicator.updated", "updated"
    INDICATOR_LINKED = "indicator.linked", "linked"
    INDICATOR_UNLINKED = "indicator.unlinked", "unlinked"
    INDICATOR_TOLERANCE_SET = "indicator.tolerance_set", "updated"
    MEASUREMENT_ADDED = "measurement.added", "added"
    MEASUREMENT_CORRECTED = "measurement.corrected", "corrected"
    MEASUREMENTS_IMPORTED = "measurement.imported", "imported"
    HEALTH_CHECK_OPENED = "health_check.opened", "health check opened"
    HEALTH_CHECK_CLOSED = "health_check.closed", "health check closed"
    HEALTH_CHECK_PUBLISHED = "health_check.published", "health check published"
    HEALTH_CHECK_UNPUBLISHED = "health_check.unpublished", "health check made private"
    PUBLIC_BARRIERS_SET = "project.public_barriers_set", "public barrier form changed"
    BARRIER_RAISED = "barrier.raised", "barrier raised"
    BARRIER_SUBMITTED = "barrier.submitted", "barrier received from the public"
    BARRIER_APPROVED = "barrier.approved", "barrier approved"
    BARRIER_REJECTED = "barrier.rejected", "barrier rejected"
    BARRIER_TRIAGED = "barrier.triaged", "barrier triaged"
    BARRIER_ANSWERED = "barrier.answered", "barrier answered"
    BARRIER_LINKED = "barrier.linked", "barrier turned into a decision or action"
    LEARNING_ADDED = "learning.added", "lesson added"
    LEARNING_UPDATED = "learning.updated", "lesson changed"
    LEARNING_PUBLISHED = "learning.published", "lesson published"
    LEARNING_UNPUBLISHED = "learning.unpublished", "lesson unpublished"
    ACCOUNT_SIGNED_OUT = "account.signed_out", "signed out everywhere"
    ACCOUNT_PASSWORD_RESET_REQUESTED = "account.password_reset_requested", "password reset requested"
    ACCOUNT_PASSWORD_RESET = "account.password_reset", "password reset"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", "password changed"
    ACCOUNT_EMAIL_CHANGE_REQUESTED = "account.email_change_requested", "email change requested"
    ACCOUNT_EMAIL_CHANGED = "account.email_changed", "email address changed"
    SUMMARY_TOTALS_REPAIRED = "summary.totals_repaired", "summary totals repaired"


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The named attributes of an object as JSON-ready values, for before/after."""
    return {field: _jsonable(getattr(obj, field)) for field in fields}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields whose value changed, so the trail shows what moved."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def record(
    kind: EventKind,
    obj: Any,
    *,
    actor: User | None,
    project: Project | None,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add the event to the session; it commits with the change it describes.

    ``payload`` carries the ids a reader needs to act on the event (the decision a
    position is on, the organisation it is for), as JSON-ready values."""
    if obj.id is None:
        db.session.flush()
    event = AuditEvent(
        kind=kind.value,
        project_id=project.id if project is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor_organisation_id=actor.organisation_id if actor is not None else None,
        action=kind.label,
        object_type=type(obj).__name__,
        object_id=obj.id,
        object_label=label[:300],
        before=before,
        after=after,
        payload={key: _jsonable(value) for key, value in (payload or {}).items()} or None,
    )
    db.session.add(event)
    # Readers of the events (the notification fan-out) are nudged once this commits.
    db.session.info[RECORDED] = True
    return event
