"""Agreed funding decisions as a 360Giving data package (standard version 1.4).

Each agreed decision that gives cash to a named recipient, and whose amounts are public,
is one grant: the partners who put in cash are its funders, and their cash its amount.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from flask import current_app, url_for

from localvision.domain.vocabulary import ContributionKind
from localvision.models import Decision, Project

STANDARD_VERSION = "1.4"


def _identifier_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def recipient_identifier(decision: Decision) -> str:
    """Registered numbers make identifiers other publishers share (org-id.guide's GB-CHC
    and GB-COH lists); otherwise one of our own, under our 360Giving prefix."""
    if decision.recipient_charity_number:
        return f"GB-CHC-{decision.recipient_charity_number.strip()}"
    if decision.recipient_company_number:
        return f"GB-COH-{decision.recipient_company_number.strip()}"
    return f"{current_app.config['THREESIXTYGIVING_PREFIX']}-recipient-{_identifier_part(decision.recipient_name or '')}"


def _award_date(decision: Decision) -> str:
    if decision.closed_at is None:
        return decision.closes_on.isoformat()
    closed_at = decision.closed_at if decision.closed_at.tzinfo else decision.closed_at.replace(tzinfo=timezone.utc)
    return closed_at.date().isoformat()


def grant(project: Project, decision: Decision) -> dict[str, Any]:
    prefix = current_app.config["THREESIXTYGIVING_PREFIX"]
    cash = [c for c in decision.contributions if c.kind == ContributionKind.CASH]
    funders = {c.organisation_id: c.organisation for c in cash}
    recipient: dict[str, Any] = {"id": recipient_identifier(decision), "name": decision.recipient_name}
    if decision.recipient_charity_number:
        recipient["charityNumber"] = decision.recipient_charity_number
    if decision.recipient_company_number:
        recipient["companyNumber"] = decision.recipient_company_number
    page = url_for("decisions.show", slug=project.slug, decision_id=decision.id, _external=True)
    return {
        "id": f"{prefix}-{project.slug}-{decision.id}",
        "title": decision.title,
        "description": decision.rationale or decision.title,
        "currency": "GBP",
        # The standard wants a JSON number. Amounts have at most 12 significant digits, so
        # the float prints exactly the pennies summed as Decimals.
        "amountAwarded": float(sum((c.amount for c in cash), Decimal("0.00"))),
        "awardDate": _award_date(decision),
        "url": page,
        "recipientOrganization": [recipient],
        "fundingOrganization": [
            {"id": f"{prefix}-organisation-{organisation.id}", "name": organisation.name}
            for organisation in sorted(funders.values(), key=lambda o: o.name)
        ],
        "beneficiaryLocation": [{"name": project.place}],
        "grantProgramme": [{"title": project.title, "url": url_for("projects.show", slug=project.slug, _external=True)}],
        "dataSource": page,
    }


def data_package(project: Project, decisions: list[Decision], issued: date) -> dict[str, Any]:
    return {
        "grants": [grant(project, decision) for decision in decisions],
        "version": STANDARD_VERSION,
        "title": f"Agreed funding decisions: {project.title}, {project.place}",
        "description": "Cash that the partners of this Local Vision partnership agreed to give to named recipients.",
        "issued": issued.isoformat(),
        "modified": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "identifier": f"{current_app.config['THREESIXTYGIVING_PREFIX']}-{project.slug}",
        "publisher": {"name": current_app.config["OPEN_DATA_PUBLISHER"]},
        "license": current_app.config["OPEN_DATA_LICENCE_URL"],
    }
