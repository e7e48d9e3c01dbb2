import pytest
from sqlalchemy import select

import factories
from localvision.domain.vocabulary import PartnerRole, ProjectRole, Sector
from localvision.models import AuditEvent, Organisation, Project, ProjectMembership
from localvision.models.audit import AuditTrailIsAppendOnly
from support import link_mailed_to

PROJECT_DATA = {
    "title": "Reducing late-night street drinking",
    "place": "Plymouth",
    "theme": "Street drinking",
    "summary": "Health, council, police and voluntary partners together.",
    "phase": "discover",
    "decision_rule": "consensus",
}


def events(session, action=None):
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return session.scalars(query).all()


def test_creating_a_project_makes_the_creator_its_lead(client_for, session):
    person = factories.user(factories.organisation("Plymouth City Council"))
    session.commit()
    response = client_for(person).post("/projects/new", data=PROJECT_DATA)
    project = session.scalar(select(Project))
    assert response.headers["Location"] == f"/projects/{project.slug}/partners"
    assert project.slug == "reducing-late-night-street-drinking-plymouth"
    assert not project.is_published
    assert [(p.organisation.name, p.role) for p in project.partners] == [("Plymouth City Council", PartnerRole.LEAD_PARTNER)]
    assert [(m.user_id, m.role) for m in project.memberships] == [(person.id, ProjectRole.LEAD)]
    created = events(session, "created")[0]
    assert created.actor_id == person.id and created.actor_organisation_id == person.organisation_id
    assert created.after["title"] == PROJECT_DATA["title"]


def test_missing_fields_are_reported_next_to_each_field(client_for, session):
    person = factories.user()
    session.commit()
    page = client_for(person).post("/projects/new", data={**PROJECT_DATA, "title": "", "place": ""}).get_data(as_text=True)
    assert "There is a problem" in page
    assert 'id="title-error"' in page and "Enter a title" in page
    assert 'id="place-error"' in page and "Enter the place" in page
    assert 'value="Street drinking"' in page  # what was typed is kept
    assert session.scalar(select(Project)) is None


def test_editing_records_before_and_after(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    client_for(lead).post(f"/projects/{project.slug}/edit", data={**PROJECT_DATA, "phase": "design", "title": project.title,
                                                                   "place": project.place, "theme": project.theme,
                                                                   "summary": project.summary})
    updated = events(session, "updated")[-1]
    assert updated.before == {"phase": "discover"} and updated.after == {"phase": "design"}


def test_publishing_makes_a_project_public(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead, title="Food and wellbeing")
    session.commit()
    anonymous = client_for()
    assert anonymous.get(f"/projects/{project.slug}").status_code == 404
    assert "Food and wellbeing" not in anonymous.get("/").get_data(as_text=True)
    client_for(lead).post(f"/projects/{project.slug}/publication", data={"publish": "1"})
    assert anonymous.get(f"/projects/{project.slug}").status_code == 200
    assert "Food and wellbeing" in anonymous.get("/").get_data(as_text=True)
    assert [e.after for e in events(session, "published")] == [{"is_published": True}]


def test_home_shows_your_projects_including_private_ones(client_for, session):
    lead = factories.user()
    factories.project(lead=lead, title="Private partnership")
    session.commit()
    page = client_for(lead).get("/").get_data(as_text=True)
    assert "Your projects" in page and "Private partnership" in page


def test_project_page_groups_partners_by_sector(client_for, session):
    lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY))
    partners = (factories.organisation("Plymouth NHS Trust", Sector.NHS), factories.organisation("Devon Police", Sector.POLICE),
                factories.organisation("Torbay NHS Trust", Sector.NHS))
    project = factories.project(lead=lead, partners=partners, published=True)
    session.commit()
    page = client_for().get(f"/projects/{project.slug}").get_data(as_text=True)
    nhs_section = page.split('id="sector-nhs"')[1].split("</section>")[0]
    assert "Plymouth NHS Trust" in nhs_section and "Torbay NHS Trust" in nhs_section and "Devon Police" not in nhs_section
    assert "NHS / health care" in page and "Police" in page


def test_inviting_a_partner_with_htmx_lists_it_as_invited_only(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    newcomer = factories.organisation("University of Plymouth", Sector.UNIVERSITY_AND_RESEARCH)
    factories.user(newcomer, organisation_admin=True, email="registrar@plymouth.ac.example")
    session.commit()
    response = client_for(lead).post(f"/projects/{project.slug}/partners", headers={"HX-Request": "true"},
                                     data={"invite-organisation_id": newcomer.id})
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('<div id="partners"') and "<html" not in fragment
    partners_table, invited_table = fragment.split("<tbody")[1], fragment.split("<tbody")[2]
    assert "University of Plymouth" not in partners_table.split("</tbody>")[0]
    assert "University of Plymouth" in invited_table and "Invited" in invited_table
    assert events(session, "invited")[-1].payload["organisation_id"] == newcomer.id
    assert "/organisation/invitations/" in link_mailed_to("registrar@plymouth.ac.example", "/organisation/invitations/")


def test_inviting_a_partner_without_javascript_redirects_back(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    newcomer = factories.organisation("Harbour Street Outreach", Sector.VOLUNTARY_AND_COMMUNITY)
    session.commit()
    client = client_for(lead)
    response = client.post(f"/projects/{project.slug}/partners", data={"invite-organisation_id": newcomer.id})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Harbour Street Outreach has been invited" in page
    assert "Harbour Street Outreach" not in client.get(f"/projects/{project.slug}").get_data(as_text=True)


def test_choosing_no_organisation_says_so(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    page = client_for(lead).post(f"/projects/{project.slug}/partners",
                                 data={"invite-organisation_id": "0"}).get_data(as_text=True)
    assert "Choose an organisation" in page and "There is a problem" in page


def test_leads_can_no_longer_list_organisations_themselves(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    response = client_for(lead).post(f"/projects/{project.slug}/partners/new-organisation",
                                     data={"new-name": "Cornwall Food Voices", "new-sector": "residents"})
    assert response.status_code == 404
    assert session.scalar(select(Organisation).where(Organisation.name == "Cornwall Food Voices")) is None


def test_removing_a_partner_removes_its_people(client_for, session):
    lead = factories.user()
    member_org = factories.organisation()
    member = factories.user(member_org)
    project = factories.project(lead=lead, partners=(member_org,), members=(member,))
    session.commit()
    partner = next(p for p in project.partners if p.organisation_id == member_org.id)
    lead_client = client_for(lead)
    asked = lead_client.post(f"/projects/{project.slug}/partners/{partner.id}/remove").get_data(as_text=True)
    assert f"Remove {member_org.name} from the partnership?" in asked and member.name in asked
    session.expire_all()
    assert len(project.partners) == 2
    lead_client.post(f"/projects/{project.slug}/partners/{partner.id}/remove", data={"confirmed": "yes"})
    session.expire_all()
    assert {p.organisation_id for p in project.partners} == {lead.organisation_id}
    assert [m.user_id for m in project.memberships] == [lead.id]
    assert client_for(member).get(f"/projects/{project.slug}").status_code == 404


def test_the_organisation_of_the_only_lead_cannot_be_removed(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    partner = project.partners[0]
    client_for(lead).post(f"/projects/{project.slug}/partners/{partner.id}/remove", data={"confirmed": "yes"})
    session.expire_all()
    assert len(project.partners) == 1


def test_people_are_added_by_their_organisation_administrator_promoted_and_removed(client_for, session):
    lead = factories.user()
    member_org = factories.organisation()
    admin = factories.user(member_org, organisation_admin=True)
    colleague = factories.user(member_org, name="Tom Evans")
    project = factories.project(lead=lead, partners=(member_org,), members=(admin,))
    session.commit()
    assert "Tom Evans" not in client_for(lead).get(f"/projects/{project.slug}/people").get_data(as_text=True)
    assert client_for(lead).post(f"/projects/{project.slug}/people",
                                 data={"user_id": colleague.id, "role": "member"}).status_code == 200
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == colleague.id)) is None
    client = client_for(admin)
    assert "Tom Evans" in client.get(f"/projects/{project.slug}/people").get_data(as_text=True)
    client.post(f"/projects/{project.slug}/people", data={"user_id": colleague.id, "role": "member"})
    membership = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == colleague.id))
    assert membership.role == ProjectRole.MEMBER

    lead_client = client_for(lead)
    own = session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == lead.id))
    refused = lead_client.post(f"/projects/{project.slug}/people/{own.id}/role", data={"role": "member"},
                               follow_redirects=True)
    assert "at least one project lead" in refused.get_data(as_text=True)

    lead_client.post(f"/projects/{project.slug}/people/{membership.id}/role", data={"role": "lead"})
    session.expire_all()
    assert membership.role == ProjectRole.LEAD
    asked = lead_client.post(f"/projects/{project.slug}/people/{own.id}/remove").get_data(as_text=True)
    assert f"Remove {lead.name} from the project?" in asked
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == lead.id)) is not None
    lead_client.post(f"/projects/{project.slug}/people/{own.id}/remove", data={"confirmed": "yes"})
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == lead.id)) is None


def test_nobody_is_offered_people_from_other_organisations(client_for, session):
    lead = factories.user(organisation_admin=True)
    outsider = factories.user(name="Somebody Elsewhere")
    project = factories.project(lead=lead)
    session.commit()
    assert "Somebody Elsewhere" not in client_for(lead).get(f"/projects/{project.slug}/people").get_data(as_text=True)
    page = client_for(lead).post(f"/projects/{project.slug}/people", data={"user_id": outsider.id, "role": "lead"})
    assert "Not a valid choice" in page.get_data(as_text=True)
    assert session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == outsider.id)) is None


def test_addresses_are_shown_only_to_the_persons_own_organisation(client_for, session):
    lead = factories.user(email="priya@council.example")
    nhs = factories.organisation("Plymouth NHS Trust", Sector.NHS)
    nurse, doctor = factories.user(nhs, email="nurse@trust.example"), factories.user(nhs, email="doctor@trust.example")
    project = factories.project(lead=lead, partners=(nhs,), members=(nurse, doctor))
    session.commit()
    as_lead = client_for(lead).get(f"/projects/{project.slug}/people").get_data(as_text=True)
    assert "nurse@trust.example" not in as_lead and "priya@council.example" in as_lead
    as_colleague = client_for(doctor).get(f"/projects/{project.slug}/people").get_data(as_text=True)
    assert "nurse@trust.example" in as_colleague and "priya@council.example" not in as_colleague


def test_partners_read_the_audit_trail_outsiders_do_not(client_for, session):
    lead = factories.user(name="Priya Shah")
    member_org = factories.organisation()
    member = factories.user(member_org)
    project = factories.project(lead=lead, partners=(member_org,), members=(member,), published=True)
    session.commit()
    asked = client_for(lead).post(f"/projects/{project.slug}/publication", data={"publish": "0"}).get_data(as_text=True)
    assert "private?" in asked and session.get(type(project), project.id).is_published
    client_for(lead).post(f"/projects/{project.slug}/publication", data={"publish": "0", "confirmed": "yes"})
    trail = client_for(member).get(f"/projects/{project.slug}/audit").get_data(as_text=True)
    assert "Priya Shah" in trail and "made the project private" in trail and "Published</dt><dd>Yes → No" in trail
    assert client_for(factories.user()).get(f"/projects/{project.slug}/audit").status_code == 404


def test_audit_events_cannot_be_rewritten(session):
    lead = factories.user()
    project = factories.project(lead=lead)
    event = AuditEvent(project_id=project.id, actor_id=lead.id, kind="project.created", action="created", object_type="Project", object_id=project.id)
    session.add(event)
    session.flush()
    event.action = "deleted"
    with pytest.raises(AuditTrailIsAppendOnly):
        session.flush()
    session.rollback()


def test_refusing_to_remove_a_lead_partner_explains_why_before_asking(client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    page = client_for(lead).post(f"/projects/{project.slug}/partners/{project.partners[0].id}/remove",
                                 follow_redirects=True).get_data(as_text=True)
    assert "has a project lead" in page and "from the partnership?" not in page


def test_named_representatives_alone_speak_for_their_organisation(client_for, session):
    from localvision.permissions.policy import speaks_for_organisation

    lead = factories.user()
    nhs = factories.organisation("Plymouth NHS Trust", Sector.NHS)
    first, second = factories.user(nhs), factories.user(nhs)
    nhs_admin = factories.user(nhs, organisation_admin=True)
    project = factories.project(lead=lead, partners=(nhs,), members=(first, second, nhs_admin))
    session.commit()
    memberships = {m.user_id: m for m in project.memberships}
    assert speaks_for_organisation(memberships[first.id]) and speaks_for_organisation(memberships[second.id])

    representative = f"/projects/{project.slug}/people/{memberships[first.id].id}/representative"
    assert client_for(lead).post(representative, data={"representative": "1"}).status_code == 403
    client_for(nhs_admin).post(representative, data={"representative": "1"})
    session.expire_all()
    assert speaks_for_organisation(memberships[first.id])
    assert not speaks_for_organisation(memberships[second.id])
    assert speaks_for_organisation(memberships[lead.id])  # other organisations are unaffected
    assert events(session, "representative named")[-1].after == {"is_representative": True}
    assert "Representative" in client_for(second).get(f"/projects/{project.slug}/people").get_data(as_text=True)
