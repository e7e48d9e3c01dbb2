"""Importing a CSV of measurements: check it, then save every row or none.

A row whose indicator and period already hold the same value changes nothing, so
importing the same file twice changes nothing. A different value is a correction: the
earlier value is kept as a revision, as when someone corrects a value by hand.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Callable, Iterator, Sequence

from sqlalchemy import insert, select, update

from localvision.services import events
from localvision.services.events import EventKind
from localvision.domain.measurement_csv import MeasurementRow, ParsedFile, indicator_key, parse_measurements
from localvision.extensions import db
from localvision.models import (
    ImportStatus,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    Project,
    User,
)
from localvision.summaries import freshness

# Files this long are imported by a background job while the page shows progress.
BACKGROUND_FROM_ROWS = 2000
BATCH_SIZE = 5000

ProgressReport = Callable[[int, int], None]


@dataclass(frozen=True)
class Stored:
    id: int
    value: Decimal
    note: str
    source: str
    entered_by_id: int | None
    entered_at: datetime


@dataclass
class Plan:
    new: list[MeasurementRow]
    corrections: list[tuple[MeasurementRow, Stored]]
    unchanged: int


def parse_import(project: Project, content: str) -> ParsedFile:
    indicators = db.session.execute(select(Indicator.id, Indicator.name).where(Indicator.project_id == project.id)).all()
    return parse_measurements(
        content,
        {indicator_key(name): indicator_id for indicator_id, name in indicators},
        {indicator_id: name for indicator_id, name in indicators},
    )


def _stored_measurements(indicator_ids: set[int]) -> dict[tuple[int, date], Stored]:
    if not indicator_ids:
        return {}
    rows = db.session.execute(
        select(Measurement.indicator_id, Measurement.period, Measurement.id, Measurement.value, Measurement.note,
               Measurement.source, Measurement.entered_by_id, Measurement.entered_at)
        .where(Measurement.indicator_id.in_(indicator_ids))
    )
    return {(row[0], row[1]): Stored(*row[2:]) for row in rows}


def plan(rows: Sequence[MeasurementRow]) -> Plan:
    stored = _stored_measurements({row.indicator_id for row in rows})
    result = Plan(new=[], corrections=[], unchanged=0)
    for row in rows:
        existing = stored.get((row.indicator_id, row.period))
        if existing is None:
            result.new.append(row)
        elif existing.value != row.value or (row.note and row.note != existing.note) or (
                row.source and row.source != existing.source):
            result.corrections.append((row, existing))
        else:
            result.unchanged += 1
    return result


def create_import(project: Project, user: User, filename: str, content: str) -> MeasurementImport:
    """Store an uploaded file with its preview: problems, or what importing it would do."""
    measurement_import = MeasurementImport(
        project=project, uploaded_by=user, filename=filename[:255], content=content, row_count=0,
        status=ImportStatus.READY, problems=[],
    )
    _check(measurement_import, parse_import(project, content))
    db.session.add(measurement_import)
    db.session.flush()
    return measurement_import


def _check(measurement_import: MeasurementImport, parsed: ParsedFile) -> Plan | None:
    measurement_import.row_count = parsed.row_count
    measurement_import.problems = [list(problem) for problem in parsed.problems]
    if parsed.problems:
        measurement_import.status = ImportStatus.HAS_PROBLEMS
        return None
    planned = plan(parsed.rows)
    measurement_import.new_count = len(planned.new)
    measurement_import.corrected_count = len(planned.corrections)
    measurement_import.unchanged_count = planned.unchanged
    return planned


def content_digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def runs_in_background(measurement_import: MeasurementImport) -> bool:
    return measurement_import.row_count >= BACKGROUND_FROM_ROWS


def _batches(items: Sequence, size: int = BATCH_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def apply_import(measurement_import: MeasurementImport, user: User, report: ProgressReport | None = None) -> bool:
    """Save every row, or none when the file has problems now (checked again, since
    indicators may have changed since the preview). The caller commits."""
    parsed = parse_import(measurement_import.project, measurement_import.content)
    planned = _check(measurement_import, parsed)
    measurement_import.finished_at = datetime.now(timezone.utc)
    if planned is None:
        measurement_import.status = ImportStatus.FAILED
        return False
    total = len(planned.new) + len(planned.corrections)
    done = 0
    now = datetime.now(timezone.utc)
    # Core inserts and updates in batches: one ORM object per row would be far too slow.
    for batch in _batches(planned.new):
        db.session.execute(insert(Measurement), [
            {"indicator_id": row.indicator_id, "period": row.period, "value": row.value, "note": row.note,
             "source": row.source, "entered_by_id": user.id, "entered_at": now}
            for row in batch
        ])
        done += len(batch)
        if report is not None:
            report(done, total)
    for batch in _batches(planned.corrections):
        db.session.execute(insert(MeasurementRevision), [
            {"measurement_id": stored.id, "value": stored.value, "note": stored.note, "source": stored.source,
             "entered_by_id": stored.entered_by_id, "entered_at": stored.entered_at, "replaced_by_id": user.id,
             "replaced_at": now}
            for _, stored in batch
        ])
        db.session.execute(update(Measurement), [
            {"id": stored.id, "value": row.value, "note": row.note or stored.note, "source": row.source or stored.source,
             "entered_by_id": user.id, "entered_at": now}
            for row, stored in batch
        ])
        done += len(batch)
        if report is not None:
            report(done, total)
    measurement_import.status = ImportStatus.IMPORTED
    if total:
        freshness.note_bulk_change(db.session, measurement_import.project_id)
        events.record(EventKind.MEASUREMENTS_IMPORTED, measurement_import, actor=user, project=measurement_import.project,
                     label=f"{measurement_import.filename}: {planned_summary(measurement_import)}",
                     after={"file": measurement_import.filename, "rows": measurement_import.row_count,
                            "new": measurement_import.new_count, "corrected": measurement_import.corrected_count,
                            "unchanged": measurement_import.unchanged_count,
                            "sha256": content_digest(measurement_import.content)})
    return True


def planned_summary(measurement_import: MeasurementImport) -> str:
    def count(number: int, word: str) -> str:
        return f"{number:,} {word}" if number != 1 else f"1 {word.rstrip('s')}"

    return ", ".join([count(measurement_import.new_count, "new values"),
                      count(measurement_import.corrected_count, "corrections"),
                      count(measurement_import.unchanged_count, "unchanged rows")])
