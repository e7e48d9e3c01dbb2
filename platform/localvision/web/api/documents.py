"""The JSON documents of the open data API, built from published records only."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from flask import url_for

from localvision.domain.decisions import totals
from localvision.models import Decision, Indicator, Organisation, Project, ProjectPartner, ProjectSummary
from localvision.published import details_public, open_data_licence
from localvision.summaries.figures import for_the_public
from localvision.web.partner_groups import partners_by_sector
from localvision.web.vision.state import AgreedVision


def project_summary(project: Project) -> dict[str, Any]:
    return {
        "slug": project.slug,
        "title": project.title,
        "place": project.place,
        "theme": project.theme,
        "summary": project.summary,
        "phase": project.phase.value,
        "decision_rule": project.decision_rule.value,
        "is_demonstration": project.is_demo,
        "links": {
            "self": url_for("api.project", slug=project.slug, _external=True),
            "html": url_for("projects.show", slug=project.slug, _external=True),
            "partners": url_for("api.partners", slug=project.slug, _external=True),
            "vision": url_for("api.vision", slug=project.slug, _external=True),
            "decisions": url_for("api.decisions", slug=project.slug, _external=True),
            "indicators": url_for("api.indicators", slug=project.slug, _external=True),
        },
    }


def partner(partner: ProjectPartner) -> dict[str, Any]:
    organisation = partner.organisation
    return {
        "organisation_id": organisation.id,
        "name": organisation.name,
        "sector": organisation.sector.value,
        "sector_label": organisation.sector.label,
        "role": partner.role.value,
        "website": organisation.website,
    }


def partners(project_partners: list[ProjectPartner]) -> list[dict[str, Any]]:
    """Partners in the order the project page shows them: by sector, then by name."""
    return [partner(p) for _sector, group in partners_by_sector(project_partners) for p in group]


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC datetimes
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def vision(agreed: AgreedVision | None) -> dict[str, Any] | None:
    """The vision every partner endorses; drafts and positions on them stay private."""
    if agreed is None:
        return None
    return {
        "version": agreed.version.number,
        "text": agreed.version.text,
        "agreed_since": _timestamp(agreed.agreed_since),
        "endorsements": [
            {"organisation_id": position.organisation_id, "name": position.organisation.name,
             "stance": position.stance.value}
            for position in agreed.endorsements
        ],
    }


def project_document(project: Project, project_partners: list[ProjectPartner],
                     agreed: AgreedVision | None) -> dict[str, Any]:
    return {**project_summary(project), "partners": partners(project_partners), "vision": vision(agreed),
            "licence": open_data_licence()}


def money(amount: Decimal | None) -> str | None:
    """Pounds as an exact decimal string: JSON numbers would pass through floats."""
    return None if amount is None else f"{amount:.2f}"


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"organisation_id": organisation.id, "name": organisation.name, "sector": organisation.sector.value}


def decision(decision: Decision) -> dict[str, Any]:
    """A decision as the public may see it: for a commercially sensitive one, its rationale
    and each organisation's contribution are left out and only the total is given."""
    shown = details_public(decision, is_member=False)
    money_in = totals((c.organisation_id, c.kind, c.amount) for c in decision.contributions)
    recipient = None
    if decision.recipient_name:
        recipient = {"name": decision.recipient_name, "charity_number": decision.recipient_charity_number,
                     "company_number": decision.recipient_company_number}
    return {
        "id": decision.id,
        "title": decision.title,
        "category": decision.category.value,
        "status": decision.status.value,
        "proposed_by": _organisation(decision.proposing_organisation),
        "opens_on": decision.opens_on.isoformat(),
        "closes_on": decision.closes_on.isoformat(),
        "closed_at": _timestamp(decision.closed_at),
        "amends": decision.amends_id,
        "recipient": recipient,
        "commercially_sensitive": decision.is_commercially_sensitive,
        "rationale": decision.rationale if shown else None,
        "total": money(money_in.total),
        "by_kind": {kind.value: money(amount) for kind, amount in money_in.by_kind.items()} if shown else None,
        "contributions": [
            {**_organisation(c.organisation), "kind": c.kind.value, "amount": money(c.amount), "hours": money(c.hours),
             "hourly_cost": money(c.hourly_cost), "description": c.description}
            for c in decision.contributions
        ] if shown else None,
        "positions": [
            {**_organisation(p.organisation), "stance": p.stance.value, "reasons": p.reasons,
             "recorded_at": _timestamp(p.recorded_at)}
            for p in sorted(decision.current_positions().values(), key=lambda p: p.organisation.name)
        ],
        "links": {"html": url_for("decisions.show", slug=decision.project.slug, decision_id=decision.id, _external=True)},
    }


def measured(value: Decimal | None) -> str | None:
    """A measured value exactly as stored, without trailing zeros or exponents."""
    return None if value is None else format(value.normalize(), "f")


def indicator(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "name": indicator.name,
        "description": indicator.description,
        "unit": indicator.unit.value,
        "decimal_places": indicator.decimal_places,
        "direction": indicator.direction.value,
        "frequency": indicator.frequency.value,
        "source": indicator.source,
        "owner": _organisation(indicator.owner_organisation),
        "baseline": {"value": measured(indicator.baseline_value),
                     "date": indicator.baseline_date.isoformat() if indicator.baseline_date else None},
        "target": {"value": measured(indicator.target_value),
                   "date": indicator.target_date.isoformat() if indicator.target_date else None},
        "measurements": [
            {"period": m.period.isoformat(), "value": measured(m.value), "source": m.source, "note": m.note}
            for m in indicator.measurements
        ],
        "links": {"html": url_for("indicators.show", slug=indicator.project.slug, indicator_id=indicator.id,
                                  _external=True)},
    }


def contribution_summary(summary: ProjectSummary | None) -> dict[str, Any]:
    """The latest snapshot as the public sees it, with when it was computed and whether
    a newer one is on its way."""
    return {
        "computed_at": _timestamp(summary.computed_at) if summary else None,
        "pending": summary is None or summary.is_pending,
        "figures": for_the_public(summary.figures) if summary and summary.figures else None,
    }
