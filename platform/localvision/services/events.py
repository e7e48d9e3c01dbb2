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

from localvision.domain.vocabulary import EventKind
from localvision.extensions import db
from localvision.models import AuditEvent, Project, User

RECORDED = "events_recorded"  # a session.info key: this transaction recorded events


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
