from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.models.base import Base, created_at_column


class AuditEvent(Base):
    """One change to project data, for people (the audit trail) and for programs (the
    domain event: ``kind`` and ``payload``). Rows are only ever added, never changed or
    removed."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    occurred_at: Mapped[datetime] = created_at_column()
    kind: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor = relationship("User")
    actor_organisation = relationship("Organisation")


class AuditTrailIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_rewriting_history(mapper: Any, connection: Any, target: AuditEvent) -> None:
    raise AuditTrailIsAppendOnly("audit events cannot be changed or deleted")
