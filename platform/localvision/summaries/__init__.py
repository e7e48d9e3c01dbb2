"""Cross-boundary contribution summaries: what they contain (``figures``), the running totals
they read (``totals``, kept by ``on_flush``, checked by ``drift``), when they go stale
(``freshness``) and the jobs that recompute them (``recompute``)."""
from __future__ import annotations

from typing import Any, Callable

from flask import Flask
from sqlalchemy import inspect, select

from localvision.models import (
    DecisionIndicator,
    Indicator,
    Measurement,
    Project,
    ProjectPartner,
    VisionPosition,
    VisionVersion,
)
from localvision.models.actions import Action
from localvision.models.decisions import Contribution, Decision, Position
from localvision.summaries import freshness


def _project_via(parent: str, parent_model: type, foreign_key: str) -> Callable[[Any], int | None]:
    """The project of a row that hangs off a decision, an indicator or a vision version."""

    def project_of(row: Any) -> int | None:
        loaded = row.__dict__.get(parent)
        if loaded is not None:
            return loaded.project_id
        return inspect(row).session.connection().scalar(
            select(parent_model.project_id).where(parent_model.id == getattr(row, foreign_key)))

    return project_of


def init_app(app: Flask) -> None:
    freshness.watch(Project, lambda project: project.id)
    freshness.watch(ProjectPartner, lambda partner: partner.project_id)
    freshness.watch(Decision, lambda decision: decision.project_id)
    for model in (Contribution, Position, Action, DecisionIndicator):
        freshness.watch(model, _project_via("decision", Decision, "decision_id"))
    freshness.watch(Indicator, lambda indicator: indicator.project_id)
    freshness.watch(Measurement, _project_via("indicator", Indicator, "indicator_id"))
    freshness.watch(VisionVersion, lambda version: version.project_id)
    freshness.watch(VisionPosition, _project_via("version", VisionVersion, "version_id"))
