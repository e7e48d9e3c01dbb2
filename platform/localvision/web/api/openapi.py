"""The OpenAPI 3 description of the open data API. Tests check it validates and that
every response the API gives conforms to it."""
from __future__ import annotations

from typing import Any

from flask import current_app

from localvision.models import (
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    Direction,
    Frequency,
    PartnerRole,
    Phase,
    Sector,
    Stance,
    Unit,
)

PREFIX = "/api/v1"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


NOT_MODIFIED = {
    "description": "Not modified: the ETag sent in If-None-Match is still current",
    "headers": {"ETag": {"schema": {"type": "string"}}},
}

IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "An ETag from an earlier response; an anonymous client gets 304 while it is current",
    "schema": {"type": "string"},
}

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "The project's stable identifier, as in its web address",
    "schema": {"type": "string", "maxLength": 120},
    "example": "street-drinking-plymouth",
}


def _paging_parameters(items: str) -> list[dict[str, Any]]:
    return [
        {"name": "page", "in": "query", "required": False, "description": "Page number, from 1",
         "schema": {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1}},
        {"name": "per_page", "in": "query", "required": False, "description": f"{items} per page",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    ]


def _list_parameters() -> list[dict[str, Any]]:
    return [
        *_paging_parameters("Projects"),
        {"name": "q", "in": "query", "required": False,
         "description": "Words that must each appear in the title, place, theme or summary",
         "schema": {"type": "string", "maxLength": 200}},
        {"name": "sector", "in": "query", "required": False, "explode": True, "style": "form",
         "description": "Keep projects with a partner of one of these sectors",
         "schema": {"type": "array", "items": {"type": "string", "enum": [sector.value for sector in Sector]}}},
        {"name": "phase", "in": "query", "required": False, "explode": True, "style": "form",
         "description": "Keep projects in one of these phases",
         "schema": {"type": "array", "items": {"type": "string", "enum": [phase.value for phase in Phase]}}},
        {"name": "place", "in": "query", "required": False, "description": "Keep projects in this place (any case)",
         "schema": {"type": "string", "maxLength": 200}},
        IF_NONE_MATCH,
    ]


def _page_of(schema: str) -> dict[str, Any]:
    url = {"type": "string", "format": "uri"}
    return {
        "type": "object",
        "required": ["data", "meta", "links", "licence"],
        "properties": {
            "data": {"type": "array", "items": _ref(schema)},
            "meta": {
                "type": "object",
                "required": ["page", "per_page", "total", "pages"],
                "properties": {
                    "page": {"type": "integer", "minimum": 1},
                    "per_page": {"type": "integer", "minimum": 1},
                    "total": {"type": "integer", "minimum": 0},
                    "pages": {"type": "integer", "minimum": 0},
                },
            },
            "links": {
                "type": "object",
                "required": ["self", "first", "last", "prev", "next"],
                "properties": {
                    "self": url,
                    "first": url,
                    "last": url,
                    "prev": {"type": ["string", "null"], "format": "uri"},
                    "next": {"type": ["string", "null"], "format": "uri"},
                },
            },
            "licence": _ref("Licence"),
        },
    }


MONEY = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Pounds, exact to the penny"}
OPTIONAL_MONEY = {**MONEY, "type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
OPTIONAL_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}


def _decision_schemas() -> dict[str, Any]:
    organisation = {
        "organisation_id": {"type": "integer"},
        "name": {"type": "string"},
        "sector": {"type": "string", "enum": [sector.value for sector in Sector]},
    }
    return {
        "Decision": {
            "type": "object",
            "description": "A joint decision. For a commercially sensitive one, rationale, by_kind and "
                           "contributions are null: only its total is public.",
            "required": ["id", "title", "category", "status", "proposed_by", "opens_on", "closes_on", "closed_at",
                         "amends", "recipient", "commercially_sensitive", "rationale", "total", "by_kind",
                         "contributions", "positions", "links"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "category": {"type": "string", "enum": [category.value for category in DecisionCategory]},
                "status": {"type": "string", "enum": [status.value for status in DecisionStatus]},
                "proposed_by": {"type": "object", "required": list(organisation), "properties": organisation},
                "opens_on": DATE,
                "closes_on": DATE,
                "closed_at": OPTIONAL_TIMESTAMP,
                "amends": {"type": ["integer", "null"], "description": "The decision this one amends"},
                "recipient": {
                    "type": ["object", "null"],
                    "required": ["name", "charity_number", "company_number"],
                    "properties": {"name": {"type": "string"}, "charity_number": {"type": ["string", "null"]},
                                   "company_number": {"type": ["string", "null"]}},
                },
                "commercially_sensitive": {"type": "boolean"},
                "rationale": {"type": ["string", "null"]},
                "total": MONEY,
                "by_kind": {
                    "type": ["object", "null"],
                    "required": [kind.value for kind in ContributionKind],
                    "properties": {kind.value: MONEY for kind in ContributionKind},
                },
                "contributions": {
                    "type": ["array", "null"],
                    "items": {
                        "type": "object",
                        "required": [*organisation, "kind", "amount", "hours", "hourly_cost", "description"],
                        "properties": {
                            **organisation,
                            "kind": {"type": "string", "enum": [kind.value for kind in ContributionKind]},
                            "amount": MONEY,
                            "hours": OPTIONAL_MONEY,
                            "hourly_cost": OPTIONAL_MONEY,
                            "description": {"type": "string"},
                        },
                    },
                },
                "positions": {
                    "type": "array",
                    "description": "Each organisation's current position",
                    "items": {
                        "type": "object",
                        "required": [*organisation, "stance", "reasons", "recorded_at"],
                        "properties": {
                            **organisation,
                            "stance": {"type": "string", "enum": [stance.value for stance in DecisionStance]},
                            "reasons": {"type": "string"},
                            "recorded_at": {"type": "string", "format": "date-time"},
                        },
                    },
                },
                "links": {"type": "object", "required": ["html"],
                          "properties": {"html": {"type": "string", "format": "uri"}}},
            },
        },
        "DecisionList": _page_of("Decision"),
    }


def _indicator_schemas() -> dict[str, Any]:
    value = {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
             "description": "A decimal number, exactly as measured"}
    optional_value = {**value, "type": ["string", "null"]}
    dated = {"type": "object", "required": ["value", "date"],
             "properties": {"value": optional_value, "date": {"type": ["string", "null"], "format": "date"}}}
    return {
        "Indicator": {
            "type": "object",
            "required": ["id", "name", "description", "unit", "decimal_places", "direction", "frequency", "source",
                         "owner", "baseline", "target", "measurements", "links"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "description": {"type": "string"},
                "unit": {"type": "string", "enum": [unit.value for unit in Unit]},
                "decimal_places": {"type": "integer", "minimum": 0},
                "direction": {"type": "string", "enum": [direction.value for direction in Direction]},
                "frequency": {"type": "string", "enum": [frequency.value for frequency in Frequency]},
                "source": {"type": "string"},
                "owner": {
                    "type": "object",
                    "required": ["organisation_id", "name", "sector"],
                    "properties": {"organisation_id": {"type": "integer"}, "name": {"type": "string"},
                                   "sector": {"type": "string", "enum": [sector.value for sector in Sector]}},
                },
                "baseline": dated,
                "target": dated,
                "measurements": {
                    "type": "array",
                    "description": "Current values, oldest period first",
                    "items": {
                        "type": "object",
                        "required": ["period", "value", "source", "note"],
                        "properties": {"period": DATE, "value": value, "source": {"type": "string"},
                                       "note": {"type": "string"}},
                    },
                },
                "links": {"type": "object", "required": ["html"],
                          "properties": {"html": {"type": "string", "format": "uri"}}},
            },
        },
        "IndicatorList": {
            "type": "object",
            "required": ["data", "licence"],
            "properties": {"data": {"type": "array", "items": _ref("Indicator")}, "licence": _ref("Licence")},
        },
    }


def _summary_schemas() -> dict[str, Any]:
    pounds = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Pounds, exact to the penny"}
    share = {"type": ["number", "null"], "minimum": 0, "maximum": 1,
             "description": "A fraction from 0 to 1; null when there is nothing to take a share of"}
    sector = {"type": "string", "enum": [sector.value for sector in Sector]}
    amounts = {
        "type": "object",
        "required": ["cash", "staff_time", "in_kind", "total", "share"],
        "properties": {"cash": pounds, "staff_time": pounds, "in_kind": pounds, "total": pounds, "share": share},
    }
    counts = {name: {"type": "integer", "minimum": 0}
              for name in ("decisions_cofunded", "decisions_proposed", "actions_owned", "actions_done",
                           "actions_overdue")}
    figures = {
        "type": "object",
        "description": "Contributions count once their decision is agreed. Commercially sensitive decisions count "
                       "in totals (see undisclosed_total) but are not broken down by organisation or sector.",
        "required": ["totals", "undisclosed_total", "organisations", "sectors", "agreed_decisions",
                     "cross_sector_decisions", "cross_sector_share", "sector_pairs", "evenness", "partners",
                     "contributing_partners", "contributing_partner_share", "vision", "indicators"],
        "properties": {
            "totals": amounts,
            "undisclosed_total": pounds,
            "organisations": {"type": "array", "items": {
                "type": "object",
                "required": ["id", "name", "sector", "is_partner", "amounts", "positions_recorded", "could_respond",
                             "response_share", *counts],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "sector": sector,
                               "is_partner": {"type": "boolean"}, "amounts": amounts,
                               "positions_recorded": {"type": "integer", "minimum": 0},
                               "could_respond": {"type": "integer", "minimum": 0}, "response_share": share,
                               **counts},
            }},
            "sectors": {"type": "array", "items": {
                "type": "object",
                "required": ["sector", "label", "organisations", "partners", "amounts", *counts],
                "properties": {"sector": sector, "label": {"type": "string"},
                               "organisations": {"type": "integer", "minimum": 0},
                               "partners": {"type": "integer", "minimum": 0}, "amounts": amounts, **counts},
            }},
            "agreed_decisions": {"type": "integer", "minimum": 0},
            "cross_sector_decisions": {"type": "integer", "minimum": 0,
                                       "description": "Agreed decisions funded by two or more sectors"},
            "cross_sector_share": share,
            "sector_pairs": {"type": "array", "items": {
                "type": "object",
                "required": ["sectors", "decisions", "amount"],
                "properties": {"sectors": {"type": "array", "items": sector, "minItems": 2, "maxItems": 2},
                               "decisions": {"type": "integer", "minimum": 1},
                               "amount": {**pounds, "description": "The whole value of those decisions"}},
            }},
            "evenness": {
                "type": "object",
                "required": ["measure", "contributions_by_organisation", "contributions_by_sector",
                             "proposals_by_organisation", "proposals_by_sector"],
                "properties": {"measure": {"type": "string"},
                               **{name: {"type": ["number", "null"], "minimum": 0, "maximum": 1}
                                  for name in ("contributions_by_organisation", "contributions_by_sector",
                                               "proposals_by_organisation", "proposals_by_sector")}},
            },
            "partners": {"type": "integer", "minimum": 0},
            "contributing_partners": {"type": "integer", "minimum": 0},
            "contributing_partner_share": share,
            "vision": {
                "type": "object",
                "required": ["has_vision", "agreed", "endorsing", "endorsing_share"],
                "properties": {"has_vision": {"type": "boolean"}, "agreed": {"type": "boolean"},
                               "endorsing": {"type": "integer", "minimum": 0}, "endorsing_share": share},
            },
            "indicators": {
                "type": "object",
                "required": ["total", "on_track", "at_risk", "off_track", "no_data", "linked_decisions",
                             "linked_decision_share", "aimed_at"],
                "properties": {
                    **{name: {"type": "integer", "minimum": 0}
                       for name in ("total", "on_track", "at_risk", "off_track", "no_data", "linked_decisions")},
                    "linked_decision_share": share,
                    "aimed_at": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "status", "decisions", "amount"],
                        "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                       "status": {"type": "string",
                                                  "enum": ["on_track", "at_risk", "off_track", "no_data"]},
                                       "decisions": {"type": "integer", "minimum": 0}, "amount": pounds},
                    }},
                },
            },
        },
    }
    return {
        "ContributionSummary": {
            "type": "object",
            "required": ["computed_at", "pending", "figures"],
            "properties": {
                "computed_at": {"type": ["string", "null"], "format": "date-time"},
                "pending": {"type": "boolean", "description": "A recompute is waiting: newer changes are not in yet"},
                "figures": {"oneOf": [{"type": "null"}, figures]},
            },
        },
        "ContributionSummaryDocument": {
            "type": "object",
            "required": ["data", "licence"],
            "properties": {"data": _ref("ContributionSummary"), "licence": _ref("Licence")},
        },
    }


def _schemas() -> dict[str, Any]:
    url = {"type": "string", "format": "uri"}
    return {
        **_decision_schemas(),
        **_indicator_schemas(),
        **_summary_schemas(),
        "Error": {
            "type": "object",
            "required": ["error", "message"],
            "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
        },
        "Licence": {
            "type": "object",
            "required": ["name", "url"],
            "properties": {"name": {"type": "string"}, "url": url},
        },
        "ProjectSummary": {
            "type": "object",
            "required": ["slug", "title", "place", "theme", "summary", "phase", "decision_rule",
                         "is_demonstration", "links"],
            "properties": {
                "slug": {"type": "string"},
                "title": {"type": "string"},
                "place": {"type": "string"},
                "theme": {"type": "string"},
                "summary": {"type": "string"},
                "phase": {"type": "string", "enum": [phase.value for phase in Phase]},
                "decision_rule": {"type": "string", "enum": [rule.value for rule in DecisionRule]},
                "is_demonstration": {"type": "boolean",
                                     "description": "Illustrative data, not a real partnership's record"},
                "links": {
                    "type": "object",
                    "required": ["self", "html", "partners", "vision", "decisions", "indicators"],
                    "properties": {"self": url, "html": url, "partners": url, "vision": url, "decisions": url,
                                   "indicators": url},
                },
            },
        },
        "Partner": {
            "type": "object",
            "required": ["organisation_id", "name", "sector", "sector_label", "role", "website"],
            "properties": {
                "organisation_id": {"type": "integer"},
                "name": {"type": "string"},
                "sector": {"type": "string", "enum": [sector.value for sector in Sector]},
                "sector_label": {"type": "string"},
                "role": {"type": "string", "enum": [role.value for role in PartnerRole]},
                "website": {"type": ["string", "null"]},
            },
        },
        "Vision": {
            "type": ["object", "null"],
            "description": "The version of the shared vision every partner endorses; null until they agree one",
            "required": ["version", "text", "agreed_since", "endorsements"],
            "properties": {
                "version": {"type": "integer", "minimum": 1},
                "text": {"type": "string", "description": "Markdown"},
                "agreed_since": {"type": ["string", "null"], "format": "date-time"},
                "endorsements": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["organisation_id", "name", "stance"],
                        "properties": {
                            "organisation_id": {"type": "integer"},
                            "name": {"type": "string"},
                            "stance": {"type": "string", "enum": [stance.value for stance in Stance if stance.endorses]},
                        },
                    },
                },
            },
        },
        "VisionDocument": {
            "type": "object",
            "required": ["data", "licence"],
            "properties": {"data": _ref("Vision"), "licence": _ref("Licence")},
        },
        "Project": {
            "allOf": [
                _ref("ProjectSummary"),
                {
                    "type": "object",
                    "required": ["partners", "vision", "licence"],
                    "properties": {
                        "partners": {"type": "array", "items": _ref("Partner")},
                        "vision": _ref("Vision"),
                        "licence": _ref("Licence"),
                    },
                },
            ]
        },
        "ProjectList": _page_of("ProjectSummary"),
        "PartnerList": {
            "type": "object",
            "required": ["data", "licence"],
            "properties": {"data": {"type": "array", "items": _ref("Partner")}, "licence": _ref("Licence")},
        },
        "Index": {
            "type": "object",
            "required": ["name", "version", "links", "licence"],
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "links": {"type": "object", "additionalProperties": url},
                "licence": _ref("Licence"),
            },
        },
    }


def _project_operation(summary: str, schema: str, operation_id: str) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [SLUG, IF_NONE_MATCH],
            "responses": {
                "200": _json(_ref(schema), summary),
                "304": NOT_MODIFIED,
                "404": _error("No published project has that slug"),
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Local Vision open data",
            "version": "1.0.0",
            "description": (
                "Read-only data of published Local Vision partnerships. Private projects never appear. "
                "Errors are JSON objects with an error name and a message."
            ),
            "license": {"name": current_app.config["OPEN_DATA_LICENCE_NAME"],
                        "url": current_app.config["OPEN_DATA_LICENCE_URL"]},
        },
        "paths": {
            f"{PREFIX}/": {
                "get": {
                    "operationId": "index",
                    "summary": "Where to start: links to the resources",
                    "responses": {"200": _json(_ref("Index"), "Links to the resources")},
                }
            },
            f"{PREFIX}/projects": {
                "get": {
                    "operationId": "listProjects",
                    "summary": "Published projects, a page at a time",
                    "parameters": _list_parameters(),
                    "responses": {
                        "200": _json(_ref("ProjectList"), "A page of published projects"),
                        "304": NOT_MODIFIED,
                        "400": _error("A parameter has a value outside its bounds"),
                    },
                }
            },
            f"{PREFIX}/projects/{{slug}}": _project_operation("One published project with its partners", "Project",
                                                             "getProject"),
            f"{PREFIX}/projects/{{slug}}/partners": _project_operation("The partner organisations of a project",
                                                                      "PartnerList", "listPartners"),
            f"{PREFIX}/projects/{{slug}}/vision": _project_operation("The shared vision the partners agreed",
                                                                    "VisionDocument", "getVision"),
            f"{PREFIX}/projects/{{slug}}/summary": _project_operation(
                "A project's cross-boundary contribution summary, as last computed", "ContributionSummaryDocument",
                "getContributionSummary"),
            f"{PREFIX}/projects/{{slug}}/indicators": _project_operation(
                "A project's outcome indicators with their measurements", "IndicatorList", "listIndicators"),
            f"{PREFIX}/projects/{{slug}}/decisions": {
                "get": {
                    "operationId": "listDecisions",
                    "summary": "A project's joint decisions with contributions and positions, newest first",
                    "parameters": [
                        SLUG,
                        *_paging_parameters("Decisions"),
                        {"name": "status", "in": "query", "required": False, "explode": True, "style": "form",
                         "description": "Keep decisions with one of these statuses",
                         "schema": {"type": "array",
                                    "items": {"type": "string", "enum": [status.value for status in DecisionStatus]}}},
                        IF_NONE_MATCH,
                    ],
                    "responses": {
                        "200": _json(_ref("DecisionList"), "A page of decisions"),
                        "304": NOT_MODIFIED,
                        "400": _error("A parameter has a value outside its bounds"),
                        "404": _error("No published project has that slug"),
                    },
                }
            },
        },
        "components": {"schemas": _schemas()},
    }
