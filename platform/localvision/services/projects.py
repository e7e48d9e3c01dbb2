"""Projects: their details and publication, their partner organisations and their people."""
from __future__ import annotations

from sqlalchemy import select

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.reminders import (
    DEFAULT_REMINDER_LEAD_DAYS,
    REMINDER_LEAD_DAYS_RANGE,
    REMINDER_LEAD_DAYS_REFUSED,
)
from localvision.domain.slugs import unique_slug
from localvision.domain.vocabulary import DecisionRule, EventKind, PartnerRole, Phase, ProjectRole
from localvision.domain.wording import possessive
from localvision.extensions import db
from localvision.models import Project, ProjectMembership, ProjectPartner, User
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import decisions, events

PROJECT_FIELDS = ("title", "place", "theme", "summary", "phase", "decision_rule", "minimum_notice_days",
                  "reminder_lead_days", "is_published")
DEFAULT_NOTICE_DAYS = 5
ONE_LEAD_NEEDED = "A project needs at least one project lead. Make someone else the lead first."


def _require_lead(context: ProjectContext) -> None:
    if not policy.may_manage_project(context):
        raise NotPermitted("Only the project leads can change the project, its partners and its people.")


def _set_details(project: Project, title: str, place: str, theme: str, summary: str, phase: Phase,
                 decision_rule: DecisionRule, minimum_notice_days: int, reminder_lead_days: int) -> None:
    if minimum_notice_days < 1:
        raise Refused("Minimum notice must be at least 1 working day", field="minimum_notice_days")
    shortest, longest = REMINDER_LEAD_DAYS_RANGE
    if not shortest <= reminder_lead_days <= longest:
        raise Refused(REMINDER_LEAD_DAYS_REFUSED, field="reminder_lead_days")
    project.title = title.strip()
    project.place = place.strip()
    project.theme = theme.strip()
    project.summary = summary.strip()
    project.phase = phase
    # Decisions already open keep the rule they opened under.
    project.decision_rule = decision_rule
    project.minimum_notice_days = minimum_notice_days
    project.reminder_lead_days = reminder_lead_days


def create_project(actor: User, *, title: str, place: str, theme: str, summary: str, phase: Phase,
                   decision_rule: DecisionRule, minimum_notice_days: int | None = None,
                   reminder_lead_days: int | None = None) -> Project:
    """A new private project, with the actor's organisation as lead partner and the actor as lead."""
    if not policy.may_create_project(actor):
        raise NotPermitted("Only people their organisation has confirmed can start a project for it."
                           if actor.is_authenticated else "Sign in to start a project.")
    taken = set(db.session.scalars(select(Project.slug)))
    project = Project(slug=unique_slug(f"{title} {place}", taken))
    _set_details(project, title, place, theme, summary, phase, decision_rule,
                 DEFAULT_NOTICE_DAYS if minimum_notice_days is None else minimum_notice_days,
                 DEFAULT_REMINDER_LEAD_DAYS if reminder_lead_days is None else reminder_lead_days)
    db.session.add(project)
    db.session.add(ProjectPartner(project=project, organisation=actor.organisation, role=PartnerRole.LEAD_PARTNER))
    db.session.add(ProjectMembership(project=project, user=actor, role=ProjectRole.LEAD))
    db.session.flush()
    events.record(EventKind.PROJECT_CREATED, project, actor=actor, project=project, label=project.title,
                  after=events.snapshot(project, PROJECT_FIELDS),
                  payload={"project_id": project.id, "organisation_id": actor.organisation_id})
    db.session.commit()
    return project


def update_project(context: ProjectContext, *, title: str, place: str, theme: str, summary: str, phase: Phase,
                   decision_rule: DecisionRule, minimum_notice_days: int | None = None,
                   reminder_lead_days: int | None = None) -> Project:
    _require_lead(context)
    project = context.project
    before = events.snapshot(project, PROJECT_FIELDS)
    _set_details(project, title, place, theme, summary, phase, decision_rule,
                 project.minimum_notice_days if minimum_notice_days is None else minimum_notice_days,
                 project.reminder_lead_days if reminder_lead_days is None else reminder_lead_days)
    old, new = events.changed_fields(before, events.snapshot(project, PROJECT_FIELDS))
    if new:
        events.record(EventKind.PROJECT_UPDATED, project, actor=context.actor, project=project, label=project.title,
                      before=old, after=new, payload={"project_id": project.id, "fields": sorted(new)})
    db.session.commit()
    return project


def set_publication(context: ProjectContext, publish: bool) -> Project:
    """Publish the project to everyone, or make it private again; asking twice changes nothing."""
    _require_lead(context)
    project = context.project
    if publish != project.is_published:
        project.is_published = publish
        events.record(EventKind.PROJECT_PUBLISHED if publish else EventKind.PROJECT_UNPUBLISHED, project,
                      actor=context.actor, project=project, label=project.title,
                      before={"is_published": not publish}, after={"is_published": publish},
                      payload={"project_id": project.id})
    db.session.commit()
    return project


# Partners -------------------------------------------------------------------------

def check_partner_removal(context: ProjectContext, partner: ProjectPartner) -> list[ProjectMembership]:
    """The memberships that leave with the partner."""
    _require_lead(context)
    if partner.project_id != context.project.id:
        raise NotPermitted("That organisation is not a partner of this project.")
    leaving = [m for m in context.project.memberships if m.user.organisation_id == partner.organisation_id]
    if any(m.role == ProjectRole.LEAD for m in leaving):
        raise Refused(f"{partner.organisation.name} has a project lead. "
                      "Make someone from another partner the lead first.")
    return leaving


def remove_partner(context: ProjectContext, partner: ProjectPartner) -> ProjectPartner:
    """The organisation leaves the partnership, and its people leave the project with it."""
    leaving = check_partner_removal(context, partner)
    project = context.project
    organisation = partner.organisation
    # Its recorded voice stays counted on every decision open now.
    decisions.count_partners_on_open_decisions(project)
    for membership in leaving:
        events.record(EventKind.MEMBER_REMOVED, membership, actor=context.actor, project=project,
                      label=f"{membership.user.name} left with {organisation.name}",
                      before={"role": membership.role.value},
                      payload={"user_id": membership.user_id, "organisation_id": organisation.id})
        db.session.delete(membership)
    events.record(EventKind.PARTNER_REMOVED, partner, actor=context.actor, project=project,
                  label=f"{organisation.name} left the partnership",
                  before={"organisation": organisation.name, "role": partner.role.value},
                  payload={"organisation_id": organisation.id})
    db.session.delete(partner)
    db.session.commit()
    return partner


# People ---------------------------------------------------------------------------

def _require_membership_of(context: ProjectContext, membership: ProjectMembership) -> None:
    if membership.project_id != context.project.id:
        raise NotPermitted("That person is not part of this project.")


def add_person(context: ProjectContext, person: User, role: ProjectRole) -> ProjectMembership:
    """Their own organisation's administrator puts one of its confirmed people in the project;
    anyone else joins only by accepting an invitation sent to their own address."""
    if not policy.may_add_person(context, person):
        raise NotPermitted("Only an administrator of the person's own organisation can add them to a project. "
                           "Invite them by email instead.")
    if not person.belongs_to_organisation:
        raise Refused(f"Approve {person.name} as one of {possessive(person.organisation.name)} people first", field="user_id")
    if role == ProjectRole.LEAD and not context.is_lead:
        raise Refused("Only a project lead can make someone a project lead", field="role")
    project = context.project
    if not any(partner.organisation_id == person.organisation_id for partner in project.partners):
        raise Refused(f"{person.organisation.name} is not a partner of this project: add it as a partner first",
                      field="user_id")
    if any(membership.user_id == person.id for membership in project.memberships):
        raise Refused(f"{person.name} is already part of this project", field="user_id")
    membership = ProjectMembership(project=project, user=person, role=role)
    db.session.add(membership)
    db.session.flush()
    events.record(EventKind.MEMBER_ADDED, membership, actor=context.actor, project=project,
                  label=f"{person.name} ({person.organisation.name}) joined as {role.label.lower()}",
                  after={"organisation": person.organisation.name, "role": role.value},
                  payload={"user_id": person.id, "organisation_id": person.organisation_id, "role": role})
    db.session.commit()
    return membership


def change_role(context: ProjectContext, membership: ProjectMembership, role: ProjectRole) -> ProjectMembership:
    _require_lead(context)
    _require_membership_of(context, membership)
    if policy.leads_after(context.project, membership, role) == 0:
        raise Refused(ONE_LEAD_NEEDED)
    if role != membership.role:
        events.record(EventKind.MEMBER_ROLE_CHANGED, membership, actor=context.actor, project=context.project,
                      label=f"{membership.user.name} is now {role.label.lower()}",
                      before={"role": membership.role.value}, after={"role": role.value},
                      payload={"user_id": membership.user_id, "role": role})
        membership.role = role
    db.session.commit()
    return membership


def set_representative(context: ProjectContext, membership: ProjectMembership, named: bool) -> ProjectMembership:
    """Name a person as one who speaks for their organisation here, or stop doing so: the
    organisation's own administrators choose who speaks for it."""
    _require_membership_of(context, membership)
    if not policy.may_name_representative(context, membership):
        raise NotPermitted("Only an administrator of the person's own organisation can name who speaks for it.")
    if named and not membership.user.belongs_to_organisation:
        raise Refused(f"Approve {membership.user.name} as one of {possessive(membership.user.organisation.name)} people first")
    if named != membership.is_representative:
        membership.is_representative = named
        organisation = membership.user.organisation.name
        events.record(EventKind.REPRESENTATIVE_NAMED if named else EventKind.REPRESENTATIVE_REMOVED, membership,
                      actor=context.actor, project=context.project,
                      label=f"{membership.user.name} {'now speaks' if named else 'no longer speaks only'} for {organisation}",
                      before={"is_representative": not named}, after={"is_representative": named},
                      payload={"user_id": membership.user_id, "organisation_id": membership.user.organisation_id})
    db.session.commit()
    return membership


def remove_person(context: ProjectContext, membership: ProjectMembership) -> ProjectMembership:
    _require_lead(context)
    _require_membership_of(context, membership)
    if policy.leads_after(context.project, membership, None) == 0:
        raise Refused(ONE_LEAD_NEEDED)
    events.record(EventKind.MEMBER_REMOVED, membership, actor=context.actor, project=context.project,
                  label=f"{membership.user.name} left the project",
                  before={"role": membership.role.value},
                  payload={"user_id": membership.user_id, "organisation_id": membership.user.organisation_id})
    db.session.delete(membership)
    db.session.commit()
    return membership
