from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from localvision.services import events
from localvision.services.events import EventKind
from localvision.services.policy import Access, ProjectContext, speaks_for_organisation
from localvision.web.context import project_context
from localvision.domain.vision import word_diff
from localvision.extensions import db
from localvision.models import Project, Stance, VisionComment, VisionPosition, VisionVersion
from localvision.web.vision import blueprint
from localvision.web.vision.forms import CommentForm, PositionForm, VersionForm
from localvision.web.vision.state import (
    VisionState,
    current_position_rows,
    latest_version,
    versions_of,
    vision_state,
)


def _version(project: Project, number: int) -> VisionVersion:
    version = db.session.scalar(
        select(VisionVersion).where(VisionVersion.project_id == project.id, VisionVersion.number == number)
    )
    if version is None:
        abort(404)
    return version


def _is_partner(project: Project) -> bool:
    return any(partner.organisation_id == current_user.organisation_id for partner in project.partners)


def _may_record_position(context: ProjectContext) -> bool:
    return _is_partner(context.project) and speaks_for_organisation(context.membership)


def _representatives(context: ProjectContext) -> list[str]:
    return sorted(
        m.user.name for m in context.project.memberships
        if m.is_representative and m.user.organisation_id == current_user.organisation_id
    )


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
        may_record=_may_record_position(context),
        representatives=_representatives(context),
        recorded=recorded,
    ), status


@blueprint.route("")
@login_required
def show(slug: str):
    return _render_endorsements(project_context(slug, Access.MEMBER))


POSITION_FIELDS = ("stance", "comment")


@blueprint.route("/positions", methods=["POST"])
@login_required
def record_position(slug: str):
    context = project_context(slug, Access.MEMBER)
    if not _may_record_position(context):
        abort(403, "Only your organisation's named representatives record its position on the vision.")
    project = context.project
    if latest_version(project) is None:
        abort(404, "There is no wording of the vision to take a position on yet.")
    form = PositionForm()
    # htmx only swaps successful answers in, so a refused form comes back as 200 there.
    refused = 200 if request.htmx else 400
    if not form.validate_on_submit():
        return _render_endorsements(context, form, status=refused)
    latest = latest_version(project)
    if form.version_number.data != latest.number:
        form.version_number.errors = ["A new version was proposed while you were reading. Read it, then record your position on it."]
        return _render_endorsements(context, form, status=200 if request.htmx else 409)
    stance = Stance(form.stance.data)
    previous = current_position_rows(latest).get(current_user.organisation_id)
    position = VisionPosition(version=latest, organisation_id=current_user.organisation_id, stance=stance,
                              comment=(form.comment.data or "").strip(), recorded_by=current_user)
    db.session.add(position)
    organisation = current_user.organisation.name
    events.record(EventKind.VISION_POSITION_RECORDED, position, actor=current_user, project=project,
                 label=f"{organisation}: {stance.label.lower()} version {latest.number} of the vision",
                 before=events.snapshot(previous, POSITION_FIELDS) if previous else None,
                 after={"version": latest.number, **events.snapshot(position, POSITION_FIELDS)})
    db.session.commit()
    if request.htmx:
        return _render_endorsements(context, recorded=position)
    flash(f"{organisation}'s position on version {latest.number} is recorded: {stance.label.lower()}", "success")
    return redirect(url_for("vision.show", slug=slug))


def _render_conflict(context: ProjectContext, form: VersionForm, latest: VisionVersion):
    """The wording moved on while this person edited: show what others changed, keep their text."""
    based_on = form.based_on_number()
    base = db.session.scalar(
        select(VisionVersion).where(VisionVersion.project_id == context.project.id, VisionVersion.number == based_on)
    ) if based_on else None
    proposed_since = db.session.scalars(
        select(VisionVersion)
        .where(VisionVersion.project_id == context.project.id, VisionVersion.number > (based_on or 0))
        .order_by(VisionVersion.number)
    ).all()
    form.based_on.data = str(latest.number)
    return render_template(
        "vision/conflict.html",
        context=context,
        project=context.project,
        form=form,
        base=base,
        latest=latest,
        proposed_since=proposed_since,
        their_changes=word_diff(base.text if base else "", latest.text),
        your_changes=word_diff(latest.text, form.text.data or ""),
    ), 409


@blueprint.route("/propose", methods=["GET", "POST"])
@login_required
def propose(slug: str):
    context = project_context(slug, Access.MEMBER)
    project = context.project
    latest = latest_version(project)
    form = VersionForm()
    if request.method == "GET" and latest is not None:
        form.text.data = latest.text
        form.based_on.data = str(latest.number)
    if form.validate_on_submit():
        if latest is not None and form.based_on_number() != latest.number:
            return _render_conflict(context, form, latest)
        text = form.text.data.strip()
        if latest is not None and text == latest.text:
            form.text.errors = [f"This is the wording of version {latest.number}: change it before proposing a new version"]
        else:
            version = VisionVersion(project=project, number=(latest.number if latest else 0) + 1, text=text,
                                    change_note=form.change_note.data.strip(), author=current_user,
                                    organisation_id=current_user.organisation_id, based_on=latest)
            db.session.add(version)
            try:
                db.session.flush()
            except IntegrityError:
                # Someone saved the same next number a moment earlier: theirs stands, this becomes a conflict.
                db.session.rollback()
                return _render_conflict(context, form, latest_version(project))
            events.record(EventKind.VISION_PROPOSED, version, actor=current_user, project=project,
                         label=f"Version {version.number} of the vision: {version.change_note}",
                         after={"number": version.number, "based_on": latest.number if latest else None,
                                "change_note": version.change_note, "text": version.text})
            db.session.commit()
            flash(f"Version {version.number} proposed. Every partner now needs to record its position on it.", "success")
            return redirect(url_for("vision.show", slug=slug))
    return render_template("vision/propose.html", context=context, project=project, form=form, latest=latest), (
        400 if form.errors else 200
    )


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
    if not form.validate_on_submit():
        return _render_version(context, version, form, status=400)
    remark = VisionComment(version=version, author=current_user, organisation_id=current_user.organisation_id,
                           text=form.text.data.strip())
    db.session.add(remark)
    events.record(EventKind.VISION_COMMENTED, remark, actor=current_user, project=context.project,
                 label=f"Comment on version {version.number} of the vision", after={"text": remark.text})
    db.session.commit()
    flash("Your comment is added", "success")
    return redirect(url_for("vision.version", slug=slug, number=number, _anchor="comments"))


@blueprint.route("/compare")
@login_required
def compare(slug: str):
    context = project_context(slug, Access.MEMBER)
    latest = latest_version(context.project)
    if latest is None:
        abort(404)
    new = _version(context.project, request.args.get("to", latest.number, type=int))
    old = _version(context.project, request.args.get("from", max(new.number - 1, 1), type=int))
    template = "vision/_comparison.html" if request.htmx else "vision/compare.html"
    return render_template(template, context=context, project=context.project, old=old, new=new,
                           versions=versions_of(context.project), runs=word_diff(old.text, new.text))
