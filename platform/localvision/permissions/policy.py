"""Who may do what with a project: the one place permission rules are written.

Levels rise from nothing to project lead. A private project does not exist for anyone
below ``VIEWER``: they get a 404, so its name is not revealed either.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import ColumnElement, select, true

from localvision.domain.representation import may_speak_for_organisation
from localvision.domain.vocabulary import ProjectRole
from localvision.extensions import db
from localvision.models import (
    Action,
    Contribution,
    Decision,
    DecisionComment,
    HealthCheckRound,
    Indicator,
    Organisation,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
)

# Long enough to correct a slip, short enough that a discussion cannot be rewritten later.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)


class Access(enum.IntEnum):
    NONE = 0
    VIEWER = 1  # anyone, for a published project; administrators, for any project
    MEMBER = 2  # a person of the project
    LEAD = 3  # a project lead


@dataclass(frozen=True)
class ProjectContext:
    """A person (or an anonymous visitor) standing before one project."""

    project: Project
    access: Access
    membership: ProjectMembership | None
    actor: User | None  # None for an anonymous visitor

    @property
    def is_member(self) -> bool:
        return self.access >= Access.MEMBER

    @property
    def is_lead(self) -> bool:
        return self.access >= Access.LEAD



def membership_of(user: User, project: Project) -> ProjectMembership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(ProjectMembership).where(
            ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id
        )
    )


def access_level(user: User, project: Project, membership: ProjectMembership | None) -> Access:
    if membership is not None:
        return Access.LEAD if membership.role == ProjectRole.LEAD else Access.MEMBER
    if project.is_published or (user.is_authenticated and user.is_admin):
        return Access.VIEWER
    return Access.NONE


def context_of(membership: ProjectMembership) -> ProjectContext:
    """The context of a person of the project, from their membership already loaded."""
    return ProjectContext(project=membership.project, access=access_level(membership.user, membership.project, membership),
                          membership=membership, actor=membership.user)


def context_for(user: User, project: Project) -> ProjectContext:
    membership = membership_of(user, project)
    return ProjectContext(project=project, access=access_level(user, project, membership), membership=membership,
                          actor=user if user.is_authenticated else None)


def speaks_for_organisation(membership: ProjectMembership | None) -> bool:
    """Whether this person may record their organisation's position or endorsement:
    only people the organisation has confirmed speak for it."""
    if membership is None or not membership.user.belongs_to_organisation:
        return False
    organisation_id = membership.user.organisation_id
    has_representatives = any(
        other.is_representative
        for other in membership.project.memberships
        if other.user.organisation_id == organisation_id
    )
    return may_speak_for_organisation(membership.is_representative, has_representatives)


def partner_organisation(context: ProjectContext) -> Organisation | None:
    """The organisation this person acts for here, if it is a partner of the project."""
    if context.membership is None or not context.membership.user.belongs_to_organisation:
        return None
    organisation = context.membership.user.organisation
    if any(partner.organisation_id == organisation.id for partner in context.project.partners):
        return organisation
    return None


def may_record_position(context: ProjectContext) -> bool:
    """Positions on decisions and on vision wording are recorded by a partner's own
    people, and only by its named representatives where it has any."""
    return partner_organisation(context) is not None and speaks_for_organisation(context.membership)


def may_record_position_for(person: User, is_partner: bool, is_representative: bool,
                            organisation_has_representatives: bool) -> bool:
    """``may_record_position`` from facts already gathered, for work over many people at
    once (the digests): the same rule, without loading each person's project."""
    return (is_partner and person.belongs_to_organisation
            and may_speak_for_organisation(is_representative, organisation_has_representatives))


def may_manage_decision(context: ProjectContext, decision: Decision) -> bool:
    """The proposer and the project leads may edit, withdraw and set a review date."""
    return context.is_lead or (context.is_member and decision.proposer_id == context.membership.user_id)


def may_close_decision(context: ProjectContext) -> bool:
    """Closing a decision, deferring it and reopening a deferred one are for the project leads."""
    return context.is_lead


def may_remind_partners(context: ProjectContext) -> bool:
    """Reminding the partners who have not responded to a decision is for the project leads."""
    return context.is_lead


def may_remove_contribution(context: ProjectContext, contribution: Contribution) -> bool:
    """A contribution is taken back only by the people of the organisation that made it."""
    return context.is_member and contribution.organisation_id == context.actor.organisation_id


def may_add_action(context: ProjectContext) -> bool:
    """Any person of the project may give a decision a follow-up action."""
    return context.is_member


def may_change_action(context: ProjectContext, action: Action) -> bool:
    """An action is marked done or dropped by its owner or a project lead."""
    return context.is_lead or (context.is_member and action.owner_id == context.actor.id)


def decision_details_public(decision: Decision, is_member: bool) -> bool:
    """Whether a decision's rationale and each organisation's contribution may be shown:
    commercially sensitive details are for the people of the project only."""
    return is_member or decision.is_disclosed


def decision_details_readable(is_member: bool) -> ColumnElement[bool]:
    """``decision_details_public`` as a SQL condition on decisions, for the queries that
    find, filter or sum by those details."""
    return true() if is_member else Decision.is_disclosed


def may_discuss_vision(context: ProjectContext) -> bool:
    """Anyone in the project proposes wording for the vision and comments on a version."""
    return context.is_member


def may_discuss_decision(context: ProjectContext) -> bool:
    """A decision's discussion is the project's own: its people read it and write in it,
    before and after the decision closes; the public never sees it."""
    return context.is_member


def may_edit_comment(context: ProjectContext, comment: DecisionComment, now: datetime) -> bool:
    """A comment is corrected by its author, soon after writing it; then it is kept as written."""
    return (context.is_member and comment.author_id == context.actor.id
            and now - comment.created_at.replace(tzinfo=comment.created_at.tzinfo or timezone.utc) <= COMMENT_EDIT_WINDOW)


def may_own_indicator(context: ProjectContext, organisation_id: int) -> bool:
    """Project leads define indicators for any partner; a partner's people, for their own
    organisation only."""
    if context.is_lead:
        return True
    return context.membership is not None and context.membership.user.organisation_id == organisation_id


def may_edit_indicator(context: ProjectContext, indicator: Indicator) -> bool:
    """Project leads, and the people of the organisation that owns the indicator."""
    return may_own_indicator(context, indicator.owner_organisation_id)


def may_link_decisions(context: ProjectContext, indicator: Indicator) -> bool:
    """Whoever may edit an indicator says which joint decisions aim to move it."""
    return may_edit_indicator(context, indicator)


def may_set_indicator_tolerance(context: ProjectContext) -> bool:
    """How far behind its trajectory an indicator may fall before it is off track is the
    project leads' call."""
    return context.is_lead


def may_enter_measurements(context: ProjectContext) -> bool:
    """Anyone in the project adds, corrects and imports measurements."""
    return context.is_member


def may_run_health_check(context: ProjectContext) -> bool:
    """Opening, closing and publishing a health check round are the project leads'."""
    return context.is_lead


def may_answer_health_check(context: ProjectContext) -> bool:
    """Each confirmed person of a partner organisation answers for themselves; nobody else
    (an administrator, a person of an organisation only invited) answers."""
    return partner_organisation(context) is not None


def may_see_health_check_results(context: ProjectContext, health_check: HealthCheckRound) -> bool:
    """A closed round's aggregate results are for the people of the project, and for
    everyone who may see the project once a lead has published them."""
    return health_check.is_closed and (context.is_member or (health_check.is_published and may_see_project(context)))


def may_read_health_check_comments(context: ProjectContext) -> bool:
    """Comments are the partnership's own: people write more freely to colleagues than to
    the public, and words can identify a writer where figures cannot."""
    return context.is_member


def may_create_project(user: User) -> bool:
    """Anyone the organisation has confirmed may start a partnership for it; they become its
    first lead and their organisation its lead partner."""
    return user.is_authenticated and user.belongs_to_organisation


def may_manage_project(context: ProjectContext) -> bool:
    """Project details, publication, partner invitations and people's invitations and roles
    are the leads' to change."""
    return context.is_lead


def administers(actor: User | None, organisation_id: int) -> bool:
    """Whether the actor is a confirmed administrator of this organisation."""
    return (actor is not None and actor.is_authenticated and actor.administers_organisation
            and actor.organisation_id == organisation_id)


def may_manage_people_of(actor: User | None, organisation: Organisation) -> bool:
    """An organisation's people are approved and made administrators by its own
    administrators, or by a platform administrator."""
    return may_administer(actor) or administers(actor, organisation.id)


def may_add_person(context: ProjectContext, person: User) -> bool:
    """A person is put in a project without an invitation only by their own organisation's
    administrator, who is in the project themselves."""
    return context.is_member and administers(context.actor, person.organisation_id)


def may_name_representative(context: ProjectContext, membership: ProjectMembership) -> bool:
    """Who speaks for an organisation in a project is that organisation's own choice."""
    return context.is_member and administers(context.actor, membership.user.organisation_id)


def may_answer_partner_invitation(user: User | None, partner: ProjectPartner) -> bool:
    """An organisation joins a partnership only by the consent of one of its own people."""
    return (user is not None and user.is_authenticated and user.belongs_to_organisation
            and user.organisation_id == partner.organisation_id)


def may_see_email(viewer: User | None, person: User) -> bool:
    """Addresses are shown where someone needs to contact the person: to themselves, their
    own organisation's confirmed people, and platform administrators."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.id == person.id or viewer.is_admin:
        return True
    return viewer.belongs_to_organisation and viewer.organisation_id == person.organisation_id


def may_administer(user: User | None) -> bool:
    """Organisations, and invitations that start a project's leadership, are the administrators'."""
    return user is not None and user.is_authenticated and user.is_admin


def leads_after(project: Project, changed: ProjectMembership, new_role: ProjectRole | None) -> int:
    """How many project leads remain if ``changed`` takes ``new_role`` (None: leaves)."""
    return sum(1 for m in project.memberships if (new_role if m is changed else m.role) == ProjectRole.LEAD)


def may_be_told(is_member: bool, about_an_invitation: bool) -> bool:
    """Notifications about a project's work go to its people as they are now: a person
    removed from it, or outside it, is told nothing, whatever the project publishes; only
    an invitation reaches someone outside (the invited person or organisation)."""
    return is_member or about_an_invitation


def may_see_project(context: ProjectContext) -> bool:
    """A private project is for its people and the administrators; a published one for all."""
    return context.access >= Access.VIEWER


def may_raise_barrier(context: ProjectContext) -> bool:
    """Anyone in the project raises a barrier; the public only through the public form."""
    return context.is_member


def may_raise_public_barrier(project: Project) -> bool:
    """The public form is open on a published project whose leads opened it."""
    return project.is_published and project.accepts_public_barriers


def may_moderate_barrier(context: ProjectContext) -> bool:
    """Any person of the project approves or rejects what the public sent: it stays out
    of sight until one of them has read it."""
    return context.is_member


def may_triage_barrier(context: ProjectContext) -> bool:
    """The partnership triages and answers barriers: its leads, and the people of its
    partner organisations."""
    return context.is_lead or partner_organisation(context) is not None


def may_set_public_barriers(context: ProjectContext) -> bool:
    """Opening the project to barriers from anyone at all is the leads' call."""
    return context.is_lead


def may_see_unpublished_barriers(context: ProjectContext) -> bool:
    """Barriers awaiting moderation or rejected, and who raised each, are for the people of the project."""
    return context.is_member


def may_write_learning(context: ProjectContext) -> bool:
    """Anyone in the project adds lessons and improves them."""
    return context.is_member


def may_publish_learning(context: ProjectContext) -> bool:
    """What the partnership says publicly it learned is the leads' to publish."""
    return context.is_lead


def may_see_unpublished_learning(context: ProjectContext) -> bool:
    return context.is_member
