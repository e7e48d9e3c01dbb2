"""Every state change of the product, one function per use case.

A service function asks `policy` whether the actor may act, validates against the rules
in `domain/`, writes, and records the change with `events.record` (the audit trail and
the domain event are one row) before committing: one transaction, all or nothing.
Routes, jobs and the CLI call services; they never write models themselves.

A refusal raises a `ServiceError` whose message is written for the person acting, so a
route only has to show it.
"""
from __future__ import annotations


class ServiceError(Exception):
    """A use case that could not go ahead; ``message`` says why, for the person acting."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs beside, when it is about one.
        self.field = field


class NotPermitted(ServiceError):
    """The actor may not do this (a web request answers 403)."""


class Refused(ServiceError):
    """The actor may act, but not now or not like this (the page explains and goes on)."""
