from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from localvision.domain.reminders import (
    DEFAULT_REMINDER_LEAD_DAYS,
    REMINDER_LEAD_DAYS_RANGE,
    REMINDER_LEAD_DAYS_REFUSED,
)
from localvision.domain.vocabulary import DecisionRule, Phase, ProjectRole
from localvision.web.forms import Form


class ProjectForm(Form):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        description="For example, Reducing late-night street drinking",
        validators=[DataRequired(message="Enter a title"), Length(max=200, message="Title must be 200 characters or fewer")],
    )
    place = StringField(
        "Place",
        widget=GovTextInput(),
        description="The town, city or area the partnership serves",
        validators=[DataRequired(message="Enter the place"), Length(max=120, message="Place must be 120 characters or fewer")],
    )
    theme = StringField(
        "Theme",
        widget=GovTextInput(),
        description="For example, food poverty, or integrated care",
        validators=[DataRequired(message="Enter a theme"), Length(max=200, message="Theme must be 200 characters or fewer")],
    )
    summary = TextAreaField(
        "Summary",
        widget=GovTextArea(),
        description="What the partnership wants to change, in a few sentences",
        validators=[Length(max=5000, message="Summary must be 5,000 characters or fewer")],
    )
    phase = RadioField("Phase", widget=GovRadioInput(), choices=Phase.choices(), default=Phase.DISCOVER.value)
    decision_rule = RadioField(
        "Decision rule",
        widget=GovRadioInput(),
        description="How partners' positions turn into an outcome on joint decisions",
        choices=DecisionRule.choices(),
        default=DecisionRule.CONSENSUS.value,
    )
    minimum_notice_days = IntegerField(
        "Minimum notice, in working days",
        widget=GovTextInput(),
        description="When a closing date moves earlier, partners still get this many working days (Monday to "
                    "Friday; bank holidays are not taken out) to record their positions",
        default=5,
        validators=[Optional(), NumberRange(min=1, max=60, message="Minimum notice must be between 1 and 60 working days")],
    )
    reminder_lead_days = IntegerField(
        "Reminders, in days before the closing date",
        widget=GovTextInput(),
        description="Partners who have not recorded a position on a decision are reminded this many days before "
                    "it closes, and again the day before",
        default=DEFAULT_REMINDER_LEAD_DAYS,
        validators=[Optional(), NumberRange(min=REMINDER_LEAD_DAYS_RANGE[0], max=REMINDER_LEAD_DAYS_RANGE[1],
                                            message=REMINDER_LEAD_DAYS_REFUSED)],
    )
    submit = SubmitField("Save project", widget=GovSubmitInput())


class InvitePartnerForm(Form):
    organisation_id = SelectField(
        "Organisation", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose an organisation")]
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AddPersonForm(Form):
    user_id = SelectField("Person", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose a person")])
    role = SelectField("Role", widget=GovSelect(), choices=ProjectRole.choices(), default=ProjectRole.MEMBER.value)
    submit = SubmitField("Add person", widget=GovSubmitInput())


class ChangeRoleForm(Form):
    role = SelectField("Role", widget=GovSelect(), choices=ProjectRole.choices())
    submit = SubmitField("Change role", widget=GovSubmitInput())


class InvitationForm(Form):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter an email address"), Email(message="Enter an email address in the right format, like name@example.org", check_deliverability=False), Length(max=320)],
    )
    organisation_id = SelectField(
        "Organisation they act for", widget=GovSelect(), coerce=int, validators=[DataRequired(message="Choose an organisation")]
    )
    role = SelectField("Role in the project", widget=GovSelect(), choices=ProjectRole.choices(), default=ProjectRole.MEMBER.value)
    submit = SubmitField("Send invitation", widget=GovSubmitInput())
