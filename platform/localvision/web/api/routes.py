from __future__ import annotations

from functools import lru_cache

from flask import Flask, abort, current_app, jsonify, request, url_for
from flask_sqlalchemy.pagination import Pagination

from localvision.extensions import csrf, db
from localvision.models import Project
from localvision.queries.contribution_figures import contribution_figures
from localvision.queries.health_checks import published_rounds
from localvision.queries.public import (
    data_version,
    partners_with_organisations,
    project_decisions,
    project_indicators,
    public_barrier_list,
    published_lesson_list,
    published_project,
    published_project_version,
    published_projects,
    search_lessons,
)
from localvision.queries.vision import agreed_vision
from localvision.web.api import blueprint, documents, schemas
from localvision.web.api.openapi import openapi_document
from localvision.web.api.operations import operation
from localvision.web.api.parameters import DecisionQuery, LessonQuery, Paging, ProjectAddress, ProjectQuery

# A read-only API takes no form posts, so there is no token to check.
csrf.exempt(blueprint)


@operation("/", "index", "Where to start: links to the resources", schemas.Index)
def index() -> schemas.Index:
    environ = request.environ
    address = tuple(environ.get(name) for name in ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT",
                                                   "SCRIPT_NAME"))
    return _index_at(current_app._get_current_object(), address)  # type: ignore[attr-defined]


# The index changes only with the address it was asked at (scheme, host and root), and
# building its links is most of its work: the last few are kept. They are told apart by the
# request's own values for those, which cost nothing to read, where the URL they make
# costs as much as one of the links.
@lru_cache(maxsize=16)
def _index_at(app: Flask, address: tuple[str | None, ...]) -> schemas.Index:
    return schemas.Index(
        name="Local Vision open data",
        version="1",
        links={
            "projects": url_for("api.projects", _external=True),
            "lessons": url_for("api.lessons", _external=True),
            "openapi": url_for("api.openapi", _external=True),
        },
        licence=documents.licence(),
    )


@blueprint.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _page(results: Pagination, paging: Paging, **url_arguments: str) -> dict:
    """A page's bounds, its links (which keep the list's filters) and the licence."""

    def page_link(number: int | None) -> str | None:
        if number is None:
            return None
        arguments = {key: values for key, values in request.args.lists() if key not in ("page", "per_page")}
        return url_for(request.endpoint, **url_arguments, **arguments, page=number, per_page=paging.per_page,
                       _external=True)

    page, last_page = paging.page, max(results.pages, 1)
    return dict(
        meta=schemas.PageMeta(page=page, per_page=paging.per_page, total=results.total, pages=results.pages),
        links=schemas.PageLinks(
            self=page_link(page),
            first=page_link(1),
            last=page_link(last_page),
            prev=page_link(page - 1 if 1 < page <= last_page + 1 else None),
            next=page_link(page + 1 if page < last_page else None),
        ),
        licence=documents.licence(),
    )


@operation("/projects", "listProjects", "Published projects, a page at a time", schemas.ProjectList,
           query=ProjectQuery, version_of=data_version)
def projects(query: ProjectQuery) -> schemas.ProjectList:
    results = db.paginate(published_projects(query.filters()), page=query.page, per_page=query.per_page,
                          error_out=False)
    return schemas.ProjectList(data=[documents.project_listing(project) for project in results.items],
                               **_page(results, query))


def _published_or_404(slug: str) -> Project:
    project = published_project(slug)
    if project is None:
        abort(404, description=ProjectAddress.not_found)
    return project


@operation("/projects/<slug>", "getProject", "One published project with its partners", schemas.Project,
           address=ProjectAddress, version_of=published_project_version)
def project(slug: str) -> schemas.Project:
    project = _published_or_404(slug)
    return documents.project_document(project, partners_with_organisations(project), agreed_vision(project))


@operation("/projects/<slug>/partners", "listPartners", "The partner organisations of a project",
           schemas.PartnerList, address=ProjectAddress, version_of=published_project_version)
def partners(slug: str) -> schemas.PartnerList:
    project = _published_or_404(slug)
    return schemas.PartnerList(data=documents.partners(partners_with_organisations(project)),
                               licence=documents.licence())


@operation("/projects/<slug>/vision", "getVision", "The shared vision the partners agreed", schemas.VisionDocument,
           address=ProjectAddress, version_of=published_project_version)
def vision(slug: str) -> schemas.VisionDocument:
    project = _published_or_404(slug)
    return schemas.VisionDocument(data=documents.vision(agreed_vision(project)), licence=documents.licence())


@operation("/projects/<slug>/decisions", "listDecisions",
           "A project's joint decisions with contributions and positions, newest first", schemas.DecisionList,
           address=ProjectAddress, query=DecisionQuery, version_of=published_project_version)
def decisions(slug: str, query: DecisionQuery) -> schemas.DecisionList:
    project = _published_or_404(slug)
    results = db.paginate(project_decisions(project, tuple(query.status)), page=query.page, per_page=query.per_page,
                          error_out=False)
    return schemas.DecisionList(data=[documents.decision(decision) for decision in results.items],
                                **_page(results, query, slug=slug))


@operation("/projects/<slug>/summary", "getContributionSummary",
           "A project's cross-boundary contribution summary, as last computed", schemas.ContributionSummaryDocument,
           address=ProjectAddress, version_of=published_project_version)
def summary(slug: str) -> schemas.ContributionSummaryDocument:
    project = _published_or_404(slug)
    return schemas.ContributionSummaryDocument(
        data=documents.contribution_summary(contribution_figures(project.id, is_member=False)),
        licence=documents.licence())


@operation("/projects/<slug>/indicators", "listIndicators",
           "A project's outcome indicators with their measurements", schemas.IndicatorList,
           address=ProjectAddress, version_of=published_project_version)
def indicators(slug: str) -> schemas.IndicatorList:
    project = _published_or_404(slug)
    return schemas.IndicatorList(data=[documents.indicator(item) for item in project_indicators(project)],
                                 licence=documents.licence())


@operation("/projects/<slug>/health-checks", "listHealthChecks",
           "A project's published health check rounds: aggregate figures only, every group of at least three answers",
           schemas.HealthCheckList, address=ProjectAddress, version_of=published_project_version)
def health_checks(slug: str) -> schemas.HealthCheckList:
    project = _published_or_404(slug)
    return schemas.HealthCheckList(data=[documents.health_check(item) for item in published_rounds(project)],
                                   licence=documents.licence())


@operation("/projects/<slug>/barriers", "listBarriers",
           "A project's barriers approved for its log, with the partnership's answers, newest first",
           schemas.BarrierList, address=ProjectAddress, version_of=published_project_version)
def barriers(slug: str) -> schemas.BarrierList:
    project = _published_or_404(slug)
    return schemas.BarrierList(data=[documents.barrier(item) for item in public_barrier_list(project)],
                               licence=documents.licence())


@operation("/projects/<slug>/learning", "listLessons", "A project's published lessons, by phase",
           schemas.LessonList, address=ProjectAddress, version_of=published_project_version)
def learning(slug: str) -> schemas.LessonList:
    project = _published_or_404(slug)
    return schemas.LessonList(data=[documents.lesson(entry) for entry in published_lesson_list(project)],
                              licence=documents.licence())


@operation("/learning", "searchLessons", "Published lessons of every published project, a page at a time",
           schemas.LessonSearchResults, query=LessonQuery, version_of=data_version)
def lessons(query: LessonQuery) -> schemas.LessonSearchResults:
    results = db.paginate(search_lessons(query.q), page=query.page, per_page=query.per_page, error_out=False)
    return schemas.LessonSearchResults(data=[documents.lesson(entry) for entry in results.items],
                                       **_page(results, query))
