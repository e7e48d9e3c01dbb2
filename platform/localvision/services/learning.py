"""The learning log: lessons by phase, linked to the decisions and indicators they are
about, each published on its own."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from localvision.domain.learning import DIFFERENTLY_NEEDED, HAPPENED_NEEDED, PHASE_NEEDED, TITLE_NEEDED, TRIED_NEEDED
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import LEARNING_PHASES, EventKind, Phase
from localvision.extensions import db
from localvision.models import Decision, Indicator, LearningEntry
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import events

TEXT_FIELDS = ("title", "tried", "happened", "differently")


@dataclass(frozen=True)
class LessonDetails:
    phase: Phase
    title: str
    tried: str
    happened: str
    differently: str
    decision_ids: tuple[int, ...] = ()
    indicator_ids: tuple[int, ...] = ()


def _snapshot(entry: LearningEntry) -> dict:
    return {**events.snapshot(entry, ("phase", *TEXT_FIELDS)),
            "decisions": [d.title for d in entry.decisions], "indicators": [i.name for i in entry.indicators]}


def _fill(context: ProjectContext, entry: LearningEntry, details: LessonDetails) -> None:
    if details.phase not in LEARNING_PHASES:
        raise Refused(PHASE_NEEDED, field="phase")
    for field, message in (("title", TITLE_NEEDED), ("tried", TRIED_NEEDED), ("happened", HAPPENED_NEEDED),
                           ("differently", DIFFERENTLY_NEEDED)):
        if not getattr(details, field).strip():
            raise Refused(message, field=field)
    project_id = context.project.id
    decisions = list(db.session.scalars(select(Decision).where(Decision.project_id == project_id,
                                                               Decision.id.in_(details.decision_ids))))
    indicators = list(db.session.scalars(select(Indicator).where(Indicator.project_id == project_id,
                                                                 Indicator.id.in_(details.indicator_ids))))
    if len(decisions) != len(set(details.decision_ids)):
        raise Refused("Choose decisions of this project", field="decision_ids")
    if len(indicators) != len(set(details.indicator_ids)):
        raise Refused("Choose indicators of this project", field="indicator_ids")
    entry.phase = details.phase
    for field in TEXT_FIELDS:
        setattr(entry, field, getattr(details, field).strip())
    entry.decisions, entry.indicators = decisions, indicators


def add_lesson(context: ProjectContext, details: LessonDetails) -> LearningEntry:
    """A new lesson, unpublished until a project lead publishes it."""
    if not policy.may_write_learning(context):
        raise NotPermitted("Only the people of the project can add to its learning log.")
    entry = LearningEntry(project=context.project, author=context.actor, is_published=False)
    _fill(context, entry, details)
    db.session.add(entry)
    db.session.flush()
    events.record(EventKind.LEARNING_ADDED, entry, actor=context.actor, project=context.project, label=entry.title,
                  after=_snapshot(entry), payload={"entry_id": entry.id})
    db.session.commit()
    return entry


def update_lesson(context: ProjectContext, entry: LearningEntry, details: LessonDetails) -> LearningEntry:
    if not policy.may_write_learning(context):
        raise NotPermitted("Only the people of the project can change its learning log.")
    before = _snapshot(entry)
    _fill(context, entry, details)
    before, after = events.changed_fields(before, _snapshot(entry))
    if after:
        events.record(EventKind.LEARNING_UPDATED, entry, actor=context.actor, project=context.project,
                      label=entry.title, before=before, after=after, payload={"entry_id": entry.id})
    db.session.commit()
    return entry


def set_lesson_publication(context: ProjectContext, entry: LearningEntry, publish: bool) -> LearningEntry:
    """A published lesson shows on the project's public "what we learned" page, in the
    API and in the search across projects, once the project itself is published."""
    if not policy.may_publish_learning(context):
        raise NotPermitted("Only the project leads can publish a lesson or take it back.")
    if entry.is_published != publish:
        entry.is_published = publish
        entry.published_at = datetime.now(timezone.utc) if publish else None
        events.record(EventKind.LEARNING_PUBLISHED if publish else EventKind.LEARNING_UNPUBLISHED, entry,
                      actor=context.actor, project=context.project, label=entry.title,
                      before={"is_published": not publish}, after={"is_published": publish},
                      payload={"entry_id": entry.id})
    db.session.commit()
    return entry
