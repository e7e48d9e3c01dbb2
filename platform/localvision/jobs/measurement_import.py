"""The background jobs that check a long CSV of measurements and import a large one, all
rows or none."""
from __future__ import annotations

import logging

from rq import get_current_job

from localvision.jobs import job
from localvision.models import ImportStatus
from localvision.services import measurements

log = logging.getLogger(__name__)


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
        status = measurements.run_queued_check(import_id, _report_progress)
    except Exception:
        log.exception("job %s: checking measurement file %s failed; nothing was saved",
                      measurements.check_job_id_for(import_id), import_id)
        raise
    return "nothing to do" if status is None else status.value


@job(timeout=600, result_ttl=3600)
def import_measurements(import_id: int, user_id: int) -> str:
    job_id = measurements.job_id_for(import_id)

    try:
        status = measurements.run_queued_import(import_id, user_id, _report_progress)
    except Exception:
        log.exception("job %s: measurement import %s failed; nothing was saved", job_id, import_id)
        raise
    if status is None:
        return "nothing to do"
    log.info("job %s: measurement import %s %s", job_id, import_id, "saved" if status == ImportStatus.IMPORTED else "refused")
    return status.value
