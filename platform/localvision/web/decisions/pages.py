"""What the decision pages are built from: the loaded decision and action, the forms and
the values a decision's page shows, and the answers after a change or a refusal."""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from localvision.domain.refusals import Refusal
from localvision.domain.vocabulary import ContributionKind
from localvision.extensions import db
from localvision.models import Action, Decision, Project
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries import decisions as queries
from localvision.queries.indicators import indicators_aimed_at
from localvision.services import reminders
from localvision.web.decision_forms import action_form
from localvision.web.decisions.forms import (
    CommentForm,
    ContributionForm,
    LogFilterForm,
    PositionForm,
    ReviewForm,
)
from localvision.web.refusals import refusal_flashed


def today() -> date:
    return date.today()


def load_decision(context: ProjectContext, decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.project_id != context.project.id:
        abort(404)
    return decision


def load_action(decision: Decision, action_id: int) -> Action:
    action = next((a for a in decision.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


def decision_url(context: ProjectContext, decision: Decision, anchor: str | None = None) -> str:
    return url_for("decisions.show", slug=context.project.slug, decision_id=decision.id, _anchor=anchor)


def to_decision(context: ProjectContext, decision: Decision, anchor: str | None = None):
    return redirect(decision_url(context, decision, anchor))


def log_url(context: ProjectContext) -> str:
    return url_for("decisions.index", slug=context.project.slug)


def change_through_form(context: ProjectContext, decision: Decision, form: FlaskForm, *, check: Callable[[], Any],
                        change: Callable[[], Any], message: Callable[[Any], str], anchor: str | None = None):
    """A change made on a page of its own: refuse before the form is shown, make the
    change once the form is valid, then say so on the decision's page. None when the
    form is to be shown, empty or with its errors."""
    with refusal_flashed(decision_url(context, decision, anchor), form):
        check()
        if form.validate_on_submit():
            flash(message(change()), "success")
            return to_decision(context, decision, anchor)
    return None


def filter_form(project: Project) -> LogFilterForm:
    form = LogFilterForm(request.args)
    form.organisation.choices = [("", "Any organisation")] + [
        (str(p.organisation_id), p.organisation.name) for p in sorted(project.partners, key=lambda p: p.organisation.name)
    ]
    form.validate()
    for field in (form.status, form.organisation, form.sector):
        if field.errors:
            field.data = ""
    return form


def _position_form(decision: Decision, organisation) -> PositionForm:
    """Filled with the organisation's current position, which a new one replaces."""
    current = decision.current_positions().get(organisation.id) if organisation else None
    if current is None:
        return PositionForm(prefix="position", formdata=None)
    return PositionForm(prefix="position", formdata=None, data={"stance": current.stance.value, "reasons": current.reasons})


def page_values(context: ProjectContext, decision: Decision, **forms) -> dict:
    """A decision's page: what the visitor may see of it and what they may do with it."""
    values = dict(
        context=context,
        project=context.project,
        decision=decision,
        details_hidden=queries.details_hidden(context, decision),
        totals=queries.decision_totals(decision),
        contribution_rows=queries.contribution_rows(decision),
        position_rows=queries.position_rows(decision),
        responses=queries.responses(decision),
        own_organisation=policy.partner_organisation(context),
        may_record_position=policy.may_record_position(context),
        may_manage=policy.may_manage_decision(context, decision),
        rule_outcome=decision.rule_outcome(today()) if decision.is_open else None,
        aimed_indicators=indicators_aimed_at(decision),
        today=today(),
        ContributionKind=ContributionKind,
    )
    if decision.is_open and policy.may_remind_partners(context):
        values["reminder"] = reminder_offer(context, decision)
    values["position_form"] = forms.get("position_form") or _position_form(decision, values["own_organisation"])
    values["contribution_form"] = forms.get("contribution_form") or ContributionForm(prefix="contribution", formdata=None)
    values["review_form"] = forms.get("review_form") or ReviewForm(prefix="review", formdata=None)
    if policy.may_add_action(context):
        values["action_form"] = forms.get("action_form") or action_form(context, formdata=False)
    if policy.may_discuss_decision(context):
        values["discussion"] = [comment for comment in decision.comments if comment.reply_to_id is None]
        now = datetime.now(timezone.utc)
        values["editable_comments"] = {c.id for c in decision.comments if policy.may_edit_comment(context, c, now)}
        values["comment_form"] = forms.get("comment_form") or CommentForm(formdata=None)
    values["form"] = forms.get("failed_form")
    return values


def reminder_offer(context: ProjectContext, decision: Decision) -> dict[str, str]:
    """What a lead's reminder button says, or why it is not offered now."""
    try:
        silent = reminders.check_reminder(context, decision, datetime.now(timezone.utc))
    except Refusal as refusal:
        return {"refusal": refusal.message}
    return {"label": f"Remind the {reminders.partners_phrase(len(silent))} who "
                     f"{'has' if len(silent) == 1 else 'have'} not responded"}


def show_page(context: ProjectContext, decision: Decision, **forms):
    return render_template("decisions/show.html", **page_values(context, decision, **forms))


def in_place(context: ProjectContext, decision: Decision, fragment: str, anchor: str, message: str | None, **forms):
    """After a position or contribution: the fragment for htmx, the page otherwise."""
    if request.htmx:
        return render_template(fragment, **page_values(context, decision, **forms), saved_message=message)
    if message:
        flash(message, "success")
        return to_decision(context, decision, anchor)
    return show_page(context, decision, **forms)


def refused_in_place(context: ProjectContext, decision: Decision, refusal: Refusal, fragment: str):
    if request.htmx:
        return render_template(fragment, **page_values(context, decision), refusal=refusal.message)
    flash(refusal.message, "error")
    return to_decision(context, decision)
