"""A second step before a change that cannot be taken back: the first POST shows what will
happen, and only a POST from that page, carrying ``confirmed=yes``, makes the change.
Plain forms, so it works without JavaScript."""
from __future__ import annotations

from flask import render_template, request


def is_confirmed() -> bool:
    return request.form.get("confirmed") == "yes"


def confirmation_page(*, heading: str, consequences: list[str], button: str, back_url: str,
                      fields: dict[str, str] | None = None, project=None, context=None):
    """The page that asks; it posts the same form again, confirmed."""
    return render_template("confirm.html", heading=heading, consequences=consequences, button=button,
                           back_url=back_url, fields=fields or {}, action=request.path, project=project,
                           context=context)
