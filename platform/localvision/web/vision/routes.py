from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from localvision.domain.refusals import Refused
from localvision.domain.vision import word_diff
from localvision.domain.vocabulary import Stance
from localvision.domain.wording import possessive
from localvision.models import Project, VisionPosition, VisionVersion
from localvision.permissions import policy
from localvision.permissions.policy import Access, ProjectContext
from localvision.queries.vision import (
    VisionState,
    current_position_rows,
    latest_version,
    representative_names,
    version_numbered,
    versions_of,
    vision_state,
)
from localvision.services import vision as vision_services
from localvision.services.vision import WordingMovedOn
from localvision.web.context import project_context
from localvision.web.input_bounds import DATABASE_INTEGER_MAX, query_number
from localvision.web.vision import blueprint
from localvision.web.vision.forms import CommentForm, PositionForm, VersionForm


def _version(project: Project, number: int) -> VisionVersion:
    version = version_numbered(project, number)
    if version is None:
        abort(404)
    return version


def _position_form(state: VisionState, form: PositionForm | None = None) -> PositionForm:
    form = form or PositionForm(formdata=None)
    if state.latest is not None:
        form.version_number.data = state.latest.number
    return form


def _render_endorsements(context: ProjectContext, form: PositionForm | None = None, status: int = 200,
                         recorded: VisionPosition | None = None):
    state = vision_state(context.project)
    template = "vision/_endorsements.html" if request.htmx else "vision/show.html"
    return render_template(
        template,
        context=context,
        project=context.project,
        state=state,
        position_form=_position_form(state, form),
        may_record=policy.may_record_position(context),
        representatives=representative_names(context.project, context.actor.organisation_id),
        recorded=recorded,
    ), status


@blueprint.route("")
@login_required
def show(slug: str):
    return _render_endorsements(project_context(slug, Access.MEMBER))


@blueprint.route("/positions", methods=["POST"])
@login_required
def record_position(slug: str):
    context = project_context(slug, Access.MEMBER)
    if latest_version(context.project) is None:
        abort(404, "There is no wording of the vision to take a position on yet.")
    form = PositionForm()
    # htmx only swaps successful answers in, so a refused form comes back as 200 there.
    if not form.validate_on_submit():
        return _render_endorsements(context, form, status=200 if request.htmx else 400)
    try:
        position = vision_services.record_position(context, form.version_number.data, Stance(form.stance.data),
                                                   form.comment.data or "")
    except Refused as refusal:
        form[refusal.field or "version_number"].errors = [refusal.message]
        stale = refusal.field == "version_number"
        return _render_endorsements(context, form, status=200 if request.htmx else 409 if stale else 400)
    if request.htmx:
        return _render_endorsements(context, recorded=position)
    flash(f"{possessive(context.actor.organisation.name)} position on version {position.version.number} is recorded: "
          f"{position.stance.label.lower()}", "success")
    return redirect(url_for("vision.show", slug=slug))


def _render_conflict(context: ProjectContext, form: VersionForm, conflict: WordingMovedOn):
    """The wording moved on while this person edited: show what others changed, keep their text."""
    latest = conflict.latest
    form.based_on.data = str(latest.number)
    return render_template(
        "vision/conflict.html",
        context=context,
        project=context.project,
        form=form,
        base=conflict.base,
        latest=latest,
        proposed_since=conflict.proposed_since,
        their_changes=word_diff(conflict.base.text if conflict.base else "", latest.text),
        your_changes=word_diff(latest.text, form.text.data or ""),
    ), 409


@blueprint.route("/propose", methods=["GET", "POST"])
@login_required
def propose(slug: str):
    context = project_context(slug, Access.MEMBER)
    latest = latest_version(context.project)
    form = VersionForm()
    if request.method == "GET" and latest is not None:
        form.text.data = latest.text
        form.based_on.data = str(latest.number)
    if form.validate_on_submit():
        try:
            version = vision_services.propose_version(context, form.text.data, form.change_note.data,
                                                      form.based_on_number())
        except WordingMovedOn as conflict:
            return _render_conflict(context, form, conflict)
        except Refused as refusal:
            form[refusal.field or "text"].errors = [refusal.message]
        else:
            flash(f"Version {version.number} proposed. Every partner now needs to record its position on it.",
                  "success")
            return redirect(url_for("vision.show", slug=slug))
    return render_template("vision/propose.html", context=context, project=context.project, form=form,
                           latest=latest), 400 if form.errors else 200


@blueprint.route("/history")
@login_required
def history(slug: str):
    context = project_context(slug, Access.MEMBER)
    state = vision_state(context.project)
    return render_template("vision/history.html", context=context, project=context.project, state=state)


def _render_version(context: ProjectContext, version: VisionVersion, form: CommentForm, status: int = 200):
    return render_template(
        "vision/version.html",
        context=context,
        project=context.project,
        version=version,
        latest=latest_version(context.project),
        current_positions=current_position_rows(version),
        form=form,
    ), status


@blueprint.route("/versions/<int:number>")
@login_required
def version(slug: str, number: int):
    context = project_context(slug, Access.MEMBER)
    return _render_version(context, _version(context.project, number), CommentForm(formdata=None))


@blueprint.route("/versions/<int:number>/comments", methods=["POST"])
@login_required
def comment(slug: str, number: int):
    context = project_context(slug, Access.MEMBER)
    version = _version(context.project, number)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            vision_services.comment_on_version(context, version, form.text.data)
        except Refused as refusal:
            form.text.errors = [refusal.message]
        else:
            flash("Your comment is added", "success")
            return redirect(url_for("vision.version", slug=slug, number=number, _anchor="comments"))
    return _render_version(context, version, form, status=400)


@blueprint.route("/compare")
@login_required
def compare(slug: str):
    context = project_context(slug, Access.MEMBER)
    latest = latest_version(context.project)
    if latest is None:
        abort(404)
    new = _version(context.project, query_number("to", latest.number, DATABASE_INTEGER_MAX))
    old = _version(context.project, query_number("from", max(new.number - 1, 1), DATABASE_INTEGER_MAX))
    template = "vision/_comparison.html" if request.htmx else "vision/compare.html"
    return render_template(template, context=context, project=context.project, old=old, new=new,
                           versions=versions_of(context.project), runs=word_diff(old.text, new.text))
