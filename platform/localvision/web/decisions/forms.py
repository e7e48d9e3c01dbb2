from __future__ import annotations

from datetime import date
from decimal import Decimal

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from localvision.domain.actions import DROPPING_REASON_NEEDED
from localvision.domain.decisions import (
    HOURLY_COST_NEEDED,
    HOURS_NEEDED,
    OUTCOME_NEEDED,
    VALUE_NEEDED,
    WITHDRAWAL_REASON_NEEDED,
    new_closing_date_problem,
    outcome_reason_problem,
    reasons_problem,
)
from localvision.domain.discussions import COMMENT_NEEDED, COMMENT_TOO_LONG, LONGEST_COMMENT
from localvision.domain.vocabulary import ContributionKind, DecisionStance, DecisionStatus, Sector
from localvision.models.decisions import MAXIMUM_CONTRIBUTION
from localvision.queries.decisions import LogFilters
from localvision.web.fields import DayMonthYearField, ExactDecimalField
from localvision.web.forms import Form, show_problem

PENNY = Decimal("0.01")


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class PositionForm(Form):
    stance = RadioField("Your organisation's position", widget=GovRadioInput(), choices=DecisionStance.choices(),
                        validators=[DataRequired(message="Choose your organisation's position")])
    reasons = TextAreaField("Reasons", widget=GovTextArea(),
                            description="Required for concerns and objections",
                            validators=[_length(5000, "Reasons")])
    submit = SubmitField("Record position", widget=GovSubmitInput())

    def validate_reasons(self, field: TextAreaField) -> None:
        show_problem(reasons_problem(self.stance.data, field.data or ""))


class ContributionForm(Form):
    kind = RadioField("Kind", widget=GovRadioInput(), choices=ContributionKind.choices(),
                      validators=[DataRequired(message="Choose the kind of contribution")])
    amount = ExactDecimalField("Value in pounds", noun="the value in pounds", example="1500 or 1500.50",
                               minimum=PENNY, maximum=MAXIMUM_CONTRIBUTION,
                               description="For cash and in-kind contributions")
    # The largest hours times the largest hourly cost is exactly the largest contribution.
    hours = ExactDecimalField("Hours", noun="the hours", example="37.5", minimum=PENNY, maximum=Decimal("100000"),
                              description="For staff time: the hours given")
    hourly_cost = ExactDecimalField("Hourly cost in pounds", noun="the hourly cost", example="28.40",
                                    minimum=PENNY, maximum=Decimal("10000"),
                                    description="For staff time: what an hour costs, which values the time")
    description = StringField("Description", widget=GovTextInput(),
                              description="For example: two outreach workers, Friday and Saturday nights",
                              validators=[_length(500, "Description")])
    submit = SubmitField("Add contribution", widget=GovSubmitInput())

    def validate_amount(self, field: ExactDecimalField) -> None:
        if self.kind.data in (ContributionKind.CASH.value, ContributionKind.IN_KIND.value) and field.data is None and not field.errors:
            raise ValidationError(VALUE_NEEDED)

    def validate_hours(self, field: ExactDecimalField) -> None:
        if self.kind.data == ContributionKind.STAFF_TIME.value and field.data is None and not field.errors:
            raise ValidationError(HOURS_NEEDED)

    def validate_hourly_cost(self, field: ExactDecimalField) -> None:
        if self.kind.data != ContributionKind.STAFF_TIME.value or field.errors:
            return
        if field.data is None:
            raise ValidationError(HOURLY_COST_NEEDED)


class CommentForm(Form):
    text = TextAreaField("Comment", widget=GovTextArea(),
                         description="Only the people of the project see the discussion. You can use Markdown.",
                         validators=[DataRequired(message=COMMENT_NEEDED), Length(max=LONGEST_COMMENT, message=COMMENT_TOO_LONG)])
    reply_to = HiddenField()
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class EditCommentForm(Form):
    text = TextAreaField("Comment", widget=GovTextArea(),
                         validators=[DataRequired(message=COMMENT_NEEDED), Length(max=LONGEST_COMMENT, message=COMMENT_TOO_LONG)])
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class CloseForm(Form):
    # The service says which outcomes may be chosen now, and why another may not (a page
    # left open while a partner responded still offers a choice since withdrawn).
    outcome = RadioField("Outcome", widget=GovRadioInput(), validate_choice=False,
                         validators=[DataRequired(message=OUTCOME_NEEDED)])
    reason = TextAreaField("Reason", widget=GovTextArea(), validators=[_length(5000, "Reason")])
    # Set by the confirmation page: closing cannot be undone, so it is asked for twice.
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_reason(self, field: TextAreaField) -> None:
        show_problem(outcome_reason_problem(self.outcome.data, field.data or ""))


class WithdrawForm(Form):
    reason = TextAreaField("Why is it being withdrawn?", widget=GovTextArea(),
                           validators=[DataRequired(message=WITHDRAWAL_REASON_NEEDED), _length(5000, "Reason")])
    submit = SubmitField("Withdraw decision", widget=GovSubmitInput())


class ReopenForm(Form):
    closes_on = DayMonthYearField("New closing date for positions", required_message="Enter the new closing date")
    submit = SubmitField("Reopen decision", widget=GovSubmitInput())

    def validate_closes_on(self, field: DayMonthYearField) -> None:
        if field.data:
            show_problem(new_closing_date_problem(field.data, date.today()))


class ReviewForm(Form):
    review_on = DayMonthYearField("Review date", required_message="Enter the review date")
    submit = SubmitField("Set review date", widget=GovSubmitInput())


class DropActionForm(Form):
    reason = TextAreaField("Why is it being dropped?", widget=GovTextArea(),
                           validators=[DataRequired(message=DROPPING_REASON_NEEDED), _length(5000, "Reason")])
    submit = SubmitField("Drop action", widget=GovSubmitInput())


class LogFilterForm(Form):
    class Meta:
        csrf = False  # a filter only reads

    keywords = StringField("Words in the title or rationale", widget=GovTextInput(),
                           validators=[Optional(), Length(max=200, message="Search for 200 characters or fewer")])
    status = SelectField("Status", widget=GovSelect(), choices=[("", "Any status")] + DecisionStatus.choices(),
                         validators=[Optional()])
    organisation = SelectField("Organisation", widget=GovSelect(), validators=[Optional()])
    sector = SelectField("Sector", widget=GovSelect(), choices=[("", "Any sector")] + Sector.choices(),
                         validators=[Optional()])
    opened_from = DayMonthYearField("Opened on or after")
    opened_to = DayMonthYearField("Opened on or before")
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def filters(self) -> LogFilters:
        """The filters as values; a filter with a mistake in it narrows nothing."""
        def valid(field):
            return field.data if field.data and not field.errors else None
        return LogFilters(
            keywords=valid(self.keywords) or "",
            status=DecisionStatus(valid(self.status)) if valid(self.status) else None,
            organisation_id=int(valid(self.organisation)) if valid(self.organisation) else None,
            sector=Sector(valid(self.sector)) if valid(self.sector) else None,
            opened_from=valid(self.opened_from), opened_to=valid(self.opened_to),
        )
