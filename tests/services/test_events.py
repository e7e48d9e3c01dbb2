"""A change is recorded once, as the audit trail's entry and the domain event together."""
from __future__ import annotations

from sqlalchemy import select

import factories
from localvision.domain.vocabulary import EventKind
from localvision.models import AuditEvent
from localvision.services import events


def test_an_event_carries_its_kind_the_trail_words_and_the_ids_readers_need(session):
    lead = factories.user()
    project = factories.project(lead=lead)
    event = events.record(EventKind.PROJECT_UPDATED, project, actor=lead, project=project, label=project.title,
                          before={"title": "Old"}, after={"title": project.title},
                          payload={"project_id": project.id})
    session.flush()
    stored = session.scalar(select(AuditEvent).where(AuditEvent.id == event.id))
    assert (stored.kind, stored.action, stored.object_type) == ("project.updated", "updated", "Project")
    assert stored.actor_organisation_id == lead.organisation_id
    assert stored.payload == {"project_id": project.id}


def test_every_kind_names_its_subject_and_reads_as_words():
    for kind in EventKind:
        subject, _, verb = kind.value.partition(".")
        assert subject and verb and kind.label, kind
    assert len({kind.value for kind in EventKind}) == len(EventKind)
