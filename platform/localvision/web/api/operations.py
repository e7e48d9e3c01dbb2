"""One declaration per API operation. `@operation(...)` names the address, the query and
the document of a route; from it the route checks its parameters (400 before anything
else, even a 304), revalidates, sends its document as JSON, and OpenAPI describes it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Callable, get_origin

from flask import Response, abort, jsonify, request
from pydantic import BaseModel, ValidationError

from localvision.http_caching import revalidated
from localvision.web.api import blueprint


@dataclass(frozen=True)
class Operation:
    rule: str
    operation_id: str
    summary: str
    response: type[BaseModel]
    address: type[BaseModel] | None
    query: type[BaseModel] | None
    revalidates: bool


OPERATIONS: list[Operation] = []


def checked_query(model: type[BaseModel]) -> BaseModel:
    """The request's query string as the model, or a 400 saying what the first bad value must be."""
    given = {name: request.args.getlist(name) if get_origin(field.annotation) is list else request.args[name]
             for name, field in model.model_fields.items() if name in request.args}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        abort(400, description=f"{first['loc'][0]} {first['ctx']['error']}")


def operation(rule: str, operation_id: str, summary: str, response: type[BaseModel], *,
              address: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              version_of: Callable[..., object | None] | None = None) -> Callable:
    """Route a GET view that returns a `response` document. A view with a `query` model gets
    the checked query as its `query` argument; `version_of` (given the address only) lets
    anonymous clients revalidate."""

    def decorator(view: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        def send(**arguments) -> Response:  # type: ignore[no-untyped-def]
            return jsonify(view(**arguments).model_dump(mode="json"))

        if version_of is not None:
            send = revalidated(lambda query=None, **address_parts: version_of(**address_parts))(send)

        @wraps(view)
        def endpoint(**address_parts: str) -> Response:
            if query is None:
                return send(**address_parts)
            return send(**address_parts, query=checked_query(query))

        blueprint.add_url_rule(rule, view.__name__, endpoint, methods=["GET"])
        OPERATIONS.append(Operation(rule, operation_id, summary, response, address, query, version_of is not None))
        return view

    return decorator
