"""One declaration per API operation. `@operation(...)` names the address, the query and
the document of a route; from it the route checks its parameters (400 before anything
else, even a 304), revalidates, sends its document as JSON, and OpenAPI describes it."""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, TypeVar, get_origin

from flask import Response, abort, jsonify, request
from pydantic import BaseModel, ValidationError

from localvision.web.http_caching import revalidated
from localvision.web.api import blueprint
from localvision.web.api.parameters import Address


@dataclass(frozen=True)
class Operation:
    rule: str
    operation_id: str
    summary: str
    response: type[BaseModel]
    address: type[Address] | None
    query: type[BaseModel] | None
    revalidates: bool


OPERATIONS: list[Operation] = []
Query = TypeVar("Query", bound=BaseModel)


def checked_query(model: type[Query]) -> Query:
    """The request's query string as the model, or a 400 saying what the first bad value must be."""
    given = {name: request.args.getlist(name) if get_origin(field.annotation) is list else request.args[name]
             for name, field in model.model_fields.items() if name in request.args}
    try:
        return model.model_validate(given)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        abort(400, description=f"{first['loc'][0]} {first['ctx']['error']}")


def operation(rule: str, operation_id: str, summary: str, response: type[BaseModel], *,
              address: type[Address] | None = None, query: type[BaseModel] | None = None,
              version_of: Callable[..., object | None] | None = None) -> Callable:
    """Route a GET view that returns a `response` document. A view with a `query` model gets
    the checked query as its `query` argument; `version_of` (given the address only) lets
    anonymous clients revalidate."""

    def decorator(view: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        def send(**arguments: Any) -> Response:
            return jsonify(view(**arguments).model_dump(mode="json"))

        if version_of is not None:
            def version(query: BaseModel | None = None, **address_parts: str) -> object | None:
                return version_of(**address_parts)  # a query picks from the data: it has no version of its own

            send = revalidated(version)(send)

        @wraps(view)
        def endpoint(**address_parts: str) -> Response:
            if query is None:
                return send(**address_parts)
            return send(**address_parts, query=checked_query(query))

        blueprint.add_url_rule(rule, view.__name__, endpoint, methods=["GET"])
        OPERATIONS.append(Operation(rule, operation_id, summary, response, address, query, version_of is not None))
        return view

    return decorator
