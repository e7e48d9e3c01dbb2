"""The shared vision's use cases, called as a route, a job or the CLI would: no request."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

import factories
from localvision.domain.refusals import NotPermitted, Refused
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
from localvision.permissions import policy
from localvision.services import vision as vision_services
from localvision.services.vision import WordingMovedOn
from support import count, last_event

FIRST = "Fewer people drinking on the street after midnight."
SECOND = "Fewer people drinking on our streets at night, and safer routes home."


@dataclass
class Plymouth:
    project: Project
    council: User  # the project lead
    nhs: User  # a member for the NHS trust
    outsider: User  # of an organisation outside the project

    def context(self, person: User) -> policy.ProjectContext:
        return policy.context_for(person, self.project)


@pytest.fixture
def partnership(session) -> Plymouth:
    council, nhs = factories.council_and_trust()
    outsider = factories.user(factories.organisation("Kent County Council", Sector.LOCAL_AUTHORITY))
    project = factories.two_partner_project(council, nhs)
    session.commit()
    return Plymouth(project, council, nhs, outsider)


def test_the_first_version_is_proposed_and_recorded_as_an_event(session, partnership):
    version = vision_services.propose_version(partnership.context(partnership.nhs), f"  {FIRST}\n", " First wording ", None)
    assert (version.number, version.text, version.change_note, version.based_on) == (1, FIRST, "First wording", None)
    assert version.organisation_id == partnership.nhs.organisation_id
    event = last_event(session, "vision.proposed")
    assert event.action == "proposed" and event.object_id == version.id
    assert event.payload == {"version": 1, "organisation_id": partnership.nhs.organisation_id}
    assert event.after == {"number": 1, "based_on": None, "change_note": "First wording", "text": FIRST}


def test_a_new_version_builds_on_the_latest(session, partnership):
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    second = vision_services.propose_version(partnership.context(partnership.nhs), SECOND, "Safer routes", 1)
    assert (second.number, second.based_on.number) == (2, 1)
    assert last_event(session, "vision.proposed").after["based_on"] == 1


def test_unchanged_wording_is_refused(session, partnership):
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    with pytest.raises(Refused, match="This is the wording of version 1") as refusal:
        vision_services.propose_version(partnership.context(partnership.nhs), FIRST + "  ", "Same again", 1)
    assert refusal.value.field == "text"
    assert count(session, VisionVersion) == 1


def test_proposing_from_an_out_of_date_version_is_refused_with_what_the_conflict_page_shows(session, partnership):
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    vision_services.propose_version(partnership.context(partnership.council), SECOND, "Safer routes", 1)
    with pytest.raises(WordingMovedOn) as conflict:
        vision_services.propose_version(partnership.context(partnership.nhs), FIRST + " Fewer A&E visits.", "A&E", 1)
    assert (conflict.value.base.number, conflict.value.latest.number) == (1, 2)
    assert [version.number for version in conflict.value.proposed_since] == [2]
    assert count(session, VisionVersion) == 2


def test_of_two_saves_racing_for_one_number_the_first_wins(session, partnership, monkeypatch):
    first = vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    vision_services.propose_version(partnership.context(partnership.council), SECOND, "Safer routes", 1)
    # This save read the latest version just before the other one's landed.
    reads = iter([first])
    real_latest_version = vision_services.latest_version
    monkeypatch.setattr(vision_services, "latest_version", lambda project: next(reads, None) or real_latest_version(project))
    with pytest.raises(WordingMovedOn) as conflict:
        vision_services.propose_version(partnership.context(partnership.nhs), FIRST + " Fewer A&E visits.", "A&E", 1)
    assert conflict.value.latest.text == SECOND
    session.expire_all()
    assert session.scalars(select(VisionVersion.text).order_by(VisionVersion.number)).all() == [FIRST, SECOND]
    assert count(session, AuditEvent) == 2


def test_only_the_people_of_the_project_propose_and_comment(session, partnership):
    version = vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    outsider = partnership.context(partnership.outsider)  # the project is published: they may read it
    with pytest.raises(NotPermitted):
        vision_services.propose_version(outsider, SECOND, "Mine", 1)
    with pytest.raises(NotPermitted):
        vision_services.comment_on_version(outsider, version, "Looks good")
    assert (count(session, VisionVersion), count(session, VisionComment)) == (1, 0)


def test_a_position_is_recorded_for_the_actors_organisation_with_the_ids_a_reader_needs(session, partnership):
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    position = vision_services.record_position(partnership.context(partnership.nhs), 1, Stance.ENDORSE, "")
    assert (position.organisation_id, position.recorded_by_id) == (partnership.nhs.organisation_id, partnership.nhs.id)
    event = last_event(session, "vision.position_recorded")
    assert event.action == "position recorded"
    assert event.object_label == "Plymouth NHS Trust: endorse version 1 of the vision"
    assert event.payload == {"version": 1, "organisation_id": partnership.nhs.organisation_id, "stance": "endorse"}
    assert (event.before, event.after) == (None, {"version": 1, "stance": "endorse", "comment": ""})

    vision_services.record_position(partnership.context(partnership.nhs), 1, Stance.OBJECT, "Too vague")
    assert last_event(session, "vision.position_recorded").before == {"stance": "endorse", "comment": ""}
    assert count(session, VisionPosition) == 2  # the change of mind keeps the first on record


@pytest.mark.parametrize(("stance", "message"), [
    (Stance.ENDORSE_WITH_RESERVATIONS, "Say what your organisation's reservations are"),
    (Stance.OBJECT, "Say why your organisation objects"),
])
def test_reservations_and_objections_need_a_comment(session, partnership, stance, message):
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    with pytest.raises(Refused, match=message) as refusal:
        vision_services.record_position(partnership.context(partnership.nhs), 1, stance, "   ")
    assert refusal.value.field == "comment"
    assert count(session, VisionPosition) == 0


def test_a_position_on_an_out_of_date_version_or_on_no_version_is_refused(session, partnership):
    with pytest.raises(Refused, match="There is no wording of the vision"):
        vision_services.record_position(partnership.context(partnership.nhs), 1, Stance.ENDORSE, "")
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    vision_services.propose_version(partnership.context(partnership.council), SECOND, "Safer routes", 1)
    with pytest.raises(Refused, match="A new version was proposed while you were reading") as refusal:
        vision_services.record_position(partnership.context(partnership.nhs), 1, Stance.ENDORSE, "")
    assert refusal.value.field == "version_number"
    assert count(session, VisionPosition) == 0


def test_once_an_organisation_names_representatives_only_they_speak_for_it(session, partnership):
    representative = factories.user(partnership.nhs.organisation)
    session.add(ProjectMembership(project=partnership.project, user=representative, is_representative=True))
    session.commit()
    vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    with pytest.raises(NotPermitted, match="named representatives"):
        vision_services.record_position(partnership.context(partnership.nhs), 1, Stance.ENDORSE, "")
    with pytest.raises(NotPermitted):
        vision_services.record_position(partnership.context(partnership.outsider), 1, Stance.ENDORSE, "")
    vision_services.record_position(partnership.context(representative), 1, Stance.ENDORSE, "")
    assert session.scalars(select(VisionPosition.recorded_by_id)).all() == [representative.id]


def test_a_comment_is_kept_with_its_version(session, partnership):
    version = vision_services.propose_version(partnership.context(partnership.council), FIRST, "First", None)
    remark = vision_services.comment_on_version(partnership.context(partnership.nhs), version, " Name the A&E data. ")
    assert (remark.text, remark.version_id, remark.organisation_id) == (
        "Name the A&E data.", version.id, partnership.nhs.organisation_id)
    event = last_event(session, "vision.commented")
    assert event.payload == {"version": 1, "organisation_id": partnership.nhs.organisation_id}
    with pytest.raises(Refused, match="Enter your comment"):
        vision_services.comment_on_version(partnership.context(partnership.nhs), version, "  ")
    assert count(session, VisionComment) == 1
