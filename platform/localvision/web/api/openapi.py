"""The OpenAPI 3.1 description of the open data API, generated from the operations the
routes declare and the models of their documents and parameters: nothing is written twice."""
from __future__ import annotations

import copy
import re
from typing import Any

from flask import current_app
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

from localvision.web.api import blueprint
from localvision.web.api.operations import OPERATIONS, Operation
from localvision.web.api.schemas import Error

REF_TEMPLATE = "#/components/schemas/{model}"
ROUTE_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")

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


class _OpenAPISchema(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # a property's name says what it is


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(model: type[BaseModel], location: str, schemas: dict[str, Any]) -> list[dict[str, Any]]:
    parameters = []
    for name, schema in copy.deepcopy(schemas[model.__name__]["properties"]).items():
        parameter = {"name": name, "in": location, "required": location == "path",
                     "description": schema.pop("description")}
        if "examples" in schema:
            parameter["example"] = schema.pop("examples")[0]
        parameters.append({**parameter, "schema": schema})
    return parameters


def _operation(operation: Operation, refs: dict[type[BaseModel], dict[str, str]],
               schemas: dict[str, Any]) -> dict[str, Any]:
    parameters, responses = [], {"200": _json(refs[operation.response], operation.summary)}
    if operation.address is not None:
        parameters += _parameters(operation.address, "path", schemas)
    if operation.query is not None:
        parameters += _parameters(operation.query, "query", schemas)
        responses["400"] = _json(refs[Error], "A parameter has a value outside its bounds")
    if operation.address is not None:
        responses["404"] = _json(refs[Error], operation.address.not_found)
    if operation.revalidates:
        parameters.append(IF_NONE_MATCH)
        responses["304"] = NOT_MODIFIED
    return {"operationId": operation.operation_id, "summary": operation.summary, "parameters": parameters,
            "responses": responses}


def openapi_document() -> dict[str, Any]:
    # dict.fromkeys: each model once, in the order the routes declare them
    responses = dict.fromkeys([Error, *(operation.response for operation in OPERATIONS)])
    requests = dict.fromkeys(model for operation in OPERATIONS for model in (operation.address, operation.query) if model)
    references, definitions = models_json_schema(
        [(model, "serialization") for model in responses] + [(model, "validation") for model in requests],
        ref_template=REF_TEMPLATE, schema_generator=_OpenAPISchema)
    refs = {model: reference for (model, _mode), reference in references.items()}
    schemas = definitions["$defs"]
    paths = {
        blueprint.url_prefix + ROUTE_VARIABLE.sub(r"{\1}", operation.rule): {"get": _operation(operation, refs, schemas)}
        for operation in OPERATIONS
    }
    for model in requests:  # described as parameters, so no component of their own
        del schemas[model.__name__]
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
        "paths": paths,
        "components": {"schemas": schemas},
    }
