import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.vocabulary import Sector, Stance
from localvision.models import (
    AuditEvent,
    Project,
    ProjectMembership,
    User,
    VisionComment,
    VisionPosition,
    VisionVersion,
)
from support import invite_and_accept

FIRST_WORDING = "## Our aim\n\nFewer people drinking on the street after midnight."
SECOND_WORDING = "## Our aim\n\nFewer people drinking on our streets at night, and safer routes home."


@dataclass
class Partnership:
    project: Project
    council: User  # project lead, Plymouth City Council
    nhs: User  # member, Plymouth NHS Trust
    outsider: User


@pytest.fixture
def partnership(session) -> Partnership:
    council, nhs = factories.council_and_trust()
    outsider = factories.user(factories.organisation("Kent County Council", Sector.LOCAL_AUTHORITY))
    project = factories.two_partner_project(council, nhs, title="Reducing late-night street drinking")
    session.commit()
    return Partnership(project, council, nhs, outsider)


def url(project: Project, path: str = "") -> str:
    return f"/projects/{project.slug}/vision{path}"


def propose(client, project: Project, text: str, based_on: int | None, note: str = "Clearer aim"):
    return client.post(url(project, "/propose"),
                       data={"text": text, "change_note": note, "based_on": "" if based_on is None else str(based_on)})


def record(client, project: Project, version: int, stance: str, comment: str = "", htmx: bool = False, **extra):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url(project, "/positions"), headers=headers,
                       data={"version_number": version, "stance": stance, "comment": comment, **extra})


def versions(session, project: Project) -> list[VisionVersion]:
    session.expire_all()
    return session.scalars(select(VisionVersion).where(VisionVersion.project_id == project.id)
                           .order_by(VisionVersion.number)).all()


def events(session, action: str) -> list[AuditEvent]:
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def agreed_on_first_wording(client_for, partnership: Partnership) -> None:
    project = partnership.project
    propose(client_for(partnership.council), project, FIRST_WORDING, None)
    record(client_for(partnership.council), project, 1, "endorse")
    record(client_for(partnership.nhs), project, 1, "endorse_with_reservations", "Name the A&E data we will share")


def agreement_status(page: str) -> str:
    return page.split('id="agreement-status"')[1].split("</div>")[0]


def test_the_first_version_is_proposed_and_audited(client_for, session, partnership):
    project = partnership.project
    empty = client_for(partnership.nhs).get(url(project)).get_data(as_text=True)
    assert "There is no vision yet" in empty
    response = propose(client_for(partnership.nhs), project, FIRST_WORDING, None, note="First wording")
    assert response.status_code == 302 and response.headers["Location"] == url(project)
    [version] = versions(session, project)
    assert (version.number, version.author_id, version.based_on_id) == (1, partnership.nhs.id, None)
    assert version.organisation.name == "Plymouth NHS Trust"
    event = events(session, "proposed")[-1]
    assert event.after["number"] == 1 and event.actor_organisation_id == partnership.nhs.organisation_id
    page = client_for(partnership.council).get(url(project)).get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Our aim</h2>' in page and "Not yet responded" in page


def test_a_version_needs_wording_and_a_change_note(client_for, session, partnership):
    response = propose(client_for(partnership.nhs), partnership.project, "  ", None, note="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the wording of the vision" in page and "Say briefly what you changed and why" in page
    assert versions(session, partnership.project) == []


def test_unchanged_wording_is_not_a_new_version(client_for, session, partnership):
    propose(client_for(partnership.nhs), partnership.project, FIRST_WORDING, None)
    response = propose(client_for(partnership.council), partnership.project, FIRST_WORDING, 1)
    assert response.status_code == 400 and "This is the wording of version 1" in response.get_data(as_text=True)
    assert len(versions(session, partnership.project)) == 1


def test_agreement_reached_when_every_partner_endorses(client_for, session, partnership):
    agreed_on_first_wording(client_for, partnership)
    page = client_for(partnership.council).get(url(partnership.project)).get_data(as_text=True)
    assert "Agreed" in agreement_status(page) and "agreed since" in agreement_status(page)
    public = client_for(None).get(f"/projects/{partnership.project.slug}").get_data(as_text=True)
    assert "Fewer people drinking on the street after midnight." in public
    endorsed_by = public.split("Endorsed by")[1].split("</ul>")[0]
    assert "Plymouth City Council" in endorsed_by and "Plymouth NHS Trust" in endorsed_by
    assert "Endorse with reservations" in endorsed_by
    assert [e.after["stance"] for e in events(session, "position recorded")] == ["endorse", "endorse_with_reservations"]


def test_a_new_version_needs_every_endorsement_again(client_for, session, partnership):
    agreed_on_first_wording(client_for, partnership)
    propose(client_for(partnership.nhs), partnership.project, SECOND_WORDING, 1)
    page = client_for(partnership.council).get(url(partnership.project)).get_data(as_text=True)
    assert "Not agreed yet" in agreement_status(page)
    assert "0 of 2 partner organisations endorse version 2" in agreement_status(page)
    assert "Version 1 is the latest version every partner endorses" in agreement_status(page)
    # The public keeps seeing the wording the partners agreed, never the draft.
    public = client_for(None).get(f"/projects/{partnership.project.slug}").get_data(as_text=True)
    assert "Version 1, endorsed by every partner" in public and "safer routes home" not in public


def test_an_objection_stops_agreement(client_for, session, partnership):
    agreed_on_first_wording(client_for, partnership)
    record(client_for(partnership.nhs), partnership.project, 1, "object", "The aim ignores A&E demand")
    page = client_for(partnership.council).get(url(partnership.project)).get_data(as_text=True)
    assert "Not agreed yet" in agreement_status(page)
    assert "Objecting: Plymouth NHS Trust" in agreement_status(page)
    assert "The aim ignores A&amp;E demand" in page
    public = client_for(None).get(f"/projects/{partnership.project.slug}").get_data(as_text=True)
    assert "The partners have not agreed a shared vision yet" in public


def test_a_new_partner_makes_the_agreed_vision_need_its_endorsement(client_for, session, partnership):
    agreed_on_first_wording(client_for, partnership)
    police = factories.organisation("Devon and Cornwall Police", Sector.POLICE)
    session.commit()
    invite_and_accept(client_for, partnership.council, partnership.project, police)
    page = client_for(partnership.council).get(url(partnership.project)).get_data(as_text=True)
    status = agreement_status(page)
    assert "Not agreed yet" in status and "2 of 3 partner organisations endorse version 1" in status
    assert "Devon and Cornwall Police joined the partnership since then and needs to endorse it" in status
    assert "Devon and Cornwall Police" in page.split('id="not-responded"')[1]


def test_reservations_and_objections_need_a_reason(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    for stance, message in (("object", "Say why your organisation objects"),
                            ("endorse_with_reservations", "Say what your organisation&#39;s reservations are")):
        response = record(client_for(partnership.nhs), partnership.project, 1, stance, "  ")
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    response = record(client_for(partnership.nhs), partnership.project, 1, "")
    assert "Choose your organisation&#39;s position" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(VisionPosition)) == 0


def test_recording_a_position_with_htmx_swaps_the_matrix(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    record(client_for(partnership.council), partnership.project, 1, "endorse")
    response = record(client_for(partnership.nhs), partnership.project, 1, "endorse", htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.startswith('<div id="endorsements"') and "<html" not in fragment
    assert "Plymouth NHS Trust&#39;s position on version 1 is recorded: endorse" in fragment
    assert "Agreed" in agreement_status(fragment)


def test_refused_htmx_positions_come_back_in_place_with_the_reason(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    response = record(client_for(partnership.nhs), partnership.project, 1, "object", htmx=True)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.startswith('<div id="endorsements"')
    assert "Say why your organisation objects" in fragment


def test_a_position_on_an_outdated_version_is_refused(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    propose(client_for(partnership.council), partnership.project, SECOND_WORDING, 1)
    response = record(client_for(partnership.nhs), partnership.project, 1, "endorse")
    assert response.status_code == 409
    assert "A new version was proposed while you were reading" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(VisionPosition)) == 0


def test_a_person_acts_only_for_their_own_organisation(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    record(client_for(partnership.nhs), partnership.project, 1, "object", "Not yet",
           organisation_id=partnership.council.organisation_id)
    [position] = session.scalars(select(VisionPosition)).all()
    assert position.organisation_id == partnership.nhs.organisation_id
    assert position.recorded_by_id == partnership.nhs.id


def test_only_named_representatives_record_their_organisations_position(client_for, session, partnership):
    nhs_org = partnership.nhs.organisation
    representative = factories.user(nhs_org)
    session.add(ProjectMembership(project=partnership.project, user=representative, is_representative=True))
    session.commit()
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    response = record(client_for(partnership.nhs), partnership.project, 1, "endorse")
    assert response.status_code == 403
    page = client_for(partnership.nhs).get(url(partnership.project)).get_data(as_text=True)
    assert f"Only the named representatives of Plymouth NHS Trust record its position: {representative.name}" in page
    assert 'name="stance"' not in page
    assert record(client_for(representative), partnership.project, 1, "endorse").status_code == 302
    assert session.scalar(select(func.count()).select_from(VisionPosition)) == 1


def test_a_change_of_mind_keeps_the_earlier_position_on_record(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    record(client_for(partnership.nhs), partnership.project, 1, "endorse")
    record(client_for(partnership.nhs), partnership.project, 1, "object", "On reflection, too vague")
    assert [p.stance for p in session.scalars(select(VisionPosition).order_by(VisionPosition.id))] == [
        Stance.ENDORSE, Stance.OBJECT]
    page = client_for(partnership.council).get(url(partnership.project, "/versions/1")).get_data(as_text=True)
    assert page.count("Replaced by a later position") == 1 and "On reflection, too vague" in page
    assert events(session, "position recorded")[-1].before == {"stance": "endorse", "comment": ""}


def test_conflicting_edits_keep_both_texts(client_for, session, partnership):
    project = partnership.project
    propose(client_for(partnership.council), project, FIRST_WORDING, None)
    # Both open the edit form on version 1; the council saves first.
    form = client_for(partnership.nhs).get(url(project, "/propose")).get_data(as_text=True)
    assert 'name="based_on" type="hidden" value="1"' in form
    propose(client_for(partnership.council), project, SECOND_WORDING, 1, note="Safer routes home")
    nhs_text = "## Our aim\n\nFewer people drinking on the street after midnight, and fewer A&E visits."
    response = propose(client_for(partnership.nhs), project, nhs_text, 1, note="Add A&E")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert len(versions(session, project)) == 2
    # What the other person changed, word by word...
    their_changes = page.split("What changed since you started")[1].split("How your text differs")[0]
    assert re.search(r"<ins[^>]*><span class=\"govuk-visually-hidden\">\[added: </span>[^<]*safer routes home", their_changes)
    assert "<del" in their_changes and "[removed: </span>" in their_changes
    # ...and their own text intact, ready to resubmit from the new latest version.
    assert "fewer A&amp;E visits.</textarea>" in page
    assert 'name="based_on" type="hidden" value="2"' in page
    resubmitted = propose(client_for(partnership.nhs), project, nhs_text + " Safer routes home.", 2, note="Add A&E")
    assert resubmitted.status_code == 302
    latest = versions(session, project)[-1]
    assert (latest.number, latest.based_on.number) == (3, 2)


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
])
def test_hostile_markdown_never_reaches_a_page(client_for, session, partnership, hostile):
    propose(client_for(partnership.council), partnership.project, f"Our aim.\n\n{hostile}", None)
    record(client_for(partnership.council), partnership.project, 1, "endorse")
    record(client_for(partnership.nhs), partnership.project, 1, "endorse")
    pages = [client_for(partnership.council).get(url(partnership.project, path)).get_data(as_text=True)
             for path in ("", "/versions/1")]
    pages.append(client_for(None).get(f"/projects/{partnership.project.slug}").get_data(as_text=True))
    for page in pages:
        text = page.lower()
        assert "Our aim." in page
        for dangerous in ("<script>alert", "onerror", "onclick", "javascript:", "<img"):
            assert dangerous not in text


def test_comments_are_kept_with_the_version(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    response = client_for(partnership.nhs).post(url(partnership.project, "/versions/1/comments"),
                                                data={"text": "Could we say which streets?"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/versions/1#comments")
    [remark] = session.scalars(select(VisionComment)).all()
    assert remark.version.number == 1 and remark.organisation_id == partnership.nhs.organisation_id
    assert events(session, "commented")[-1].after == {"text": "Could we say which streets?"}
    page = client_for(partnership.council).get(url(partnership.project, "/versions/1")).get_data(as_text=True)
    assert "Could we say which streets?" in page
    empty = client_for(partnership.nhs).post(url(partnership.project, "/versions/1/comments"), data={"text": " "})
    assert empty.status_code == 400 and "Enter your comment" in empty.get_data(as_text=True)


def test_any_two_versions_compare_word_by_word(client_for, session, partnership):
    propose(client_for(partnership.council), partnership.project, FIRST_WORDING, None)
    propose(client_for(partnership.council), partnership.project, SECOND_WORDING, 1)
    propose(client_for(partnership.council), partnership.project, SECOND_WORDING + " Together.", 2)
    client = client_for(partnership.nhs)
    page = client.get(url(partnership.project, "/compare?from=1&to=3")).get_data(as_text=True)
    assert "<html" in page and "Changes from version 1 to version 3" in page
    assert '[removed: </span>the street after midnight.' in page
    assert '[added: </span>our streets at night, and safer routes home. Together.' in page
    fragment = client.get(url(partnership.project, "/compare?from=2&to=3"),
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "[added: </span>Together." in fragment
    history = client.get(url(partnership.project, "/history")).get_data(as_text=True)
    assert 'hx-get="/projects/{0}/vision/compare?from=2&amp;to=3"'.format(partnership.project.slug) in history
    assert client.get(url(partnership.project, "/compare?from=1&to=9")).status_code == 404


def test_outsiders_cannot_read_a_private_projects_vision(client_for, session, partnership):
    project = partnership.project
    project.is_published = False
    session.commit()
    propose(client_for(partnership.council), project, FIRST_WORDING, None)
    for path in ("", "/history", "/versions/1", "/compare?from=1&to=1", "/propose"):
        assert client_for(partnership.outsider).get(url(project, path)).status_code == 404
        assert client_for(None).get(url(project, path)).status_code in (302, 404)
    assert client_for(None).get(f"/projects/{project.slug}").status_code == 404
    assert record(client_for(partnership.outsider), project, 1, "endorse").status_code == 404


def test_outsiders_see_only_the_agreed_vision_of_a_published_project(client_for, session, partnership):
    project = partnership.project
    propose(client_for(partnership.council), project, FIRST_WORDING, None)
    public = client_for(partnership.outsider).get(f"/projects/{project.slug}").get_data(as_text=True)
    assert "The partners have not agreed a shared vision yet" in public
    assert "street after midnight" not in public  # a draft is for the partnership only
    assert client_for(partnership.outsider).get(url(project)).status_code == 403
    assert record(client_for(partnership.outsider), project, 1, "endorse").status_code == 403
    assert session.scalar(select(func.count()).select_from(VisionPosition)) == 0


def test_a_position_needs_a_version_to_be_on(client_for, session, partnership):
    assert record(client_for(partnership.nhs), partnership.project, 1, "endorse").status_code == 404


def test_two_saves_racing_for_the_same_number_leave_the_second_a_conflict(client_for, session, partnership,
                                                                           monkeypatch):
    from localvision.services import vision as vision_services

    project = partnership.project
    propose(client_for(partnership.council), project, FIRST_WORDING, None)
    first = versions(session, project)[0]
    propose(client_for(partnership.council), project, SECOND_WORDING, 1, note="Safer routes home")
    # The second request read the latest version just before the first one's save landed.
    reads = iter([first])
    real_latest_version = vision_services.latest_version
    monkeypatch.setattr(vision_services, "latest_version", lambda p: next(reads, None) or real_latest_version(p))
    nhs_text = FIRST_WORDING + " Fewer A&E visits."
    response = propose(client_for(partnership.nhs), project, nhs_text, 1, note="Add A&E")
    assert response.status_code == 409
    assert "Fewer A&amp;E visits.</textarea>" in response.get_data(as_text=True)
    assert [v.text for v in versions(session, project)] == [FIRST_WORDING, SECOND_WORDING]


def test_the_public_page_reads_the_vision_in_a_fixed_number_of_statements(client_for, session, partnership):
    from sqlalchemy import event

    from localvision.extensions import db

    slug, council, nhs = partnership.project.slug, partnership.council.id, partnership.nhs.id

    def statements_for_public_page() -> int:
        db.session.remove()
        statements = []

        def count(*args):  # type: ignore[no-untyped-def]
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client_for(None).get(f"/projects/{slug}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    agreed_on_first_wording(client_for, partnership)
    one_version = statements_for_public_page()
    project = session.scalar(select(Project).where(Project.slug == slug))
    for number in range(2, 6):
        propose(client_for(council), project, f"{FIRST_WORDING} Take {number}.", number - 1)
        record(client_for(council), project, number, "endorse")
        record(client_for(nhs), project, number, "endorse")
    assert statements_for_public_page() == one_version


def test_a_version_number_no_database_could_hold_is_treated_as_naming_no_version(client_for, session, partnership):
    project = partnership.project
    propose(client_for(partnership.nhs), project, FIRST_WORDING, None)
    response = propose(client_for(partnership.nhs), project, "A city centre that is safe at night.", 10**25)
    assert response.status_code == 409 and "Someone saved" in response.get_data(as_text=True)
    assert len(versions(session, project)) == 1
