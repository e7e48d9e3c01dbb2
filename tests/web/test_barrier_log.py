"""The barrier log: raising, moderating, triaging and answering, with the raiser told by email."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import BarrierStatus, ProjectRole, Sector
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import AuditEvent, Barrier, BarrierAnswer, Decision, ProjectMembership
from localvision.permissions import policy
from localvision.services import barriers
from smtp_server import text_of
from support import day_month_year

PUBLIC_TEXT = "The hospital discharge team does not work at weekends, so my mother waited until Monday"


@pytest.fixture
def partnership(session):
    """Merton: the council leads, the NHS trust is a partner; the project is published."""
    council = factories.organisation("London Borough of Merton", Sector.LOCAL_AUTHORITY)
    trust = factories.organisation("St Helier NHS Trust", Sector.NHS)
    lead = factories.user(council, name="Grace Adeyemi", email="grace@merton.example")
    nurse = factories.user(trust, name="Tom Okafor", email="tom@sthelier.example")
    project = factories.project(lead=lead, partners=(trust,), members=(nurse,), published=True,
                                title="Co-production in health and social care")
    project.accepts_public_barriers = True
    session.commit()
    return {"project": project, "lead": lead, "nurse": nurse, "council": council, "trust": trust}


def run_worker(app) -> None:
    build_worker(app).work(burst=True)
    db.session.expire_all()


def send_public_barrier(client, slug: str, **extra) -> object:
    return client.post(f"/projects/{slug}/barriers/tell-us", data={
        "what": PUBLIC_TEXT, "location": "St Helier hospital discharge", "who_affected": "Older patients and carers",
        "indicator_id": "0", **extra})


def public_views(client, slug: str) -> str:
    """Everything an anonymous visitor can read about the project's barriers, in one string."""
    pages = [f"/projects/{slug}", f"/projects/{slug}/barriers", f"/projects/{slug}/barriers.csv",
             f"/api/v1/projects/{slug}/barriers", f"/projects/{slug}/summary"]
    return "\n".join(client.get(page).get_data(as_text=True) for page in pages)


def test_a_public_raiser_hears_each_answer_by_email(app, client_for, partnership, smtp_server):
    project, slug = partnership["project"], partnership["project"].slug
    anonymous = client_for(None)
    sent = send_public_barrier(anonymous, slug, name="Ada Lovelace", email="ada@example.org")
    assert "Barrier sent" in sent.get_data(as_text=True)
    assert "We will email you each answer" in sent.get_data(as_text=True)
    barrier = db.session.scalar(select(Barrier).where(Barrier.project_id == project.id))
    assert barrier.status == BarrierStatus.AWAITING_MODERATION

    # Unapproved: on no public page, feed or download; the project's people see it waiting.
    assert PUBLIC_TEXT not in public_views(anonymous, slug)
    nurse = client_for(partnership["nurse"])
    assert PUBLIC_TEXT in nurse.get(f"/projects/{slug}/barriers").get_data(as_text=True)
    assert anonymous.get(f"/projects/{slug}/barriers/{barrier.id}").status_code == 404

    nurse.post(f"/projects/{slug}/barriers/{barrier.id}/moderation", data={"verdict": "approve"})
    assert PUBLIC_TEXT in anonymous.get(f"/projects/{slug}/barriers").get_data(as_text=True)

    # The trust's nurse triages for the partnership and answers; then the council's lead.
    nurse.post(f"/projects/{slug}/barriers/{barrier.id}/triage", data={
        "owner_organisation_id": str(partnership["trust"].id), "status": "accepted",
        "answer": "We will pilot a Saturday discharge team from next month."})
    client_for(partnership["lead"]).post(f"/projects/{slug}/barriers/{barrier.id}/triage", data={
        "owner_organisation_id": str(partnership["trust"].id), "status": "removed",
        "answer": "The Saturday team started on 4 May."})
    run_worker(app)

    first, second = smtp_server.messages
    assert first["To"] == second["To"] == "ada@example.org"
    assert first["Subject"] == "An answer to the barrier you raised with Co-production in health and social care"
    assert "Hello Ada Lovelace" in text_of(first)
    assert "St Helier NHS Trust answered for the partnership. The barrier is now: Accepted." in text_of(first)
    assert "We will pilot a Saturday discharge team from next month." in text_of(first)
    assert "The barrier is now: Removed." in text_of(second) and "The Saturday team started on 4 May." in text_of(second)
    assert f"/projects/{slug}/barriers/{barrier.id}" in text_of(second)

    page = anonymous.get(f"/projects/{slug}/barriers/{barrier.id}").get_data(as_text=True)
    assert "We will pilot a Saturday discharge team" in page and "The Saturday team started on 4 May." in page
    for private in ("Ada Lovelace", "ada@example.org"):
        assert private not in public_views(anonymous, slug) + page

    trail = client_for(partnership["lead"]).get(f"/projects/{slug}/audit").get_data(as_text=True)
    assert "The platform received the barrier ‘The hospital discharge team" in trail
    assert "Tom Okafor (St Helier NHS Trust) approved the barrier" in trail
    assert "Tom Okafor (St Helier NHS Trust) answered the barrier ‘The hospital discharge team" in trail
    assert "for St Helier NHS Trust" in trail and "ada@example.org" not in trail


def test_a_member_who_raised_a_barrier_hears_answers_at_their_account_address(app, client_for, partnership,
                                                                           smtp_server):
    slug = partnership["project"].slug
    nurse = client_for(partnership["nurse"])
    raised = nurse.post(f"/projects/{slug}/barriers/new", data={
        "what": "Social workers cannot see the hospital's discharge list", "location": "Ward 7",
        "who_affected": "Social workers", "indicator_id": "0"})
    barrier = db.session.scalar(select(Barrier))
    assert raised.headers["Location"].endswith(f"/barriers/{barrier.id}")
    assert barrier.status == BarrierStatus.NEW  # raised inside: no moderation
    client_for(partnership["lead"]).post(f"/projects/{slug}/barriers/{barrier.id}/triage", data={
        "owner_organisation_id": str(partnership["council"].id), "status": "being_worked",
        "answer": "Shared read access is being set up."})
    run_worker(app)
    [message] = smtp_server.messages
    assert message["To"] == "tom@sthelier.example"
    # His notification's email, so his preferences and its unsubscribe apply.
    assert message["List-Unsubscribe"].startswith("<http://localhost:5000/notifications/unsubscribe/")
    assert "London Borough of Merton answered for the partnership. The barrier is now: Being worked on." in text_of(message)


def test_a_status_change_without_an_answer_sends_nothing_and_wont_remove_needs_its_reason(client_for, partnership):
    slug = partnership["project"].slug
    barrier = factories.barrier(partnership["project"], raiser=partnership["nurse"])
    db.session.commit()
    lead = client_for(partnership["lead"])
    refused = lead.post(f"/projects/{slug}/barriers/{barrier.id}/triage",
                        data={"owner_organisation_id": "0", "status": "wont_remove", "answer": ""})
    assert "Give the reason the barrier will not be removed" in refused.get_data(as_text=True)
    assert db.session.get(Barrier, barrier.id).status == BarrierStatus.NEW
    lead.post(f"/projects/{slug}/barriers/{barrier.id}/triage",
              data={"owner_organisation_id": "0", "status": "accepted", "answer": ""})
    assert db.session.get(Barrier, barrier.id).status == BarrierStatus.ACCEPTED
    assert db.session.scalar(select(func.count(BarrierAnswer.id))) == 0
    lead.post(f"/projects/{slug}/barriers/{barrier.id}/triage", data={
        "owner_organisation_id": "0", "status": "wont_remove", "reason": "Weekend pay rates are set nationally",
        "answer": "We cannot change national pay rates."})
    public = client_for(None).get(f"/projects/{slug}/barriers/{barrier.id}").get_data(as_text=True)
    assert "Weekend pay rates are set nationally" in public and "Won&#39;t remove" in public


def test_public_form_abuse_protection(client_for, partnership):
    slug = partnership["project"].slug
    anonymous = client_for(None)
    # A robot fills the hidden box: thanked like anyone, nothing kept.
    trapped = send_public_barrier(anonymous, slug, website="https://spam.example")
    assert "Barrier sent" in trapped.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Barrier.id))) == 0
    # Too long: refused beside the field.
    long = send_public_barrier(anonymous, slug, what="x" * 2001)
    assert "What gets in the way must be 2,000 characters or fewer" in long.get_data(as_text=True)
    # Five sends an hour from one address (the limit set in config); the sixth is refused.
    for _ in range(3):
        assert send_public_barrier(anonymous, slug).status_code == 200
    assert send_public_barrier(anonymous, slug).status_code == 429
    assert db.session.scalar(select(func.count(Barrier.id))) == 3
    # The form exists only where the leads opened it on a published project.
    partnership["project"].accepts_public_barriers = False
    db.session.commit()
    assert anonymous.get(f"/projects/{slug}/barriers/tell-us").status_code == 404


def test_a_rejected_barrier_is_never_public(client_for, partnership):
    slug = partnership["project"].slug
    send_public_barrier(client_for(None), slug)
    barrier = db.session.scalar(select(Barrier))
    client_for(partnership["nurse"]).post(f"/projects/{slug}/barriers/{barrier.id}/moderation",
                                          data={"verdict": "reject"})
    assert db.session.get(Barrier, barrier.id).status == BarrierStatus.REJECTED
    assert PUBLIC_TEXT not in public_views(client_for(None), slug)
    assert client_for(None).get(f"/projects/{slug}/barriers/{barrier.id}").status_code == 404


def test_times_to_answer_and_removal_on_the_summary_and_public_pages(client_for, partnership):
    """Worked by hand. Four barriers, raised and answered at these days before today:
    A raised 10 days ago, answered 8 days ago (2 days), removed 4 days ago (6 days): council
    B raised 10 days ago, answered 5 days ago (5 days): council, being worked
    C raised 20 days ago, never answered, owner the trust: open, 20 days old
    D raised 40 days ago, answered 39 days ago (1 day), removed 30 days ago (10 days): trust
    Median to a first answer: 1, 2, 5 -> 2 days. Median to removal: 6, 10 -> 8 days.
    By owner: council answers in 2 and 5 (3.5 days), removes in 6; trust answers in 1, removes in 10."""
    project, lead = partnership["project"], partnership["lead"]
    now = datetime.now(timezone.utc)

    def barrier(raised, answered, removed, owner, status):  # type: ignore[no-untyped-def]
        item = factories.barrier(project, raiser=lead, status=status, raised_days_ago=raised)
        item.owner_organisation = owner
        if answered is not None:
            factories.barrier_answer(item, lead).answered_at = now - timedelta(days=answered)
        item.removed_at = now - timedelta(days=removed) if removed is not None else None

    council, trust = partnership["council"], partnership["trust"]
    barrier(10, 8, 4, council, BarrierStatus.REMOVED)
    barrier(10, 5, None, council, BarrierStatus.BEING_WORKED)
    barrier(20, None, None, trust, BarrierStatus.ACCEPTED)
    barrier(40, 39, 30, trust, BarrierStatus.REMOVED)
    factories.barrier(project, status=BarrierStatus.AWAITING_MODERATION, raised_days_ago=100)  # not counted
    db.session.commit()

    for page in (f"/projects/{project.slug}", f"/projects/{project.slug}/summary"):
        text = " ".join(client_for(None).get(page).get_data(as_text=True).split())
        assert "4 barriers raised; 3 answered, 2 removed, 2 still open." in text
        assert "Median time to a first answer </dt> <dd class=\"govuk-summary-list__value\"> 2 days" in text
        assert "Median time to removal </dt> <dd class=\"govuk-summary-list__value\"> 8 days" in text
        council_row = text.split("London Borough of Merton</th>")[1].split("</tr>")[0]
        assert [cell.split(">")[-1].strip() for cell in council_row.split("</td>")[:-1]] == [
            "2", "2", "3.5 days", "1", "6 days", "1"]
        trust_row = text.split("St Helier NHS Trust</th>")[1].split("</tr>")[0]
        assert [cell.split(">")[-1].strip() for cell in trust_row.split("</td>")[:-1]] == [
            "2", "1", "1 day", "1", "10 days", "1"]
        assert "Local authority</th>" in text and "NHS / health care</th>" in text
        # Open: B is 10 days old, C 20 days old.
        ages = text.split("Open barriers by age</caption>")[1]
        assert "Under 2 weeks ago</th> <td class=\"govuk-table__cell govuk-table__cell--numeric\">1" in ages
        assert "2 to 4 weeks ago</th> <td class=\"govuk-table__cell govuk-table__cell--numeric\">1" in ages


def test_a_barrier_turns_into_a_joint_decision_and_an_action_and_keeps_the_links(client_for, partnership):
    project, slug = partnership["project"], partnership["project"].slug
    barrier = factories.barrier(project, raiser=partnership["nurse"], what="No shared discharge list")
    db.session.commit()
    nurse = client_for(partnership["nurse"])
    form = nurse.get(f"/projects/{slug}/barriers/{barrier.id}/decision").get_data(as_text=True)
    assert 'value="Remove a barrier: No shared discharge list"' in form
    today = datetime.now(timezone.utc).date()
    opens, closes = day_month_year(today), day_month_year(today + timedelta(days=14))
    proposed = nurse.post(f"/projects/{slug}/barriers/{barrier.id}/decision", data={
        "title": "Fund a shared discharge list", "rationale": "Both teams need one list.", "category": "pilot",
        "opens_on": opens, "closes_on": closes})
    decision = db.session.scalar(select(Decision).where(Decision.title == "Fund a shared discharge list"))
    assert proposed.headers["Location"].endswith(f"/decisions/{decision.id}")
    assert decision.proposing_organisation_id == partnership["trust"].id

    form = nurse.get(f"/projects/{slug}/barriers/{barrier.id}/action").get_data(as_text=True)
    assert 'value="Remove the barrier: No shared discharge list"' in form
    nurse.post(f"/projects/{slug}/barriers/{barrier.id}/action", data={
        "action-decision_id": str(decision.id), "action-title": "Set up the shared list",
        "action-owner_id": str(partnership["nurse"].id), "action-due_on": closes})
    stored = db.session.get(Barrier, barrier.id)
    assert stored.decision_id == decision.id and stored.action.title == "Set up the shared list"
    page = client_for(None).get(f"/projects/{slug}/barriers/{barrier.id}").get_data(as_text=True)
    assert "Fund a shared discharge list" in page
    kinds = db.session.scalars(select(AuditEvent.kind).where(AuditEvent.object_type == "Barrier")).all()
    assert kinds.count("barrier.linked") == 2


def test_outsiders_and_other_partnerships_cannot_triage_or_read_private_barriers(client_for, partnership, session):
    project, slug = partnership["project"], partnership["project"].slug
    barrier = factories.barrier(project, raiser=partnership["nurse"])
    # Someone signed in with no place in the project, and the lead of a private partnership elsewhere.
    outsider = factories.user(factories.organisation("Kent County Council"))
    other_lead = factories.user(factories.organisation("Sutton Council"))
    private = factories.project(lead=other_lead, title="Private pilot")
    hidden = factories.barrier(private, raiser=other_lead, what="A private barrier")
    session.commit()
    triage = {"owner_organisation_id": "0", "status": "removed", "answer": "Done"}
    for person in (outsider, other_lead):
        assert client_for(person).post(f"/projects/{slug}/barriers/{barrier.id}/triage", data=triage).status_code == 403
        assert client_for(person).get(f"/projects/{slug}/barriers/{barrier.id}/decision").status_code == 403
    for person in (partnership["nurse"], partnership["lead"], outsider, None):
        client = client_for(person)
        assert client.get(f"/projects/{private.slug}/barriers").status_code in (302, 404)
        assert client.get(f"/projects/{private.slug}/barriers/{hidden.id}").status_code in (302, 404)
        # A barrier of the private project, addressed through the published one, is not found either.
        assert client.get(f"/projects/{slug}/barriers/{hidden.id}").status_code == 404
    answer = client_for(partnership["nurse"]).post(f"/projects/{slug}/barriers/{hidden.id}/triage", data=triage)
    assert answer.status_code == 404
    assert db.session.get(Barrier, barrier.id).status == BarrierStatus.NEW


def test_only_the_partnership_triages_and_only_leads_open_the_public_form(partnership, session):
    project = partnership["project"]
    # A person of the project whose organisation is not a partner may raise, not triage.
    guest = factories.user(factories.organisation("Healthwatch Merton", Sector.RESIDENTS))
    session.add(ProjectMembership(project=project, user=guest, role=ProjectRole.MEMBER))
    barrier = factories.barrier(project, raiser=partnership["nurse"])
    session.commit()
    guest_context = policy.context_for(guest, project)
    with pytest.raises(NotPermitted):
        barriers.triage_barrier(guest_context, barrier, owner_organisation_id=None, status=BarrierStatus.ACCEPTED,
                                answer="Yes")
    with pytest.raises(NotPermitted):
        barriers.set_public_form(policy.context_for(partnership["nurse"], project), False)
    with pytest.raises(Refused):
        barriers.triage_barrier(policy.context_for(partnership["lead"], project), barrier,
                                owner_organisation_id=guest.organisation_id, status=BarrierStatus.ACCEPTED)
