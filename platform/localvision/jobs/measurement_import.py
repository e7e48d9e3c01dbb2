"""The background job that imports a large CSV of measurements, all rows or none."""
from __future__ import annotations

import logging

from rq import get_current_job

from localvision.extensions import db
from localvision.jobs import job
from localvision.measurement_import import apply_import
from localvision.models import ImportStatus, MeasurementImport, User

log = logging.getLogger(__name__)


def job_id_for(import_id: int) -> str:
    """One job per import: confirming twice cannot import the file twice."""
    return f"measurement-import-{import_id}"


# The import page reads the finished job's status for an hour after it ends.
@job(timeout=600, result_ttl=3600)
def import_measurements(import_id: int, user_id: int) -> str:
    current_job = get_current_job()

    def report(done: int, total: int) -> None:
        if current_job is not None:
            current_job.meta.update({"rows_done": done, "rows_total": total})
            current_job.save_meta()

    measurement_import = db.session.get(MeasurementImport, import_id)
    if measurement_import is None or measurement_import.status != ImportStatus.QUEUED:
        return "nothing to do"
    try:
        imported = apply_import(measurement_import, db.session.get(User, user_id), report)
        db.session.commit()
    except Exception:
        log.exception("job %s: measurement import %s failed; nothing was saved", job_id_for(import_id), import_id)
        db.session.rollback()
        measurement_import = db.session.get(MeasurementImport, import_id)
        measurement_import.status = ImportStatus.FAILED
        measurement_import.problems = [[0, "The import stopped before it finished, so nothing was saved. Try again."]]
        db.session.commit()
        raise
    log.info("job %s: measurement import %s %s", job_id_for(import_id), import_id, "saved" if imported else "refused")
    return measurement_import.status.value
