"""Form pieces shared by several areas."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from localvision.domain.passwords import password_problem


class NewPasswordPolicy:
    """Applies the password policy, naming the email field to compare against."""

    def __init__(self, email_field: str | None = None):
        self.email_field = email_field

    def __call__(self, form, field):  # type: ignore[no-untyped-def]
        email = getattr(form, self.email_field).data if self.email_field else getattr(form, "email_value", "")
        problem = password_problem(field.data or "", email or "")
        if problem:
            raise ValidationError(problem)


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
