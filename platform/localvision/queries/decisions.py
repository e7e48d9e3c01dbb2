"""Reads of joint decisions and their actions: the log, its download, a decision's page
and the project's actions. What a visitor may see follows `permissions.policy`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from localvision.domain.decisions import Totals, totals
from localvision.domain.vocabulary import ActionStatus, ContributionKind, DecisionStance, DecisionStatus, Sector
from localvision.extensions import db
from localvision.models import Action, Contribution, Decision, Organisation, Position, Project
from localvision.permissions.policy import ProjectContext, decision_details_public, decision_details_readable
from localvision.queries.public import project_decisions


@dataclass(frozen=True)
class LogFilters:
    """What the decision log is narrowed to; empty values narrow nothing."""

    keywords: str = ""
    status: DecisionStatus | None = None
    organisation_id: int | None = None
    sector: Sector | None = None
    opened_from: date | None = None
    opened_to: date | None = None


def details_hidden(context: ProjectContext, decision: Decision) -> bool:
    return not decision_details_public(decision, context.is_member)


def _involving(organisation_ids, is_member: bool):
    """An organisation is involved in a decision it proposed, funded or took a position
    on. Who funded a commercially sensitive decision is for the people of the project
    only, as on its page; its proposer and positions are public there, so they match."""
    funded = and_(decision_details_readable(is_member), Decision.id.in_(
        select(Contribution.decision_id).where(Contribution.organisation_id.in_(organisation_ids))))
    return or_(
        Decision.proposing_organisation_id.in_(organisation_ids),
        funded,
        Decision.id.in_(select(Position.decision_id).where(Position.organisation_id.in_(organisation_ids))),
    )


def _mentioning(word: str, is_member: bool):
    """A decision whose title, or rationale where the visitor may read it, contains the word.
    A commercially sensitive rationale is for the people of the project only, so
    outsiders' words are matched against its title alone."""
    rationale = and_(decision_details_readable(is_member), Decision.rationale.icontains(word, autoescape=True))
    return or_(Decision.title.icontains(word, autoescape=True), rationale)


def decision_log(context: ProjectContext, filters: LogFilters) -> list[Decision]:
    """The project's decisions, newest first, narrowed by the filters."""
    query = project_decisions(context.project, (filters.status,) if filters.status else ())
    organisation_ids = None
    if filters.organisation_id is not None:
        organisation_ids = select(Organisation.id).where(Organisation.id == filters.organisation_id)
    elif filters.sector is not None:
        organisation_ids = select(Organisation.id).where(Organisation.sector == filters.sector)
    if organisation_ids is not None:
        query = query.where(_involving(organisation_ids, context.is_member))
    for word in filters.keywords.split():
        query = query.where(_mentioning(word, context.is_member))
    if filters.opened_from:
        query = query.where(Decision.opens_on >= filters.opened_from)
    if filters.opened_to:
        query = query.where(Decision.opens_on <= filters.opened_to)
    return list(db.session.scalars(query))


def open_decisions(project: Project) -> list[Decision]:
    """The project's open decisions, oldest first."""
    return list(db.session.scalars(select(Decision).where(Decision.project_id == project.id,
                                                         Decision.status == DecisionStatus.OPEN).order_by(Decision.id)))


def decisions_by_title(project: Project, statuses: tuple[DecisionStatus, ...] = ()) -> list[Decision]:
    """The project's decisions in the given statuses (all when none are given), by title:
    the choices of a form that links to a decision."""
    query = select(Decision).where(Decision.project_id == project.id)
    if statuses:
        query = query.where(Decision.status.in_(statuses))
    return list(db.session.scalars(query.order_by(Decision.title)))


def decision_totals(decision: Decision) -> Totals:
    return totals((c.organisation_id, c.kind, c.amount) for c in decision.contributions)


@dataclass(frozen=True)
class Responses:
    responded: int
    counted: int


def responses(decision: Decision) -> Responses:
    """How many of the organisations the decision counts have recorded a position."""
    counted = decision.counted_organisation_ids
    return Responses(len(counted & decision.current_positions().keys()), len(counted))


# The download ----------------------------------------------------------------------------

LOG_CSV_HEADER = [
    "Decision", "Title", "Category", "Status", "Proposed by", "Proposing organisation", "Sector",
    "Decision rule", "Responded", "Counted partners", "Opens on", "Closes on", "Total (£)", "Cash (£)", "Staff time (£)", "In-kind (£)", "Recipient",
    "Charity number", "Company number", "Support", "Support with concerns", "Stand aside", "Object",
    "Amends decision", "Review on", "Commercially sensitive", "Rationale",
]


def log_csv_rows(context: ProjectContext, decisions: list[Decision]) -> list[list]:
    """One row per decision, under LOG_CSV_HEADER; hidden details are left blank."""
    rows = []
    for decision in decisions:
        money = decision_totals(decision)
        stances = [position.stance for position in decision.current_positions().values()]
        hidden = details_hidden(context, decision)
        responded = responses(decision)
        rows.append([
            decision.id, decision.title, decision.category.label, decision.status.label, decision.proposer.name,
            decision.proposing_organisation.name, decision.proposing_organisation.sector.label,
            decision.decision_rule.label, responded.responded, responded.counted,
            decision.opens_on.isoformat(), decision.closes_on.isoformat(), money.total,
            *("" if hidden else money.by_kind[kind] for kind in ContributionKind),
            decision.recipient_name or "", decision.recipient_charity_number or "", decision.recipient_company_number or "",
            *(stances.count(stance) for stance in DecisionStance),
            decision.amends_id or "", decision.review_on.isoformat() if decision.review_on else "",
            "yes" if decision.is_commercially_sensitive else "no",
            "(commercially sensitive)" if hidden else decision.rationale,
        ])
    return rows


# A decision's page -----------------------------------------------------------------------

@dataclass(frozen=True)
class PositionRow:
    organisation: Organisation
    current: Position | None
    earlier: list[Position]
    is_partner: bool
    counts: bool


def position_rows(decision: Decision) -> list[PositionRow]:
    """Every partner, with or without a position, then former partners who took one; each
    says whether the decision's rule counts it (a removed partner's position still counts
    on a decision it was counted on)."""
    history: dict[int, list[Position]] = {}
    for position in sorted(decision.positions, key=lambda p: p.id):
        history.setdefault(position.organisation_id, []).append(position)
    counted = decision.counted_organisation_ids
    partners = sorted(decision.project.partners, key=lambda p: p.organisation.name)
    rows = [PositionRow(p.organisation, history.get(p.organisation_id, [None])[-1],
                        history.get(p.organisation_id, [])[:-1][::-1], True, p.organisation_id in counted)
            for p in partners]
    partner_ids = {p.organisation_id for p in partners}
    former = {c.organisation_id: c.organisation for c in decision.counted
              if c.organisation_id in counted and c.organisation_id not in partner_ids}
    for organisation_id, positions in history.items():
        if organisation_id not in partner_ids:
            former[organisation_id] = positions[-1].organisation
    for organisation_id, organisation in sorted(former.items(), key=lambda item: item[1].name):
        positions = history.get(organisation_id, [None])
        rows.append(PositionRow(organisation, positions[-1], positions[:-1][::-1] if positions[-1] else [], False,
                                organisation_id in counted))
    return rows


def contribution_rows(decision: Decision) -> list[tuple[Organisation, list[Contribution]]]:
    """Each contributing organisation, by name, with its contributions."""
    grouped: dict[int, list[Contribution]] = {}
    for contribution in decision.contributions:
        grouped.setdefault(contribution.organisation_id, []).append(contribution)
    rows = [(contributions[0].organisation, contributions) for contributions in grouped.values()]
    return sorted(rows, key=lambda row: row[0].name)


# Actions ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActionList:
    overdue: list[Action]
    upcoming: list[Action]
    finished: list[Action]


def project_actions(project: Project, today: date) -> ActionList:
    """Every action on the project's decisions by due date: open ones split by whether
    they are overdue, then those done or dropped."""
    every = db.session.scalars(
        select(Action).join(Action.decision).where(Decision.project_id == project.id)
        .options(selectinload(Action.decision)).order_by(Action.due_on, Action.id)
    ).all()
    still_open = [a for a in every if a.status == ActionStatus.OPEN]
    return ActionList(overdue=[a for a in still_open if a.is_overdue(today)],
                      upcoming=[a for a in still_open if not a.is_overdue(today)],
                      finished=[a for a in every if a.status != ActionStatus.OPEN])
