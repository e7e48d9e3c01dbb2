from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Response, abort, jsonify, request, url_for
from flask_sqlalchemy.pagination import Pagination
from localvision.domain.vocabulary import LabelledEnum
from localvision.extensions import csrf, db
from localvision.models import DecisionStatus, Phase, Project, ProjectSummary, Sector
from localvision.published import (
    ProjectFilters,
    data_version,
    open_data_licence,
    partners_with_organisations,
    project_decisions,
    project_indicators,
    published_project,
    published_project_version,
    published_projects,
)
from localvision.web.http_caching import revalidated
from localvision.web.api import blueprint, documents
from localvision.web.api.openapi import openapi_document
from localvision.web.vision.state import agreed_vision

PER_PAGE_DEFAULT = 20
PER_PAGE_MAX = 100
# Far beyond any real directory, and small enough for every database's OFFSET.
PAGE_MAX = 10_000
WORDS_MAX = 200
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

# A read-only API takes no form posts, so there is no token to check.
csrf.exempt(blueprint)


def _bounded_number(name: str, default: int, highest: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or not 1 <= int(raw) <= highest:
        abort(400, description=f"{name} must be a whole number from 1 to {highest:,}")
    return int(raw)


def _known_values(name: str, kind: type[LabelledEnum]) -> tuple:
    values = request.args.getlist(name)
    known = {member.value: member for member in kind}
    unknown = [value for value in values if value not in known]
    if unknown:
        abort(400, description=f"{name} must be one of: {', '.join(known)}")
    return tuple(known[value] for value in values)


def _bounded_text(name: str) -> str:
    value = request.args.get(name, "")
    if len(value) > WORDS_MAX:
        abort(400, description=f"{name} must be {WORDS_MAX} characters or fewer")
    return value


@dataclass(frozen=True)
class ListRequest:
    page: int
    per_page: int
    filters: ProjectFilters


def _list_request() -> ListRequest:
    return ListRequest(
        page=_bounded_number("page", 1, PAGE_MAX),
        per_page=_bounded_number("per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX),
        filters=ProjectFilters(
            words=_bounded_text("q"),
            sectors=_known_values("sector", Sector),
            phases=_known_values("phase", Phase),
            place=_bounded_text("place"),
        ),
    )


def _list_version() -> int:
    # Parameters are checked before any 304: a bad one gets its 400 whatever is cached.
    _list_request()
    return data_version()


@blueprint.route("/")
def index():
    return jsonify(
        name="Local Vision open data",
        version="1",
        links={
            "projects": url_for("api.projects", _external=True),
            "openapi": url_for("api.openapi", _external=True),
        },
        licence=open_data_licence(),
    )


@blueprint.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _page_of(items: list[dict], results: Pagination, page: int, per_page: int, **url_arguments: str) -> Response:
    """A page of a list with its bounds and links; links keep the list's filters."""

    def page_link(number: int | None) -> str | None:
        if number is None:
            return None
        arguments = {key: values for key, values in request.args.lists() if key not in ("page", "per_page")}
        return url_for(request.endpoint, **url_arguments, **arguments, page=number, per_page=per_page, _external=True)

    last_page = max(results.pages, 1)
    return jsonify(
        data=items,
        meta={"page": page, "per_page": per_page, "total": results.total, "pages": results.pages},
        links={
            "self": page_link(page),
            "first": page_link(1),
            "last": page_link(last_page),
            "prev": page_link(page - 1 if 1 < page <= last_page + 1 else None),
            "next": page_link(page + 1 if page < last_page else None),
        },
        licence=open_data_licence(),
    )


@blueprint.route("/projects")
@revalidated(_list_version)
def projects():
    asked = _list_request()
    results = db.paginate(published_projects(asked.filters), page=asked.page, per_page=asked.per_page, error_out=False)
    return _page_of([documents.project_summary(project) for project in results.items], results, asked.page,
                    asked.per_page)


def _published_or_404(slug: str) -> Project:
    project = published_project(slug)
    if project is None:
        abort(404, description="There is no published project with that slug")
    return project


@blueprint.route("/projects/<slug>")
@revalidated(published_project_version)
def project(slug: str):
    project = _published_or_404(slug)
    return jsonify(documents.project_document(project, partners_with_organisations(project), agreed_vision(project)))


@blueprint.route("/projects/<slug>/partners")
@revalidated(published_project_version)
def partners(slug: str):
    project = _published_or_404(slug)
    return jsonify(data=documents.partners(partners_with_organisations(project)), licence=open_data_licence())


@blueprint.route("/projects/<slug>/vision")
@revalidated(published_project_version)
def vision(slug: str):
    project = _published_or_404(slug)
    return jsonify(data=documents.vision(agreed_vision(project)), licence=open_data_licence())


def _decisions_version(slug: str) -> int | None:
    # Parameters are checked before any 304, as for the list of projects.
    _decisions_request()
    return published_project_version(slug)


def _decisions_request() -> tuple[int, int, tuple[DecisionStatus, ...]]:
    return (_bounded_number("page", 1, PAGE_MAX), _bounded_number("per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX),
            _known_values("status", DecisionStatus))


@blueprint.route("/projects/<slug>/decisions")
@revalidated(_decisions_version)
def decisions(slug: str):
    page, per_page, statuses = _decisions_request()
    project = _published_or_404(slug)
    results = db.paginate(project_decisions(project, statuses), page=page, per_page=per_page, error_out=False)
    return _page_of([documents.decision(decision) for decision in results.items], results, page, per_page, slug=slug)


@blueprint.route("/projects/<slug>/summary")
@revalidated(published_project_version)
def summary(slug: str):
    project = _published_or_404(slug)
    return jsonify(data=documents.contribution_summary(db.session.get(ProjectSummary, project.id)),
                   licence=open_data_licence())


@blueprint.route("/projects/<slug>/indicators")
@revalidated(published_project_version)
def indicators(slug: str):
    project = _published_or_404(slug)
    return jsonify(data=[documents.indicator(item) for item in project_indicators(project)], licence=open_data_licence())
