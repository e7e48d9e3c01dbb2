"""Importing a CSV file of measurements: checked first (the preview saves nothing), then
every row saved or none. A long file is checked and imported by background jobs, never
parsed while a request waits. A row whose indicator and period already hold the same value
changes nothing, so importing the same file twice changes nothing; a different value is a
correction, as if someone corrected it by hand.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Callable, Iterator, Sequence

from flask import current_app
from rq import get_current_job
from sqlalchemy import insert, select, update

from localvision import job_queue
from localvision.domain.measurement_imports import MeasurementRow, ParsedFile, indicator_key, parse_measurements
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind, ImportStatus
from localvision.extensions import db
from localvision.job_queue import job
from localvision.models import Indicator, Measurement, MeasurementImport, MeasurementRevision, Project, User
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import events
from localvision.summaries import freshness

log = logging.getLogger(__name__)

# Files this long are imported by a background job while the page shows progress.
BACKGROUND_FROM_ROWS = 2000
BATCH_SIZE = 5000
QUEUE_UNAVAILABLE = "The import could not be started just now. Nothing was saved: try again in a minute."
CHECK_UNAVAILABLE = "The file could not be checked just now. Nothing was saved: upload it again in a minute."
CHECK_STOPPED = "The check stopped before it finished, so nothing was saved. Upload the file again."

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
                      label=f"{measurement_import.filename}: {import_report(measurement_import)}",
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


def import_report(measurement_import: MeasurementImport) -> str:
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
    job_queue.enqueue(check_measurement_file, measurement_import.id, job_id=measurement_import.job_id)


def _queue_import(measurement_import: MeasurementImport, user: User) -> None:
    job_queue.enqueue(import_measurements, measurement_import.id, user.id, job_id=measurement_import.job_id)


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


def _report_progress(done: int, total: int) -> None:
    """Read by the preview page from the job's metadata in Redis."""
    current_job = get_current_job()
    if current_job is not None:
        current_job.meta.update({"rows_done": done, "rows_total": total})
        current_job.save_meta()


# The preview page reads the finished job's status for an hour after it ends.
@job(timeout=600, result_ttl=3600)
def check_measurement_file(import_id: int) -> str:
    try:
        status = run_queued_check(import_id, _report_progress)
    except Exception:
        log.exception("job %s: checking measurement file %s failed; nothing was saved",
                      check_job_id_for(import_id), import_id)
        raise
    return "nothing to do" if status is None else status.value


@job(timeout=600, result_ttl=3600)
def import_measurements(import_id: int, user_id: int) -> str:
    job_id = job_id_for(import_id)

    try:
        status = run_queued_import(import_id, user_id, _report_progress)
    except Exception:
        log.exception("job %s: measurement import %s failed; nothing was saved", job_id, import_id)
        raise
    if status is None:
        return "nothing to do"
    log.info("job %s: measurement import %s %s", job_id, import_id, "saved" if status == ImportStatus.IMPORTED else "refused")
    return status.value
