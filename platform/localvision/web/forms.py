"""Form pieces shared by several areas, and the base every form is built on."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from localvision.domain.passwords import password_problem
from localvision.web.fields import ExactDecimalField
from localvision.web.input_bounds import NUL, NUL_MESSAGE, shortened


def _absent_is_empty(value: str | None) -> str:
    return "" if value is None else value


# Control characters: in a one-line answer none at all (a carriage return in a title made
# every email naming it unsendable); in a text area, line breaks and tabs only.
_ONE_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_AREA_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = "Remove the line break or other invisible control character from this answer"


def _controls_refused_in(field) -> re.Pattern[str]:  # type: ignore[no-untyped-def]
    return _TEXT_AREA_CONTROLS if isinstance(field, TextAreaField) else _ONE_LINE_CONTROLS


def _refusal(field) -> str | None:  # type: ignore[no-untyped-def]
    """Why a field's answer is refused before any check reads it, if it is."""
    values = [value for value in field.raw_data or () if isinstance(value, str)]
    if any(NUL in value for value in values):
        return NUL_MESSAGE
    if any(_controls_refused_in(field).search(value) for value in values):
        return CONTROL_MESSAGE
    return None


def _without_controls(field, value: str) -> str:  # type: ignore[no-untyped-def]
    return _controls_refused_in(field).sub("", value)


class Form(FlaskForm):
    """Every form of the platform: a text answer left out arrives as empty text, a null or
    other control character is refused beside its field before any check reads it, and a
    refused answer is shown back at most ECHO_LIMIT characters long."""

    class Meta:
        def bind_field(self, form, unbound_field, options):  # type: ignore[no-untyped-def]
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, ExactDecimalField):
                filters = [_absent_is_empty, *unbound_field.kwargs.get("filters", ())]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        refused = {field.name: message for field in self if (message := _refusal(field))}
        if refused:
            for field in self:
                field.errors = []
            for field in self:
                if field.name in refused:
                    field.errors = [refused[field.name]]
                    field.raw_data = [shortened(_without_controls(field, value)) for value in field.raw_data]
                    if isinstance(field.data, str):
                        field.data = field.raw_data[0]
            return False
        valid = super().validate(extra_validators)
        for field in self:
            if field.errors and field.raw_data:
                field.raw_data = [shortened(value) if isinstance(value, str) else value for value in field.raw_data]
                if isinstance(field.data, str):
                    field.data = shortened(field.data)
        return valid


def at_most(limit: int, what: str) -> Length:
    """A length limit that says what is too long and by how much it may be."""
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def show_problem(problem: str | None) -> None:
    """Shows the problem a rule from domain/ found, if any, beside the field being validated:
    the page lists it with every other problem before anything is saved, in the words the
    service refuses with."""
    if problem:
        raise ValidationError(problem)


class NewPasswordPolicy:
    """Applies the password policy, naming the email field to compare against."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):  # type: ignore[no-untyped-def]
        email = getattr(form, self.email_field).data if self.email_field else getattr(form, "email_value", "")
        show_problem(password_problem(field.data or "", email or ""))


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="Use 12 characters or more. A few unrelated words make a strong password.",
        validators=[DataRequired(message="Enter a password"), NewPasswordPolicy()],
    )
    confirm = PasswordField(
        "Confirm password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    return password, confirm
