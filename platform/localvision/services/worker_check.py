"""A job that only proves a worker picks work up and answers: the operators' check of the queue."""
from __future__ import annotations

import os
import socket
from datetime import datetime, timezone

from rq import get_current_job
from sqlalchemy import text

from localvision.extensions import db
from localvision.job_queue import job


@job(timeout=30, result_ttl=600)
def round_trip(sent_at: str) -> dict[str, str]:
    current_job = get_current_job()
    db.session.execute(text("SELECT 1"))
    return {
        "sent_at": sent_at,
        "answered_at": datetime.now(timezone.utc).isoformat(),
        "worker": current_job.worker_name if current_job is not None and current_job.worker_name else f"{socket.gethostname()}:{os.getpid()}",
    }
