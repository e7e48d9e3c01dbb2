"""RQ jobs of the partnership health check: a closed round's results, and the sweep that
closes rounds on their closing date and catches up results never computed."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select

from localvision import data_versions
from localvision.extensions import db
from localvision.jobs import job
from localvision.models import HealthCheckResult, HealthCheckRound
from localvision.queries.health_checks import round_figures
from localvision.services import health_checks

log = logging.getLogger(__name__)


@job(timeout=300, retries=(5, 30, 120))
def compute_health_check_results(round_id: int) -> None:
    health_check = db.session.get(HealthCheckRound, round_id)
    if health_check is None or not health_check.is_closed:
        return
    figures, comments = round_figures(round_id)
    result = db.session.get(HealthCheckResult, round_id) or HealthCheckResult(round_id=round_id)
    result.figures = {**figures, "comments": comments}
    result.computed_at = datetime.now(timezone.utc)
    db.session.add(result)
    data_versions.note_change(db.session, health_check.project_id)
    db.session.commit()
    log.info("health check results computed for round %s", round_id)


@job(timeout=180)
def sweep_health_checks() -> int:
    """Close rounds past their closing date and queue results missing for closed rounds.
    Returns how many results were queued."""
    health_checks.close_rounds_past_their_closing_date()
    missing = db.session.scalars(
        select(HealthCheckRound.id).outerjoin(HealthCheckResult)
        .where(HealthCheckRound.closed_at.is_not(None), HealthCheckResult.round_id.is_(None))).all()
    for round_id in missing:
        health_checks.request_results(round_id)
    return len(missing)
