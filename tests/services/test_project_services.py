"""Projects, their partners and their people, changed through the services without a request."""
from __future__ import annotations

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import DecisionRule, PartnerRole, Phase, ProjectRole, Sector
from localvision.models import AuditEvent, Organisation, ProjectMembership, ProjectPartner
from localvision.permissions.policy import context_for
from localvision.services import organisations, projects
from support import last_event

DETAILS = {"title": " Warm homes ", "place": "Truro", "theme": "Fuel poverty", "summary": "Fewer cold homes.",
           "phase": Phase.DISCOVER, "decision_rule": DecisionRule.CONSENSUS}


@pytest.fixture
def partnership(session):
    lead, member = factories.council_and_trust()
    project = factories.two_partner_project(lead, member, published=False)
    return {"lead": lead, "member": member, "project": project}


def test_a_new_project_is_private_and_led_by_its_creator(session):
    person = factories.user(factories.organisation("Cornwall Council"))
    project = projects.create_project(person, **DETAILS)
    assert (project.title, project.slug, project.is_published) == ("Warm homes", "warm-homes-truro", False)
    assert [(p.organisation_id, p.role) for p in project.partners] == [(person.organisation_id, PartnerRole.LEAD_PARTNER)]
    assert [(m.user_id, m.role) for m in project.memberships] == [(person.id, ProjectRole.LEAD)]
    event = last_event(session)
    assert (event.kind, event.action, event.object_label) == ("project.created", "created", "Warm homes")
    assert event.payload == {"project_id": project.id, "organisation_id": person.organisation_id}


def test_an_update_records_only_the_fields_that_moved(session, partnership):
    context = context_for(partnership["lead"], partnership["project"])
    projects.update_project(context, **{**DETAILS, "phase": Phase.DELIVER})
    event = last_event(session)
    assert event.kind == "project.updated"
    assert event.after["phase"] == "deliver" and "decision_rule" not in event.after
    assert event.payload["project_id"] == partnership["project"].id and "phase" in event.payload["fields"]


def test_only_leads_change_a_project(session, partnership):
    context = context_for(partnership["member"], partnership["project"])
    with pytest.raises(NotPermitted):
        projects.update_project(context, **DETAILS)
    with pytest.raises(NotPermitted):
        projects.set_publication(context, True)
    assert not partnership["project"].is_published


def test_publishing_twice_records_one_event(session, partnership):
    context = context_for(partnership["lead"], partnership["project"])
    projects.set_publication(context, True)
    projects.set_publication(context, True)
    kinds = session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("project.%publish%"))).all()
    assert kinds == ["project.published"] and partnership["project"].is_published
    projects.set_publication(context, False)
    assert last_event(session).kind == "project.unpublished" and not partnership["project"].is_published


def test_an_unconfirmed_person_cannot_start_a_project(session):
    claimant = factories.user(confirmed=False)
    with pytest.raises(NotPermitted, match="their organisation has confirmed"):
        projects.create_project(claimant, title="Street drinking", place="Plymouth", theme="Health", summary="",
                                phase=Phase.DISCOVER, decision_rule=DecisionRule.CONSENSUS)


def test_a_partner_leaves_with_its_people_but_not_while_it_has_a_lead(session, partnership):
    project, lead, member = partnership["project"], partnership["lead"], partnership["member"]
    context = context_for(lead, project)
    partners = {p.organisation_id: p for p in project.partners}
    with pytest.raises(Refused, match="has a project lead. Make someone from another partner the lead first."):
        projects.remove_partner(context, partners[lead.organisation_id])
    projects.remove_partner(context, partners[member.organisation_id])
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == member.id)) is None
    assert session.scalar(select(ProjectPartner).where(ProjectPartner.organisation_id == member.organisation_id)) is None
    kinds = session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)).all()[-2:]
    assert kinds == ["member.removed", "partner.removed"]
    assert last_event(session).payload == {"organisation_id": member.organisation_id}


def test_only_the_persons_own_organisation_administrator_adds_them(session, partnership):
    project, trust = partnership["project"], partnership["member"].organisation
    colleague = factories.user(trust)
    with pytest.raises(NotPermitted, match="own organisation"):
        projects.add_person(context_for(partnership["lead"], project), colleague, ProjectRole.MEMBER)
    partnership["member"].is_organisation_admin = True
    context = context_for(partnership["member"], project)
    with pytest.raises(Refused, match="Only a project lead"):
        projects.add_person(context, colleague, ProjectRole.LEAD)
    membership = projects.add_person(context, colleague, ProjectRole.MEMBER)
    assert (membership.project_id, membership.role) == (project.id, ProjectRole.MEMBER)
    event = last_event(session)
    assert event.payload == {"user_id": colleague.id, "organisation_id": trust.id, "role": "member"}
    assert colleague.email not in str((event.before, event.after, event.object_label))
    with pytest.raises(Refused, match="already part of this project"):
        projects.add_person(context, colleague, ProjectRole.MEMBER)
    with pytest.raises(Refused, match="Approve"):
        projects.add_person(context, factories.user(trust, confirmed=False), ProjectRole.MEMBER)
    with pytest.raises(NotPermitted):
        projects.add_person(context, factories.user(), ProjectRole.MEMBER)


def test_a_project_always_keeps_a_lead(session, partnership):
    project, lead, member = partnership["project"], partnership["lead"], partnership["member"]
    context = context_for(lead, project)
    own = next(m for m in project.memberships if m.user_id == lead.id)
    with pytest.raises(Refused, match="at least one project lead"):
        projects.change_role(context, own, ProjectRole.MEMBER)
    with pytest.raises(Refused, match="at least one project lead"):
        projects.remove_person(context, own)
    other = next(m for m in project.memberships if m.user_id == member.id)
    projects.change_role(context, other, ProjectRole.LEAD)
    event = last_event(session)
    assert (event.kind, event.before, event.after) == ("member.role_changed", {"role": "member"}, {"role": "lead"})
    assert event.payload == {"user_id": member.id, "role": "lead"}
    projects.change_role(context, own, ProjectRole.MEMBER)
    assert own.role == ProjectRole.MEMBER


def test_a_person_is_removed_from_the_project(session, partnership):
    project, member = partnership["project"], partnership["member"]
    membership = next(m for m in project.memberships if m.user_id == member.id)
    projects.remove_person(context_for(partnership["lead"], project), membership)
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == member.id)) is None
    event = last_event(session)
    assert (event.kind, event.object_label) == ("member.removed", f"{member.name} left the project")
    assert event.payload == {"user_id": member.id, "organisation_id": member.organisation_id}


def test_representatives_are_named_by_their_own_organisation(session, partnership):
    project, member = partnership["project"], partnership["member"]
    membership = next(m for m in project.memberships if m.user_id == member.id)
    with pytest.raises(NotPermitted, match="own organisation"):
        projects.set_representative(context_for(partnership["lead"], project), membership, True)
    member.is_organisation_admin = True
    context = context_for(member, project)
    projects.set_representative(context, membership, True)
    assert membership.is_representative
    event = last_event(session)
    assert event.kind == "member.representative_named"
    assert event.payload == {"user_id": member.id, "organisation_id": member.organisation_id}
    projects.set_representative(context, membership, False)
    assert last_event(session).kind == "member.representative_removed" and not membership.is_representative


def test_people_of_another_project_cannot_be_changed_through_this_one(session, partnership):
    elsewhere_lead = factories.user()
    elsewhere = factories.project(lead=elsewhere_lead)
    outsider = elsewhere.memberships[0]
    with pytest.raises(NotPermitted):
        projects.remove_person(context_for(partnership["lead"], partnership["project"]), outsider)


def test_administrators_list_organisations_once(session):
    admin = factories.user(is_admin=True)
    organisation = organisations.create_organisation(admin, "Kernow Housing", Sector.VOLUNTARY_AND_COMMUNITY, "https://kernow.example")
    assert session.get(Organisation, organisation.id).website == "https://kernow.example"
    with pytest.raises(Refused, match="^KERNOW HOUSING is already listed$"):
        organisations.create_organisation(admin, "KERNOW HOUSING", Sector.VOLUNTARY_AND_COMMUNITY, None)
    with pytest.raises(NotPermitted):
        organisations.create_organisation(factories.user(), "Another", Sector.VOLUNTARY_AND_COMMUNITY, None)
