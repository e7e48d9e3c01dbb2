from __future__ import annotations

from flask import current_app, render_template, request, url_for

from localvision.extensions import db
from localvision.web.http_caching import revalidated
from localvision.web.input_bounds import PAGE_MAX, query_number
from localvision.queries.public import data_version, published_places, published_projects, search_lessons
from localvision.web.public import blueprint
from localvision.web.public.forms import DirectorySearchForm, LessonSearchForm

DIRECTORY_PAGE_SIZE = 20


def _whole_site_version() -> str:
    return data_version()


def _page_url(page: int) -> str:
    arguments = {key: values for key, values in request.args.lists() if key != "page"}
    return url_for("public.directory", **arguments, page=page)


@blueprint.route("/projects")
@revalidated(_whole_site_version)
def directory():
    form = DirectorySearchForm(formdata=request.args)
    places = published_places()
    chosen_place = request.args.get("place", "")
    form.set_places(places if not chosen_place or chosen_place in places else places + [chosen_place])
    results = None
    if form.validate():
        results = db.paginate(
            published_projects(form.filters()),
            page=query_number("page", 1, PAGE_MAX),
            per_page=DIRECTORY_PAGE_SIZE,
            error_out=False,
        )
    searched = any(request.args.get(key) for key in ("q", "sector", "phase", "place"))
    return render_template("public/directory.html", form=form, results=results, searched=searched,
                           page_url=_page_url)


@blueprint.route("/learning")
@revalidated(_whole_site_version)
def learning():
    """Lessons published by every published partnership, searchable, so the next
    partnership can start from them."""
    form = LessonSearchForm(formdata=request.args)
    results = None
    if form.validate():
        results = db.paginate(search_lessons(form.q.data or ""), page=query_number("page", 1, PAGE_MAX),
                              per_page=DIRECTORY_PAGE_SIZE, error_out=False)
    return render_template("public/learning.html", form=form, results=results, searched=bool(request.args.get("q")),
                           page_url=lambda page: url_for("public.learning", q=request.args.get("q", ""), page=page))


@blueprint.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html", contact_email=current_app.config["ACCESSIBILITY_CONTACT_EMAIL"])
