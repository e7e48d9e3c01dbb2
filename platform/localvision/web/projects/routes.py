from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from localvision import audit
from localvision.access import Access, ProjectContext, project_context
from localvision.domain.slugs import unique_slug
from localvision.extensions import db
from localvision.invitations import create_invitation
from localvision.models import (
    AuditEvent,
    DecisionRule,
    Organisation,
    PartnerRole,
    Phase,
    Project,
    ProjectMembership,
    ProjectPartner,
    ProjectRole,
    Sector,
    User,
)
from localvision.published import published_project_version
from localvision.web.http_caching import revalidated
from localvision.web.partner_groups import partners_by_sector
from localvision.web.projects import blueprint
from localvision.web.public.project_page import render_public_project
from localvision.web.projects.forms import (
    AddPartnerForm,
    AddPersonForm,
    ChangeRoleForm,
    InvitationForm,
    NewOrganisationForm,
    ProjectForm,
)
from localvision.web.vision.state import agreed_vision
from localvision.web.summaries.routes import summary_state

PROJECT_FIELDS = ("title", "place", "theme", "summary", "phase", "decision_rule", "is_published")


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = ProjectForm()
    if form.validate_on_submit():
        taken = set(db.session.scalars(select(Project.slug)))
        project = Project(
            slug=unique_slug(f"{form.title.data} {form.place.data}", taken),
            title=form.title.data.strip(),
            place=form.place.data.strip(),
            theme=form.theme.data.strip(),
            summary=form.summary.data.strip(),
            phase=Phase(form.phase.data),
            decision_rule=DecisionRule(form.decision_rule.data),
        )
        db.session.add(project)
        db.session.add(ProjectPartner(project=project, organisation=current_user.organisation, role=PartnerRole.LEAD_PARTNER))
        db.session.add(ProjectMembership(project=project, user=current_user, role=ProjectRole.LEAD))
        audit.record("created", project, actor=current_user, project=project, label=project.title,
                     after=audit.snapshot(project, PROJECT_FIELDS))
        db.session.commit()
        flash("Project created. Add the partner organisations next.", "success")
        return redirect(url_for("projects.partners", slug=project.slug))
    return render_template("projects/form.html", form=form, project=None)


@blueprint.route("/<slug>")
@revalidated(published_project_version)
def show(slug: str):
    context = project_context(slug, Access.VIEWER)
    if not context.is_member:
        return render_public_project(context)
    return render_template(
        "projects/show.html",
        context=context,
        project=context.project,
        partner_groups=partners_by_sector(context.project.partners),
        agreed_vision=agreed_vision(context.project),
        **summary_state(context.project.id),
    )


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
        before = audit.snapshot(project, PROJECT_FIELDS)
        project.title = form.title.data.strip()
        project.place = form.place.data.strip()
        project.theme = form.theme.data.strip()
        project.summary = form.summary.data.strip()
        project.phase = Phase(form.phase.data)
        project.decision_rule = DecisionRule(form.decision_rule.data)
        old, new = audit.changed_fields(before, audit.snapshot(project, PROJECT_FIELDS))
        if new:
            audit.record("updated", project, actor=current_user, project=project, label=project.title, before=old, after=new)
        db.session.commit()
        flash("Project saved", "success")
        return redirect(url_for("projects.show", slug=project.slug))
    return render_template("projects/form.html", form=form, project=project)


@blueprint.route("/<slug>/publication", methods=["POST"])
@login_required
def publication(slug: str):
    project = project_context(slug, Access.LEAD).project
    publish = request.form.get("publish") == "1"
    if publish != project.is_published:
        project.is_published = publish
        audit.record("published" if publish else "unpublished", project, actor=current_user, project=project,
                     label=project.title, before={"is_published": not publish}, after={"is_published": publish})
        db.session.commit()
    flash("The project is now public" if publish else "The project is now private", "success")
    return redirect(url_for("projects.show", slug=project.slug))


# Partners -------------------------------------------------------------------------

def _partner_forms(project: Project) -> tuple[AddPartnerForm, NewOrganisationForm]:
    add_form = AddPartnerForm(prefix="add")
    partner_ids = {partner.organisation_id for partner in project.partners}
    candidates = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    add_form.organisation_id.choices = [(0, "Choose an organisation")] + [
        (org.id, f"{org.name} ({org.sector.label})") for org in candidates if org.id not in partner_ids
    ]
    return add_form, NewOrganisationForm(prefix="new")


def _render_partners(context: ProjectContext, add_form: AddPartnerForm, new_form: NewOrganisationForm, status: int = 200):
    template = "projects/_partners.html" if request.htmx else "projects/partners.html"
    return render_template(
        template,
        context=context,
        project=context.project,
        partner_groups=partners_by_sector(context.project.partners),
        add_form=add_form,
        new_form=new_form,
    ), status


def _add_partner(context: ProjectContext, organisation: Organisation, role: PartnerRole) -> ProjectPartner:
    partner = ProjectPartner(project=context.project, organisation=organisation, role=role)
    db.session.add(partner)
    audit.record("added", partner, actor=current_user, project=context.project,
                 label=f"{organisation.name} joined as {role.label.lower()}",
                 after={"organisation": organisation.name, "sector": organisation.sector.value, "role": role.value})
    return partner


def _partners_done(context: ProjectContext, message: str):
    db.session.commit()
    db.session.refresh(context.project)
    if request.htmx:
        add_form, new_form = _partner_forms(context.project)
        return _render_partners(context, add_form, new_form, status=200)
    flash(message, "success")
    return redirect(url_for("projects.partners", slug=context.project.slug))


@blueprint.route("/<slug>/partners", methods=["GET", "POST"])
@login_required
def partners(slug: str):
    context = project_context(slug, Access.MEMBER if request.method == "GET" else Access.LEAD)
    add_form, new_form = _partner_forms(context.project)
    if request.method == "POST":
        if add_form.validate_on_submit():
            organisation = db.session.get(Organisation, add_form.organisation_id.data)
            _add_partner(context, organisation, PartnerRole(add_form.role.data))
            return _partners_done(context, f"{organisation.name} added as a partner")
    return _render_partners(context, add_form, new_form)


@blueprint.route("/<slug>/partners/new-organisation", methods=["POST"])
@login_required
def add_new_organisation(slug: str):
    context = project_context(slug, Access.LEAD)
    add_form, new_form = _partner_forms(context.project)
    if new_form.validate_on_submit():
        name = new_form.name.data.strip()
        if db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
            new_form.name.errors = [f"{name} is already listed: choose it from the list of organisations above"]
        else:
            organisation = Organisation(name=name, sector=Sector(new_form.sector.data), website=new_form.website.data or None)
            db.session.add(organisation)
            _add_partner(context, organisation, PartnerRole.PARTNER)
            return _partners_done(context, f"{name} added as a partner")
    return _render_partners(context, add_form, new_form)


@blueprint.route("/<slug>/partners/<int:partner_id>/remove", methods=["POST"])
@login_required
def remove_partner(slug: str, partner_id: int):
    context = project_context(slug, Access.LEAD)
    project = context.project
    partner = next((p for p in project.partners if p.id == partner_id), None)
    if partner is None:
        return redirect(url_for("projects.partners", slug=slug))
    leaving = [m for m in project.memberships if m.user.organisation_id == partner.organisation_id]
    if any(m.role == ProjectRole.LEAD for m in leaving):
        flash(f"{partner.organisation.name} has a project lead. Make someone from another partner the lead first.", "error")
        add_form, new_form = _partner_forms(project)
        if request.htmx:
            return _render_partners(context, add_form, new_form)
        return redirect(url_for("projects.partners", slug=slug))
    for membership in leaving:
        audit.record("removed", membership, actor=current_user, project=project,
                     label=f"{membership.user.name} left with {partner.organisation.name}",
                     before={"user": membership.user.email, "role": membership.role.value})
        db.session.delete(membership)
    audit.record("removed", partner, actor=current_user, project=project,
                 label=f"{partner.organisation.name} left the partnership",
                 before={"organisation": partner.organisation.name, "role": partner.role.value})
    db.session.delete(partner)
    return _partners_done(context, f"{partner.organisation.name} removed from the partnership")


# People ---------------------------------------------------------------------------

def _eligible_people(project: Project) -> list[User]:
    partner_org_ids = [partner.organisation_id for partner in project.partners]
    member_ids = {membership.user_id for membership in project.memberships}
    people = db.session.scalars(
        select(User).where(User.organisation_id.in_(partner_org_ids)).options(selectinload(User.organisation)).order_by(User.name)
    ).all()
    return [person for person in people if person.id not in member_ids]


def _people_page(context: ProjectContext, form: AddPersonForm, status: int = 200):
    memberships = sorted(context.project.memberships, key=lambda m: (m.user.organisation.name, m.user.name))
    return render_template("projects/people.html", context=context, project=context.project,
                           memberships=memberships, form=form, role_form=ChangeRoleForm()), status


def _person_form(project: Project) -> AddPersonForm:
    form = AddPersonForm()
    form.user_id.choices = [(0, "Choose a person")] + [
        (person.id, f"{person.name}, {person.organisation.name}") for person in _eligible_people(project)
    ]
    return form


@blueprint.route("/<slug>/people", methods=["GET", "POST"])
@login_required
def people(slug: str):
    context = project_context(slug, Access.MEMBER if request.method == "GET" else Access.LEAD)
    project = context.project
    form = _person_form(project)
    if form.validate_on_submit():
        person = db.session.get(User, form.user_id.data)
        role = ProjectRole(form.role.data)
        membership = ProjectMembership(project=project, user=person, role=role)
        db.session.add(membership)
        audit.record("added", membership, actor=current_user, project=project,
                     label=f"{person.name} ({person.organisation.name}) joined as {role.label.lower()}",
                     after={"user": person.email, "organisation": person.organisation.name, "role": role.value})
        db.session.commit()
        flash(f"{person.name} added to the project", "success")
        return redirect(url_for("projects.people", slug=slug))
    return _people_page(context, form)


def _membership(project: Project, membership_id: int) -> ProjectMembership | None:
    return next((m for m in project.memberships if m.id == membership_id), None)


def _leads_after(project: Project, changed: ProjectMembership, new_role: ProjectRole | None) -> int:
    return sum(
        1 for m in project.memberships
        if (new_role if m is changed else m.role) == ProjectRole.LEAD
    )


@blueprint.route("/<slug>/people/<int:membership_id>/role", methods=["POST"])
@login_required
def change_role(slug: str, membership_id: int):
    context = project_context(slug, Access.LEAD)
    project = context.project
    membership = _membership(project, membership_id)
    form = ChangeRoleForm()
    if membership is None or not form.validate_on_submit():
        return redirect(url_for("projects.people", slug=slug))
    role = ProjectRole(form.role.data)
    if _leads_after(project, membership, role) == 0:
        flash("A project needs at least one project lead. Make someone else the lead first.", "error")
    elif role != membership.role:
        audit.record("role changed", membership, actor=current_user, project=project,
                     label=f"{membership.user.name} is now {role.label.lower()}",
                     before={"role": membership.role.value}, after={"role": role.value})
        membership.role = role
        db.session.commit()
        flash(f"{membership.user.name} is now {role.label.lower()}", "success")
    return redirect(url_for("projects.people", slug=slug))


@blueprint.route("/<slug>/people/<int:membership_id>/representative", methods=["POST"])
@login_required
def representative(slug: str, membership_id: int):
    context = project_context(slug, Access.LEAD)
    project = context.project
    membership = _membership(project, membership_id)
    if membership is not None:
        named = request.form.get("representative") == "1"
        if named != membership.is_representative:
            membership.is_representative = named
            organisation = membership.user.organisation.name
            audit.record("representative named" if named else "representative removed", membership,
                         actor=current_user, project=project,
                         label=f"{membership.user.name} {'now speaks' if named else 'no longer speaks only'} for {organisation}",
                         before={"is_representative": not named}, after={"is_representative": named})
            db.session.commit()
            flash(f"{membership.user.name} is now a named representative of {organisation}" if named
                  else f"{membership.user.name} is no longer a named representative of {organisation}", "success")
    return redirect(url_for("projects.people", slug=slug))


@blueprint.route("/<slug>/people/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_person(slug: str, membership_id: int):
    context = project_context(slug, Access.LEAD)
    project = context.project
    membership = _membership(project, membership_id)
    if membership is None:
        return redirect(url_for("projects.people", slug=slug))
    if _leads_after(project, membership, None) == 0:
        flash("A project needs at least one project lead. Make someone else the lead first.", "error")
        return redirect(url_for("projects.people", slug=slug))
    audit.record("removed", membership, actor=current_user, project=project,
                 label=f"{membership.user.name} left the project",
                 before={"user": membership.user.email, "role": membership.role.value})
    db.session.delete(membership)
    db.session.commit()
    flash(f"{membership.user.name} removed from the project", "success")
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
    link = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        existing = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if existing is not None:
            form.email.errors = [f"{email} already has an account: add them on the people page instead"]
        else:
            organisation = db.session.get(Organisation, form.organisation_id.data)
            link = create_invitation(email, organisation, current_user, project, ProjectRole(form.role.data))
            db.session.commit()
    return render_template("projects/invite.html", context=context, project=project, form=form, link=link)


@blueprint.route("/<slug>/audit")
@login_required
def audit_trail(slug: str):
    context = project_context(slug, Access.MEMBER)
    page = request.args.get("page", 1, type=int)
    events = db.paginate(
        select(AuditEvent)
        .where(AuditEvent.project_id == context.project.id)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.actor_organisation))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()),
        page=page,
        per_page=50,
        error_out=False,
    )
    return render_template("projects/audit.html", context=context, project=context.project, events=events)
