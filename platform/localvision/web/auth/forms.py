from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from localvision.web.forms import Form, new_password_fields


class SignInForm(Form):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class AcceptInvitationForm(Form):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your full name"), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    password, confirm_password = new_password_fields()
    submit = SubmitField("Create account", widget=GovSubmitInput())


def _current_password_field() -> PasswordField:
    return PasswordField("Current password", widget=GovPasswordInput(),
                         validators=[DataRequired(message="Enter your current password")])


def _email_field(label: str) -> EmailField:
    return EmailField(label, widget=GovTextInput(), filters=[lambda value: value.strip() if value else value],
                      validators=[
        DataRequired(message="Enter an email address"),
        Email(message="Enter an email address in the correct format, like name@example.org"),
        Length(max=320, message="Email address must be 320 characters or fewer"),
    ])


class PasswordResetRequestForm(Form):
    email = _email_field("Email address")
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class PasswordResetForm(Form):
    password, confirm_password = new_password_fields()
    submit = SubmitField("Save the new password", widget=GovSubmitInput())


class ChangePasswordForm(Form):
    current_password = _current_password_field()
    password, confirm_password = new_password_fields()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ChangeEmailForm(Form):
    email = _email_field("New email address")
    current_password = _current_password_field()
    submit = SubmitField("Send a confirmation link", widget=GovSubmitInput())


class ConfirmEmailForm(Form):
    submit = SubmitField("Use this email address", widget=GovSubmitInput())


class JoinProjectForm(Form):
    submit = SubmitField("Accept invitation", widget=GovSubmitInput())


__all__ = ["AcceptInvitationForm", "ChangeEmailForm", "ChangePasswordForm", "ConfirmEmailForm", "JoinProjectForm",
           "PasswordResetForm", "PasswordResetRequestForm", "SignInForm"]
