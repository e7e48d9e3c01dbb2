"""Why a use case did not go ahead, in words for the person acting."""
from __future__ import annotations


class Refusal(Exception):
    """A use case that could not go ahead; ``message`` says why, for the person acting."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs beside, when it is about one.
        self.field = field


class NotPermitted(Refusal):
    """The actor may not do this (a web request answers 403)."""


class Refused(Refusal):
    """The actor may act, but not now or not like this (the page explains and goes on)."""
