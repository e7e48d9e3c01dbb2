from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from flask import Flask

from localvision.domain.reminders import LONDON
from localvision.domain.web_addresses import is_web_address
from localvision.domain.wording import possessive


def format_datetime(value: datetime | None) -> str:
    """The wall-clock time in England, saying whether it is GMT or BST: partners read times
    against their own clocks. Stored times are UTC; naive ones are taken as UTC."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LONDON).strftime("%-d %B %Y at %H:%M %Z")


def format_date(value: date | datetime | None) -> str:
    """A day; a moment is given as its day in England (23:30 UTC in June is the next day)."""
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(LONDON)
    return "" if value is None else value.strftime("%-d %B %Y")


def format_pounds(value: Decimal | str | int | None) -> str:
    """£1,234.50; whole pounds drop the pence (£1,234)."""
    if value is None:
        return ""
    amount = Decimal(value)
    return f"£{amount:,.0f}" if amount == amount.to_integral_value() else f"£{amount:,.2f}"


def format_percent(value: float | None) -> str:
    """One decimal place, dropped when it is 0, so that 4.69% and 5.19% read 4.7% and 5.2%,
    not both 5%; a share that is not quite none or all never reads 0% or 100%."""
    if value is None:
        return "not applicable"
    percent = round(value * 100, 1)
    if percent == 0 and value > 0:
        return "less than 0.1%"
    if percent == 100 and value < 1:
        return "more than 99.9%"
    return f"{percent:.1f}".removesuffix(".0") + "%"


def format_evenness(value: float | None, one_minus_gini: float | None = None) -> str:
    """Normalised entropy, with 1 − Gini beside it when the summary has it."""
    if value is None:
        return "nothing to compare yet"
    words = f"{value:.2f} out of 1"
    return words if one_minus_gini is None else f"{words} (1 − Gini: {one_minus_gini:.2f})"


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


def _unread_notification_count() -> int:
    """For the header of a signed-in person's pages."""
    from flask_login import current_user

    from localvision.services.notifications import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_pounds, "pounds")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_evenness, "evenness")
    app.add_template_filter(time_since)
    app.add_template_filter(possessive)
    # Only http and https addresses ever become links, whatever is stored.
    app.jinja_env.tests["web_address"] = is_web_address
    app.jinja_env.globals["service_name"] = "Local Vision"
    app.jinja_env.globals["unread_notification_count"] = _unread_notification_count
