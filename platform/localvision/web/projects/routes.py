from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import DecisionRule, Phase, ProjectRole
from localvision.extensions import db
from localvision.models import Organisation, Project, ProjectMembership, User
from localvision.permissions import policy
from localvision.permissions.policy import Access, ProjectContext
from localvision.queries import audit
from localvision.queries.decisions import open_decisions
from localvision.queries.organisations import confirmed_people_of_organisation, organisations_by_name
from localvision.queries.overview import project_overview
from localvision.queries.partners import partners_by_sector
from localvision.queries.public import published_project_version
from localvision.services import invitations
from localvision.services import projects as project_services
from localvision.web.confirmation import confirmation_page, is_confirmed
from localvision.web.context import project_context
from localvision.web.http_caching import revalidated
from localvision.web.input_bounds import PAGE_MAX, query_number
from localvision.web.projects import blueprint
from localvision.web.projects.forms import (
    AddPersonForm,
    ChangeRoleForm,
    InvitationForm,
    InvitePartnerForm,
    ProjectForm,
)
from localvision.web.projects.public_page import render_public_project
from localvision.web.refusals import refusal_flashed


def _details(form: ProjectForm) -> dict:
    return {"title": form.title.data, "place": form.place.data, "theme": form.theme.data,
            "summary": form.summary.data, "phase": Phase(form.phase.data),
            "decision_rule": DecisionRule(form.decision_rule.data), "minimum_notice_days": form.minimum_notice_days.data,
            "reminder_lead_days": form.reminder_lead_days.data}


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = ProjectForm()
    if form.validate_on_submit():
        project = project_services.create_project(current_user, **_details(form))
        flash("Project created. Add the partner organisations next.", "success")
        return redirect(url_for("projects.partners", slug=project.slug))
    return render_template("projects/form.html", form=form, project=None)


@blueprint.route("/<slug>")
@revalidated(published_project_version, relative_times=True)
def show(slug: str):
    context = project_context(slug, Access.VIEWER)
    if not context.is_member:
        return render_public_project(context)
    return render_template("projects/show.html", context=context, overview=project_overview(context))


@blueprint.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    context = project_context(slug, Access.LEAD)
    project = context.project
    form = ProjectForm(obj=project)
    if request.method == "GET":
        form.phase.data = project.phase.value
        form.decision_rule.data = project.decision_rule.value
    if form.validate_on_submit():
        project_services.update_project(context, **_details(form))
        flash("Project saved", "success")
        return redirect(url_for("projects.show", slug=project.slug))
    return render_template("projects/form.html", form=form, project=project,
                           open_decisions=open_decisions(project))


@blueprint.route("/<slug>/publication", methods=["POST"])
@login_required
def publication(slug: str):
    context = project_context(slug, Access.LEAD)
    publish = request.form.get("publish") == "1"
    if not publish and context.project.is_published and not is_confirmed():
        return confirmation_page(
            heading=f"Make {context.project.title} private?", project=context.project, context=context,
            consequences=["Its public page, its decisions and its open data will no longer be visible to anyone "
                          "outside the project, and links shared with the public will stop working.",
                          "You can publish it again later."],
            button="Make private", back_url=url_for("projects.show", slug=slug), fields={"publish": "0"})
    project_services.set_publication(context, publish)
    flash("The project is now public" if publish else "The project is now private", "success")
    return redirect(url_for("projects.show", slug=slug))


# Partners -------------------------------------------------------------------------

def _invite_form(project: Project) -> InvitePartnerForm:
    """Organisations that are neither partners nor invited yet."""
    form = InvitePartnerForm(prefix="invite")
    taken = {partner.organisation_id for partner in project.partners + project.invited_partners}
    form.organisation_id.choices = [(0, "Choose an organisation")] + [
        (org.id, f"{org.name} ({org.sector.label})") for org in organisations_by_name() if org.id not in taken
    ]
    return form


def _render_partners(context: ProjectContext, invite_form: InvitePartnerForm):
    template = "projects/_partners.html" if request.htmx else "projects/partners.html"
    return render_template(
        template,
        context=context,
        project=context.project,
        partner_groups=partners_by_sector(context.project.partners),
        invited=sorted(context.project.invited_partners, key=lambda p: p.organisation.name),
        invite_form=invite_form,
    )


def _partners_done(context: ProjectContext, message: str):
    db.session.refresh(context.project)
    if request.htmx:
        return _render_partners(context, _invite_form(context.project))
    flash(message, "success")
    return redirect(url_for("projects.partners", slug=context.project.slug))


@blueprint.route("/<slug>/partners", methods=["GET", "POST"])
@login_required
def partners(slug: str):
    context = project_context(slug, Access.MEMBER if request.method == "GET" else Access.LEAD)
    invite_form = _invite_form(context.project)
    if request.method == "POST" and invite_form.validate_on_submit():
        organisation = db.session.get(Organisation, invite_form.organisation_id.data)
        try:
            invitations.invite_organisation(context, organisation)
        except Refused as refusal:
            invite_form.organisation_id.errors = [refusal.message]
            return _render_partners(context, invite_form)
        return _partners_done(context, f"{organisation.name} has been invited. It joins when one of its people accepts.")
    return _render_partners(context, invite_form)


@blueprint.route("/<slug>/partners/invited/<int:invited_id>/withdraw", methods=["POST"])
@login_required
def withdraw_partner_invitation(slug: str, invited_id: int):
    context = project_context(slug, Access.LEAD)
    with refusal_flashed(url_for("projects.partners", slug=slug)):
        invitations.withdraw_partner_invitation(context, invited_id)
    return _partners_done(context, "Invitation withdrawn")


@blueprint.route("/<slug>/partners/<int:partner_id>/remove", methods=["POST"])
@login_required
def remove_partner(slug: str, partner_id: int):
    context = project_context(slug, Access.LEAD)
    partner = next((p for p in context.project.partners if p.id == partner_id), None)
    if partner is None:
        return redirect(url_for("projects.partners", slug=slug))
    name = partner.organisation.name
    with refusal_flashed(url_for("projects.partners", slug=slug)):
        leaving = project_services.check_partner_removal(context, partner)
        if not is_confirmed():
            open_now = open_decisions(context.project)
            people = ", ".join(m.user.name for m in leaving)
            return confirmation_page(
                heading=f"Remove {name} from the partnership?", project=context.project, context=context,
                consequences=[
                    f"Its people leave the project with it: {people}." if leaving else "None of its people are in the project.",
                    *([f"Its recorded positions still count on the {len(open_now)} open "
                       f"decision{'s' if len(open_now) != 1 else ''}, and stay on the record."] if open_now else []),
                ],
                button=f"Remove {name}", back_url=url_for("projects.partners", slug=slug))
        project_services.remove_partner(context, partner)
    return _partners_done(context, f"{name} removed from the partnership")


# People ---------------------------------------------------------------------------

def _addable_people(context: ProjectContext) -> list[User]:
    """An organisation administrator in the project may add their own organisation's
    confirmed people who are not in it yet; nobody else is offered anyone."""
    actor = context.actor
    if not context.is_member or not actor.administers_organisation or not any(
            partner.organisation_id == actor.organisation_id for partner in context.project.partners):
        return []
    member_ids = {membership.user_id for membership in context.project.memberships}
    return [person for person in confirmed_people_of_organisation(actor.organisation_id)
            if person.id not in member_ids]


def _people_page(context: ProjectContext, form: AddPersonForm):
    memberships = sorted(context.project.memberships, key=lambda m: (m.user.organisation.name, m.user.name))
    return render_template("projects/people.html", context=context, project=context.project,
                           memberships=memberships, form=form, role_form=ChangeRoleForm(),
                           may_see_email=policy.may_see_email,
                           may_name_representative=lambda m: policy.may_name_representative(context, m))


def _person_form(context: ProjectContext) -> AddPersonForm:
    form = AddPersonForm()
    form.user_id.choices = [(0, "Choose a person")] + [
        (person.id, person.name) for person in _addable_people(context)
    ]
    if not context.is_lead:
        form.role.choices = [(ProjectRole.MEMBER.value, ProjectRole.MEMBER.label)]
    return form


@blueprint.route("/<slug>/people", methods=["GET", "POST"])
@login_required
def people(slug: str):
    context = project_context(slug, Access.MEMBER)
    form = _person_form(context)
    if form.validate_on_submit():
        person = db.session.get(User, form.user_id.data)
        try:
            project_services.add_person(context, person, ProjectRole(form.role.data))
        except Refused as refusal:
            getattr(form, refusal.field or "user_id").errors = [refusal.message]
            return _people_page(context, form)
        flash(f"{person.name} added to the project", "success")
        return redirect(url_for("projects.people", slug=slug))
    return _people_page(context, form)


def _membership(project: Project, membership_id: int) -> ProjectMembership | None:
    return next((m for m in project.memberships if m.id == membership_id), None)


@blueprint.route("/<slug>/people/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(slug: str, membership_id: int):
    context = project_context(slug, Access.LEAD)
    membership = _membership(context.project, membership_id)
    form = ChangeRoleForm()
    if membership is None or not form.validate_on_submit():
        return redirect(url_for("projects.people", slug=slug))
    role = ProjectRole(form.role.data)
    unchanged = role == membership.role
    with refusal_flashed(url_for("projects.people", slug=slug)):
        project_services.change_role(context, membership, role)
    if not unchanged:
        flash(f"{membership.user.name} is now {role.label.lower()}", "success")
    return redirect(url_for("projects.people", slug=slug))


@blueprint.route("/<slug>/people/<int:membership_id>/representative", methods=["POST"])
@login_required
def representative(slug: str, membership_id: int):
    context = project_context(slug, Access.MEMBER)
    membership = _membership(context.project, membership_id)
    if membership is None:
        return redirect(url_for("projects.people", slug=slug))
    named = request.form.get("representative") == "1"
    unchanged = named == membership.is_representative
    with refusal_flashed(url_for("projects.people", slug=slug)):
        project_services.set_representative(context, membership, named)
    if not unchanged:
        person, organisation = membership.user.name, membership.user.organisation.name
        flash(f"{person} is now a named representative of {organisation}" if named
              else f"{person} is no longer a named representative of {organisation}", "success")
    return redirect(url_for("projects.people", slug=slug))


@blueprint.route("/<slug>/people/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_person(slug: str, membership_id: int):
    context = project_context(slug, Access.LEAD)
    membership = _membership(context.project, membership_id)
    if membership is None:
        return redirect(url_for("projects.people", slug=slug))
    name = membership.user.name
    if not is_confirmed():
        return confirmation_page(
            heading=f"Remove {name} from the project?", project=context.project, context=context,
            consequences=[f"{name} will no longer see the project's private pages or act for "
                          f"{membership.user.organisation.name} here. What they recorded stays on the record."],
            button=f"Remove {name}", back_url=url_for("projects.people", slug=slug))
    with refusal_flashed(url_for("projects.people", slug=slug)):
        project_services.remove_person(context, membership)
    flash(f"{name} removed from the project", "success")
    return redirect(url_for("projects.people", slug=slug))


@blueprint.route("/<slug>/invitations", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    context = project_context(slug, Access.LEAD)
    project = context.project
    form = InvitationForm()
    form.organisation_id.choices = [(0, "Choose an organisation")] + [
        (partner.organisation_id, partner.organisation.name)
        for partner in sorted(project.partners, key=lambda p: p.organisation.name)
    ]
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        try:
            invitation = invitations.invite_to_project(context, form.email.data, organisation,
                                                       ProjectRole(form.role.data))
        except Refused as refusal:
            getattr(form, refusal.field or "email").errors = [refusal.message]
        else:
            flash(f"Invitation sent to {invitation.email}", "success")
            return redirect(url_for("projects.people", slug=slug))
    return render_template("projects/invite.html", context=context, project=project, form=form)


@blueprint.route("/<slug>/audit")
@login_required
def audit_trail(slug: str):
    context = project_context(slug, Access.MEMBER)
    events, entries = audit.trail(context.project, query_number("page", 1, PAGE_MAX))
    return render_template("projects/audit.html", context=context, project=context.project, events=events,
                           entries=entries)
