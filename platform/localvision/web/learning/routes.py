from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from localvision.domain.refusals import Refused
from localvision.models import LearningEntry
from localvision.permissions.policy import Access, ProjectContext, may_publish_learning
from localvision.queries import learning as queries
from localvision.queries.decisions import decisions_by_title
from localvision.queries.public import project_indicators
from localvision.services import learning as services
from localvision.web.context import project_context
from localvision.web.learning import blueprint
from localvision.web.learning.forms import LessonForm
from localvision.web.refusals import beside_field


def _load(context: ProjectContext, entry_id: int) -> LearningEntry:
    entry = queries.visible_lesson(context, entry_id)
    if entry is None:
        abort(404)
    return entry


def _form(context: ProjectContext, entry: LearningEntry | None = None) -> LessonForm:
    form = LessonForm(obj=entry) if entry is not None else LessonForm()
    form.set_links(decisions_by_title(context.project), project_indicators(context.project))
    if entry is not None and request.method == "GET":
        form.phase.data = entry.phase.value
        form.decision_ids.data = [d.id for d in entry.decisions]
        form.indicator_ids.data = [i.id for i in entry.indicators]
    return form


@blueprint.route("")
def index(slug: str):
    """The learning log for the project's people; "what we learned" for everyone else."""
    context = project_context(slug, Access.VIEWER)
    return render_template("learning/index.html", context=context, project=context.project,
                           phases=queries.by_phase(queries.lessons(context)),
                           may_publish=may_publish_learning(context))


def _save(context: ProjectContext, form: LessonForm, change, entry: LearningEntry | None = None):  # type: ignore[no-untyped-def]
    if form.validate_on_submit():
        try:
            saved = change()
        except Refused as refusal:
            if not beside_field(form, refusal):
                flash(refusal.message, "error")
        else:
            flash("Lesson saved" + ("" if saved.is_published else ". It stays in the project until a lead publishes it."),
                  "success")
            return redirect(url_for("learning.show", slug=context.project.slug, entry_id=saved.id))
    return render_template("learning/form.html", context=context, project=context.project, form=form, entry=entry)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = _form(context)
    if request.method == "GET":
        form.phase.data = context.project.phase.value if context.project.phase.value != "closed" else "deliver"
    return _save(context, form, lambda: services.add_lesson(context, form.details()))


@blueprint.route("/<int:entry_id>")
def show(slug: str, entry_id: int):
    context = project_context(slug, Access.VIEWER)
    return render_template("learning/show.html", context=context, project=context.project,
                           entry=_load(context, entry_id), may_publish=may_publish_learning(context))


@blueprint.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, entry_id: int):
    context = project_context(slug, Access.MEMBER)
    entry = _load(context, entry_id)
    form = _form(context, entry)
    return _save(context, form, lambda: services.update_lesson(context, entry, form.details()), entry)


@blueprint.route("/<int:entry_id>/publication", methods=["POST"])
@login_required
def publication(slug: str, entry_id: int):
    context = project_context(slug, Access.MEMBER)
    entry = _load(context, entry_id)
    publish = request.form.get("publish") == "1"
    services.set_lesson_publication(context, entry, publish)
    flash("Lesson published" + ("" if context.project.is_published else ": it will show once the project is published")
          if publish else "Lesson taken off the public page", "success")
    return redirect(url_for("learning.show", slug=slug, entry_id=entry.id))
