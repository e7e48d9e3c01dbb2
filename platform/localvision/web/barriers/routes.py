from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import BarrierStatus, DecisionCategory, DecisionStatus
from localvision.extensions import limiter
from localvision.models import Barrier
from localvision.permissions.policy import Access, ProjectContext, may_raise_public_barrier, may_triage_barrier
from localvision.queries import barriers as queries
from localvision.queries.decisions import decisions_by_title
from localvision.queries.public import project_indicators
from localvision.services import barriers as services
from localvision.web.barriers import blueprint
from localvision.web.barriers.forms import BarrierActionForm, BarrierForm, ModerationForm, PublicBarrierForm, TriageForm
from localvision.web.context import project_context
from localvision.web.decision_forms import DecisionForm, action_form
from localvision.web.refusals import beside_field, refusal_flashed


def _today() -> date:
    return date.today()


def _load(context: ProjectContext, barrier_id: int) -> Barrier:
    barrier = queries.visible_barrier(context, barrier_id)
    if barrier is None:
        abort(404)
    return barrier


def _barrier_url(context: ProjectContext, barrier: Barrier, anchor: str | None = None) -> str:
    return url_for("barriers.show", slug=context.project.slug, barrier_id=barrier.id, _anchor=anchor)


def _to_barrier(context: ProjectContext, barrier: Barrier, anchor: str | None = None):
    return redirect(_barrier_url(context, barrier, anchor))


# The log -----------------------------------------------------------------------------

@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    return render_template("barriers/index.html", context=context, project=context.project,
                           log=queries.barrier_log(context), figures=queries.figures(context.project, _today()),
                           public_form_open=may_raise_public_barrier(context.project))


@blueprint.route("/public-form", methods=["POST"])
@login_required
def public_form_setting(slug: str):
    context = project_context(slug, Access.LEAD)
    enabled = request.form.get("open") == "1"
    services.set_public_form(context, enabled)
    flash("The public form is open: anyone can raise a barrier on the project's public page. Each waits for "
          "approval before it is shown." if enabled else "The public form is closed", "success")
    return redirect(url_for("barriers.index", slug=slug))


# Raising -------------------------------------------------------------------------------

@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = BarrierForm()
    form.set_indicators(project_indicators(context.project))
    if form.validate_on_submit():
        try:
            barrier = services.raise_barrier(context, form.details())
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash("Barrier raised. The partnership will triage it and answer on its page.", "success")
            return _to_barrier(context, barrier)
    return render_template("barriers/form.html", context=context, project=context.project, form=form)


def _public_rate_limit() -> str:
    return current_app.config["PUBLIC_BARRIER_RATE_LIMIT"]


@blueprint.route("/tell-us", methods=["GET", "POST"])
@limiter.limit(_public_rate_limit)
def public_form(slug: str):
    """Anyone at all, signed in or not, once the project's leads open the form."""
    context = project_context(slug, Access.VIEWER)
    if not may_raise_public_barrier(context.project):
        abort(404)
    form = PublicBarrierForm()
    form.set_indicators(project_indicators(context.project))
    if form.validate_on_submit():
        # A robot fills every box: it is thanked like anyone, and nothing is kept.
        if not form.website.data:
            try:
                services.submit_public_barrier(context.project, form.details(), form.name.data, form.email.data)
            except NotPermitted:
                abort(404)
            except Refused as refusal:
                beside_field(form, refusal)
                return render_template("barriers/public_form.html", context=context, project=context.project,
                                       form=form)
        return render_template("barriers/public_thanks.html", context=context, project=context.project,
                               email_given=bool(form.email.data))
    return render_template("barriers/public_form.html", context=context, project=context.project, form=form)


# One barrier -------------------------------------------------------------------------

def _show(context: ProjectContext, barrier: Barrier, *, triage_form: TriageForm | None = None):
    if triage_form is None:
        triage_form = TriageForm(formdata=None, data={
            "owner_organisation_id": barrier.owner_organisation_id or 0, "status": barrier.status.value,
            "reason": barrier.wont_remove_reason or ""})
    triage_form.set_partners(context.project.partners)
    return render_template("barriers/show.html", context=context, project=context.project, barrier=barrier,
                           triage_form=triage_form, may_triage=may_triage_barrier(context))


@blueprint.route("/<int:barrier_id>")
def show(slug: str, barrier_id: int):
    context = project_context(slug, Access.VIEWER)
    return _show(context, _load(context, barrier_id))


@blueprint.route("/<int:barrier_id>/moderation", methods=["POST"])
@login_required
def moderate(slug: str, barrier_id: int):
    context = project_context(slug, Access.MEMBER)
    barrier = _load(context, barrier_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        flash("Choose approve or reject", "error")
        return _to_barrier(context, barrier, "moderation")
    with refusal_flashed(_barrier_url(context, barrier)):
        services.moderate_barrier(context, barrier, form.verdict.data == "approve")
    flash("Barrier approved: it is on the public log as new" if form.verdict.data == "approve"
          else "Barrier rejected: it will never be shown outside the project", "success")
    return _to_barrier(context, barrier)


@blueprint.route("/<int:barrier_id>/triage", methods=["POST"])
@login_required
def triage(slug: str, barrier_id: int):
    context = project_context(slug, Access.MEMBER)
    barrier = _load(context, barrier_id)
    form = TriageForm()
    form.set_partners(context.project.partners)
    if form.validate_on_submit():
        with refusal_flashed(_barrier_url(context, barrier), form):
            services.triage_barrier(context, barrier, owner_organisation_id=form.owner_organisation_id.data or None,
                                    status=BarrierStatus(form.status.data), answer=form.answer.data,
                                    reason=form.reason.data)
            flash("Barrier updated" + (". The answer is published and sent to whoever raised it."
                                       if form.answer.data.strip() else ""), "success")
            return _to_barrier(context, barrier, "answers")
    return _show(context, barrier, triage_form=form)


# Turning a barrier into a decision or an action ------------------------------------------

def _turn_into(context: ProjectContext, barrier: Barrier, form, template: str, change):  # type: ignore[no-untyped-def]
    """A page that turns the barrier into something else: refused before the form shows
    when the person may not triage; ``change`` answers a valid post."""
    with refusal_flashed(_barrier_url(context, barrier), form):
        services.check_triage(context, barrier)
        if request.method == "POST" and form.validate_on_submit():
            return change()
    return render_template(template, context=context, project=context.project, barrier=barrier, form=form,
                           decision=None, amends=None)


@blueprint.route("/<int:barrier_id>/decision", methods=["GET", "POST"])
@login_required
def to_decision(slug: str, barrier_id: int):
    """The decision form, filled from the barrier; the barrier keeps the link."""
    context = project_context(slug, Access.MEMBER)
    barrier = _load(context, barrier_id)
    form = DecisionForm()
    if request.method == "GET":
        form.title.data = f"Remove a barrier: {services.label(barrier)}"[:200]
        form.rationale.data = (f"Raised on {barrier.raised_at:%-d %B %Y}: {barrier.what}\n\n"
                               f"Where: {barrier.location}\n\nWho it affects: {barrier.who_affected}")
        form.category.data = DecisionCategory.OTHER.value
        form.opens_on.data = _today()

    def propose():  # type: ignore[no-untyped-def]
        decision = services.turn_into_decision(context, barrier, form.details())
        flash("Decision proposed. The barrier links to it.", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))

    return _turn_into(context, barrier, form, "decisions/form.html", propose)


def _action_form(context: ProjectContext, barrier: Barrier) -> BarrierActionForm:
    form = action_form(context, form_class=BarrierActionForm)
    decisions = decisions_by_title(context.project, (DecisionStatus.OPEN, DecisionStatus.AGREED))
    form.decision_id.choices = [(0, "Choose a decision")] + [(d.id, d.title) for d in decisions]
    if request.method == "GET":
        form.title.data = f"Remove the barrier: {services.label(barrier)}"[:300]
        form.decision_id.data = barrier.decision_id or 0
    return form


@blueprint.route("/<int:barrier_id>/action", methods=["GET", "POST"])
@login_required
def to_action(slug: str, barrier_id: int):
    """An action on one of the project's decisions, filled from the barrier."""
    context = project_context(slug, Access.MEMBER)
    barrier = _load(context, barrier_id)
    form = _action_form(context, barrier)

    def add():  # type: ignore[no-untyped-def]
        action = services.turn_into_action(context, barrier, form.decision_id.data, form.title.data,
                                           form.owner_id.data, form.due_on.data)
        flash(f"Action added for {action.owner.name}. The barrier links to it.", "success")
        return _to_barrier(context, barrier)

    return _turn_into(context, barrier, form, "barriers/to_action.html", add)
