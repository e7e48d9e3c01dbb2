"""Form fields for exact amounts, GOV.UK day-month-year dates and web addresses, with plain messages."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import Field, StringField
from wtforms.validators import StopValidation, ValidationError

from localvision.domain.web_addresses import WEB_ADDRESS_REFUSED, is_web_address

# Plain digits 0-9 (not other scripts'), with commas only between groups of three.
_EXACT_NUMBER = re.compile(r"^(?:[0-9]{1,12}|[0-9]{1,3}(?:,[0-9]{3}){1,3})(?:\.[0-9]{1,2})?$")


class ExactDecimalField(StringField):
    """A number of pounds or hours, exact to two decimal places; never a float.

    Accepts "£1,500.50" and "1500.50" as typed; refuses commas out of place ("1,2,3"),
    digits of other scripts, negative, non-numeric and over-precise input, with a message
    naming the field.
    """

    widget = GovTextInput()

    def __init__(self, label: str, *, noun: str, example: str, minimum: Decimal, maximum: Decimal, **kwargs):
        super().__init__(label, **kwargs)
        self.noun, self.example, self.minimum, self.maximum = noun, example, minimum, maximum

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().removeprefix("£").strip()
        self.data = None
        if not text:
            return
        if text.startswith("-"):
            raise ValueError(f"{self.noun.capitalize()} must be more than 0")
        if not _EXACT_NUMBER.match(text):
            raise ValueError(f"Enter {self.noun} as a number with up to 2 decimal places, like {self.example}, "
                             f"using the digits 0 to 9 and a comma only between thousands")
        value = Decimal(text.replace(",", ""))
        if value < self.minimum:
            raise ValueError(f"{self.noun.capitalize()} must be at least {self.minimum:,}")
        if value > self.maximum:
            raise ValueError(f"{self.noun.capitalize()} must be {self.maximum:,} or less")
        self.data = value


class DayMonthYearField(Field):
    """A date typed as day, month and year in three boxes (the GOV.UK date input).

    Errors name the part that is wrong, as the GOV.UK date input pattern asks:
    "Closing date must include a month", "Closing date must be a real date".
    """

    widget = GovDateInput()
    _PARTS = ("day", "month", "year")

    def __init__(self, label: str, *, required_message: str | None = None, **kwargs):
        super().__init__(label, **kwargs)
        self.required_message = required_message

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        parts = [part.strip() for part in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        name = self.label.text
        missing = [part for part, text in zip(self._PARTS, parts) if not text]
        if missing:
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        if not all(text.isascii() and text.isdigit() for text in parts):
            raise ValueError(f"{name} must be a real date, in numbers, like 31 3 2027")
        if len(parts[2]) != 4:
            raise ValueError(f"{name} must include a year with 4 numbers, like 2027")
        try:
            day, month, year = (int(part) for part in parts)
            self.data = date(year, month, day)
        except (ValueError, OverflowError):
            raise ValueError(f"{name} must be a real date, like 31 3 2027") from None
        if not 2000 <= year <= 2100:
            self.data = None
            raise ValueError(f"{name} must be between 2000 and 2100")

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        if self.data is None and not self.process_errors and self.required_message:
            raise StopValidation(self.required_message)


class WebAddress:
    """An http or https address: anything else (``javascript:``, ``data:``) is refused."""

    def __call__(self, form, field) -> None:  # type: ignore[no-untyped-def]
        if field.data and not is_web_address(field.data):
            raise ValidationError(WEB_ADDRESS_REFUSED)
