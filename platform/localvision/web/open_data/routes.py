"""Downloads of a project's data: CSV files and a 360Giving data package."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, jsonify

from localvision.permissions.policy import Access
from localvision.queries import barriers as barrier_queries
from localvision.queries import learning as learning_queries
from localvision.queries.public import (
    agreed_grants,
    project_contributions,
    project_indicators,
    published_project_version,
)
from localvision.web.context import project_context
from localvision.web.csv_safety import csv_text
from localvision.web.exact_values import measured
from localvision.web.http_caching import revalidated
from localvision.web.open_data import blueprint
from localvision.web.open_data.threesixtygiving import data_package


def _csv(rows: str, filename: str) -> Response:
    return Response(rows, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.route("/contributions.csv")
@revalidated(published_project_version)
def contributions(slug: str):
    """Every contribution to the project's decisions; the public does not see those of
    commercially sensitive decisions, whose amounts are the partnership's alone."""
    context = project_context(slug, Access.VIEWER)
    header = ["Decision", "Decision title", "Decision status", "Organisation", "Sector", "Kind", "Value (£)",
              "Hours", "Hourly cost (£)", "Description", "Recorded on"]
    rows = [
        [c.decision_id, c.decision.title, c.decision.status.label, c.organisation.name, c.organisation.sector.label,
         c.kind.label, c.amount, c.hours or "", c.hourly_cost or "", c.description, c.recorded_at.date().isoformat()]
        for c in project_contributions(context.project, context.is_member)
    ]
    return _csv(csv_text(header, rows), f"{slug}-contributions.csv")


@blueprint.route("/measurements.csv")
@revalidated(published_project_version)
def measurements(slug: str):
    context = project_context(slug, Access.VIEWER)
    header = ["Indicator", "Unit", "Higher or lower is better", "Period", "Value", "Source", "Note"]
    rows = [
        [indicator.name, indicator.unit.label, indicator.direction.label, m.period.isoformat(), measured(m.value),
         m.source, m.note]
        for indicator in project_indicators(context.project)
        for m in indicator.measurements
    ]
    return _csv(csv_text(header, rows), f"{slug}-measurements.csv")


@blueprint.route("/360giving.json")
@revalidated(published_project_version)
def threesixtygiving(slug: str):
    context = project_context(slug, Access.VIEWER)
    grants = agreed_grants(context.project)
    if not grants:
        abort(404, description="This project has no agreed decision giving cash to a named recipient yet")
    response = jsonify(data_package(context.project, grants, date.today()))
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-360giving.json"'
    return response


@blueprint.route("/barriers.csv")
@revalidated(published_project_version)
def barriers(slug: str):
    """Approved barriers with their status, owner and times; never who raised them."""
    context = project_context(slug, Access.VIEWER)
    return _csv(csv_text(barrier_queries.CSV_HEADER, barrier_queries.csv_rows(context.project)), f"{slug}-barriers.csv")


@blueprint.route("/learning.csv")
@revalidated(published_project_version)
def learning(slug: str):
    """Published lessons only, for the project's people too: the file is open data."""
    context = project_context(slug, Access.VIEWER)
    return _csv(csv_text(learning_queries.CSV_HEADER, learning_queries.csv_rows(context)), f"{slug}-learning.csv")
