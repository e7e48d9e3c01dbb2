from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from localvision.domain.measurement_imports import format_period
from localvision.domain.progress import Point, trajectory_value
from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import Direction, Frequency, ImportStatus, Unit
from localvision.models import Indicator, MeasurementImport
from localvision.permissions import policy
from localvision.permissions.policy import Access, ProjectContext
from localvision.queries.indicators import (
    decision_label,
    decisions_to_link,
    funding_aimed_at,
    goal_of,
    import_of,
    import_progress,
    indicator_names,
    indicator_of,
    indicator_progress,
    measurement_of,
    measurements_with_history,
    progress_of,
)
from localvision.services import indicators as indicator_services
from localvision.services import measurement_imports
from localvision.services import measurements as measurement_services
from localvision.services.indicators import IndicatorDetails
from localvision.web.context import project_context
from localvision.web.indicators import blueprint
from localvision.web.indicators.display import chart_data
from localvision.web.indicators.forms import (
    CorrectionForm,
    DecisionLinksForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
    ToleranceForm,
)
from localvision.web.refusals import beside_field, refusal_flashed, refuse_unless
from localvision.web.template_helpers import format_indicator_value


def _indicator(context: ProjectContext, indicator_id: int, *, to_edit: bool = False) -> Indicator:
    indicator = indicator_of(context.project, indicator_id)
    if indicator is None:
        abort(404)
    refuse_unless(not to_edit or policy.may_edit_indicator(context, indicator))
    return indicator


# Indicators -----------------------------------------------------------------------

@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    tolerance_form = ToleranceForm(tolerance=context.project.indicator_tolerance_percent)
    return render_template("indicators/index.html", context=context, project=context.project,
                           entries=indicator_progress(context.project), tolerance_form=tolerance_form)


@blueprint.route("/tolerance", methods=["POST"])
@login_required
def tolerance(slug: str):
    context = project_context(slug, Access.LEAD)
    form = ToleranceForm()
    if form.validate_on_submit():
        try:
            indicator_services.set_indicator_tolerance(context, form.tolerance.data)
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash(f"Indicators behind their trajectory by up to {form.tolerance.data}% of the gap now count as at risk",
                  "success")
            return redirect(url_for("indicators.index", slug=slug))
    return render_template("indicators/index.html", context=context, project=context.project,
                           entries=indicator_progress(context.project), tolerance_form=form), 400


def _owner_choices(context: ProjectContext) -> list[tuple[int, str]]:
    partners = sorted(context.project.partners, key=lambda partner: partner.organisation.name)
    return [(partner.organisation_id, partner.organisation.name) for partner in partners
            if policy.may_own_indicator(context, partner.organisation_id)]


def _indicator_form(context: ProjectContext, indicator: Indicator | None) -> IndicatorForm:
    form = IndicatorForm(obj=indicator if request.method == "GET" else None)
    form.owner_organisation_id.choices = _owner_choices(context)
    if indicator is not None and request.method == "GET":
        form.unit.data = indicator.unit.value
        form.direction.data = indicator.direction.value
        form.frequency.data = indicator.frequency.value
        form.baseline_value.set_number(indicator.baseline_value)
        form.target_value.set_number(indicator.target_value)
        form.baseline_date.data = indicator.baseline_date
        form.target_date.data = indicator.target_date
    elif indicator is None and request.method == "GET" and context.membership is not None:
        form.owner_organisation_id.data = context.membership.user.organisation_id
    return form


def _details(form: IndicatorForm) -> IndicatorDetails:
    return IndicatorDetails(
        name=form.name.data, description=form.description.data, unit=Unit(form.unit.data),
        decimal_places=form.decimal_places.data, direction=Direction(form.direction.data),
        baseline_value=form.baseline_value.number, baseline_date=form.baseline_date.data,
        target_value=form.target_value.number, target_date=form.target_date.data, source=form.source.data,
        frequency=Frequency(form.frequency.data), owner_organisation_id=form.owner_organisation_id.data,
    )


def _save_indicator(context: ProjectContext, form: IndicatorForm, indicator: Indicator | None) -> Indicator | None:
    """The saved indicator, or None with the form's errors set."""
    if not form.validate_on_submit():
        return None
    try:
        if indicator is None:
            return indicator_services.define_indicator(context, _details(form))
        return indicator_services.edit_indicator(context, indicator, _details(form))
    except Refused as refusal:
        beside_field(form, refusal)
    return None


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = _indicator_form(context, None)
    indicator = _save_indicator(context, form, None)
    if indicator is not None:
        flash(f"{indicator.name} defined. Add its measurements next.", "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id))
    return render_template("indicators/form.html", context=context, project=context.project, form=form, indicator=None)


@blueprint.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context, indicator_id, to_edit=True)
    form = _indicator_form(context, indicator)
    if indicator.owner_organisation_id not in dict(form.owner_organisation_id.choices):
        # The owner may have left the partnership: it stays a choice until changed.
        form.owner_organisation_id.choices.append((indicator.owner_organisation_id, indicator.owner_organisation.name))
    if _save_indicator(context, form, indicator) is not None:
        flash(f"{indicator.name} saved", "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id))
    return render_template("indicators/form.html", context=context, project=context.project, form=form,
                           indicator=indicator)


def _links_form(context: ProjectContext, indicator: Indicator, formdata: bool = False) -> DecisionLinksForm:
    form = DecisionLinksForm() if formdata else DecisionLinksForm(formdata=None)
    form.decision_ids.choices = [(decision.id, decision_label(decision)) for decision in decisions_to_link(context.project)]
    if not formdata:
        form.decision_ids.data = [decision.id for decision in indicator.decisions]
    return form


def _show_page(context: ProjectContext, indicator: Indicator, form: MeasurementForm, status: int = 200,
               links_form: DecisionLinksForm | None = None):
    measurements = measurements_with_history(indicator)
    points = [Point(m.period, m.value) for m in measurements]
    editable = policy.may_edit_indicator(context, indicator)
    goal = goal_of(indicator)
    expected = {}
    if goal.baseline is not None and goal.target is not None:
        expected = {m.period: trajectory_value(goal.baseline, goal.target, m.period) for m in measurements}
    return render_template(
        "indicators/show.html", context=context, project=context.project, indicator=indicator,
        measurements=measurements, expected=expected, progress=progress_of(indicator, points),
        chart=chart_data(indicator, measurements), form=form, may_edit=editable,
        corrected=[m for m in measurements if m.revisions], funding=funding_aimed_at(indicator),
        links_form=links_form or (_links_form(context, indicator) if editable else None),
    ), status


@blueprint.route("/<int:indicator_id>")
def show(slug: str, indicator_id: int):
    context = project_context(slug, Access.VIEWER)
    return _show_page(context, _indicator(context, indicator_id), MeasurementForm(formdata=None))


@blueprint.route("/<int:indicator_id>/measurements", methods=["POST"])
@login_required
def add_measurement(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context, indicator_id)
    form = MeasurementForm()
    if form.validate_on_submit():
        try:
            measurement = measurement_services.add_measurement(context, indicator, form.period.date, form.value.number,
                                                               form.note.data, form.source.data)
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash(f"{format_indicator_value(measurement.value, indicator)} added for "
                  f"{format_period(measurement.period)}", "success")
            return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#measurements")
    return _show_page(context, indicator, form, status=400)


@blueprint.route("/<int:indicator_id>/measurements/<int:measurement_id>", methods=["GET", "POST"])
@login_required
def correct_measurement(slug: str, indicator_id: int, measurement_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context, indicator_id)
    measurement = measurement_of(indicator, measurement_id)
    if measurement is None:
        abort(404)
    form = CorrectionForm(obj=measurement if request.method == "GET" else None)
    if request.method == "GET":
        form.value.set_number(measurement.value)
    if form.validate_on_submit():
        revision = measurement_services.correct_measurement(context, measurement, form.value.number,
                                                            form.note.data, form.source.data)
        if revision is None:
            flash("Nothing changed: the value, note and source are as they were", "info")
        else:
            flash(f"Value for {format_period(measurement.period)} corrected; the earlier value is kept in its history",
                  "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#measurements")
    return render_template("indicators/correct.html", context=context, project=context.project, indicator=indicator,
                           measurement=measurement, form=form)


@blueprint.route("/<int:indicator_id>/decisions", methods=["POST"])
@login_required
def link_decisions(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context, indicator_id, to_edit=True)
    form = _links_form(context, indicator, formdata=True)
    if form.validate_on_submit():
        try:
            indicator_services.link_decisions(context, indicator, set(form.decision_ids.data or []))
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            flash("Linked decisions saved", "success")
            return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#decisions")
    return _show_page(context, indicator, MeasurementForm(formdata=None), status=400, links_form=form)


# CSV import -----------------------------------------------------------------------

def _import(context: ProjectContext, import_id: int) -> MeasurementImport:
    measurement_import = import_of(context.project, import_id)
    if measurement_import is None:
        abort(404)
    return measurement_import


@blueprint.route("/import", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            measurement_import = measurement_imports.check_import(context, form.file.data.filename,
                                                                   form.file.data.read())
        except Refused as refusal:
            beside_field(form, refusal)
        else:
            return redirect(url_for("indicators.import_preview", slug=slug, import_id=measurement_import.id))
    return render_template("indicators/upload.html", context=context, project=context.project, form=form,
                           indicator_names=indicator_names(context.project))


@blueprint.route("/import/<int:import_id>")
@login_required
def import_preview(slug: str, import_id: int):
    context = project_context(slug, Access.MEMBER)
    measurement_import = _import(context, import_id)
    progress = None
    if measurement_import.status in (ImportStatus.CHECKING, ImportStatus.QUEUED):
        progress = import_progress(measurement_import)
    template = "indicators/_import_status.html" if request.htmx else "indicators/import.html"
    return render_template(template, context=context, project=context.project, measurement_import=measurement_import,
                           progress=progress, report=measurement_imports.import_report(measurement_import),
                           form=ImportForm(formdata=None))


@blueprint.route("/import/<int:import_id>/confirm", methods=["POST"])
@login_required
def confirm_import(slug: str, import_id: int):
    context = project_context(slug, Access.MEMBER)
    measurement_import = _import(context, import_id)
    with refusal_flashed(url_for("indicators.import_preview", slug=slug, import_id=import_id)):
        imported = measurement_imports.confirm_import(context, measurement_import)
    if imported:
        flash(f"Imported {measurement_import.filename}: {measurement_imports.import_report(measurement_import)}",
              "success")
        return redirect(url_for("indicators.index", slug=slug))
    return redirect(url_for("indicators.import_preview", slug=slug, import_id=import_id))
