from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, request
from flask_login import current_user
from werkzeug.local import LocalProxy

from localvision.domain.reminders import LONDON
from localvision.domain.vocabulary import Sector, Unit
from localvision.domain.web_addresses import is_web_address
from localvision.domain.wording import possessive
from localvision.models import Indicator
from localvision.queries.notifications import unread_count


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


UNIT_SUFFIXES = {Unit.RATE_PER_1000: " per 1,000", Unit.RATE_PER_100000: " per 100,000", Unit.DAYS: " days",
                 Unit.MINUTES: " minutes", Unit.PERCENTAGE: "%"}


def format_indicator_value(value: Decimal | None, indicator: Indicator, signed: bool = False) -> str:
    """A value as readers expect it: 13,000; 45.5%; £1,200; 12.3 per 1,000; 34 days."""
    if value is None:
        return ""
    places = indicator.decimal_places
    # Half up, as people round by hand (Python's default rounds half to even).
    number = f"{abs(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    sign = "-" if value < 0 else ("+" if signed and value > 0 else "")
    if indicator.unit == Unit.POUNDS:
        return f"{sign}£{number}"
    return f"{sign}{number}{UNIT_SUFFIXES.get(indicator.unit, '')}"


def format_indicator_percent(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return ""
    return f"{value:{'+' if signed else ''},.1f}%"


def sector_pair_matrix(figures: dict) -> tuple[list[Sector], dict[tuple[str, str], dict]]:
    """The sectors that funded decisions together, and each pair's cell, both ways round."""
    cells: dict[tuple[str, str], dict] = {}
    for pair in figures["sector_pairs"]:
        first, second = pair["sectors"]
        cells[first, second] = cells[second, first] = pair
    involved = {sector for pair in cells for sector in pair}
    return [sector for sector in Sector if sector.value in involved], cells


# Kept in the request's WSGI environment rather than ``g``: an app context, and so ``g``,
# may outlive one request (a test's does).
UNREAD_NOTIFICATIONS = "localvision.unread_notifications"


def _unread_notifications() -> int:
    """The header's count for a signed-in person: read when a page first draws the header,
    once a request however many templates draw it."""
    if UNREAD_NOTIFICATIONS not in request.environ:
        request.environ[UNREAD_NOTIFICATIONS] = unread_count(current_user) if current_user.is_authenticated else 0
    return request.environ[UNREAD_NOTIFICATIONS]


def _header_values() -> dict[str, object]:
    # A proxy, so that pages without the header (fragments, emails) never ask the database.
    return {"unread_notifications": LocalProxy(_unread_notifications)}


def init_app(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_pounds, "pounds")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_evenness, "evenness")
    app.add_template_filter(time_since)
    app.add_template_filter(possessive)
    app.add_template_filter(format_indicator_value, "indicator_value")
    app.add_template_filter(format_indicator_percent, "indicator_percent")
    # Only http and https addresses ever become links, whatever is stored.
    app.add_template_test(is_web_address, "web_address")
    app.jinja_env.globals["service_name"] = "Local Vision"
    app.add_template_global(sector_pair_matrix)
    app.context_processor(_header_values)
