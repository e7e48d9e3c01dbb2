"""An uploaded CSV of measurements, kept from preview until it is imported."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localvision.domain.vocabulary import ImportStatus
from localvision.models.base import Base, UtcDateTime, created_at_column, enum_column

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.projects import Project


class MeasurementImport(Base):
    __tablename__ = "measurement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    # The file itself: a background job reads it from here, not from the web server's disk.
    content: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[ImportStatus] = enum_column(ImportStatus)
    # [line number, message] pairs, in line order: the first PROBLEMS_KEPT of problem_count.
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    problem_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    new_count: Mapped[int] = mapped_column(Integer, default=0)
    corrected_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at_column()
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    project: Mapped["Project"] = relationship()
    uploaded_by: Mapped["User"] = relationship()
