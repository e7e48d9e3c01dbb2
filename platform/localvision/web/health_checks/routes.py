"""The partnership health check: rounds, the answer form, results and their download."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from localvision.domain.vocabulary import AGREEMENT_SCALE, HealthStatement, Sector
from localvision.models import HealthCheckRound
from localvision.permissions import policy
from localvision.permissions.policy import Access, ProjectContext
from localvision.queries import health_checks as queries
from localvision.queries.contribution_figures import contribution_figures
from localvision.services import health_checks as services
from localvision.web.confirmation import confirmation_page, is_confirmed
from localvision.web.context import project_context
from localvision.web.csv_safety import csv_text
from localvision.web.health_checks import blueprint
from localvision.web.health_checks.forms import AnswerForm, OpenRoundForm
from localvision.web.refusals import refusal_flashed, refuse_unless


def _load(context: ProjectContext, round_id: int) -> HealthCheckRound:
    """The round, if this person may know of it: outside the project, only published results."""
    health_check = queries.round_of(context.project, round_id)
    if health_check is None or not (context.is_member or policy.may_see_health_check_results(context, health_check)):
        abort(404)
    return health_check


def _round_url(context: ProjectContext, health_check: HealthCheckRound) -> str:
    return url_for("health_checks.show", slug=context.project.slug, round_id=health_check.id)


def _to_round(context: ProjectContext, health_check: HealthCheckRound):
    return redirect(_round_url(context, health_check))


@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    rounds = queries.visible_rounds(context)
    current = queries.open_round_of(context.project.id) if context.is_member else None
    return render_template(
        "health_checks/index.html", context=context, project=context.project, rounds=rounds, current=current,
        may_answer=policy.may_answer_health_check(context),
        answered=current is not None and queries.has_answered(context.actor, current),
        answered_count=queries.answered_count(current) if current is not None else 0,
        anonymity_rule=queries.ANONYMITY_RULE, today=date.today())


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.LEAD)
    form = OpenRoundForm()
    if request.method == "GET":
        form.opens_on.data = date.today()
        form.closes_on.data = date.today() + timedelta(days=14)
    if form.validate_on_submit():
        with refusal_flashed(url_for("health_checks.index", slug=slug), form):
            health_check = services.open_round(context, form.details())
            flash("Round opened. Each person of each partner organisation can now answer.", "success")
            return _to_round(context, health_check)
    return render_template("health_checks/new.html", context=context, project=context.project, form=form,
                           statements=list(HealthStatement))


@blueprint.route("/<int:round_id>/answer", methods=["GET", "POST"])
@login_required
def answer(slug: str, round_id: int):
    context = project_context(slug, Access.MEMBER)
    health_check = _load(context, round_id)
    refuse_unless(policy.may_answer_health_check(context),
                  "Only the people of the partner organisations answer the health check.")
    if queries.has_answered(context.actor, health_check) or not health_check.accepts_answers_on(date.today()):
        return _to_round(context, health_check)
    form = AnswerForm()
    if form.validate_on_submit():
        with refusal_flashed(_round_url(context, health_check), form):
            services.answer_round(context, health_check, form.ratings(), form.comments())
            flash("Thank you: your answers are in. Nothing links them to you.", "success")
            return _to_round(context, health_check)
    return render_template("health_checks/answer.html", context=context, project=context.project, form=form,
                           health_check=health_check, statements=list(HealthStatement),
                           organisation=policy.partner_organisation(context), anonymity_rule=queries.ANONYMITY_RULE)


@blueprint.route("/<int:round_id>")
def show(slug: str, round_id: int):
    context = project_context(slug, Access.VIEWER)
    health_check = _load(context, round_id)
    result = health_check.result if policy.may_see_health_check_results(context, health_check) else None
    figures = result.figures if result is not None else None
    if request.htmx and health_check.is_closed:
        if figures is None:
            return render_template("health_checks/_pending.html", project=context.project, health_check=health_check)
        return Response(status=200, headers={"HX-Refresh": "true"})
    chart = _chart(health_check, figures) if figures and not figures["suppressed"] else None
    return render_template(
        "health_checks/show.html", context=context, project=context.project, health_check=health_check,
        result=result, figures=figures, chart=chart, statements=list(HealthStatement), scale=AGREEMENT_SCALE,
        sector_labels={sector.value: sector.label for sector in Sector},
        comments=(figures or {}).get("comments", {}) if policy.may_read_health_check_comments(context) else {},
        may_answer=policy.may_answer_health_check(context) and health_check.accepts_answers_on(date.today()),
        answered=queries.has_answered(context.actor, health_check),
        answered_count=queries.answered_count(health_check) if context.is_member else None,
        summary=contribution_figures(context.project.id, context.is_member), method=queries.METHOD, anonymity_rule=queries.ANONYMITY_RULE)


def _chart(health_check: HealthCheckRound, figures: dict) -> dict:
    """The chart's data: each statement's mean this round, and last round's where compared."""
    changes = figures["changes"]
    return {
        "labels": [statement.short_label for statement in HealthStatement],
        "current": [figures["overall"][statement.value]["mean"] for statement in HealthStatement],
        "currentLabel": health_check.title,
        "previous": [changes[statement.value]["previous_mean"] for statement in HealthStatement] if changes else [],
        "previousLabel": figures["previous"]["title"] if changes else "",
    }


@blueprint.route("/<int:round_id>/close", methods=["POST"])
@login_required
def close(slug: str, round_id: int):
    context = project_context(slug, Access.LEAD)
    health_check = _load(context, round_id)
    was_open = not health_check.is_closed
    if was_open and not is_confirmed():
        answered = queries.answered_count(health_check)
        return confirmation_page(
            heading=f"Close {health_check.title} now?", project=context.project, context=context,
            consequences=[f"Nobody else can answer: {answered} {'person has' if answered == 1 else 'people have'} "
                          f"answered so far, and the round was open until {health_check.closes_on:%-d %B %Y}.",
                          "The results are computed from the answers given, and shown to the partnership.",
                          "A closed round cannot be opened again."],
            button="Close the round", back_url=url_for("health_checks.show", slug=slug, round_id=round_id))
    services.close_round(context, health_check)
    if was_open:
        flash("Round closed. The results are being computed.", "success")
    return _to_round(context, health_check)


@blueprint.route("/<int:round_id>/publication", methods=["POST"])
@login_required
def publication(slug: str, round_id: int):
    context = project_context(slug, Access.LEAD)
    health_check = _load(context, round_id)
    publish = request.form.get("publish") == "1"
    with refusal_flashed(_round_url(context, health_check)):
        services.set_round_publication(context, health_check, publish)
    if publish:
        flash("The results are published." + ("" if context.project.is_published else
                                               " They become public when the project is published."), "success")
    else:
        flash("The results are private to the partnership again.", "success")
    return _to_round(context, health_check)


@blueprint.route("/<int:round_id>/results.csv")
def download(slug: str, round_id: int):
    """The round's aggregate figures, the same groups as the page; never comments."""
    context = project_context(slug, Access.VIEWER)
    health_check = _load(context, round_id)
    if not policy.may_see_health_check_results(context, health_check) or health_check.result is None:
        abort(404, description="This round has no results yet")
    rows = queries.csv_rows(health_check.result.figures)
    return Response(csv_text(queries.CSV_HEADER, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{slug}-health-check-{round_id}.csv"'})
