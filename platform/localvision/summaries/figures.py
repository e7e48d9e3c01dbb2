"""The figures of a contribution summary, aggregated in the database.

Money, responses, proposals, actions and decision counts come from the running totals
(``totals``): one row per organisation, per set of sectors and per project, kept in the
transaction of each change, so a summary reads small rows rather than every contribution,
position, decision and action. The remaining queries group and sum in SQL and return at
most one row per organisation, sector or indicator, so memory stays bounded however long a
project's history. Money is exact decimals, stored as strings.

Contributions count when their decision is agreed: pledges to a decision that was not
agreed were never put in.

Two sets of figures are computed together: the people of the project's, from every
contribution, and the public's (``figures["public"]``), from the disclosed decisions'
contributions alone, with the money of commercially sensitive decisions as one undisclosed
total. No public figure is worked out from a hidden row, so none can be subtracted from
another, or solved for, to find who funded a sensitive decision or with what.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import distinct, func, select

from localvision.domain import contribution, evenness, progress, vision
from localvision.domain.vocabulary import ActionStatus, ContributionKind, DecisionStatus, PartnerStatus, Sector
from localvision.extensions import db
from localvision.models import Organisation, Project, ProjectPartner, User, VisionPosition, VisionVersion
from localvision.models.actions import Action
from localvision.models.decisions import Contribution, Decision
from localvision.models.summaries import IndicatorTotal, OrganisationTotal, ProjectTotal, SectorSetTotal
from localvision.queries.indicators import indicator_progress
from localvision.summaries.totals import KINDS, ORGANISATION_COUNTS, SECTORS, ZERO, decision_totals_query, money

SECTOR_COUNTS = ("decisions_proposed", "actions_owned", "actions_done", "actions_overdue")
# What an organisation visibly did in a project, besides disclosed money.
PUBLIC_PARTS = ("decisions_cofunded", "decisions_proposed", "positions_recorded", "actions_owned")

EVENNESS_MEASURE = (
    "Evenness says how equally the partners share the load, on a scale from 0 to 1: 1 means every "
    "organisation (or sector) put in the same, and a figure near 0 means one put in nearly everything. "
    "Partners that put in nothing count. Two standard measures are given: the first is normalised "
    "Shannon entropy; the second, 1 − Gini, is the one public-health readers know from measuring "
    "income inequality. They use different scales, so compare each only with itself."
)


def project_figures(project_id: int, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    partners = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.sector, ProjectPartner.joined_at)
        .join(ProjectPartner, ProjectPartner.organisation_id == Organisation.id)
        .where(ProjectPartner.project_id == project_id, ProjectPartner.status == PartnerStatus.ACCEPTED)
    ).all()
    organisations = {row.id: _blank_entry(row.id, row.name, row.sector, is_partner=True) for row in partners}
    # Figures of organisations that are no longer partners, keyed by id until their names are loaded.
    former: dict[int, dict[str, Any]] = {}

    def organisation(org_id: int) -> dict[str, Any]:
        return organisations.get(org_id) or former.setdefault(org_id, {})

    for row in db.session.execute(select(OrganisationTotal).where(OrganisationTotal.project_id == project_id)):
        totals_of = row.OrganisationTotal
        organisation(totals_of.organisation_id).update(
            amounts={kind.value: Decimal(totals_of.amounts[kind.value]) for kind in KINDS},
            disclosed_amounts={kind.value: Decimal(totals_of.disclosed_amounts[kind.value]) for kind in KINDS},
            **{field: getattr(totals_of, field) for field in ORGANISATION_COUNTS},
        )

    counts = db.session.get(ProjectTotal, project_id)
    agreed_decisions, decisions_counted, linked_decisions = (
        (counts.agreed_decisions, counts.counted_decisions, counts.linked_decisions) if counts else (0, 0, 0))
    # A partner could respond to every decision not withdrawn, except those closed before it joined.
    joined = select(distinct(ProjectPartner.joined_at).label("joined_at")).where(
        ProjectPartner.project_id == project_id, ProjectPartner.status == PartnerStatus.ACCEPTED).subquery()
    closed_before_joining = dict(db.session.execute(
        select(joined.c.joined_at, func.count(Decision.id))
        .select_from(joined)
        .join(Decision, (Decision.project_id == project_id) & (Decision.closed_at < joined.c.joined_at)
              & (Decision.status != DecisionStatus.WITHDRAWN))
        .group_by(joined.c.joined_at)
    ).all())
    for row in partners:
        organisations[row.id]["could_respond"] = decisions_counted - closed_before_joining.get(row.joined_at, 0)

    # Overdue depends on the day, so it is counted now, from the open actions only.
    for row in db.session.execute(
        select(User.organisation_id, func.count(Action.id).label("overdue"))
        .select_from(Action)
        .join(Decision, Decision.id == Action.decision_id)
        .join(User, User.id == Action.owner_id)
        .where(Action.status == ActionStatus.OPEN, Action.due_on < today, Decision.project_id == project_id)
        .group_by(User.organisation_id)
    ):
        organisation(row.organisation_id)["actions_overdue"] = row.overdue

    if former:
        for row in db.session.execute(select(Organisation.id, Organisation.name, Organisation.sector)
                                      .where(Organisation.id.in_(former))):
            organisations[row.id] = {**_blank_entry(row.id, row.name, row.sector, is_partner=False), **former[row.id]}

    sector_sets = db.session.execute(select(SectorSetTotal).where(SectorSetTotal.project_id == project_id)).scalars().all()
    groups = [contribution.SectorSetGroup(mask=row.sector_mask, decisions=row.decisions, amount=row.amount)
              for row in sector_sets]
    disclosed_groups = [contribution.SectorSetGroup(mask=row.sector_mask, decisions=row.disclosed_decisions,
                                                    amount=row.disclosed_amount)
                        for row in sector_sets if row.disclosed_decisions]
    shown = {org_id: shown_entry for org_id, entry in organisations.items()
             if _publicly_involved(shown_entry := _as_disclosed(entry))}
    undisclosed = _undisclosed_total(organisations.values())
    organisations = {org_id: _without_disclosed(entry) for org_id, entry in organisations.items()}
    vision_figures = _vision_figures(project_id, [row.id for row in partners])
    indicators, public_indicators = _indicator_figures(project_id, agreed_decisions, linked_decisions)
    public = {**_assemble(shown, disclosed_groups, agreed_decisions, undisclosed),
              "vision": vision_figures, "indicators": public_indicators}
    return {**_assemble(organisations, groups, agreed_decisions, undisclosed),
            "vision": vision_figures, "indicators": indicators, "public": public}


def _as_disclosed(entry: dict[str, Any]) -> dict[str, Any]:
    """An organisation's figures as outsiders see them: its disclosed money and co-funding only."""
    return {**_without_disclosed(entry), "amounts": dict(entry["disclosed_amounts"]),
            "decisions_cofunded": entry["disclosed_decisions_cofunded"]}


def _publicly_involved(shown: dict[str, Any]) -> bool:
    """Whether outsiders may see the organisation in the figures: a partner, or a former
    one with a part they can see. A former partner whose only part was funding sensitive
    decisions is left out: being listed at all would say what it funded."""
    return shown["is_partner"] or any(shown[field] for field in PUBLIC_PARTS) or any(shown["amounts"].values())


def _without_disclosed(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in ("disclosed_amounts",
                                                                         "disclosed_decisions_cofunded")}


def _undisclosed_total(organisations: Any) -> Decimal:
    return sum((sum(entry["amounts"].values(), ZERO) - sum(entry["disclosed_amounts"].values(), ZERO)
                for entry in organisations), ZERO)


def _indicator_figures(project_id: int, agreed_decisions: int,
                       linked_decisions: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """How many indicators are on track, at risk, off track or without data; how many
    agreed decisions aim at one; and the money and decisions aimed at each: as the people
    of the project see them, and as outsiders do (the money of disclosed decisions only)."""
    project = db.session.get(Project, project_id)
    progress_by_indicator = indicator_progress(project)
    statuses = Counter(entry.progress.status for entry in progress_by_indicator)
    # The agreed decisions aimed at each indicator, and their funding, are running totals.
    aimed = {row.indicator_id: row for row in db.session.execute(
        select(IndicatorTotal.indicator_id, IndicatorTotal.decisions, IndicatorTotal.amount,
               IndicatorTotal.disclosed_amount)
        .where(IndicatorTotal.project_id == project_id))}

    def figures(funding: str) -> dict[str, Any]:
        return {
            "total": sum(statuses.values()),
            **{status.name.lower(): statuses.get(status, 0) for status in progress.Status},
            "linked_decisions": linked_decisions,
            "linked_decision_share": contribution.share(linked_decisions, agreed_decisions),
            "aimed_at": [
                {"id": entry.indicator.id, "name": entry.indicator.name,
                 "status": entry.progress.status.name.lower(),
                 "decisions": aimed[entry.indicator.id].decisions if entry.indicator.id in aimed else 0,
                 "amount": money(getattr(aimed[entry.indicator.id], funding) if entry.indicator.id in aimed
                                 else None)}
                for entry in progress_by_indicator
            ],
        }

    return figures("amount"), figures("disclosed_amount")


def _vision_figures(project_id: int, partner_ids: list[int]) -> dict[str, Any]:
    """Whether the partners agree the latest version, and the share of them endorsing it."""
    latest = db.session.scalar(select(VisionVersion.id).where(VisionVersion.project_id == project_id)
                               .order_by(VisionVersion.number.desc()).limit(1))
    if latest is None:
        return {"has_vision": False, "agreed": False, "endorsing": 0, "endorsing_share": None}
    history = [
        vision.RecordedPosition(organisation_id=row.organisation_id, endorses=row.stance.endorses,
                                recorded_at=row.recorded_at)
        for row in db.session.execute(select(VisionPosition.organisation_id, VisionPosition.stance,
                                             VisionPosition.recorded_at)
                                      .where(VisionPosition.version_id == latest).order_by(VisionPosition.id))
    ]
    where_partners_stand = vision.agreement(partner_ids, history)
    return {"has_vision": True, "agreed": where_partners_stand.agreed,
            "endorsing": len(where_partners_stand.endorsing),
            "endorsing_share": contribution.share(len(where_partners_stand.endorsing), len(partner_ids))}


def _sector_set_groups(decisions_counted: Any) -> list[contribution.SectorSetGroup]:
    """Agreed decisions grouped by the set of sectors that funded them, with their value."""
    per_decision = decision_totals_query(db.session.get_bind().dialect.name, decisions_counted).subquery()
    return [
        contribution.SectorSetGroup(mask=int(row.mask), decisions=row.decisions, amount=row.amount or ZERO)
        for row in db.session.execute(
            select(per_decision.c.sector_mask.label("mask"), func.count().label("decisions"), func.sum(per_decision.c.amount).label("amount"))
            .group_by(per_decision.c.sector_mask)
        )
    ]


def _blank_entry(org_id: int, name: str, sector: Sector, is_partner: bool) -> dict[str, Any]:
    return {"id": org_id, "name": name, "sector": sector.value, "is_partner": is_partner,
            "amounts": {kind.value: ZERO for kind in KINDS}, "disclosed_amounts": {kind.value: ZERO for kind in KINDS},
            "decisions_cofunded": 0, "disclosed_decisions_cofunded": 0, "decisions_proposed": 0,
            "positions_recorded": 0, "could_respond": 0, "actions_owned": 0, "actions_done": 0, "actions_overdue": 0}


def _amounts(by_kind: dict[str, Decimal], grand_total: Decimal) -> dict[str, Any]:
    total = sum(by_kind.values(), ZERO)
    return {**{kind: money(amount) for kind, amount in by_kind.items()}, "total": money(total),
            "share": contribution.share(total, grand_total)}


def _add_amounts(into: dict[str, Decimal], more: dict[str, Decimal]) -> None:
    for kind, amount in more.items():
        into[kind] += amount


def _assemble(organisations: dict[int, dict[str, Any]], groups: list[contribution.SectorSetGroup],
              agreed_decisions: int, undisclosed_total: Decimal) -> dict[str, Any]:
    totals = {kind.value: ZERO for kind in KINDS}
    by_sector: dict[str, dict[str, Any]] = {}
    for entry in organisations.values():
        _add_amounts(totals, entry["amounts"])
        sector = by_sector.setdefault(entry["sector"], {
            "organisations": 0, "partners": 0, "amounts": {kind.value: ZERO for kind in KINDS},
            **{field: 0 for field in SECTOR_COUNTS}})
        sector["organisations"] += 1
        sector["partners"] += entry["is_partner"]
        _add_amounts(sector["amounts"], entry["amounts"])
        for field in SECTOR_COUNTS:
            sector[field] += entry[field]
    grand_total = sum(totals.values(), ZERO)

    def total_of(entry: dict[str, Any]) -> Decimal:
        return sum(entry["amounts"].values(), ZERO)

    partners = [entry for entry in organisations.values() if entry["is_partner"]]
    partner_sectors = [entry for entry in by_sector.values() if entry["partners"]]
    contributing_partners = sum(1 for entry in partners if total_of(entry) > 0)
    cross_sector = contribution.cross_sector_decisions(groups)
    cofunded_by_sector = contribution.decisions_by_sector(groups, SECTORS)
    return {
        "totals": _amounts(totals, grand_total),
        "undisclosed_total": money(undisclosed_total),
        "organisations": [
            {**entry, "amounts": _amounts(entry["amounts"], grand_total),
             "response_share": contribution.share(entry["positions_recorded"], entry["could_respond"])}
            for entry in sorted(organisations.values(), key=lambda entry: entry["name"])
        ],
        "sectors": [
            {**by_sector[sector.value], "sector": sector.value, "label": sector.label,
             "amounts": _amounts(by_sector[sector.value]["amounts"], grand_total),
             "decisions_cofunded": cofunded_by_sector.get(sector, 0)}
            for sector in SECTORS if sector.value in by_sector
        ],
        "agreed_decisions": agreed_decisions,
        "funded_decisions": sum(group.decisions for group in groups),
        "cross_sector_decisions": cross_sector,
        "cross_sector_share": contribution.share(cross_sector, agreed_decisions),
        "sector_pairs": [
            {"sectors": [first.value, second.value], "decisions": decisions, "amount": money(amount)}
            for (first, second), (decisions, amount) in contribution.sector_pairs(groups, SECTORS).items()
        ],
        "evenness": {
            "measure": EVENNESS_MEASURE,
            "contributions_by_organisation": evenness.shannon_evenness(total_of(entry) for entry in partners),
            "contributions_by_sector": evenness.shannon_evenness(total_of(entry) for entry in partner_sectors),
            "proposals_by_organisation": evenness.shannon_evenness(entry["decisions_proposed"] for entry in partners),
            "proposals_by_sector": evenness.shannon_evenness(entry["decisions_proposed"] for entry in partner_sectors),
            "one_minus_gini": {
                "contributions_by_organisation": evenness.one_minus_gini(total_of(entry) for entry in partners),
                "contributions_by_sector": evenness.one_minus_gini(total_of(entry) for entry in partner_sectors),
                "proposals_by_organisation": evenness.one_minus_gini(entry["decisions_proposed"] for entry in partners),
                "proposals_by_sector": evenness.one_minus_gini(entry["decisions_proposed"] for entry in partner_sectors),
            },
        },
        "partners": len(partners),
        "contributing_partners": contributing_partners,
        "contributing_partner_share": contribution.share(contributing_partners, len(partners)),
    }


def platform_figures() -> dict[str, Any]:
    """Across published projects, for anyone: partners by sector, pooled totals and the
    cross-boundary share, of the disclosed decisions, and the money of the commercially
    sensitive ones as one undisclosed total."""
    published = Project.is_published.is_(True)
    partners_by_sector = dict(db.session.execute(
        select(Organisation.sector, func.count(distinct(Organisation.id)))
        .join(ProjectPartner, ProjectPartner.organisation_id == Organisation.id)
        .join(Project, Project.id == ProjectPartner.project_id)
        .where(published, ProjectPartner.status == PartnerStatus.ACCEPTED)
        .group_by(Organisation.sector)
    ).all())
    pooled: dict[ContributionKind, Decimal] = {}
    undisclosed = ZERO
    for kind, is_disclosed, amount in db.session.execute(
        select(Contribution.kind, Decision.is_disclosed, func.sum(Contribution.amount))
        .join(Decision, Decision.id == Contribution.decision_id)
        .join(Project, Project.id == Decision.project_id)
        .where(published, Decision.status == DecisionStatus.AGREED)
        .group_by(Contribution.kind, Decision.is_commercially_sensitive)
    ):
        if is_disclosed:
            pooled[kind] = Decimal(amount)
        else:
            undisclosed += Decimal(amount)
    groups = _sector_set_groups(Decision.project_id.in_(select(Project.id).where(published))
                                & (Decision.status == DecisionStatus.AGREED) & Decision.is_disclosed)
    agreed = db.session.scalar(
        select(func.count(Decision.id)).join(Project, Project.id == Decision.project_id)
        .where(published, Decision.status == DecisionStatus.AGREED)
    ) or 0
    cross_sector = contribution.cross_sector_decisions(groups)
    totals = {kind.value: money(pooled.get(kind)) for kind in KINDS}
    return {
        "projects": db.session.scalar(select(func.count(Project.id)).where(published)) or 0,
        "partners_by_sector": [{"sector": sector.value, "label": sector.label, "organisations": partners_by_sector[sector]}
                               for sector in SECTORS if sector in partners_by_sector],
        "organisations": sum(partners_by_sector.values()),
        "totals": {**totals, "total": money(sum(pooled.values(), ZERO))},
        "undisclosed_total": money(undisclosed),
        "agreed_decisions": agreed,
        "cross_sector_decisions": cross_sector,
        "cross_sector_share": contribution.share(cross_sector, agreed),
    }
