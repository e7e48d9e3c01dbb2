"""Writing the audit trail: every change to project data adds one event."""
from __future__ import annotations

import datetime as dt
import decimal
import enum
from typing import Any, Iterable

from localvision.extensions import db
from localvision.models import AuditEvent, Project, User


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


def record(
    action: str,
    obj: Any,
    *,
    actor: User | None,
    project: Project | None,
    label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if obj.id is None:
        db.session.flush()
    event = AuditEvent(
        project_id=project.id if project is not None else None,
        actor_id=actor.id if actor is not None else None,
        actor_organisation_id=actor.organisation_id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        object_label=label[:300],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the fields whose value changed, so the trail shows what moved."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
