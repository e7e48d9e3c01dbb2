"""The decision and action forms: the decision pages use them, and a barrier on the
barrier log turns into a decision or an action through them too."""
from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional, Regexp

from localvision.domain.actions import ACTION_NEEDED
from localvision.domain.decisions import closing_date_problem
from localvision.domain.vocabulary import DecisionCategory
from localvision.permissions.policy import ProjectContext
from localvision.services.decisions import DecisionDetails
from localvision.web.fields import DayMonthYearField
from localvision.web.forms import Form, at_most, show_problem


class DecisionForm(Form):
    title = StringField(
        "Title", widget=GovTextInput(),
        description="What the partnership is deciding, for example: Fund a night-time street outreach worker for a year",
        validators=[DataRequired(message="Enter a title"), at_most(200, "Title")],
    )
    rationale = TextAreaField(
        "Rationale", widget=GovTextArea(),
        description="Why, and what it should change for residents. You can use Markdown.",
        validators=[DataRequired(message="Enter the rationale"), at_most(20000, "Rationale")],
    )
    category = RadioField("Category", widget=GovRadioInput(), choices=DecisionCategory.choices(),
                          validators=[DataRequired(message="Choose a category")])
    recipient_name = StringField(
        "Recipient organisation (optional)", widget=GovTextInput(),
        description="For funding given to someone: the organisation that receives it",
        validators=[Optional(), at_most(200, "Recipient organisation")],
    )
    recipient_charity_number = StringField(
        "Recipient's charity number (optional)", widget=GovTextInput(),
        validators=[Optional(), Regexp(r"^\d{6,8}(-\d{1,2})?$", message="Enter a charity number of 6 to 8 digits, like 1123456")],
    )
    recipient_company_number = StringField(
        "Recipient's company number (optional)", widget=GovTextInput(),
        validators=[Optional(), Regexp(r"^[A-Za-z0-9]{8}$", message="Enter a company number of 8 characters, like 01234567 or SC123456")],
    )
    opens_on = DayMonthYearField("Open for positions from", required_message="Enter the date the decision opens")
    closes_on = DayMonthYearField("Closing date for positions", required_message="Enter the closing date")
    is_commercially_sensitive = BooleanField(
        "Commercially sensitive", widget=GovCheckboxInput(),
        description="Hides the rationale and each organisation's amounts from people outside the project",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_closes_on(self, field: DayMonthYearField) -> None:
        if field.data and self.opens_on.data:
            show_problem(closing_date_problem(self.opens_on.data, field.data))

    def details(self) -> DecisionDetails:
        return DecisionDetails(
            title=self.title.data, rationale=self.rationale.data, category=DecisionCategory(self.category.data),
            opens_on=self.opens_on.data, closes_on=self.closes_on.data,
            recipient_name=self.recipient_name.data or "", recipient_charity_number=self.recipient_charity_number.data or "",
            recipient_company_number=self.recipient_company_number.data or "",
            is_commercially_sensitive=bool(self.is_commercially_sensitive.data),
        )


class ActionForm(Form):
    title = StringField("Action", widget=GovTextInput(), description="What needs doing, in a sentence",
                        validators=[DataRequired(message=ACTION_NEEDED), at_most(300, "Action")])
    owner_id = SelectField("Owner", widget=GovSelect(), coerce=int, description="Exactly one person owns each action",
                           validators=[DataRequired(message="Choose who owns the action")])
    due_on = DayMonthYearField("Due date", required_message="Enter the due date")
    submit = SubmitField("Add action", widget=GovSubmitInput())


def action_form(context: ProjectContext, formdata: bool = True, form_class: type[ActionForm] = ActionForm) -> ActionForm:
    form = form_class(prefix="action") if formdata else form_class(prefix="action", formdata=None)
    memberships = sorted(context.project.memberships, key=lambda m: m.user.name)
    form.owner_id.choices = [(0, "Choose a person")] + [
        (m.user_id, f"{m.user.name}, {m.user.organisation.name}") for m in memberships
    ]
    return form
