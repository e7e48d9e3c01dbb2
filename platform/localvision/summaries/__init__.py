"""Cross-boundary contribution summaries: what they contain (``figures``) and when they are
recomputed (``freshness``). The RQ jobs that run them live in ``localvision.jobs.summaries``."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import inspect, select

from localvision.models import Project, ProjectPartner
from localvision.models.actions import Action
from localvision.models.decisions import Contribution, Decision, Position
from localvision.summaries import freshness


def _project_of_decision_part(row: Any) -> int | None:
    decision = row.__dict__.get("decision")
    if decision is not None:
        return decision.project_id
    return inspect(row).session.connection().scalar(select(Decision.project_id).where(Decision.id == row.decision_id))


def init_app(app: Flask) -> None:
    freshness.watch(Project, lambda project: project.id)
    freshness.watch(ProjectPartner, lambda partner: partner.project_id)
    freshness.watch(Decision, lambda decision: decision.project_id)
    for model in (Contribution, Position, Action):
        freshness.watch(model, _project_of_decision_part)
    freshness.install()
