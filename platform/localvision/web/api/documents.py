"""The documents of the open data API, built from published records only."""
from __future__ import annotations

from flask import url_for

from localvision.domain.decisions import totals
from localvision.domain.web_addresses import is_web_address
from localvision.models import (
    Barrier,
    Decision,
    HealthCheckRound,
    Indicator,
    LearningEntry,
    Organisation,
    Project,
    ProjectPartner,
)
from localvision.permissions.policy import decision_details_public
from localvision.queries.contribution_figures import ContributionFigures
from localvision.queries.decisions import responses
from localvision.queries.health_checks import ANONYMITY_RULE, METHOD, STATEMENTS
from localvision.queries.partners import partners_by_sector
from localvision.queries.public import open_data_licence
from localvision.queries.vision import AgreedVision
from localvision.web.api import schemas


def licence() -> schemas.Licence:
    return schemas.Licence(**open_data_licence())


def project_listing(project: Project) -> schemas.ProjectListing:
    return schemas.ProjectListing(
        slug=project.slug,
        title=project.title,
        place=project.place,
        theme=project.theme,
        summary=project.summary,
        phase=project.phase,
        decision_rule=project.decision_rule,
        is_demonstration=project.is_demo,
        links=schemas.ProjectLinks(
            self=url_for("api.project", slug=project.slug, _external=True),
            html=url_for("projects.show", slug=project.slug, _external=True),
            partners=url_for("api.partners", slug=project.slug, _external=True),
            vision=url_for("api.vision", slug=project.slug, _external=True),
            decisions=url_for("api.decisions", slug=project.slug, _external=True),
            indicators=url_for("api.indicators", slug=project.slug, _external=True),
        ),
    )


def partner(partner: ProjectPartner) -> schemas.Partner:
    organisation = partner.organisation
    return schemas.Partner(organisation_id=organisation.id, name=organisation.name, sector=organisation.sector,
                           sector_label=organisation.sector.label, role=partner.role,
                           website=organisation.website if is_web_address(organisation.website) else None)


def partners(project_partners: list[ProjectPartner]) -> list[schemas.Partner]:
    """Partners in the order the project page shows them: by sector, then by name."""
    return [partner(p) for _sector, group in partners_by_sector(project_partners) for p in group]


def vision(agreed: AgreedVision | None) -> schemas.Vision | None:
    """The vision every partner endorses; drafts and positions on them stay private."""
    if agreed is None:
        return None
    return schemas.Vision(
        version=agreed.version.number,
        text=agreed.version.text,
        agreed_since=agreed.agreed_since,
        endorsements=[schemas.Endorsement(organisation_id=position.organisation_id,
                                          name=position.organisation.name, stance=position.stance)
                      for position in agreed.endorsements],
    )


def project_document(project: Project, project_partners: list[ProjectPartner],
                     agreed: AgreedVision | None) -> schemas.Project:
    return schemas.Project(**dict(project_listing(project)), partners=partners(project_partners), vision=vision(agreed),
                           licence=licence())


def _organisation(organisation: Organisation) -> dict:
    return {"organisation_id": organisation.id, "name": organisation.name, "sector": organisation.sector}


def decision(decision: Decision) -> schemas.Decision:
    """A decision as the public may see it: for a commercially sensitive one, its rationale
    and each organisation's contribution are left out and only the total is given."""
    shown = decision_details_public(decision, is_member=False)
    money_in = totals((c.organisation_id, c.kind, c.amount) for c in decision.contributions)
    responded = responses(decision)
    counted = decision.counted_organisation_ids
    recipient = None
    if decision.recipient_name:
        recipient = schemas.Recipient(name=decision.recipient_name, charity_number=decision.recipient_charity_number,
                                      company_number=decision.recipient_company_number)
    return schemas.Decision(
        id=decision.id,
        title=decision.title,
        category=decision.category,
        status=decision.status,
        proposed_by=schemas.Organisation(**_organisation(decision.proposing_organisation)),
        opens_on=decision.opens_on,
        closes_on=decision.closes_on,
        closed_at=decision.closed_at,
        decision_rule=decision.decision_rule,
        outcome_reason=decision.outcome_reason,
        partners_counted=responded.counted,
        partners_responded=responded.responded,
        amends=decision.amends_id,
        recipient=recipient,
        commercially_sensitive=decision.is_commercially_sensitive,
        rationale=decision.rationale if shown else None,
        total=money_in.total,
        by_kind=schemas.MoneyByKind(**{kind.value: amount for kind, amount in money_in.by_kind.items()}) if shown else None,
        contributions=[
            schemas.Contribution(**_organisation(c.organisation), kind=c.kind, amount=c.amount, hours=c.hours,
                                 hourly_cost=c.hourly_cost, description=c.description)
            for c in decision.contributions
        ] if shown else None,
        positions=[
            schemas.Position(**_organisation(p.organisation), stance=p.stance, reasons=p.reasons if shown else None,
                             recorded_at=p.recorded_at, counted=p.organisation_id in counted)
            for p in sorted(decision.current_positions().values(), key=lambda p: p.organisation.name)
        ],
        links=schemas.HtmlLink(html=url_for("decisions.show", slug=decision.project.slug, decision_id=decision.id,
                                            _external=True)),
    )


def indicator(indicator: Indicator) -> schemas.Indicator:
    return schemas.Indicator(
        id=indicator.id,
        name=indicator.name,
        description=indicator.description,
        unit=indicator.unit,
        decimal_places=indicator.decimal_places,
        direction=indicator.direction,
        frequency=indicator.frequency,
        source=indicator.source,
        owner=schemas.Organisation(**_organisation(indicator.owner_organisation)),
        baseline=schemas.Dated(value=indicator.baseline_value, date=indicator.baseline_date),
        target=schemas.Dated(value=indicator.target_value, date=indicator.target_date),
        measurements=[schemas.Measurement(period=m.period, value=m.value, source=m.source, note=m.note)
                      for m in indicator.measurements],
        links=schemas.HtmlLink(html=url_for("indicators.show", slug=indicator.project.slug, indicator_id=indicator.id,
                                            _external=True)),
    )


def contribution_summary(summary: ContributionFigures) -> schemas.ContributionSummary:
    """The latest snapshot as the public sees it, with when it was computed and whether
    a newer one is on its way."""
    return schemas.ContributionSummary(computed_at=summary.computed_at, pending=summary.pending,
                                       figures=summary.figures)


def _statements(cells: dict) -> list[schemas.StatementFigures]:
    return [schemas.StatementFigures(statement=statement, **cells[statement]) for statement in STATEMENTS]


def health_check(health_check_round: HealthCheckRound) -> schemas.HealthCheckRound:
    """A round's published aggregate: the groups of its page, never its comments."""
    result = health_check_round.result
    figures = result.figures

    def groups(entries: list[dict]) -> list[schemas.HealthCheckGroup]:
        return [schemas.HealthCheckGroup(group=entry["group"], name=entry["name"],
                                         sector=entry["sector"] if entry["group"] == "sector" else None,
                                         answers=entry["answers"], statements=_statements(entry["statements"]))
                for entry in entries]

    return schemas.HealthCheckRound(
        id=health_check_round.id, title=health_check_round.title, opens_on=health_check_round.opens_on,
        closes_on=health_check_round.closes_on, computed_at=result.computed_at, answers=figures["answers"],
        minimum_answers=figures["minimum"], suppressed=figures["suppressed"],
        overall=_statements(figures["overall"]) if figures["overall"] else [],
        by_organisation=groups(figures["by_organisation"]), by_sector=groups(figures["by_sector"]),
        compared_with=figures["previous"]["id"] if figures["changes"] else None,
        changes=[schemas.StatementChange(statement=statement, **figures["changes"][statement])
                 for statement in STATEMENTS if figures["changes"]],
        method=METHOD, anonymity=ANONYMITY_RULE,
    )


def _named(organisation: Organisation) -> schemas.Organisation:
    return schemas.Organisation(**_organisation(organisation))


def barrier(item: Barrier) -> schemas.Barrier:
    return schemas.Barrier(
        id=item.id, what=item.what, location=item.location, who_affected=item.who_affected,
        raised_through=item.source, raised_at=item.raised_at, status=item.status,
        owner=_named(item.owner_organisation) if item.owner_organisation else None,
        indicator=item.indicator.name if item.indicator else None, wont_remove_reason=item.wont_remove_reason,
        first_answered_at=item.first_answer_at, removed_at=item.removed_at, decision=item.decision_id,
        answers=[schemas.BarrierAnswer(text=a.text, status=a.status, answered_by=_named(a.organisation),
                                       answered_at=a.answered_at) for a in item.answers],
        links=schemas.HtmlLink(html=url_for("barriers.show", slug=item.project.slug, barrier_id=item.id,
                                            _external=True)),
    )


def lesson(entry: LearningEntry) -> schemas.Lesson:
    return schemas.Lesson(
        id=entry.id, project=entry.project.slug, phase=entry.phase, title=entry.title, tried=entry.tried, happened=entry.happened,
        differently=entry.differently, decisions=[d.id for d in entry.decisions],
        indicators=[i.name for i in entry.indicators], published_at=entry.published_at,
        links=schemas.HtmlLink(html=url_for("learning.show", slug=entry.project.slug, entry_id=entry.id,
                                            _external=True)),
    )
