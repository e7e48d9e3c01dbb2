from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.worker import Worker
from sqlalchemy import text

from localvision import job_queue
from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import Sector
from localvision.extensions import db
from localvision.models import Organisation, OrganisationDomain, OutboxMessage, Project
from localvision.queries import outbox as outbox_queries
from localvision.queries.admin import projects_by_title
from localvision.queries.organisations import (
    organisations_by_name,
    partnership_counts,
    people_counts,
    people_of_organisation,
)
from localvision.redis_connection import get_redis
from localvision.services import invitations as invitation_services
from localvision.services import mail, worker_check
from localvision.services import organisations as organisation_services
from localvision.web import mail_bodies
from localvision.web.admin import blueprint
from localvision.web.admin.forms import AdminInvitationForm, DomainForm, OrganisationForm, RoundTripForm

FAILED_JOBS_SHOWN = 20


def _database_status() -> dict[str, str]:
    try:
        db.session.execute(text("SELECT 1"))
        return {"state": "ok", "detail": db.engine.dialect.name}
    except Exception as error:
        db.session.rollback()
        return {"state": "unavailable", "detail": type(error).__name__}


def _last_error_line(job: Job) -> str:
    result = job.latest_result()
    lines = (result.exc_string or "").strip().splitlines() if result is not None else []
    return lines[-1] if lines else ""


def _queue_status() -> dict:
    redis = get_redis()
    try:
        redis.ping()
    except Exception as error:
        return {"redis": {"state": "unavailable", "detail": type(error).__name__}}
    queues = []
    failed = []
    for name in job_queue.current_queue_names():
        queue = job_queue.get_queue(name)
        registry = FailedJobRegistry(queue=queue)
        queues.append({"name": name, "queued": queue.count, "failed": registry.count})
        for job_id in registry.get_job_ids(0, FAILED_JOBS_SHOWN - 1):
            try:
                job = Job.fetch(job_id, connection=redis)
            except NoSuchJobError:
                continue
            failed.append({"id": job.id, "function": job.func_name, "queue": name, "ended_at": job.ended_at,
                           "error": _last_error_line(job)})
    workers = [
        {"name": worker.name, "state": worker.get_state(), "queues": ", ".join(worker.queue_names()),
         "last_heartbeat": worker.last_heartbeat}
        for worker in Worker.all(connection=redis)
    ]
    return {"redis": {"state": "ok", "detail": redis.connection_pool.connection_kwargs.get("path")
                      or redis.connection_pool.connection_kwargs.get("host", "")},
            "queues": queues, "workers": workers, "failed": failed}


@blueprint.route("/")
def status():
    return render_template("admin/status.html", database=_database_status(), queue=_queue_status(),
                           form=RoundTripForm())


@blueprint.route("/round-trip", methods=["POST"])
def round_trip():
    job = job_queue.enqueue(worker_check.round_trip, datetime.now(timezone.utc).isoformat())
    return _render_round_trip(job)


@blueprint.route("/round-trip/<job_id>")
def round_trip_result(job_id: str):
    try:
        job = Job.fetch(job_id, connection=get_redis())
    except NoSuchJobError:
        job = None
    return _render_round_trip(job)


def _render_round_trip(job: Job | None):
    template = "admin/_round_trip.html" if request.htmx else "admin/round_trip.html"
    status = job.get_status(refresh=True) if job is not None else None
    return render_template(template, job=job, status=status, result=job.return_value() if job is not None else None)


@blueprint.route("/organisations", methods=["GET", "POST"])
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation_services.create_organisation(current_user, form.name.data, Sector(form.sector.data),
                                                      form.website.data)
        except Refused as refusal:
            getattr(form, refusal.field or "name").errors = [refusal.message]
        else:
            form = OrganisationForm(formdata=None)
    people = people_counts()
    partnerships = partnership_counts()
    return render_template("admin/organisations.html", form=form, organisations=organisations_by_name(),
                           people_counts=people, project_counts=partnerships)


@blueprint.route("/invitations", methods=["GET", "POST"])
def invitations():
    form = AdminInvitationForm()
    form.organisation_id.choices = [(0, "Choose an organisation")] + [
        (org.id, org.name) for org in organisations_by_name()
    ]
    form.project_id.choices = [(0, "No project")] + [(project.id, project.title) for project in projects_by_title()]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        project = db.session.get(Project, form.project_id.data) if form.project_id.data else None
        try:
            invitation = invitation_services.invite_by_administrator(current_user, form.email.data, organisation,
                                                                     project)
        except Refused as refusal:
            form.email.errors = [refusal.message]
        else:
            flash(f"Invitation sent to {invitation.email}", "success")
            return redirect(url_for("admin.invitations"))
    return render_template("admin/invitations.html", form=form)


@blueprint.route("/outbox")
def outbox():
    return render_template("admin/outbox.html", messages=outbox_queries.recent_messages(),
                           counts=outbox_queries.counts_by_state(), mail_server=mail.mail_server_configured())


@blueprint.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404, "There is no such message in the outbox.")
    return render_template("admin/outbox_message.html", message=message,
                           text_body=mail_bodies.text_with_links(message.text_body),
                           html_body=mail_bodies.html_body(message.html_body))


@blueprint.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
def organisation(organisation_id: int):
    """An organisation's email domains and people."""
    listed = db.get_or_404(Organisation, organisation_id)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            organisation_services.add_domain(current_user, listed, form.domain.data)
        except Refused as refusal:
            form.domain.errors = [refusal.message]
        else:
            flash(f"{form.domain.data.strip().lower()} added", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation_id))
    return render_template("admin/organisation.html", organisation=listed, form=form,
                           people=people_of_organisation(organisation_id), may_manage_people=True)


@blueprint.route("/organisations/<int:organisation_id>/domains/<int:domain_id>/remove", methods=["POST"])
def remove_domain(organisation_id: int, domain_id: int):
    record = db.session.get(OrganisationDomain, domain_id)
    if record is None or record.organisation_id != organisation_id:
        abort(404)
    organisation_services.remove_domain(current_user, record)
    flash(f"{record.domain} removed", "success")
    return redirect(url_for("admin.organisation", organisation_id=organisation_id))
