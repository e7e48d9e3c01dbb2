"""What administrators and project leads see happen when they use the admin pages and
set a review date, beyond who may reach them (tests/web/test_route_access.py)."""
from datetime import date, timedelta

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import DecisionStatus, PartnerRole, ProjectRole, Sector
from localvision.models import AuditEvent, Invitation, Organisation
from support import day_month_year, token_mailed_to


def test_an_administrator_lists_an_organisation_and_sees_it_in_the_list(client_for, session):
    admin = factories.user(is_admin=True)
    session.commit()
    client = client_for(admin)

    page = client.post("/admin/organisations", data={"name": "  Riverside Housing Trust ", "sector": Sector.HOUSING.value,
                                                     "website": "https://riverside.example"})
    assert page.status_code == 200
    listed = session.scalar(select(Organisation).where(Organisation.name == "Riverside Housing Trust"))
    assert listed is not None and listed.sector == Sector.HOUSING
    assert "Riverside Housing Trust" in page.get_data(as_text=True)

    again = client.post("/admin/organisations", data={"name": "riverside housing trust", "sector": Sector.HOUSING.value,
                                                      "website": ""})
    assert "already listed" in again.get_data(as_text=True)
    assert len(session.scalars(select(Organisation).where(Organisation.name.ilike("riverside housing trust"))).all()) == 1


def test_an_administrators_invitation_to_lead_a_project_makes_the_organisation_its_lead_partner(client_for, session):
    admin = factories.user(is_admin=True)
    project = factories.project(lead=factories.user())
    newcomer = factories.organisation("Harbour Community Trust", Sector.VOLUNTARY_AND_COMMUNITY)
    session.commit()
    client = client_for(admin)

    page = client.post("/admin/invitations", data={"email": "Chair@Harbour.example", "organisation_id": newcomer.id,
                                                   "project_id": project.id}, follow_redirects=True)
    assert page.status_code == 200 and "Invitation sent to chair@harbour.example" in page.get_data(as_text=True)
    invitation = session.scalar(select(Invitation).where(Invitation.email == "chair@harbour.example"))
    assert invitation.project_id == project.id and invitation.project_role == ProjectRole.LEAD
    assert {(p.organisation_id, p.role) for p in project.partners} >= {(newcomer.id, PartnerRole.LEAD_PARTNER)}
    # The link goes by email only: the invitee opens it from the message.
    assert client_for(None).get(f"/invitations/{token_mailed_to('chair@harbour.example')}").status_code == 200

    # An address that already has an account is answered just the same, so nothing reveals it.
    again = client.post("/admin/invitations", data={"email": admin.email, "organisation_id": newcomer.id,
                                                    "project_id": 0}, follow_redirects=True)
    assert f"Invitation sent to {admin.email}" in again.get_data(as_text=True)


def test_a_lead_sets_a_review_date_on_an_agreed_decision_and_it_is_on_the_record(client_for, session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    agreed = factories.decision(project, lead, status=DecisionStatus.AGREED)
    still_open = factories.decision(project, lead)
    session.commit()
    client = client_for(lead)
    review_on = date.today() + timedelta(days=180)

    saved = client.post(f"/projects/{project.slug}/decisions/{agreed.id}/review",
                        data={"review-review_on": day_month_year(review_on)}, follow_redirects=True)
    assert saved.status_code == 200
    assert f"Review date set for {review_on:%-d %B %Y}" in saved.get_data(as_text=True)
    session.refresh(agreed)
    assert agreed.review_on == review_on
    recorded = session.scalar(select(AuditEvent).where(AuditEvent.project_id == project.id)
                              .order_by(AuditEvent.id.desc()))
    assert (recorded.object_label, recorded.after) == (agreed.title, {"review_on": review_on.isoformat()})

    refused = client.post(f"/projects/{project.slug}/decisions/{still_open.id}/review",
                          data={"review-review_on": day_month_year(review_on)}, follow_redirects=True)
    assert "A review date is set once a decision is agreed." in refused.get_data(as_text=True)
    session.refresh(still_open)
    assert still_open.review_on is None

    missing = client.post(f"/projects/{project.slug}/decisions/{agreed.id}/review", data={}, follow_redirects=True)
    assert "Enter the review date" in missing.get_data(as_text=True)
