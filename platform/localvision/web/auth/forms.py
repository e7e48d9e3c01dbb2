from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from localvision.web.forms import new_password_fields


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[DataRequired(message="Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class AcceptInvitationForm(FlaskForm):
    name = StringField(
        "Your full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your full name"), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    password, confirm_password = new_password_fields()
    submit = SubmitField("Create account", widget=GovSubmitInput())


__all__ = ["AcceptInvitationForm", "Email", "SignInForm"]


class JoinProjectForm(FlaskForm):
    submit = SubmitField("Accept invitation", widget=GovSubmitInput())
