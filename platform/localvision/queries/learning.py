"""The learning log as its pages show it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from localvision.domain.vocabulary import LEARNING_PHASES, Phase
from localvision.extensions import db
from localvision.models import LearningEntry
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.public import PHASE_ORDER, published_lessons


def lessons(context: ProjectContext) -> list[LearningEntry]:
    """Every lesson for the people of the project; published ones for everyone else."""
    if not policy.may_see_unpublished_learning(context):
        return list(db.session.scalars(published_lessons(context.project)))
    return list(db.session.scalars(
        select(LearningEntry).where(LearningEntry.project_id == context.project.id)
        .options(selectinload(LearningEntry.decisions), selectinload(LearningEntry.indicators))
        .order_by(PHASE_ORDER, LearningEntry.created_at, LearningEntry.id)))


def by_phase(entries: list[LearningEntry]) -> list[tuple[Phase, list[LearningEntry]]]:
    return [(phase, [e for e in entries if e.phase == phase]) for phase in LEARNING_PHASES]


def visible_lesson(context: ProjectContext, entry_id: int) -> LearningEntry | None:
    entry = db.session.get(LearningEntry, entry_id)
    if entry is None or entry.project_id != context.project.id:
        return None
    if not (entry.is_published or policy.may_see_unpublished_learning(context)):
        return None
    return entry


CSV_HEADER = ["Lesson", "Phase", "Title", "What we tried", "What happened", "What we would do differently",
              "Decisions", "Indicators", "Published on"]


def csv_rows(context: ProjectContext) -> list[list]:
    """Published lessons only, whoever downloads: the file is open data."""
    return [[e.id, e.phase.label, e.title, e.tried, e.happened, e.differently,
             "; ".join(d.title for d in e.decisions), "; ".join(i.name for i in e.indicators),
             e.published_at.date().isoformat() if e.published_at else ""]
            for e in db.session.scalars(published_lessons(context.project))]
