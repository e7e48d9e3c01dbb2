from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision import audit, jobs
from localvision.access import Access, ProjectContext, project_context
from localvision.domain.measurement_csv import format_period, indicator_key
from localvision.domain.progress import Point, trajectory_value
from localvision.extensions import db
from localvision.indicator_decisions import funding_aimed_at, indicators_aimed_at
from localvision.indicator_progress import goal_of, progress_of, summaries
from localvision.jobs.measurement_import import import_measurements, job_id_for
from localvision.measurement_import import apply_import, create_import, planned_summary, runs_in_background
from localvision.models import (
    Decision,
    DecisionIndicator,
    Direction,
    Frequency,
    ImportStatus,
    Indicator,
    Measurement,
    MeasurementImport,
    MeasurementRevision,
    Project,
    Unit,
)
from localvision.redis_connection import get_redis
from localvision.web.indicators import blueprint
from localvision.web.indicators.forms import (
    CorrectionForm,
    DecisionLinksForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
    ToleranceForm,
)

INDICATOR_FIELDS = ("name", "description", "unit", "decimal_places", "direction", "baseline_value", "baseline_date",
                    "target_value", "target_date", "source", "frequency", "owner_organisation_id")
MEASUREMENT_FIELDS = ("period", "value", "note", "source")

EPOCH = date(1970, 1, 1)
UNIT_SUFFIXES = {Unit.RATE_PER_1000: " per 1,000", Unit.RATE_PER_100000: " per 100,000", Unit.DAYS: " days",
                 Unit.MINUTES: " minutes", Unit.PERCENTAGE: "%"}


def day_number(period: date) -> int:
    return (period - EPOCH).days


@blueprint.app_template_filter("indicator_value")
def format_indicator_value(value: Decimal | None, indicator: Indicator, signed: bool = False) -> str:
    """A value as readers expect it: 13,000; 45.5%; £1,200; 12.3 per 1,000; 34 days."""
    if value is None:
        return ""
    places = indicator.decimal_places
    # Half up, as people round by hand (Python's default rounds half to even).
    number = f"{abs(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    if indicator.unit == Unit.POUNDS:
        return f"{sign}£{number}"
    return f"{sign}{number}{UNIT_SUFFIXES.get(indicator.unit, '')}"


@blueprint.app_template_filter("indicator_percent")
def format_indicator_percent(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:{'+' if signed else ''},.1f}%"


@blueprint.app_template_global("indicator_summaries")
def indicator_summaries(project: Project):  # type: ignore[no-untyped-def]
    return summaries(project)


@blueprint.app_template_global("indicators_aimed_at")
def decision_indicator_summaries(decision: Decision):  # type: ignore[no-untyped-def]
    return indicators_aimed_at(decision)


def may_edit(context: ProjectContext, indicator: Indicator) -> bool:
    """Project leads, and the people of the organisation that owns the indicator."""
    if context.is_lead:
        return True
    return context.membership is not None and context.membership.user.organisation_id == indicator.owner_organisation_id


def _indicator(project: Project, indicator_id: int) -> Indicator:
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.project_id != project.id:
        abort(404)
    return indicator


# Indicators -----------------------------------------------------------------------

@blueprint.route("")
def index(slug: str):
    context = project_context(slug, Access.VIEWER)
    tolerance_form = ToleranceForm(tolerance=context.project.indicator_tolerance_percent)
    return render_template("indicators/index.html", context=context, project=context.project,
                           summaries=summaries(context.project), tolerance_form=tolerance_form)


@blueprint.route("/tolerance", methods=["POST"])
@login_required
def tolerance(slug: str):
    context = project_context(slug, Access.LEAD)
    project = context.project
    form = ToleranceForm()
    if not form.validate_on_submit():
        return render_template("indicators/index.html", context=context, project=project,
                               summaries=summaries(project), tolerance_form=form), 400
    if form.tolerance.data != project.indicator_tolerance_percent:
        audit.record("updated", project, actor=current_user, project=project, label=project.title,
                     before={"indicator_tolerance_percent": project.indicator_tolerance_percent},
                     after={"indicator_tolerance_percent": form.tolerance.data})
        project.indicator_tolerance_percent = form.tolerance.data
        db.session.commit()
    flash(f"Indicators behind their trajectory by up to {form.tolerance.data}% of the gap now count as at risk", "success")
    return redirect(url_for("indicators.index", slug=slug))


def _owner_choices(context: ProjectContext) -> list[tuple[int, str]]:
    partners = sorted(context.project.partners, key=lambda partner: partner.organisation.name)
    if not context.is_lead:
        own = context.membership.user.organisation_id if context.membership else None
        partners = [partner for partner in partners if partner.organisation_id == own]
    return [(partner.organisation_id, partner.organisation.name) for partner in partners]


def _indicator_form(context: ProjectContext, indicator: Indicator | None) -> IndicatorForm:
    form = IndicatorForm(obj=indicator if request.method == "GET" else None)
    form.owner_organisation_id.choices = _owner_choices(context)
    if indicator is not None and request.method == "GET":
        form.unit.data = indicator.unit.value
        form.direction.data = indicator.direction.value
        form.frequency.data = indicator.frequency.value
        form.baseline_value.set_number(indicator.baseline_value)
        form.target_value.set_number(indicator.target_value)
        form.baseline_date.data = indicator.baseline_date.isoformat() if indicator.baseline_date else ""
        form.target_date.data = indicator.target_date.isoformat() if indicator.target_date else ""
    elif indicator is None and request.method == "GET" and context.membership is not None:
        form.owner_organisation_id.data = context.membership.user.organisation_id
    return form


def _name_taken(project: Project, name: str, indicator: Indicator | None) -> bool:
    others = db.session.scalars(select(Indicator.name).where(Indicator.project_id == project.id,
                                                            Indicator.id != (indicator.id if indicator else None)))
    return indicator_key(name) in {indicator_key(other) for other in others}


def _save_indicator(form: IndicatorForm, context: ProjectContext, indicator: Indicator | None):  # type: ignore[no-untyped-def]
    if not form.validate_on_submit():
        return None
    name = " ".join(form.name.data.split())
    if _name_taken(context.project, name, indicator):
        form.name.errors = [f"This project already has an indicator called {name}"]
        return None
    creating = indicator is None
    if creating:
        indicator = Indicator(project=context.project)
        db.session.add(indicator)
        before = {}
    else:
        before = audit.snapshot(indicator, INDICATOR_FIELDS)
    indicator.name = name
    indicator.description = form.description.data.strip()
    indicator.unit = Unit(form.unit.data)
    indicator.decimal_places = form.decimal_places.data
    indicator.direction = Direction(form.direction.data)
    indicator.baseline_value = form.baseline_value.number
    indicator.baseline_date = form.baseline_date.date
    indicator.target_value = form.target_value.number
    indicator.target_date = form.target_date.date
    indicator.source = form.source.data.strip()
    indicator.frequency = Frequency(form.frequency.data)
    indicator.owner_organisation_id = form.owner_organisation_id.data
    after = audit.snapshot(indicator, INDICATOR_FIELDS)
    if creating:
        audit.record("created", indicator, actor=current_user, project=context.project, label=name, after=after)
    else:
        old, new = audit.changed_fields(before, after)
        if new:
            audit.record("updated", indicator, actor=current_user, project=context.project, label=name,
                         before=old, after=new)
    db.session.commit()
    return indicator


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = _indicator_form(context, None)
    indicator = _save_indicator(form, context, None)
    if indicator is not None:
        flash(f"{indicator.name} defined. Add its measurements next.", "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id))
    return render_template("indicators/form.html", context=context, project=context.project, form=form, indicator=None)


@blueprint.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context.project, indicator_id)
    if not may_edit(context, indicator):
        abort(403)
    form = _indicator_form(context, indicator)
    if indicator.owner_organisation_id not in dict(form.owner_organisation_id.choices):
        # The owner may have left the partnership: it stays a choice until changed.
        form.owner_organisation_id.choices.append((indicator.owner_organisation_id, indicator.owner_organisation.name))
    if _save_indicator(form, context, indicator) is not None:
        flash(f"{indicator.name} saved", "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id))
    return render_template("indicators/form.html", context=context, project=context.project, form=form,
                           indicator=indicator)


def chart_data(indicator: Indicator, measurements: list[Measurement]) -> dict:
    """What the chart script draws: the same figures as the table, as plain numbers, on a
    time axis counted in days since 1 January 1970 so that uneven gaps stay uneven."""
    goal = goal_of(indicator)
    ends = [point for point in (goal.baseline, goal.target) if point is not None]
    days = [day_number(m.period) for m in measurements] + [day_number(point.period) for point in ends]
    first, last = min(days), max(days)

    def level(value: Decimal | None) -> list[dict]:
        return [] if value is None else [{"x": first, "y": float(value)}, {"x": last, "y": float(value)}]

    trajectory = []
    if goal.baseline is not None and goal.target is not None:
        trajectory = [{"x": day_number(point.period), "y": float(point.value)} for point in ends]
        if last > trajectory[-1]["x"]:
            trajectory.append({"x": last, "y": float(goal.target.value)})
    return {
        "from": first,
        "to": last,
        "measurements": [{"x": day_number(m.period), "y": float(m.value)} for m in measurements],
        "trajectory": trajectory,
        "baseline": level(indicator.baseline_value),
        "target": level(indicator.target_value),
        "decimalPlaces": indicator.decimal_places,
    }


def _links_form(context: ProjectContext, indicator: Indicator, formdata: bool = False) -> DecisionLinksForm:
    form = DecisionLinksForm() if formdata else DecisionLinksForm(formdata=None)
    decisions = db.session.scalars(select(Decision).where(Decision.project_id == context.project.id)
                                   .order_by(Decision.opens_on.desc(), Decision.id.desc())).all()
    form.decision_ids.choices = [(decision.id, f"{decision.title} ({decision.status.label.lower()})")
                                 for decision in decisions]
    if not formdata:
        form.decision_ids.data = [decision.id for decision in indicator.decisions]
    return form


def _show_page(context: ProjectContext, indicator: Indicator, form: MeasurementForm, status: int = 200,
               links_form: DecisionLinksForm | None = None):
    measurements = db.session.scalars(
        select(Measurement).where(Measurement.indicator_id == indicator.id).order_by(Measurement.period)
        .options(selectinload(Measurement.entered_by),
                 selectinload(Measurement.revisions).selectinload(MeasurementRevision.entered_by),
                 selectinload(Measurement.revisions).selectinload(MeasurementRevision.replaced_by))
    ).all()
    points = [Point(m.period, m.value) for m in measurements]
    editable = may_edit(context, indicator)
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
    indicator = _indicator(context.project, indicator_id)
    return _show_page(context, indicator, MeasurementForm(formdata=None))


@blueprint.route("/<int:indicator_id>/measurements", methods=["POST"])
@login_required
def add_measurement(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context.project, indicator_id)
    form = MeasurementForm()
    if form.validate_on_submit():
        existing = db.session.scalar(select(Measurement).where(Measurement.indicator_id == indicator.id,
                                                               Measurement.period == form.period.date))
        if existing is not None:
            form.period.errors = [f"There is already a value for {format_period(form.period.date)}: "
                                  f"correct that value instead of adding another"]
        else:
            measurement = Measurement(indicator=indicator, period=form.period.date, value=form.value.number,
                                      note=form.note.data.strip(), source=form.source.data.strip(),
                                      entered_by=current_user)
            db.session.add(measurement)
            audit.record("added", measurement, actor=current_user, project=context.project,
                         label=f"{indicator.name}, {format_period(measurement.period)}",
                         after=audit.snapshot(measurement, MEASUREMENT_FIELDS))
            db.session.commit()
            flash(f"{format_indicator_value(measurement.value, indicator)} added for "
                  f"{format_period(measurement.period)}", "success")
            return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#measurements")
    return _show_page(context, indicator, form, status=400)


@blueprint.route("/<int:indicator_id>/measurements/<int:measurement_id>", methods=["GET", "POST"])
@login_required
def correct_measurement(slug: str, indicator_id: int, measurement_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context.project, indicator_id)
    measurement = db.session.get(Measurement, measurement_id)
    if measurement is None or measurement.indicator_id != indicator.id:
        abort(404)
    form = CorrectionForm(obj=measurement if request.method == "GET" else None)
    if request.method == "GET":
        form.value.set_number(measurement.value)
    if form.validate_on_submit():
        before = audit.snapshot(measurement, MEASUREMENT_FIELDS)
        value, note, source = form.value.number, form.note.data.strip(), form.source.data.strip()
        if (value, note, source) == (measurement.value, measurement.note, measurement.source):
            flash("Nothing changed: the value, note and source are as they were", "info")
        else:
            db.session.add(MeasurementRevision(
                measurement=measurement, value=measurement.value, note=measurement.note, source=measurement.source,
                entered_by_id=measurement.entered_by_id, entered_at=measurement.entered_at, replaced_by=current_user,
            ))
            measurement.value, measurement.note, measurement.source = value, note, source
            measurement.entered_by = current_user
            measurement.entered_at = datetime.now(timezone.utc)
            old, new = audit.changed_fields(before, audit.snapshot(measurement, MEASUREMENT_FIELDS))
            audit.record("corrected", measurement, actor=current_user, project=context.project,
                         label=f"{indicator.name}, {format_period(measurement.period)}", before=old, after=new)
            db.session.commit()
            flash(f"Value for {format_period(measurement.period)} corrected; the earlier value is kept in its history",
                  "success")
        return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#measurements")
    return render_template("indicators/correct.html", context=context, project=context.project, indicator=indicator,
                           measurement=measurement, form=form)


@blueprint.route("/<int:indicator_id>/decisions", methods=["POST"])
@login_required
def link_decisions(slug: str, indicator_id: int):
    context = project_context(slug, Access.MEMBER)
    indicator = _indicator(context.project, indicator_id)
    if not may_edit(context, indicator):
        abort(403)
    form = _links_form(context, indicator, formdata=True)
    if not form.validate_on_submit():
        return _show_page(context, indicator, MeasurementForm(formdata=None), status=400, links_form=form)
    linked = {decision.id: decision for decision in indicator.decisions}
    chosen = set(form.decision_ids.data or [])
    titles = dict(form.decision_ids.choices)
    for decision_id in sorted(chosen - linked.keys()):
        link = DecisionIndicator(decision_id=decision_id, indicator_id=indicator.id)
        db.session.add(link)
        audit.record("linked", link, actor=current_user, project=context.project,
                     label=f"{titles[decision_id]} aims to move {indicator.name}",
                     after={"decision_id": decision_id, "indicator": indicator.name})
    for decision_id in sorted(linked.keys() - chosen):
        link = db.session.scalar(select(DecisionIndicator).where(DecisionIndicator.decision_id == decision_id,
                                                                 DecisionIndicator.indicator_id == indicator.id))
        audit.record("unlinked", link, actor=current_user, project=context.project,
                     label=f"{linked[decision_id].title} no longer linked to {indicator.name}",
                     before={"decision_id": decision_id, "indicator": indicator.name})
        db.session.delete(link)
    db.session.commit()
    flash("Linked decisions saved", "success")
    return redirect(url_for("indicators.show", slug=slug, indicator_id=indicator.id) + "#decisions")


# CSV import -----------------------------------------------------------------------

def _import_of(project: Project, import_id: int) -> MeasurementImport:
    measurement_import = db.session.get(MeasurementImport, import_id)
    if measurement_import is None or measurement_import.project_id != project.id:
        abort(404)
    return measurement_import


@blueprint.route("/import", methods=["GET", "POST"])
@login_required
def upload(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = ImportForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            content = upload_file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = ["The file must be a CSV file saved as UTF-8 text"]
        else:
            measurement_import = create_import(context.project, current_user, upload_file.filename or "upload.csv",
                                               content)
            db.session.commit()
            return redirect(url_for("indicators.import_preview", slug=slug, import_id=measurement_import.id))
    indicator_names = db.session.scalars(
        select(Indicator.name).where(Indicator.project_id == context.project.id).order_by(Indicator.name)).all()
    return render_template("indicators/upload.html", context=context, project=context.project, form=form,
                           indicator_names=indicator_names)


def _job_progress(measurement_import: MeasurementImport) -> dict:
    """Rows saved so far by the background job, from its metadata in Redis."""
    try:
        job = Job.fetch(measurement_import.job_id, connection=get_redis())
    except NoSuchJobError:
        return {"state": "missing", "done": 0, "total": measurement_import.new_count + measurement_import.corrected_count}
    return {"state": job.get_status(refresh=True).value, "done": job.meta.get("rows_done", 0),
            "total": job.meta.get("rows_total", measurement_import.new_count + measurement_import.corrected_count)}


@blueprint.route("/import/<int:import_id>")
@login_required
def import_preview(slug: str, import_id: int):
    context = project_context(slug, Access.MEMBER)
    measurement_import = _import_of(context.project, import_id)
    progress = _job_progress(measurement_import) if measurement_import.status == ImportStatus.QUEUED else None
    template = "indicators/_import_status.html" if request.htmx else "indicators/import.html"
    return render_template(template, context=context, project=context.project, measurement_import=measurement_import,
                           progress=progress, summary=planned_summary(measurement_import), form=ImportForm(formdata=None))


@blueprint.route("/import/<int:import_id>/confirm", methods=["POST"])
@login_required
def confirm_import(slug: str, import_id: int):
    context = project_context(slug, Access.MEMBER)
    measurement_import = _import_of(context.project, import_id)
    preview = url_for("indicators.import_preview", slug=slug, import_id=import_id)
    if measurement_import.status != ImportStatus.READY:
        return redirect(preview)
    if runs_in_background(measurement_import):
        measurement_import.status = ImportStatus.QUEUED
        measurement_import.job_id = job_id_for(measurement_import.id)
        db.session.commit()
        try:
            jobs.enqueue(import_measurements, measurement_import.id, current_user.id, job_id=measurement_import.job_id)
        except Exception:
            measurement_import.status = ImportStatus.READY
            db.session.commit()
            flash("The import could not be started just now. Nothing was saved: try again in a minute.", "error")
        return redirect(preview)
    if apply_import(measurement_import, current_user):
        db.session.commit()
        flash(f"Imported {measurement_import.filename}: {planned_summary(measurement_import)}", "success")
        return redirect(url_for("indicators.index", slug=slug))
    db.session.commit()
    return redirect(preview)
