"""What a project's overview page shows, assembled once for its people and for everyone else.

The members' page and the public page render this and nothing else, so what the public
sees of a project is decided here: commercially sensitive amounts are left out for
anyone who is not one of the project's people.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from localvision.domain.barriers import BarrierFigures
from localvision.domain.refusals import NotPermitted
from localvision.domain.vocabulary import DecisionStatus, Sector
from localvision.extensions import db
from localvision.models import Decision, HealthCheckRound, Project, ProjectPartner
from localvision.models.summaries import DecisionTotal
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries import barriers as barrier_queries
from localvision.queries.contribution_figures import ContributionFigures, contribution_figures
from localvision.queries.health_checks import latest_published_round
from localvision.queries.indicators import IndicatorProgress, indicator_progress
from localvision.queries.partners import partners_by_sector
from localvision.queries.public import (
    has_agreed_grants,
    open_data_licence,
    partners_with_organisations,
    published_lessons,
)
from localvision.queries.vision import AgreedVision, agreed_vision

LATEST_DECISIONS_SHOWN = 5


@dataclass(frozen=True)
class DecisionInBrief:
    """A decision as the overview lists it: what it is called and where it stands."""

    id: int
    title: str
    status: DecisionStatus


@dataclass(frozen=True)
class DecisionsInBrief:
    counts: dict[DecisionStatus, int]
    agreed_total: Decimal
    latest: list[DecisionInBrief]

    @property
    def total_count(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Download:
    title: str
    endpoint: str  # a route taking the project's slug
    format: str


@dataclass(frozen=True)
class ProjectOverview:
    project: Project
    is_member: bool
    partner_count: int
    partner_groups: list[tuple[Sector, list[ProjectPartner]]]
    agreed_vision: AgreedVision | None
    decisions: DecisionsInBrief
    indicators: list[IndicatorProgress]
    contribution_figures: ContributionFigures
    downloads: list[Download]
    licence: dict[str, str]
    barriers: BarrierFigures
    published_lessons: int
    published_health_check: HealthCheckRound | None


def decisions_in_brief(project: Project, latest: int = LATEST_DECISIONS_SHOWN) -> DecisionsInBrief:
    """Counts by status, the money committed to agreed decisions (commercially sensitive
    ones included: their total is public), and the most recent decisions' titles."""
    # Agreed decisions' sums are kept as running totals (one row per agreed, funded
    # decision), so one grouped query gives both the counts and the money.
    by_status = db.session.execute(
        select(Decision.status, func.count(Decision.id), func.coalesce(func.sum(DecisionTotal.amount), 0))
        .outerjoin(DecisionTotal, DecisionTotal.decision_id == Decision.id)
        .where(Decision.project_id == project.id).group_by(Decision.status)
    ).all()
    counts = {status: count for status, count, _ in by_status}
    agreed_total = next((total for status, _, total in by_status if status == DecisionStatus.AGREED), 0)
    recent = db.session.execute(
        select(Decision.id, Decision.title, Decision.status).where(Decision.project_id == project.id)
        .order_by(Decision.opens_on.desc(), Decision.id.desc()).limit(latest)
    ).all()
    return DecisionsInBrief({status: counts.get(status, 0) for status in DecisionStatus},
                            Decimal(agreed_total).quantize(Decimal("0.01")),
                            [DecisionInBrief(*row) for row in recent])


# The open data a published project offers, in the order its page lists them.
DOWNLOADS = (
    Download("Project and partners", "api.project", "JSON"),
    Download("Partner organisations", "api.partners", "JSON"),
    Download("Agreed shared vision", "api.vision", "JSON"),
    Download("Joint decisions", "decisions.download", "CSV"),
    Download("Joint decisions with contributions and positions", "api.decisions", "JSON"),
    Download("Contributions to decisions", "open_data.contributions", "CSV"),
    Download("Outcome indicators with their measurements", "api.indicators", "JSON"),
    Download("Measurements of outcome indicators", "open_data.measurements", "CSV"),
    Download("Contribution summary", "api.summary", "JSON"),
    Download("Barriers and the partnership's answers", "open_data.barriers", "CSV"),
    Download("Barriers and the partnership's answers", "api.barriers", "JSON"),
    Download("Lessons learned", "open_data.learning", "CSV"),
    Download("Lessons learned", "api.learning", "JSON"),
)
GRANTS_DOWNLOAD = Download("Agreed grants to named recipients", "open_data.threesixtygiving", "360Giving JSON")


def downloads(project: Project) -> list[Download]:
    """Nothing for a private project; the 360Giving standard has no empty package, so it
    is offered once there is a grant."""
    if not project.is_published:
        return []
    return [*DOWNLOADS, *((GRANTS_DOWNLOAD,) if has_agreed_grants(project) else ())]


def project_overview(context: ProjectContext) -> ProjectOverview:
    """The overview of the project for the person (or visitor) of the context."""
    if not policy.may_see_project(context):
        raise NotPermitted("This project is private.")
    project = context.project
    partners = partners_with_organisations(project)
    return ProjectOverview(
        project=project,
        is_member=context.is_member,
        partner_count=len(partners),
        partner_groups=partners_by_sector(partners),
        agreed_vision=agreed_vision(project),
        decisions=decisions_in_brief(project),
        indicators=indicator_progress(project),
        contribution_figures=contribution_figures(project.id, context.is_member),
        # The members' page links to the data pages instead: open data is for everyone else.
        downloads=[] if context.is_member else downloads(project),
        licence=open_data_licence(),
        barriers=barrier_queries.figures(project, date.today()),
        published_lessons=db.session.scalar(select(func.count()).select_from(published_lessons(project).subquery())),
        published_health_check=latest_published_round(project),
    )
