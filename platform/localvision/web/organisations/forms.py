from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from localvision.web.forms import Form


class AnswerInvitationForm(Form):
    accept = SubmitField("Accept invitation", widget=GovSubmitInput())
    decline = SubmitField("Decline", widget=GovSubmitInput())


class DomainForm(Form):
    domain = StringField(
        "Email domain",
        widget=GovTextInput(),
        description="The part of its people's addresses after the @, like merton.gov.uk",
        validators=[DataRequired(message="Enter a domain like merton.gov.uk"),
                    Length(max=253, message="A domain is 253 characters or fewer")],
    )
    submit = SubmitField("Add domain", widget=GovSubmitInput())
