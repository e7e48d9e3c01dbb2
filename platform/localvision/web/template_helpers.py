from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal

from flask import Flask

from localvision.domain.web_addresses import is_web_address
from localvision.web.markdown_text import render_markdown


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%-d %B %Y at %H:%M UTC")


def format_date(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%-d %B %Y")


def format_pounds(value: Decimal | str | int | None) -> str:
    """£1,234.50; whole pounds drop the pence (£1,234)."""
    if value is None:
        return ""
    amount = Decimal(value)
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def format_percent(value: float | None) -> str:
    return "not applicable" if value is None else f"{value * 100:.0f}%"


def format_evenness(value: float | None) -> str:
    return "nothing to compare yet" if value is None else f"{value:.2f} out of 1"


def time_since(value: datetime, now: datetime | None = None) -> str:
    """'4 minutes ago', to the largest whole unit."""
    now = now or datetime.now(timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    seconds = max(0, int((now - value).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "less than a minute ago"


# Entries recorded before the trail kept only ids named people by address: the trail
# pages hide any address rather than rewrite history.
_EMAIL_ADDRESS = re.compile(r"[^\s@(),<>]+@[^\s@(),<>]+\.[^\s@(),<>]+")
ADDRESS_FIELDS = frozenset({"user", "email"})


def hide_addresses(value: object) -> str:
    return _EMAIL_ADDRESS.sub("(address hidden)", str(value))


def audit_values(values: dict | None) -> list[tuple[str, str]]:
    """An audit entry's before or after values, without any email address."""
    return [(key, hide_addresses(value)) for key, value in (values or {}).items() if key not in ADDRESS_FIELDS]


def init_app(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(format_pounds, "pounds")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_evenness, "evenness")
    app.add_template_filter(time_since)
    app.add_template_filter(hide_addresses)
    app.add_template_filter(audit_values)
    # Only http and https addresses ever become links, whatever is stored.
    app.jinja_env.tests["web_address"] = is_web_address
    app.jinja_env.globals["service_name"] = "Local Vision"
