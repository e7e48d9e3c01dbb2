"""The background job that imports a large CSV of measurements, all rows or none."""
from __future__ import annotations

import logging

from rq import get_current_job

from localvision.jobs import job
from localvision.models import ImportStatus
from localvision.services import measurements

log = logging.getLogger(__name__)


# The import page reads the finished job's status for an hour after it ends.
@job(timeout=600, result_ttl=3600)
def import_measurements(import_id: int, user_id: int) -> str:
    current_job = get_current_job()
    job_id = measurements.job_id_for(import_id)

    def report(done: int, total: int) -> None:
        if current_job is not None:
            current_job.meta.update({"rows_done": done, "rows_total": total})
            current_job.save_meta()

    try:
        status = measurements.run_queued_import(import_id, user_id, report)
    except Exception:
        log.exception("job %s: measurement import %s failed; nothing was saved", job_id, import_id)
        raise
    if status is None:
        return "nothing to do"
    log.info("job %s: measurement import %s %s", job_id, import_id, "saved" if status == ImportStatus.IMPORTED else "refused")
    return status.value
