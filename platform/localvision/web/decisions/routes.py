from __future__ import annotations

from datetime import datetime, timezone

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import login_required

from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import ContributionKind, DecisionStance
from localvision.domain.wording import listing, possessive
from localvision.models import Decision
from localvision.permissions.policy import Access, ProjectContext
from localvision.queries import decisions as queries
from localvision.services import actions as action_services
from localvision.services import decisions as services
from localvision.services import discussions, reminders
from localvision.web.confirmation import confirmation_page, is_confirmed
from localvision.web.context import project_context
from localvision.web.csv_safety import csv_text
from localvision.web.decision_forms import DecisionForm, action_form
from localvision.web.decisions import blueprint
from localvision.web.decisions.forms import (
    CloseForm,
    CommentForm,
    ContributionForm,
    DropActionForm,
    EditCommentForm,
    PositionForm,
    ReopenForm,
    ReviewForm,
    WithdrawForm,
)
from localvision.web.decisions.pages import (
    change_through_form,
    decision_url,
    filter_form,
    in_place,
    load_action,
    load_decision,
    log_url,
    refused_in_place,
    show_page,
    to_decision,
    today,
)
from localvision.web.refusals import beside_field, refusal_flashed

# The log -----------------------------------------------------------------------------

@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    form = filter_form(context.project)
    decisions = queries.decision_log(context, form.filters())
    return render_template("decisions/index.html", context=context, project=context.project, filter_form=form,
                           decisions=[(d, queries.decision_totals(d)) for d in decisions],
                           responded={d.id: queries.responses(d) for d in decisions},
                           query_string=request.query_string.decode())


@blueprint.route("/decisions.csv")
def download(slug: str):
    context = project_context(slug, Access.VIEWER)
    decisions = queries.decision_log(context, filter_form(context.project).filters())
    filename = f"{context.project.slug}-decisions-{today().isoformat()}.csv"
    return Response(csv_text(queries.LOG_CSV_HEADER, queries.log_csv_rows(context, decisions)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# Proposing, editing, amending, withdrawing ---------------------------------------------

def _propose(context: ProjectContext, form: DecisionForm, amends: Decision | None = None):
    with refusal_flashed(decision_url(context, amends) if amends else log_url(context), form):
        services.check_proposal(context, amends)
        if form.validate_on_submit():
            decision = services.propose_decision(context, form.details(), amends)
            flash("Decision proposed. Partners can now record their positions and contributions.", "success")
            return to_decision(context, decision)
    return render_template("decisions/form.html", context=context, project=context.project, form=form,
                           decision=None, amends=amends)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = DecisionForm()
    if request.method == "GET":
        form.opens_on.data = today()
    return _propose(context, form)


@blueprint.route("/<int:decision_id>")
def show(slug: str, decision_id: int):
    context = project_context(slug, Access.VIEWER)
    return show_page(context, load_decision(context, decision_id))


@blueprint.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = DecisionForm(obj=decision)
    if request.method == "GET":
        form.category.data = decision.category.value
    return change_through_form(
        context, decision, form, check=lambda: services.check_edit(context, decision),
        change=lambda: services.update_decision(context, decision, form.details()),
        message=lambda _: "Decision saved",
    ) or render_template("decisions/form.html", context=context, project=context.project, form=form,
                         decision=decision, amends=None,
                         earliest_closing=services.earliest_closing_date(decision, today()))


@blueprint.route("/<int:decision_id>/amend", methods=["GET", "POST"])
@login_required
def amend(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    original = load_decision(context, decision_id)
    form = DecisionForm(obj=original)
    if request.method == "GET":
        form.category.data = original.category.value
        form.title.data = f"Amendment: {original.title}"[:200]
        form.opens_on.data = today()
        form.closes_on.data = None
    return _propose(context, form, amends=original)


@blueprint.route("/<int:decision_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = WithdrawForm()
    return change_through_form(
        context, decision, form, check=lambda: services.check_withdrawal(context, decision),
        change=lambda: services.withdraw_decision(context, decision, form.reason.data),
        message=lambda _: "Decision withdrawn. It stays on the record.",
    ) or render_template("decisions/reason.html", context=context, project=context.project, decision=decision, form=form,
                           heading="Withdraw the decision", caption=decision.title,
                           intro="A withdrawn decision stays on the record with its positions and contributions, marked withdrawn.")


# Closing, reopening, reviewing ---------------------------------------------------------

@blueprint.route("/<int:decision_id>/close", methods=["GET", "POST"])
@login_required
def close(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = CloseForm()
    form.outcome.choices = services.closing_choices(decision, today())
    values = dict(context=context, project=context.project, decision=decision, form=form,
                  position_rows=queries.position_rows(decision), responses=queries.responses(decision))
    with refusal_flashed(decision_url(context, decision), form):
        services.check_closing(context, decision)
        if form.validate_on_submit():
            reason = form.reason.data or ""
            if form.confirmed.data != "yes":
                return render_template("decisions/close_confirm.html", **values,
                                       result=services.closing_outcome(context, decision, form.outcome.data, reason))
            result = services.close_decision(context, decision, form.outcome.data, reason)
            # An outcome is news, good or bad: the banner is neutral.
            flash(" ".join(filter(None, [f"Decision closed: {result.status.label.lower()}.", result.explanation])),
                  "outcome")
            return to_decision(context, decision)
    return render_template("decisions/close.html", **values, ruling=decision.rule_outcome(today()))


@blueprint.route("/<int:decision_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(slug: str, decision_id: int):
    """A deferred decision comes back for positions, with a new closing date."""
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = ReopenForm()
    return change_through_form(
        context, decision, form, check=lambda: services.check_reopening(context, decision),
        change=lambda: services.reopen_decision(context, decision, form.closes_on.data),
        message=lambda reopened: f"Decision reopened: positions close on {reopened.closes_on:%-d %B %Y}",
    ) or render_template("decisions/reopen.html", context=context, project=context.project, decision=decision, form=form)


@blueprint.route("/<int:decision_id>/review", methods=["POST"])
@login_required
def review(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = ReviewForm(prefix="review")
    return change_through_form(
        context, decision, form, check=lambda: services.check_review_date(context, decision),
        change=lambda: services.set_review_date(context, decision, form.review_on.data),
        message=lambda reviewed: f"Review date set for {reviewed.review_on:%-d %B %Y}",
    ) or show_page(context, decision, review_form=form, failed_form=form)


@blueprint.route("/<int:decision_id>/remind", methods=["POST"])
@login_required
def remind(slug: str, decision_id: int):
    """A lead reminds the partners who have not responded, once a day at most."""
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    with refusal_flashed(decision_url(context, decision)):
        reminded = reminders.remind_silent_partners(context, decision, datetime.now(timezone.utc))
    flash(f"Reminded {listing(reminded)}: {'it has' if len(reminded) == 1 else 'they have'} not responded yet",
          "success")
    return to_decision(context, decision)


# Positions and contributions: in place with htmx, or as plain forms -------------------

@blueprint.route("/<int:decision_id>/position", methods=["POST"])
@login_required
def record_position(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    fragment = "decisions/_position_recorded.html"
    form = PositionForm(prefix="position")
    try:
        organisation = services.check_position(context, decision)
        if not form.validate_on_submit():
            return in_place(context, decision, fragment, "your-part", None, position_form=form, failed_form=form)
        position = services.record_position(context, decision, DecisionStance(form.stance.data), form.reasons.data or "")
    except Refused as refusal:
        return refused_in_place(context, decision, refusal, fragment)
    return in_place(context, decision, fragment, "your-part",
                    f"{possessive(organisation.name)} position recorded: {position.stance.label.lower()}")


@blueprint.route("/<int:decision_id>/contributions", methods=["POST"])
@login_required
def add_contribution(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    fragment = "decisions/_contributions.html"
    form = ContributionForm(prefix="contribution")
    try:
        organisation = services.check_contribution(context, decision)
        if not form.validate_on_submit():
            return in_place(context, decision, fragment, "contributions", None, contribution_form=form,
                            failed_form=form)
        contribution = services.add_contribution(
            context, decision, ContributionKind(form.kind.data), amount=form.amount.data, hours=form.hours.data,
            hourly_cost=form.hourly_cost.data, description=form.description.data or "")
    except Refused as refusal:
        return refused_in_place(context, decision, refusal, fragment)
    return in_place(context, decision, fragment, "contributions",
                    f"{possessive(organisation.name)} contribution of £{contribution.amount:,} added")


@blueprint.route("/<int:decision_id>/contributions/<int:contribution_id>/remove", methods=["POST"])
@login_required
def remove_contribution(slug: str, decision_id: int, contribution_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    fragment = "decisions/_contributions.html"
    contribution = next((c for c in decision.contributions if c.id == contribution_id), None)
    if contribution is None:
        abort(404)
    with refusal_flashed(decision_url(context, decision, "contributions")):
        services.check_contribution_removal(context, decision, contribution)
    if not is_confirmed():
        return confirmation_page(
            heading="Remove this contribution?", project=context.project, context=context,
            consequences=[f"{contribution.organisation.name}'s {contribution.kind.label.lower()} of "
                          f"£{contribution.amount:,} will no longer count towards {decision.title}. "
                          "The audit trail keeps a record of it."],
            button="Remove contribution", back_url=url_for("decisions.show", slug=slug, decision_id=decision.id,
                                                           _anchor="contributions"))
    try:
        services.remove_contribution(context, decision, contribution)
    except Refused as refusal:
        return refused_in_place(context, decision, refusal, fragment)
    return in_place(context, decision, fragment, "contributions", "Contribution removed")


# The discussion ---------------------------------------------------------------------------

@blueprint.route("/<int:decision_id>/comments", methods=["POST"])
@login_required
def add_comment(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = CommentForm()
    if form.validate_on_submit():
        reply_to = None
        if form.reply_to.data:
            reply_to = next((c for c in decision.comments if str(c.id) == form.reply_to.data), None)
            if reply_to is None:
                abort(404)
        try:
            comment = discussions.add_comment(context, decision, form.text.data, reply_to)
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash("Reply added" if reply_to else "Comment added", "success")
            return to_decision(context, decision, f"comment-{comment.id}")
    return show_page(context, decision, comment_form=form, failed_form=form)


@blueprint.route("/<int:decision_id>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(slug: str, decision_id: int, comment_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    comment = next((c for c in decision.comments if c.id == comment_id), None)
    if comment is None:
        abort(404)
    form = EditCommentForm(obj=comment)
    return change_through_form(
        context, decision, form, check=lambda: discussions.check_edit(context, comment),
        change=lambda: discussions.edit_comment(context, comment, form.text.data),
        message=lambda _: "Comment corrected. Its earlier wording is kept.", anchor=f"comment-{comment.id}",
    ) or render_template("decisions/comment_edit.html", context=context, project=context.project, decision=decision,
                         comment=comment, form=form)


# Actions ---------------------------------------------------------------------------------

@blueprint.route("/<int:decision_id>/actions", methods=["POST"])
@login_required
def add_action(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    form = action_form(context)
    if form.validate_on_submit():
        try:
            action = action_services.add_action(context, decision, form.title.data, form.owner_id.data, form.due_on.data)
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash(f"Action added for {action.owner.name}", "success")
            return to_decision(context, decision, "actions")
    return show_page(context, decision, action_form=form, failed_form=form)


@blueprint.route("/<int:decision_id>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def action_done(slug: str, decision_id: int, action_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    action = load_action(decision, action_id)
    with refusal_flashed(decision_url(context, decision, "actions")):
        action_services.complete_action(context, action)
    flash(f"Action marked done: {action.title}", "success")
    return to_decision(context, decision, "actions")


@blueprint.route("/<int:decision_id>/actions/<int:action_id>/drop", methods=["GET", "POST"])
@login_required
def drop_action(slug: str, decision_id: int, action_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = load_decision(context, decision_id)
    action = load_action(decision, action_id)
    form = DropActionForm()
    return change_through_form(
        context, decision, form, check=lambda: action_services.check_change(context, action, "drop it"),
        change=lambda: action_services.drop_action(context, action, form.reason.data),
        message=lambda dropped: f"Action dropped: {dropped.title}", anchor="actions",
    ) or render_template("decisions/reason.html", context=context, project=context.project, decision=decision, form=form,
                           heading="Drop the action", caption=decision.title,
                           intro=f"{action.title}, owned by {action.owner.name}, due {action.due_on:%-d %B %Y}.")


@blueprint.route("/actions")
@login_required
def actions(slug: str):
    context = project_context(slug, Access.MEMBER)
    current = today()
    listed = queries.project_actions(context.project, current)
    return render_template("decisions/actions.html", context=context, project=context.project, today=current,
                           overdue=listed.overdue, upcoming=listed.upcoming, finished=listed.finished)
