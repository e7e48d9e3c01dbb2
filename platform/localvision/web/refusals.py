"""How a service's refusal reads on a page, said once for every area.

A ``NotPermitted`` answers 403 with its message through the error handler in
``errors.py``, whether a service raised it or a route checked before drawing a page. A
``Refused`` shows beside the form field it is about, or else as a message on the page the
person is sent back to.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import abort, flash, redirect
from flask_wtf import FlaskForm
from werkzeug.exceptions import Forbidden

from localvision.domain.refusals import NotPermitted, Refusal, Refused


def refuse_unless(permitted: bool, message: str = Forbidden.description) -> None:
    """A route's own permission check, answered like a service's refusal."""
    if not permitted:
        raise NotPermitted(message)


def beside_field(form: FlaskForm, refusal: Refusal) -> bool:
    """Show the refusal beside the form field it concerns, if it concerns one."""
    if refusal.field is None or refusal.field not in form:
        return False
    form[refusal.field].errors = [*form[refusal.field].errors, refusal.message]
    return True


@contextmanager
def refusal_flashed(back_to: str, form: FlaskForm | None = None) -> Iterator[None]:
    """A ``Refused`` inside the block goes beside its field of ``form`` (the block is left
    and the route goes on to show the form again), or else becomes an error message on the
    page at ``back_to``."""
    try:
        yield
    except Refused as refusal:
        if form is not None and beside_field(form, refusal):
            return
        flash(refusal.message, "error")
        abort(redirect(back_to))
