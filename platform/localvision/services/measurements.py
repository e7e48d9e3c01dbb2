"""Measurements of outcome indicators: adding one, correcting one, importing a CSV of them.

A correction keeps the earlier value as a revision. An import is checked first (the
preview saves nothing), then saves every row or none. A long file is checked and imported
by background jobs, never parsed while a request waits. A row whose indicator and period
already hold the same value changes nothing, so importing the same file twice changes
nothing; a different value is a correction, as if someone corrected it by hand.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Callable, Iterator, Sequence

from flask import current_app
from sqlalchemy import insert, select, update

from localvision import jobs
from localvision.domain.measurement_csv import (
    MeasurementRow,
    ParsedFile,
    format_period,
    indicator_key,
    parse_measurements,
)
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
from localvision.models.indicators import at_stored_scale
from localvision.services import NotPermitted, Refused, events, policy
from localvision.services.events import EventKind
from localvision.services.policy import ProjectContext
from localvision.summaries import freshness

MEASUREMENT_FIELDS = ("period", "value", "note", "source")
# Files this long are imported by a background job while the page shows progress.
BACKGROUND_FROM_ROWS = 2000
BATCH_SIZE = 5000
QUEUE_UNAVAILABLE = "The import could not be started just now. Nothing was saved: try again in a minute."
CHECK_UNAVAILABLE = "The file could not be checked just now. Nothing was saved: upload it again in a minute."
CHECK_STOPPED = "The check stopped before it finished, so nothing was saved. Upload the file again."

ProgressReport = Callable[[int, int], None]


def add_measurement(context: ProjectContext, indicator: Indicator, period: date, value: Decimal, note: str,
                    source: str) -> Measurement:
    """One value per indicator and period: a second is a correction of the first."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project add measurements.")
    existing = db.session.scalar(select(Measurement.id).where(Measurement.indicator_id == indicator.id,
                                                              Measurement.period == period))
    if existing is not None:
        raise Refused(f"There is already a value for {format_period(period)}: correct that value instead of adding "
                      f"another", field="period")
    measurement = Measurement(indicator=indicator, period=period, value=at_stored_scale(value), note=note.strip(),
                              source=source.strip(), entered_by=context.actor)
    db.session.add(measurement)
    events.record(EventKind.MEASUREMENT_ADDED, measurement, actor=context.actor, project=context.project,
                  label=f"{indicator.name}, {format_period(period)}",
                  after=events.snapshot(measurement, MEASUREMENT_FIELDS),
                  payload={"indicator_id": indicator.id, "period": period})
    db.session.commit()
    return measurement


def correct_measurement(context: ProjectContext, measurement: Measurement, value: Decimal, note: str,
                        source: str) -> MeasurementRevision | None:
    """Replace a measurement's value, note and source, keeping what they were as a revision.
    Returns the revision, or None when nothing changed (and nothing is written)."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project correct measurements.")
    value, note, source = at_stored_scale(value), note.strip(), source.strip()
    if (value, note, source) == (measurement.value, measurement.note, measurement.source):
        return None
    before = events.snapshot(measurement, MEASUREMENT_FIELDS)
    revision = MeasurementRevision(
        measurement=measurement, value=measurement.value, note=measurement.note, source=measurement.source,
        entered_by_id=measurement.entered_by_id, entered_at=measurement.entered_at, replaced_by=context.actor,
    )
    db.session.add(revision)
    measurement.value, measurement.note, measurement.source = value, note, source
    measurement.entered_by = context.actor
    measurement.entered_at = datetime.now(timezone.utc)
    old, new = events.changed_fields(before, events.snapshot(measurement, MEASUREMENT_FIELDS))
    events.record(EventKind.MEASUREMENT_CORRECTED, measurement, actor=context.actor, project=context.project,
                  label=f"{measurement.indicator.name}, {format_period(measurement.period)}", before=old, after=new,
                  payload={"indicator_id": measurement.indicator_id, "period": measurement.period})
    db.session.commit()
    return revision


# Importing a CSV file -------------------------------------------------------------


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


def _parse(project: Project, content: str, progress: Callable[[int], None] | None = None) -> ParsedFile:
    indicators = db.session.execute(select(Indicator.id, Indicator.name).where(Indicator.project_id == project.id)).all()
    return parse_measurements(
        content,
        {indicator_key(name): indicator_id for indicator_id, name in indicators},
        {indicator_id: name for indicator_id, name in indicators},
        progress,
    )


def _in_background(content: str) -> bool:
    return len(content) >= current_app.config["IMPORT_IN_BACKGROUND_FROM_CHARACTERS"]


def _stored_measurements(indicator_ids: set[int]) -> dict[tuple[int, date], Stored]:
    if not indicator_ids:
        return {}
    rows = db.session.execute(
        select(Measurement.indicator_id, Measurement.period, Measurement.id, Measurement.value, Measurement.note,
               Measurement.source, Measurement.entered_by_id, Measurement.entered_at)
        .where(Measurement.indicator_id.in_(indicator_ids))
    )
    return {(row[0], row[1]): Stored(*row[2:]) for row in rows}


def _plan(rows: Sequence[MeasurementRow]) -> Plan:
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


def _check(measurement_import: MeasurementImport, parsed: ParsedFile) -> Plan | None:
    measurement_import.row_count = parsed.row_count
    measurement_import.problems = [list(problem) for problem in parsed.problems]
    measurement_import.problem_count = parsed.problem_count
    if parsed.problems:
        measurement_import.status = ImportStatus.HAS_PROBLEMS
        return None
    planned = _plan(parsed.rows)
    measurement_import.new_count = len(planned.new)
    measurement_import.corrected_count = len(planned.corrections)
    measurement_import.unchanged_count = planned.unchanged
    return planned


def _digest(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()


def _batches(items: Sequence, size: int = BATCH_SIZE) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _apply_import(measurement_import: MeasurementImport, user: User, report: ProgressReport | None = None) -> bool:
    """Save every row, or none when the file has problems now (checked again, since
    indicators may have changed since the preview). The caller commits."""
    parsed = _parse(measurement_import.project, measurement_import.content)
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
                      label=f"{measurement_import.filename}: {import_summary(measurement_import)}",
                      after={"file": measurement_import.filename, "rows": measurement_import.row_count,
                             "new": measurement_import.new_count, "corrected": measurement_import.corrected_count,
                             "unchanged": measurement_import.unchanged_count,
                             "sha256": _digest(measurement_import.content)},
                      payload={"import_id": measurement_import.id,
                               "indicator_ids": sorted({row.indicator_id for row in planned.new}
                                                       | {row.indicator_id for row, _ in planned.corrections}),
                               "new": measurement_import.new_count,
                               "corrected": measurement_import.corrected_count})
    return True


def import_summary(measurement_import: MeasurementImport) -> str:
    def count(number: int, word: str) -> str:
        return f"{number:,} {word}" if number != 1 else f"1 {word.rstrip('s')}"

    return ", ".join([count(measurement_import.new_count, "new values"),
                      count(measurement_import.corrected_count, "corrections"),
                      count(measurement_import.unchanged_count, "unchanged rows")])


def check_import(context: ProjectContext, filename: str, content: bytes) -> MeasurementImport:
    """Keep an uploaded file with its preview: every problem by line, or what importing
    it would do. Nothing is imported yet. A long file is kept as it is and checked by a
    background job; its preview page shows the check's progress meanwhile."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project import measurements.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("The file must be a CSV file saved as UTF-8 text", field="file") from None
    measurement_import = MeasurementImport(
        project=context.project, uploaded_by=context.actor, filename=(filename or "upload.csv")[:255], content=text,
        row_count=0, status=ImportStatus.READY, problems=[], problem_count=0,
    )
    if not _in_background(text):
        _check(measurement_import, _parse(context.project, text))
        db.session.add(measurement_import)
        db.session.commit()
        return measurement_import
    measurement_import.status = ImportStatus.CHECKING
    db.session.add(measurement_import)
    db.session.flush()
    measurement_import.job_id = check_job_id_for(measurement_import.id)
    # Committed before queueing, so the job finds the file.
    db.session.commit()
    try:
        _queue_check(measurement_import)
    except Exception:
        # Nobody would ever check it: the file goes, and the person uploads it again.
        db.session.delete(measurement_import)
        db.session.commit()
        raise Refused(CHECK_UNAVAILABLE, field="file") from None
    return measurement_import


def run_queued_check(import_id: int, report: ProgressReport) -> ImportStatus | None:
    """The background job's check of a long file: the preview, as check_import makes it
    for a short one. None when the file is not waiting for a check."""
    measurement_import = db.session.get(MeasurementImport, import_id)
    if measurement_import is None or measurement_import.status != ImportStatus.CHECKING:
        return None
    # Lines, not rows: a quoted cell may span lines, so this is the most there can be.
    lines = measurement_import.content.count("\n") + 1
    try:
        _check(measurement_import, _parse(measurement_import.project, measurement_import.content,
                                          lambda read: report(read, lines)))
        if measurement_import.status == ImportStatus.CHECKING:
            measurement_import.status = ImportStatus.READY
        db.session.commit()
    except Exception:
        db.session.rollback()
        measurement_import = db.session.get(MeasurementImport, import_id)
        measurement_import.status = ImportStatus.FAILED
        measurement_import.problems = [[0, CHECK_STOPPED]]
        measurement_import.problem_count = 1
        db.session.commit()
        raise
    return measurement_import.status


def job_id_for(import_id: int) -> str:
    """One job per import: confirming twice cannot import the file twice."""
    return f"measurement-import-{import_id}"


def check_job_id_for(import_id: int) -> str:
    return f"measurement-check-{import_id}"


def _queue_check(measurement_import: MeasurementImport) -> None:
    from localvision.jobs.measurement_import import check_measurement_file

    jobs.enqueue(check_measurement_file, measurement_import.id, job_id=measurement_import.job_id)


def _queue_import(measurement_import: MeasurementImport, user: User) -> None:
    # Imported here, not above, because the job module calls back into this one.
    from localvision.jobs.measurement_import import import_measurements

    jobs.enqueue(import_measurements, measurement_import.id, user.id, job_id=measurement_import.job_id)


def confirm_import(context: ProjectContext, measurement_import: MeasurementImport) -> bool:
    """Import a checked file: now, or through a background job for files of
    BACKGROUND_FROM_ROWS rows or more, or long enough to be checked by one. True when the
    rows were saved now; otherwise the preview page tells where the import stands
    (queued, refused, or already done)."""
    if not policy.may_enter_measurements(context):
        raise NotPermitted("Only the people of the project import measurements.")
    if measurement_import.status != ImportStatus.READY:
        return False
    if measurement_import.row_count >= BACKGROUND_FROM_ROWS or _in_background(measurement_import.content):
        measurement_import.status = ImportStatus.QUEUED
        measurement_import.job_id = job_id_for(measurement_import.id)
        # Committed before queueing, so the job finds the import queued.
        db.session.commit()
        try:
            _queue_import(measurement_import, context.actor)
        except Exception:
            measurement_import.status = ImportStatus.READY
            db.session.commit()
            raise Refused(QUEUE_UNAVAILABLE) from None
        return False
    imported = _apply_import(measurement_import, context.actor)
    db.session.commit()
    return imported


def run_queued_import(import_id: int, user_id: int, report: ProgressReport) -> ImportStatus | None:
    """The background job's work: import a queued file, all rows or none. None when the
    import is not waiting for a job (already done, or never queued)."""
    measurement_import = db.session.get(MeasurementImport, import_id)
    if measurement_import is None or measurement_import.status != ImportStatus.QUEUED:
        return None
    try:
        _apply_import(measurement_import, db.session.get(User, user_id), report)
        db.session.commit()
    except Exception:
        db.session.rollback()
        measurement_import = db.session.get(MeasurementImport, import_id)
        measurement_import.status = ImportStatus.FAILED
        measurement_import.problems = [[0, "The import stopped before it finished, so nothing was saved. Try again."]]
        measurement_import.problem_count = 1
        db.session.commit()
        raise
    return measurement_import.status
