"""What the public may read: every query here returns published projects only.

The directory, the public project page and the open data API all read through this
module, so a private project cannot leak through one of them by a forgotten filter.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce

from flask import current_app
from sqlalchemy import ColumnElement, Select, bindparam, case, func, literal_column, or_, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from localvision import data_versions
from localvision.domain.vocabulary import BarrierStatus, ContributionKind, DecisionStatus, PartnerStatus, Phase, Sector
from localvision.extensions import db
from localvision.models import (
    AuditEvent,
    Barrier,
    Contribution,
    Decision,
    Indicator,
    LearningEntry,
    Organisation,
    Project,
    ProjectPartner,
    ProjectSummary,
)
from localvision.permissions.policy import decision_details_readable
from localvision.queries.vision import agreed_vision_text


@dataclass(frozen=True)
class ProjectFilters:
    """A directory search: words to find, and the sectors, phases and place to keep."""

    words: str = ""
    sectors: tuple[Sector, ...] = ()
    phases: tuple[Phase, ...] = ()
    place: str = ""
    search_terms: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        # A NUL character cannot be sent to PostgreSQL and means nothing in a search.
        object.__setattr__(self, "words", self.words.replace("\x00", ""))
        object.__setattr__(self, "place", self.place.replace("\x00", ""))
        object.__setattr__(self, "search_terms", tuple(self.words.lower().split()))


def open_data_licence() -> dict[str, str]:
    return {"name": current_app.config["OPEN_DATA_LICENCE_NAME"], "url": current_app.config["OPEN_DATA_LICENCE_URL"]}


def _searched_texts() -> tuple[tuple[ColumnElement[str], ...], ...]:
    """What the directory searches, best match first: the title; what the project is
    about and where; the wording of its agreed vision. Never a draft of the vision."""
    return ((Project.title,), (Project.summary, Project.theme, Project.place), (agreed_vision_text(Project.id),))


ENGLISH = literal_column("'english'::regconfig")


def _weighted(text: ColumnElement[str], weight: str) -> ColumnElement:
    # setweight takes a "char", which a bound parameter (sent as VARCHAR) is not.
    return func.setweight(func.to_tsvector(ENGLISH, text), literal_column(f"'{weight}'"))


def _full_text_search(query: Select, words: str) -> tuple[Select, ColumnElement]:
    """PostgreSQL: every word, stemmed in English ("drinking" finds "drink"), ranked by
    where it was found: ts_rank weighs the title (A) over the rest of the project's own
    words (B) over its vision (C)."""
    title, about, vision = _searched_texts()
    document = (
        _weighted(title[0], "A")
        .op("||")(_weighted(func.concat_ws(" ", *about), "B"))
        .op("||")(_weighted(func.coalesce(vision[0], ""), "C"))
    )
    asked = func.plainto_tsquery(ENGLISH, words)
    return query.where(document.op("@@")(asked)), func.ts_rank(document, asked)


def _word_search(query: Select, terms: tuple[str, ...]) -> tuple[Select, ColumnElement]:
    """Elsewhere (SQLite): every word found as part of a text, case aside (wildcards in it
    escaped), scored by the best place each word was found."""
    tiers = _searched_texts()
    scores = []
    for term in terms:
        found = [or_(*(func.lower(text).contains(term, autoescape=True) for text in tier)) for tier in tiers]
        query = query.where(or_(*found))
        scores.append(case((found[0], 4), (found[1], 2), else_=1))
    return query, reduce(operator.add, scores)


def published_projects(filters: ProjectFilters = ProjectFilters()) -> Select[tuple[Project]]:
    """Published projects matching the filters: those matching the words best first, then
    in a stable order (place, then title)."""
    query = select(Project).where(Project.is_published.is_(True))
    ranking: tuple[ColumnElement, ...] = ()
    # Every word must be found: "food cornwall" finds Cornwall's food project.
    if filters.search_terms:
        if db.session.get_bind().dialect.name == "postgresql":
            query, rank = _full_text_search(query, filters.words)
        else:
            query, rank = _word_search(query, filters.search_terms)
        ranking = (rank.desc(),)
    if filters.sectors:
        query = query.where(
            select(ProjectPartner.id)
            .join(Organisation, Organisation.id == ProjectPartner.organisation_id)
            .where(ProjectPartner.project_id == Project.id, ProjectPartner.status == PartnerStatus.ACCEPTED,
                   Organisation.sector.in_(filters.sectors))
            .exists()
        )
    if filters.phases:
        query = query.where(Project.phase.in_(filters.phases))
    if filters.place:
        query = query.where(func.lower(Project.place) == filters.place.lower())
    return query.order_by(*ranking, Project.place, Project.title, Project.id)


def published_project_list() -> list[Project]:
    """Every published project, in the directory's order."""
    return list(db.session.scalars(published_projects()))


def published_places() -> list[str]:
    return list(
        db.session.scalars(select(Project.place).where(Project.is_published.is_(True)).distinct().order_by(Project.place))
    )


def published_project(slug: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.slug == slug, Project.is_published.is_(True)))


def partners_with_organisations(project: Project) -> list[ProjectPartner]:
    """A project's partners and their organisations in one query, whatever their number.
    They also become ``project.partners``, so later readers of it run no query."""
    partners = list(
        db.session.scalars(
            select(ProjectPartner)
            .join(ProjectPartner.organisation)
            .options(contains_eager(ProjectPartner.organisation))
            .where(ProjectPartner.project_id == project.id, ProjectPartner.status == PartnerStatus.ACCEPTED)
        )
    )
    set_committed_value(project, "partners", partners)
    return partners


def _project_version_statement() -> Select:
    project_id = (
        select(Project.id).where(Project.slug == bindparam("slug"), Project.is_published.is_(True)).scalar_subquery()
    )
    newest_event = (
        select(func.coalesce(func.max(AuditEvent.id), 0))
        .where(or_(AuditEvent.project_id == project_id, AuditEvent.project_id.is_(None)))
        .scalar_subquery()
    )
    summary_computed = (
        select(func.coalesce(func.max(ProjectSummary.changes_computed), -1))
        .where(ProjectSummary.project_id == project_id)
        .scalar_subquery()
    )
    return select(project_id.label("id"), newest_event.label("version"), summary_computed.label("summary"))


# Built once: every anonymous request for a project asks it first, and building it anew
# each time cost more than running it.
PROJECT_VERSION = _project_version_statement()


def published_project_version(slug: str) -> str | None:
    """The data version of a published project; None when there is no published project
    of that slug. A new contribution summary counts as new data. While the project's
    counters in Redis stand where they stood when this worker last found it published,
    no SQL is run (see ``data_versions``); otherwise one query."""
    known = data_versions.remembered(slug)
    if known is not None:
        project_id, seen = known
        if data_versions.counters(project_id) == seen:
            return _counted_version(project_id, seen)
    row = db.session.execute(PROJECT_VERSION, {"slug": slug}).one()
    if row.id is None:
        data_versions.forget(slug)
        return None
    # Counters read after the query may include a change the query missed. That is safe: a
    # response is only cached under counters read before its view queried the database.
    seen = data_versions.counters(row.id)
    if seen is None:
        return f"{row.version}:{row.summary}"
    data_versions.remember(slug, row.id, seen)
    return _counted_version(row.id, seen)


def _counted_version(project_id: int, seen: tuple[str, int, int]) -> str:
    epoch, site, project = seen
    return f"{epoch}:{site}:{project_id}:{project}"


def data_version() -> str:
    """The version of pages listing every published project: the counter of every change in
    Redis (see ``data_versions``), with no SQL; while Redis is unreachable, the newest audit
    event, as every change to project data adds one."""
    seen = data_versions.all_counter()
    if seen is not None:
        return f"{seen[0]}:{seen[1]}"
    return str(db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))))


def project_decisions(project: Project, statuses: tuple[DecisionStatus, ...] = ()) -> Select[tuple[Decision]]:
    """A project's decisions, newest first, with their contributions and positions."""
    query = (
        select(Decision)
        .where(Decision.project_id == project.id)
        .options(selectinload(Decision.contributions), selectinload(Decision.positions))
        .order_by(Decision.opens_on.desc(), Decision.id.desc())
    )
    if statuses:
        query = query.where(Decision.status.in_(statuses))
    return query


def project_contributions(project: Project, is_member: bool) -> list[Contribution]:
    """Every contribution to the project's decisions whose details the viewer may see."""
    query = (
        select(Contribution)
        .join(Contribution.decision)
        .options(contains_eager(Contribution.decision))
        .where(Decision.project_id == project.id)
        .order_by(Decision.id, Contribution.id)
    )
    return list(db.session.scalars(query.where(decision_details_readable(is_member))))


def _is_public_grant(project: Project) -> tuple:
    """Agreed decisions that fund a named recipient with cash and whose amounts are
    public: the grants a 360Giving file reports."""
    return (
        Decision.project_id == project.id,
        Decision.status == DecisionStatus.AGREED,
        Decision.recipient_name.is_not(None),
        Decision.recipient_name != "",
        Decision.is_disclosed,
        select(Contribution.id)
        .where(Contribution.decision_id == Decision.id, Contribution.kind == ContributionKind.CASH)
        .exists(),
    )


def agreed_grants(project: Project) -> list[Decision]:
    return list(
        db.session.scalars(
            select(Decision)
            .where(*_is_public_grant(project))
            .options(selectinload(Decision.contributions))
            .order_by(Decision.id)
        )
    )


def has_agreed_grants(project: Project) -> bool:
    return db.session.scalar(select(select(Decision.id).where(*_is_public_grant(project)).exists()))


def project_indicators(project: Project) -> list[Indicator]:
    """A project's outcome indicators by name, each with its measurements by period."""
    return list(
        db.session.scalars(
            select(Indicator)
            .where(Indicator.project_id == project.id)
            .options(selectinload(Indicator.measurements))
            .order_by(Indicator.name)
        )
    )


# Barriers the public may read: approved ones, whatever became of them. Those awaiting
# moderation or rejected there are never shown outside the project.
PUBLIC_BARRIER_STATUSES = tuple(status for status in BarrierStatus if status.is_public)


def public_barriers(project: Project) -> Select[tuple[Barrier]]:
    """A project's barriers the public may read, newest first, with their answers."""
    return (select(Barrier)
            .where(Barrier.project_id == project.id, Barrier.status.in_(PUBLIC_BARRIER_STATUSES))
            .options(selectinload(Barrier.answers), selectinload(Barrier.indicator))
            .order_by(Barrier.raised_at.desc(), Barrier.id.desc()))


def public_barrier_list(project: Project) -> list[Barrier]:
    return list(db.session.scalars(public_barriers(project)))


# Discover, Design, Deliver: the order of the work, not of the alphabet.
PHASE_ORDER = case((LearningEntry.phase == Phase.DISCOVER, 1), (LearningEntry.phase == Phase.DESIGN, 2), else_=3)


def published_lessons(project: Project) -> Select[tuple[LearningEntry]]:
    """A project's published lessons, by phase, oldest first within a phase."""
    return (select(LearningEntry)
            .where(LearningEntry.project_id == project.id, LearningEntry.is_published.is_(True))
            .options(selectinload(LearningEntry.decisions), selectinload(LearningEntry.indicators))
            .order_by(PHASE_ORDER, LearningEntry.created_at, LearningEntry.id))


def published_lesson_list(project: Project) -> list[LearningEntry]:
    return list(db.session.scalars(published_lessons(project)))


LESSON_COLUMNS = (LearningEntry.title, LearningEntry.tried, LearningEntry.happened, LearningEntry.differently)


def search_lessons(words: str) -> Select[tuple[LearningEntry]]:
    """Published lessons of published projects holding every word somewhere in their
    text. Each word is matched as lower(column) LIKE '%word%' (wildcards in the word
    escaped), which PostgreSQL and SQLite answer alike; SQLite lowers only ASCII letters,
    so there a search with accented capitals is case-sensitive."""
    query = (select(LearningEntry).join(LearningEntry.project)
             .where(Project.is_published.is_(True), LearningEntry.is_published.is_(True))
             .options(contains_eager(LearningEntry.project)))
    for term in ProjectFilters(words=words).search_terms:
        query = query.where(or_(*(func.lower(column).contains(term, autoescape=True) for column in LESSON_COLUMNS)))
    return query.order_by(Project.place, Project.title, PHASE_ORDER, LearningEntry.id)
