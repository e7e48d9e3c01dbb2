"""The attack on "one organisation, one voice", replayed step by step by a hostile but
ordinary signed-in user. Each step is one the platform must refuse; the test fails at the
first one that gets through.

Mallory works for a small consultancy. She wants the platform to show "London Borough of
Merton" endorsing her project, spoken for by an account she controls.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import DecisionStance, ProjectRole, Sector, Stance
from localvision.extensions import db
from localvision.models import AuditEvent, OrganisationDomain, ProjectMembership, ProjectPartner, User
from localvision.permissions.policy import context_for, may_record_position, speaks_for_organisation
from localvision.queries.your_work import SECTIONS
from localvision.services import invitations
from support import token_mailed_to

STRONG_PASSWORD = "a long harbour walk"


def test_a_hostile_user_cannot_make_an_organisation_speak_through_her(app, client_for, session):
    merton = factories.organisation("London Borough of Merton", Sector.LOCAL_AUTHORITY)
    session.add(OrganisationDomain(organisation=merton, domain="merton.gov.uk"))
    grace = factories.user(merton, name="Grace Adeyemi", email="grace.adeyemi@merton.gov.uk", organisation_admin=True)
    consultancy = factories.organisation("Nowhere Consulting", Sector.BUSINESS)
    mallory = factories.user(consultancy, name="Mallory", email="mallory@nowhere.example")
    session.commit()
    as_mallory = client_for(mallory)

    # 1. She starts a project: allowed, it is led by her own organisation.
    created = as_mallory.post("/projects/new", data={"title": "Merton says yes", "place": "Merton", "theme": "Trust",
                                                     "summary": "", "phase": "discover", "decision_rule": "consensus"})
    assert created.status_code == 302
    slug = created.headers["Location"].split("/")[2]
    project = db.session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == mallory.id)).project

    # 2. She adds Merton as a partner: it is only invited, and counts for nothing.
    partners_page = as_mallory.get(f"/projects/{slug}/partners").get_data(as_text=True)
    assert "Add a partner organisation" not in partners_page
    as_mallory.post(f"/projects/{slug}/partners", data={"invite-organisation_id": merton.id, "add-organisation_id":
                                                        merton.id, "add-role": "partner"})
    db.session.expire_all()
    assert merton.id not in {p.organisation_id for p in project.partners}, "Merton became a partner without consent"
    invited = db.session.scalar(select(ProjectPartner).where(ProjectPartner.organisation_id == merton.id))

    # 3. She accepts Merton's invitation herself.
    assert as_mallory.get(f"/organisation/invitations/{invited.id}").status_code == 404
    assert as_mallory.post(f"/organisation/invitations/{invited.id}", data={"accept": "Accept"}).status_code == 404
    db.session.expire_all()
    assert merton.id not in {p.organisation_id for p in project.partners}, "Mallory accepted for Merton"

    # 4. She adds an existing Merton officer to her project without their consent.
    people_page = as_mallory.get(f"/projects/{slug}/people").get_data(as_text=True)
    assert "Grace Adeyemi" not in people_page, "the people list offers everyone on the platform"
    as_mallory.post(f"/projects/{slug}/people", data={"user_id": grace.id, "role": "member"})
    assert db.session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == grace.id)) is None

    # 5. She invites an address she controls to act for Merton: Merton is no partner of hers.
    as_mallory.post(f"/projects/{slug}/invitations", data={"email": "merton.chief.executive@nowhere.example",
                                                           "organisation_id": merton.id, "role": "member"})
    assert db.session.scalar(select(User).where(User.email.like("merton.chief%"))) is None
    assert "merton.chief.executive@nowhere.example" not in str(db.session.scalars(
        select(ProjectMembership.id)).all())

    # 6. An invitation she does send gives her no link to pass on, and says nothing of accounts.
    sent = as_mallory.post(f"/projects/{slug}/invitations", data={
        "email": grace.email, "organisation_id": consultancy.id, "role": "member"}, follow_redirects=True)
    page = sent.get_data(as_text=True)
    assert "/invitations/" not in page and "already has an account" not in page
    assert as_mallory.get("/admin/").status_code == 403  # the outbox is for administrators

    # 7. She gets hold of a genuine invitation to a partnership Merton did join, sent to her
    # own mailbox: the account it makes is not confirmed as Merton's and speaks for nobody.
    real = factories.project(lead=grace, partners=(consultancy,), members=(mallory,), published=True,
                             title="Merton co-production")
    factories.vision_version(real, grace)
    decision = factories.decision(real, grace)
    invitations.invite_to_project(context_for(grace, real), "merton.ceo@nowhere.example", merton, ProjectRole.MEMBER)
    session.commit()
    impostor_link = f"/invitations/{token_mailed_to('merton.ceo@nowhere.example')}"
    client_for().post(impostor_link, data={"name": "Merton Chief Executive", "password": STRONG_PASSWORD,
                                           "confirm_password": STRONG_PASSWORD})
    impostor = db.session.scalar(select(User).where(User.email == "merton.ceo@nowhere.example"))
    assert not impostor.belongs_to_organisation, "an address outside Merton's domains was taken as Merton's"
    context = context_for(impostor, real)
    assert not may_record_position(context) and not speaks_for_organisation(context.membership)
    as_impostor = client_for(impostor)
    as_impostor.post(f"/projects/{real.slug}/vision/positions", data={"version_number": 1, "stance": Stance.ENDORSE.value})
    refused = as_impostor.post(f"/projects/{real.slug}/decisions/{decision.id}/position",
                               data={"position-stance": DecisionStance.SUPPORT.value}, follow_redirects=True)
    assert "has not confirmed you as one of its people yet" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert decision.current_positions() == {}, "the impostor recorded Merton's position"
    people = client_for(grace).get(f"/projects/{real.slug}/people").get_data(as_text=True)
    assert "Not confirmed" in people

    # 8. Her published project shows Merton nowhere, in pages or the API.
    as_mallory.post(f"/projects/{slug}/publication", data={"publish": "1"})
    anonymous = client_for()
    for url in (f"/projects/{slug}", f"/api/v1/projects/{slug}", f"/api/v1/projects/{slug}/partners",
                f"/api/v1/projects/{slug}/vision", "/api/v1/projects", f"/projects/{slug}/summary"):
        assert "London Borough of Merton" not in anonymous.get(url).get_data(as_text=True), url

    # 9. The audit trail gives her nobody's address.
    trail = as_mallory.get(f"/projects/{slug}/audit").get_data(as_text=True)
    assert "@" not in trail.split('<main')[1].split('</main>')[0]
    for event in db.session.scalars(select(AuditEvent)):
        assert "@" not in f"{event.object_label}{event.before}{event.after}{event.payload}", event.kind

    # 10. Removed from a partnership that then went private, she sees nothing of it in her work.
    factories.action(decision, mallory, title="Mallory's task in Merton")
    membership = db.session.scalar(select(ProjectMembership).where(ProjectMembership.project_id == real.id,
                                                                   ProjectMembership.user_id == mallory.id))
    session.commit()
    as_grace = client_for(grace)
    as_grace.post(f"/projects/{real.slug}/people/{membership.id}/remove", data={"confirmed": "yes"})
    as_grace.post(f"/projects/{real.slug}/publication", data={"publish": "0", "confirmed": "yes"})
    db.session.expire_all()
    assert not context_for(mallory, real).is_member
    with app.test_request_context():
        titles = [item.title for section in SECTIONS for item in section(mallory, date.today()).items]
    assert "Mallory's task in Merton" not in titles
    your_work = as_mallory.get("/your-work").get_data(as_text=True)
    assert "Mallory's task in Merton" not in your_work and "Merton co-production" not in your_work
