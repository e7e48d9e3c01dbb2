from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from localvision.domain.vocabulary import Sector
from localvision.domain.web_addresses import DOMAIN_REFUSED
from localvision.web.fields import WebAddress
from localvision.web.forms import Form


class OrganisationForm(Form):
    name = StringField(
        "Organisation name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the organisation's name"), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    sector = SelectField(
        "Sector",
        widget=GovSelect(),
        choices=[("", "Choose a sector")] + Sector.choices(),
        validators=[DataRequired(message="Choose the organisation's sector")],
    )
    website = StringField(
        "Website (optional)",
        widget=GovTextInput(),
        validators=[Optional(), WebAddress(), Length(max=300)],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class AdminInvitationForm(Form):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter an email address"), Email(message="Enter an email address in the right format, like name@example.org", check_deliverability=False), Length(max=320)],
    )
    organisation_id = SelectField(
        "Organisation", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose an organisation")]
    )
    project_id = SelectField(
        "Project to lead (optional)",
        widget=GovSelect(),
        coerce=int,
        description="Choose a project to make the new person one of its project leads",
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RoundTripForm(Form):
    submit = SubmitField("Send a test job", widget=GovSubmitInput())


class DomainForm(Form):
    domain = StringField(
        "Email domain",
        widget=GovTextInput(),
        description="The part of its people's addresses after the @, like merton.gov.uk",
        validators=[DataRequired(message=DOMAIN_REFUSED),
                    Length(max=253, message="A domain is 253 characters or fewer")],
    )
    submit = SubmitField("Add domain", widget=GovSubmitInput())
