"""Requests on the embedded SQLite database: writers queue for the lock, readers never do.

A request that changes something (POST and the like) takes SQLite's write lock when its
first transaction begins and waits its turn behind the worker's commits (``sqlite.py``).
A GET or HEAD request reads without the lock, side by side with a writer; should it
write after all and find that someone committed since it began reading, SQLite refuses
("database is locked"), and the request runs once more, this time taking the lock first.
Repeating it is harmless: a safe request changes nothing a person asked for.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from localvision import sqlite

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Set in the WSGI environment by the error handler when a safe request was refused the lock.
REPEAT_TAKING_THE_LOCK = "localvision.repeat_taking_the_lock"


class SafeRequestsReadFirst:
    """WSGI middleware: runs safe requests reading first, and once more taking the write
    lock first if their write was refused. Their response is held until it is known
    which run answers."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in SAFE_METHODS:
            return self.wsgi_app(environ, start_response)
        held: list[tuple[Any, ...]] = []

        def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            held[:] = [(status, headers, exc_info)]
            return _no_direct_writes

        with sqlite.reads_first():
            body = self.wsgi_app(environ, hold)
        if not environ.pop(REPEAT_TAKING_THE_LOCK, False):
            start_response(*held[0])
            return body
        if hasattr(body, "close"):
            body.close()
        return self.wsgi_app(environ, start_response)


def _no_direct_writes(data: bytes) -> None:
    raise RuntimeError("the legacy WSGI write() callable is not supported while a response is held")
