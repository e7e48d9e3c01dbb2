from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from localvision import audit
from localvision.access import Access, ProjectContext, project_context, speaks_for_organisation
from localvision.domain.decisions import Outcome, Totals, outcome, totals
from localvision.extensions import db
from localvision.models import (
    Action,
    ActionStatus,
    Contribution,
    ContributionKind,
    Decision,
    DecisionCategory,
    DecisionRule,
    DecisionStatus,
    Organisation,
    Position,
    Project,
    Sector,
    DecisionStance,
)
from localvision.web.csv_safety import csv_text
from localvision.web.decisions import blueprint
from localvision.web.decisions.forms import (
    ActionForm,
    CloseForm,
    ContributionForm,
    DecisionForm,
    DropActionForm,
    LogFilterForm,
    PositionForm,
    ReopenForm,
    ReviewForm,
    WithdrawForm,
)
from localvision.web.decisions.summary import decision_summary

DECISION_FIELDS = (
    "title", "rationale", "category", "recipient_name", "recipient_charity_number", "recipient_company_number",
    "opens_on", "closes_on", "is_commercially_sensitive",
)
CLOSING_FIELDS = ("status", "outcome_reason", "closed_at")

# Project overview pages, the public's and the members', show the decisions in brief.
blueprint.add_app_template_global(decision_summary, "decision_summary")


def today() -> date:
    return date.today()


def _decision(context: ProjectContext, decision_id: int) -> Decision:
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.project_id != context.project.id:
        abort(404)
    return decision


def _may_manage(context: ProjectContext, decision: Decision) -> bool:
    """The proposer and the project leads may edit, withdraw and set a review date."""
    return context.is_lead or decision.proposer_id == current_user.id


def _own_partner_organisation(context: ProjectContext) -> Organisation | None:
    """The organisation this person acts for here, if it is a partner of the project."""
    if context.membership is None:
        return None
    organisation = current_user.organisation
    if any(partner.organisation_id == organisation.id for partner in context.project.partners):
        return organisation
    return None


def _may_record_position(context: ProjectContext) -> bool:
    return _own_partner_organisation(context) is not None and speaks_for_organisation(context.membership)


def _details_hidden(context: ProjectContext, decision: Decision) -> bool:
    """Commercially sensitive details are for the people of the project only."""
    return decision.is_commercially_sensitive and not context.is_member


def _totals(decision: Decision) -> Totals:
    return totals((c.organisation_id, c.kind, c.amount) for c in decision.contributions)


def _rule_outcome(decision: Decision) -> Outcome:
    project = decision.project
    stances = {org: position.stance for org, position in decision.current_positions().items()}
    return outcome(project.decision_rule, [p.organisation_id for p in project.partners], stances,
                   decision.closes_on, today())


@dataclass(frozen=True)
class PositionRow:
    organisation: Organisation
    current: Position | None
    earlier: list[Position]
    is_partner: bool


def _position_rows(decision: Decision) -> list[PositionRow]:
    """Every partner, with or without a position, then former partners who took one."""
    history: dict[int, list[Position]] = {}
    for position in sorted(decision.positions, key=lambda p: p.id):
        history.setdefault(position.organisation_id, []).append(position)
    partners = sorted(decision.project.partners, key=lambda p: p.organisation.name)
    rows = [PositionRow(p.organisation, history.get(p.organisation_id, [None])[-1],
                        history.get(p.organisation_id, [])[:-1][::-1], True) for p in partners]
    partner_ids = {p.organisation_id for p in partners}
    for organisation_id, positions in history.items():
        if organisation_id not in partner_ids:
            rows.append(PositionRow(positions[-1].organisation, positions[-1], positions[:-1][::-1], False))
    return rows


def _contribution_rows(decision: Decision) -> list[tuple[Organisation, list[Contribution]]]:
    grouped: dict[int, list[Contribution]] = {}
    for contribution in decision.contributions:
        grouped.setdefault(contribution.organisation_id, []).append(contribution)
    rows = [(contributions[0].organisation, contributions) for contributions in grouped.values()]
    return sorted(rows, key=lambda row: row[0].name)


def _action_form(context: ProjectContext, formdata: bool = True) -> ActionForm:
    form = ActionForm(prefix="action") if formdata else ActionForm(prefix="action", formdata=None)
    memberships = sorted(context.project.memberships, key=lambda m: m.user.name)
    form.owner_id.choices = [(0, "Choose a person")] + [
        (m.user_id, f"{m.user.name}, {m.user.organisation.name}") for m in memberships
    ]
    return form


def _page_values(context: ProjectContext, decision: Decision, **forms) -> dict:
    values = dict(
        context=context,
        project=context.project,
        decision=decision,
        details_hidden=_details_hidden(context, decision),
        totals=_totals(decision),
        contribution_rows=_contribution_rows(decision),
        position_rows=_position_rows(decision),
        own_organisation=_own_partner_organisation(context),
        may_record_position=_may_record_position(context),
        may_manage=context.is_member and _may_manage(context, decision),
        rule_outcome=_rule_outcome(decision) if decision.is_open else None,
        today=today(),
        ContributionKind=ContributionKind,
    )
    values["position_form"] = forms.get("position_form") or PositionForm(prefix="position", formdata=None)
    values["contribution_form"] = forms.get("contribution_form") or ContributionForm(prefix="contribution", formdata=None)
    values["review_form"] = forms.get("review_form") or ReviewForm(prefix="review", formdata=None)
    if context.is_member:
        values["action_form"] = forms.get("action_form") or _action_form(context, formdata=False)
    values["form"] = forms.get("failed_form")
    return values


# The log -----------------------------------------------------------------------------

def _filtered_decisions(context: ProjectContext, form: LogFilterForm) -> list[Decision]:
    project = context.project
    query = (
        select(Decision)
        .where(Decision.project_id == project.id)
        .options(selectinload(Decision.contributions), selectinload(Decision.positions))
        .order_by(Decision.opens_on.desc(), Decision.id.desc())
    )
    if form.status.data:
        query = query.where(Decision.status == DecisionStatus(form.status.data))
    organisation_ids = None
    if form.organisation.data:
        organisation_ids = select(Organisation.id).where(Organisation.id == int(form.organisation.data))
    elif form.sector.data:
        organisation_ids = select(Organisation.id).where(Organisation.sector == Sector(form.sector.data))
    if organisation_ids is not None:
        # An organisation is involved in a decision it proposed, funded or took a position on.
        involved = [
            Decision.proposing_organisation_id.in_(organisation_ids),
            Decision.id.in_(select(Contribution.decision_id).where(Contribution.organisation_id.in_(organisation_ids))),
            Decision.id.in_(select(Position.decision_id).where(Position.organisation_id.in_(organisation_ids))),
        ]
        query = query.where(or_(*involved))
    if form.opened_from.data and not form.opened_from.errors:
        query = query.where(Decision.opens_on >= form.opened_from.data)
    if form.opened_to.data and not form.opened_to.errors:
        query = query.where(Decision.opens_on <= form.opened_to.data)
    return list(db.session.scalars(query))


def _filter_form(project: Project) -> LogFilterForm:
    form = LogFilterForm(request.args)
    form.organisation.choices = [("", "Any organisation")] + [
        (str(p.organisation_id), p.organisation.name) for p in sorted(project.partners, key=lambda p: p.organisation.name)
    ]
    form.validate()
    for field in (form.status, form.organisation, form.sector):
        if field.errors:
            field.data = ""
    return form


@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    form = _filter_form(context.project)
    decisions = _filtered_decisions(context, form)
    return render_template("decisions/index.html", context=context, project=context.project, filter_form=form,
                           decisions=[(d, _totals(d)) for d in decisions], query_string=request.query_string.decode())


@blueprint.route("/decisions.csv")
def download(slug: str):
    context = project_context(slug, Access.VIEWER)
    form = _filter_form(context.project)
    header = ["Decision", "Title", "Category", "Status", "Proposed by", "Proposing organisation", "Sector",
              "Opens on", "Closes on", "Total (£)", "Cash (£)", "Staff time (£)", "In-kind (£)", "Recipient",
              "Charity number", "Company number", "Support", "Support with concerns", "Stand aside", "Object",
              "Amends decision", "Review on", "Commercially sensitive", "Rationale"]
    rows = []
    for decision in _filtered_decisions(context, form):
        money = _totals(decision)
        stances = [position.stance for position in decision.current_positions().values()]
        hidden = _details_hidden(context, decision)
        rows.append([
            decision.id, decision.title, decision.category.label, decision.status.label, decision.proposer.name,
            decision.proposing_organisation.name, decision.proposing_organisation.sector.label,
            decision.opens_on.isoformat(), decision.closes_on.isoformat(), money.total,
            *("" if hidden else money.by_kind[kind] for kind in ContributionKind),
            decision.recipient_name or "", decision.recipient_charity_number or "", decision.recipient_company_number or "",
            *(stances.count(stance) for stance in DecisionStance),
            decision.amends_id or "", decision.review_on.isoformat() if decision.review_on else "",
            "yes" if decision.is_commercially_sensitive else "no",
            "(commercially sensitive)" if hidden else decision.rationale,
        ])
    filename = f"{context.project.slug}-decisions-{today().isoformat()}.csv"
    return Response(csv_text(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# Proposing, editing, amending, withdrawing ---------------------------------------------

def _fill(decision: Decision, form: DecisionForm) -> None:
    decision.title = form.title.data.strip()
    decision.rationale = form.rationale.data.strip()
    decision.category = DecisionCategory(form.category.data)
    decision.recipient_name = (form.recipient_name.data or "").strip() or None
    decision.recipient_charity_number = (form.recipient_charity_number.data or "").strip() or None
    decision.recipient_company_number = (form.recipient_company_number.data or "").strip().upper() or None
    decision.opens_on = form.opens_on.data
    decision.closes_on = form.closes_on.data
    decision.is_commercially_sensitive = bool(form.is_commercially_sensitive.data)


def _propose(context: ProjectContext, form: DecisionForm, amends: Decision | None):
    organisation = _own_partner_organisation(context)
    if organisation is None:
        flash("Your organisation is not a partner of this project, so you cannot propose decisions here", "error")
        return redirect(url_for("decisions.index", slug=context.project.slug))
    if form.validate_on_submit():
        decision = Decision(project=context.project, proposer=current_user, proposing_organisation=organisation,
                            status=DecisionStatus.OPEN, amends=amends)
        _fill(decision, form)
        db.session.add(decision)
        after = audit.snapshot(decision, DECISION_FIELDS)
        if amends is not None:
            after["amends"] = amends.id
        audit.record("amendment proposed" if amends else "proposed", decision, actor=current_user,
                     project=context.project, label=decision.title, after=after)
        db.session.commit()
        flash("Decision proposed. Partners can now record their positions and contributions.", "success")
        return redirect(url_for("decisions.show", slug=context.project.slug, decision_id=decision.id))
    return render_template("decisions/form.html", context=context, project=context.project, form=form,
                           decision=None, amends=amends)


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = DecisionForm()
    if request.method == "GET":
        form.opens_on.data = today()
    return _propose(context, form, amends=None)


@blueprint.route("/<int:decision_id>")
def show(slug: str, decision_id: int):
    context = project_context(slug, Access.VIEWER)
    decision = _decision(context, decision_id)
    return render_template("decisions/show.html", **_page_values(context, decision))


@blueprint.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    if not _may_manage(context, decision):
        abort(403, "Only the person who proposed this decision and the project leads can edit it.")
    if decision.status == DecisionStatus.AGREED:
        flash("An agreed decision cannot be edited. Propose an amendment instead: both stay on the record.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    if not decision.is_open:
        flash(f"This decision is {decision.status.label.lower()}, so it can no longer be edited.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    form = DecisionForm(obj=decision)
    if request.method == "GET":
        form.category.data = decision.category.value
    if form.validate_on_submit():
        before = audit.snapshot(decision, DECISION_FIELDS)
        _fill(decision, form)
        old, new = audit.changed_fields(before, audit.snapshot(decision, DECISION_FIELDS))
        if new:
            audit.record("updated", decision, actor=current_user, project=context.project, label=decision.title,
                         before=old, after=new)
        db.session.commit()
        flash("Decision saved", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    return render_template("decisions/form.html", context=context, project=context.project, form=form,
                           decision=decision, amends=None)


@blueprint.route("/<int:decision_id>/amend", methods=["GET", "POST"])
@login_required
def amend(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    original = _decision(context, decision_id)
    if original.status != DecisionStatus.AGREED:
        flash("Only an agreed decision is amended. An open decision can be edited.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=original.id))
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
    decision = _decision(context, decision_id)
    if not _may_manage(context, decision):
        abort(403, "Only the person who proposed this decision and the project leads can withdraw it.")
    if not decision.is_open:
        flash("Only an open decision can be withdrawn.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        _finish(context, decision, DecisionStatus.WITHDRAWN, form.reason.data.strip(), "withdrawn")
        flash("Decision withdrawn. It stays on the record.", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    return render_template("decisions/reason.html", context=context, project=context.project, decision=decision, form=form,
                           heading="Withdraw the decision", caption=decision.title,
                           intro="A withdrawn decision stays on the record with its positions and contributions, marked withdrawn.")


def _finish(context: ProjectContext, decision: Decision, status: DecisionStatus, reason: str, action: str) -> None:
    before = audit.snapshot(decision, CLOSING_FIELDS)
    decision.status = status
    decision.outcome_reason = reason
    decision.closed_by = current_user
    decision.closed_at = datetime.now(timezone.utc)
    after = audit.snapshot(decision, CLOSING_FIELDS)
    after["positions"] = {p.organisation.name: p.stance.value for p in decision.current_positions().values()}
    audit.record(action, decision, actor=current_user, project=context.project, label=decision.title,
                 before=before, after=after)
    db.session.commit()


@blueprint.route("/<int:decision_id>/close", methods=["GET", "POST"])
@login_required
def close(slug: str, decision_id: int):
    context = project_context(slug, Access.LEAD)
    decision = _decision(context, decision_id)
    if not decision.is_open:
        flash(f"This decision is already {decision.status.label.lower()}.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    form = CloseForm()
    lead_decides = context.project.decision_rule == DecisionRule.LEAD_DECIDES
    ruling = _rule_outcome(decision)
    if lead_decides:
        form.outcome.choices = [(s.value, s.label) for s in (DecisionStatus.AGREED, DecisionStatus.NOT_AGREED, DecisionStatus.DEFERRED)]
    else:
        form.outcome.choices = [(CloseForm.APPLY_RULE, "Apply the decision rule"), (DecisionStatus.DEFERRED.value, "Defer it")]
    if form.validate_on_submit():
        if form.outcome.data == CloseForm.APPLY_RULE:
            if ruling.is_decided:
                reason = "\n\n".join(filter(None, [ruling.explanation, form.reason.data.strip()]))
                _finish(context, decision, ruling.status, reason, "closed")
                flash(f"Decision closed: {ruling.status.label.lower()}. {ruling.explanation}", "success")
                return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
            form.outcome.errors.append(f"The rule cannot decide yet. {ruling.explanation}")
        else:
            _finish(context, decision, DecisionStatus(form.outcome.data), form.reason.data.strip(), "closed")
            flash(f"Decision closed: {decision.status.label.lower()}.", "success")
            return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    return render_template("decisions/close.html", context=context, project=context.project, decision=decision,
                           form=form, ruling=ruling, position_rows=_position_rows(decision))


@blueprint.route("/<int:decision_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(slug: str, decision_id: int):
    """A deferred decision comes back for positions, with a new closing date."""
    context = project_context(slug, Access.LEAD)
    decision = _decision(context, decision_id)
    if decision.status != DecisionStatus.DEFERRED:
        flash("Only a deferred decision is reopened.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    form = ReopenForm()
    if form.validate_on_submit():
        fields = ("status", "closes_on", "outcome_reason", "closed_at")
        before = audit.snapshot(decision, fields)
        decision.status = DecisionStatus.OPEN
        decision.closes_on = form.closes_on.data
        decision.outcome_reason = decision.closed_by = decision.closed_at = None
        audit.record("reopened", decision, actor=current_user, project=context.project, label=decision.title,
                     before=before, after=audit.snapshot(decision, fields))
        db.session.commit()
        flash(f"Decision reopened: positions close on {decision.closes_on:%-d %B %Y}", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    return render_template("decisions/reopen.html", context=context, project=context.project, decision=decision, form=form)


@blueprint.route("/<int:decision_id>/review", methods=["POST"])
@login_required
def review(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    if not _may_manage(context, decision):
        abort(403, "Only the person who proposed this decision and the project leads can set its review date.")
    if decision.status != DecisionStatus.AGREED:
        flash("A review date is set once a decision is agreed.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    form = ReviewForm(prefix="review")
    if form.validate_on_submit():
        before = audit.snapshot(decision, ("review_on",))
        decision.review_on = form.review_on.data
        audit.record("review date set", decision, actor=current_user, project=context.project, label=decision.title,
                     before=before, after=audit.snapshot(decision, ("review_on",)))
        db.session.commit()
        flash(f"Review date set for {decision.review_on:%-d %B %Y}", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id))
    return render_template("decisions/show.html", **_page_values(context, decision, review_form=form, failed_form=form))


# Positions and contributions: in place with htmx, or as plain forms -------------------

def _respond(context: ProjectContext, decision: Decision, fragment: str, message: str | None, **forms):
    """After a position or contribution: the fragment for htmx, the page otherwise."""
    if request.htmx:
        return render_template(fragment, **_page_values(context, decision, **forms), saved_message=message)
    if message:
        flash(message, "success")
        anchor = "positions" if "position" in fragment else "contributions"
        return redirect(url_for("decisions.show", slug=context.project.slug, decision_id=decision.id, _anchor=anchor))
    return render_template("decisions/show.html", **_page_values(context, decision, **forms))


def _refusal(context: ProjectContext, decision: Decision, message: str, fragment: str):
    if request.htmx:
        return render_template(fragment, **_page_values(context, decision), refusal=message)
    flash(message, "error")
    return redirect(url_for("decisions.show", slug=context.project.slug, decision_id=decision.id))


def _why_not(organisation: Organisation | None, decision: Decision, once_closed: str) -> str | None:
    """Why this person cannot act on the decision for their organisation, if they cannot."""
    if organisation is None:
        return "Your organisation is not a partner of this project."
    if not decision.is_open:
        return f"This decision is {decision.status.label.lower()}: {once_closed}."
    return None


@blueprint.route("/<int:decision_id>/position", methods=["POST"])
@login_required
def record_position(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    fragment = "decisions/_positions.html"
    organisation = _own_partner_organisation(context)
    problem = _why_not(organisation, decision, "positions are closed")
    if problem is None and not speaks_for_organisation(context.membership):
        problem = f"Only the named representatives of {organisation.name} record its position."
    if problem:
        return _refusal(context, decision, problem, fragment)
    form = PositionForm(prefix="position")
    if not form.validate_on_submit():
        return _respond(context, decision, fragment, None, position_form=form, failed_form=form)
    previous = decision.current_positions().get(organisation.id)
    position = Position(decision=decision, organisation=organisation, stance=DecisionStance(form.stance.data),
                        reasons=(form.reasons.data or "").strip(), recorded_by=current_user, replaces=previous)
    db.session.add(position)
    audit.record("position recorded", position, actor=current_user, project=context.project,
                 label=f"{organisation.name}: {position.stance.label.lower()} on {decision.title}",
                 before=audit.snapshot(previous, ("stance", "reasons")) if previous else None,
                 after={**audit.snapshot(position, ("stance", "reasons")), "decision": decision.id})
    db.session.commit()
    db.session.refresh(decision)
    return _respond(context, decision, fragment, f"{organisation.name}'s position recorded: {position.stance.label.lower()}")


@blueprint.route("/<int:decision_id>/contributions", methods=["POST"])
@login_required
def add_contribution(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    fragment = "decisions/_contributions.html"
    organisation = _own_partner_organisation(context)
    problem = _why_not(organisation, decision, "contributions are fixed")
    if problem:
        return _refusal(context, decision, problem, fragment)
    form = ContributionForm(prefix="contribution")
    if not form.validate_on_submit():
        return _respond(context, decision, fragment, None, contribution_form=form, failed_form=form)
    kind = ContributionKind(form.kind.data)
    staff_time = kind == ContributionKind.STAFF_TIME
    contribution = Contribution(
        decision=decision, organisation=organisation, kind=kind, amount=form.value(),
        hours=form.hours.data if staff_time else None, hourly_cost=form.hourly_cost.data if staff_time else None,
        description=(form.description.data or "").strip(), recorded_by=current_user,
    )
    db.session.add(contribution)
    audit.record("contribution added", contribution, actor=current_user, project=context.project,
                 label=f"{organisation.name}: £{contribution.amount:,} {kind.label.lower()} to {decision.title}",
                 after={**audit.snapshot(contribution, ("kind", "amount", "hours", "hourly_cost", "description")),
                        "decision": decision.id})
    db.session.commit()
    db.session.refresh(decision)
    return _respond(context, decision, fragment, f"{organisation.name}'s contribution of £{contribution.amount:,} added")


@blueprint.route("/<int:decision_id>/contributions/<int:contribution_id>/remove", methods=["POST"])
@login_required
def remove_contribution(slug: str, decision_id: int, contribution_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    fragment = "decisions/_contributions.html"
    contribution = next((c for c in decision.contributions if c.id == contribution_id), None)
    if contribution is None:
        abort(404)
    if contribution.organisation_id != current_user.organisation_id:
        return _refusal(context, decision, "You can remove only your own organisation's contributions.", fragment)
    if not decision.is_open:
        return _refusal(context, decision, f"This decision is {decision.status.label.lower()}: contributions are fixed.", fragment)
    audit.record("contribution removed", contribution, actor=current_user, project=context.project,
                 label=f"{contribution.organisation.name}: £{contribution.amount:,} {contribution.kind.label.lower()} removed from {decision.title}",
                 before={**audit.snapshot(contribution, ("kind", "amount", "hours", "hourly_cost", "description")),
                         "decision": decision.id})
    db.session.delete(contribution)
    db.session.commit()
    db.session.refresh(decision)
    return _respond(context, decision, fragment, "Contribution removed")


# Actions ---------------------------------------------------------------------------------

def _action(decision: Decision, action_id: int) -> Action:
    action = next((a for a in decision.actions if a.id == action_id), None)
    if action is None:
        abort(404)
    return action


@blueprint.route("/<int:decision_id>/actions", methods=["POST"])
@login_required
def add_action(slug: str, decision_id: int):
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    form = _action_form(context)
    if not form.validate_on_submit():
        return render_template("decisions/show.html", **_page_values(context, decision, action_form=form, failed_form=form))
    action = Action(decision=decision, title=form.title.data.strip(), owner_id=form.owner_id.data,
                    due_on=form.due_on.data, created_by=current_user)
    db.session.add(action)
    db.session.flush()
    audit.record("action added", action, actor=current_user, project=context.project, label=action.title,
                 after={**audit.snapshot(action, ("title", "due_on")), "owner": action.owner.name, "decision": decision.id})
    db.session.commit()
    flash(f"Action added for {action.owner.name}", "success")
    return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id, _anchor="actions"))


def _changeable_action(slug: str, decision_id: int, action_id: int, change: str) -> tuple[ProjectContext, Decision, Action]:
    """The action, if this person owns it or leads the project; otherwise the request stops."""
    context = project_context(slug, Access.MEMBER)
    decision = _decision(context, decision_id)
    action = _action(decision, action_id)
    if not (context.is_lead or action.owner_id == current_user.id):
        abort(403, f"Only the action's owner and the project leads can {change}.")
    return context, decision, action


@blueprint.route("/<int:decision_id>/actions/<int:action_id>/done", methods=["POST"])
@login_required
def action_done(slug: str, decision_id: int, action_id: int):
    context, decision, action = _changeable_action(slug, decision_id, action_id, "mark it done")
    if action.status == ActionStatus.OPEN:
        action.status = ActionStatus.DONE
        action.finished_at = datetime.now(timezone.utc)
        audit.record("action done", action, actor=current_user, project=context.project, label=action.title,
                     before={"status": ActionStatus.OPEN.value}, after={"status": ActionStatus.DONE.value})
        db.session.commit()
        flash(f"Action marked done: {action.title}", "success")
    return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id, _anchor="actions"))


@blueprint.route("/<int:decision_id>/actions/<int:action_id>/drop", methods=["GET", "POST"])
@login_required
def drop_action(slug: str, decision_id: int, action_id: int):
    context, decision, action = _changeable_action(slug, decision_id, action_id, "drop it")
    if action.status != ActionStatus.OPEN:
        flash(f"This action is already {action.status.label.lower()}.", "error")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id, _anchor="actions"))
    form = DropActionForm()
    if form.validate_on_submit():
        action.status = ActionStatus.DROPPED
        action.dropped_reason = form.reason.data.strip()
        action.finished_at = datetime.now(timezone.utc)
        audit.record("action dropped", action, actor=current_user, project=context.project, label=action.title,
                     before={"status": ActionStatus.OPEN.value},
                     after={"status": ActionStatus.DROPPED.value, "dropped_reason": action.dropped_reason})
        db.session.commit()
        flash(f"Action dropped: {action.title}", "success")
        return redirect(url_for("decisions.show", slug=slug, decision_id=decision.id, _anchor="actions"))
    return render_template("decisions/reason.html", context=context, project=context.project, decision=decision, form=form,
                           heading="Drop the action", caption=decision.title,
                           intro=f"{action.title}, owned by {action.owner.name}, due {action.due_on:%-d %B %Y}.")


@blueprint.route("/actions")
@login_required
def actions(slug: str):
    context = project_context(slug, Access.MEMBER)
    all_actions = db.session.scalars(
        select(Action).join(Action.decision).where(Decision.project_id == context.project.id)
        .options(selectinload(Action.decision)).order_by(Action.due_on, Action.id)
    ).all()
    current = today()
    open_actions = [a for a in all_actions if a.status == ActionStatus.OPEN]
    return render_template(
        "decisions/actions.html", context=context, project=context.project, today=current,
        overdue=[a for a in open_actions if a.is_overdue(current)],
        upcoming=[a for a in open_actions if not a.is_overdue(current)],
        finished=[a for a in all_actions if a.status != ActionStatus.OPEN],
    )
