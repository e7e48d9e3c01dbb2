"""The OpenAPI 3 description of the open data API. Tests check it validates and that
every response the API gives conforms to it."""
from __future__ import annotations

from typing import Any

from flask import current_app

from localvision.models import DecisionRule, PartnerRole, Phase, Sector, Stance

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


def _list_parameters() -> list[dict[str, Any]]:
    return [
        {"name": "page", "in": "query", "required": False, "description": "Page number, from 1",
         "schema": {"type": "integer", "minimum": 1, "maximum": 10_000, "default": 1}},
        {"name": "per_page", "in": "query", "required": False, "description": "Projects per page",
         "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
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


def _schemas() -> dict[str, Any]:
    url = {"type": "string", "format": "uri"}
    return {
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
                    "required": ["self", "html", "partners", "vision"],
                    "properties": {"self": url, "html": url, "partners": url, "vision": url},
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
        "ProjectList": {
            "type": "object",
            "required": ["data", "meta", "links", "licence"],
            "properties": {
                "data": {"type": "array", "items": _ref("ProjectSummary")},
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
        },
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
        },
        "components": {"schemas": _schemas()},
    }
