"""The edge of the application: what a request may carry before any view reads it.

Whole numbers in addresses stop at what a database integer holds (beyond it: 404), query
numbers are checked (beyond their bounds: 400 with a message), a null character anywhere
in the address is refused, and each form stays under a size that no honest form reaches.
"""
from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER, the type of every id.
DATABASE_INTEGER_MAX = 2**31 - 1
# Far beyond any real list, and small enough for every database's OFFSET.
PAGE_MAX = 10_000
NUL = "\x00"
NUL_MESSAGE = "Remove the invisible null character from this answer"
# Longest value a page shows back beside a refused field: enough to edit an answer a little
# over its limit, never a body's worth.
ECHO_LIMIT = 10_000
# Request bodies: a form is a few kilobytes; only the CSV upload carries a file.
FORM_BODY_LIMIT = 1024 * 1024
UPLOAD_BODY_LIMIT = 20 * 1024 * 1024
UPLOAD_ENDPOINTS = frozenset({"indicators.upload"})
# Forms anyone at all may send, with no account: their longest honest answer, in the
# longest encoding, stays well under this.
PUBLIC_FORM_BODY_LIMIT = 64 * 1024
PUBLIC_FORM_ENDPOINTS = frozenset({"barriers.public_form"})


class BodyLimitByPage:
    """Makes a request class's body limit follow the page it is for. The page is known once
    the address is matched, before any hook or view reads the body (the CSRF check reads
    the form first of all): werkzeug refuses a longer body from its Content-Length with
    413 before reading it, and reads one sent without a length no further than the limit."""

    @property
    def max_content_length(self) -> int | None:
        endpoint = self.endpoint
        if endpoint in UPLOAD_ENDPOINTS:
            return UPLOAD_BODY_LIMIT
        if endpoint in PUBLIC_FORM_ENDPOINTS:
            return PUBLIC_FORM_BODY_LIMIT
        return FORM_BODY_LIMIT


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:…>` that matches only numbers an id column can hold, so a larger one is a 404."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max", DATABASE_INTEGER_MAX)
        super().__init__(map, *args, **kwargs)


def query_number(name: str, default: int, highest: int) -> int:
    """A whole number from the query string, from 1 to `highest`; a 400 saying so otherwise."""
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= len(str(highest)) and 1 <= int(raw) <= highest):
        abort(400, description=f"The {name} in the address must be a whole number from 1 to {highest:,}")
    return int(raw)


def shortened(value: str) -> str:
    """A refused value as a page shows it back: never more than ECHO_LIMIT characters."""
    return value if len(value) <= ECHO_LIMIT else value[:ECHO_LIMIT]


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: rules bind their converters when added.
    app.url_map.converters["int"] = DatabaseIntegerConverter
    # Mixed into the request class the extensions gave (htmx-flask's adds ``request.htmx``).
    app.request_class = type("BoundedRequest", (BodyLimitByPage, app.request_class), {})

    @app.before_request
    def refuse_hostile_addresses() -> None:
        this_request = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not five
        if NUL in this_request.path or address_query_has_nul(this_request.query_string):
            abort(400, description="The address contains a null character. Check the link and try again.")


def address_query_has_nul(query_string: bytes) -> bool:
    """Whether any name or value in the query string decodes to a null character: it is
    there raw or percent-encoded, which is the only way a query string's decoding makes one.
    Looked for in the bytes, so a request need not parse its query to be let through."""
    return b"\x00" in query_string or b"%00" in query_string
