from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from localvision.domain.measurement_imports import (
    MAX_DECIMAL_PLACES,
    NOTE_LIMIT,
    SOURCE_LIMIT,
    parse_period,
    parse_value,
)
from localvision.domain.progress import TOLERANCE_RANGE, TOLERANCE_REFUSED
from localvision.domain.vocabulary import Direction, Frequency, Unit
from localvision.models.indicators import at_stored_scale
from localvision.web.fields import DayMonthYearField
from localvision.web.forms import Form

DATE_HINT = "For example, 31/03/2024 or 2024-03-31"


class ExactNumberField(StringField):
    """A number typed as text and kept as an exact decimal; empty is None."""

    number: Decimal | None = None

    def process_formdata(self, valuelist):  # type: ignore[no-untyped-def]
        super().process_formdata(valuelist)
        self.number = None
        if self.data and self.data.strip():
            number, problem = parse_value(self.data)
            if problem:
                self.process_errors.append(problem[0].upper() + problem[1:])
            else:
                self.number = at_stored_scale(number)

    def set_number(self, value: Decimal | None) -> None:
        self.data = "" if value is None else f"{value.normalize():f}"


class PeriodField(StringField):
    """A date typed as text, in the forms the CSV import accepts too."""

    date: date | None = None

    def process_formdata(self, valuelist):  # type: ignore[no-untyped-def]
        super().process_formdata(valuelist)
        self.date = None
        if self.data and self.data.strip():
            self.date = parse_period(self.data)
            if self.date is None:
                self.process_errors.append("Enter a real date, like 31/03/2024")


def _number(label: str, hint: str = "") -> ExactNumberField:
    return ExactNumberField(label, widget=GovTextInput(), description=hint)


def _date(label: str, hint: str = "For example, 31 3 2024") -> DayMonthYearField:
    return DayMonthYearField(label, description=hint)


class IndicatorForm(Form):
    name = StringField(
        "Name",
        widget=GovTextInput(),
        description="For example, Households using food banks in Birkenhead each month",
        validators=[DataRequired(message="Enter a name"), Length(max=200, message="Name must be 200 characters or fewer")],
    )
    description = TextAreaField(
        "Description (optional)",
        widget=GovTextArea(),
        description="What is counted and why it matters to the partnership",
        validators=[Length(max=5000, message="Description must be 5,000 characters or fewer")],
    )
    unit = SelectField("Unit", widget=GovSelect(), choices=Unit.choices(), default=Unit.COUNT.value)
    decimal_places = IntegerField(
        "Decimal places shown",
        widget=GovTextInput(),
        default=0,
        validators=[InputRequired(message="Enter how many decimal places to show, from 0 to 4"),
                    NumberRange(min=0, max=MAX_DECIMAL_PLACES, message="Decimal places must be from 0 to 4")],
    )
    direction = RadioField("Which direction is better?", widget=GovRadioInput(), choices=Direction.choices(),
                           validators=[InputRequired(message="Choose which direction is better")])
    baseline_value = _number("Baseline value", "Where the indicator started")
    baseline_date = _date("Baseline date")
    target_value = _number("Target value", "Where the partnership wants it to be")
    target_date = _date("Target date", "The date the target should be met by. For example, 31 3 2027")
    source = StringField("Source (optional)", widget=GovTextInput(), description="Where the figures come from",
                         validators=[Length(max=SOURCE_LIMIT, message="Source must be 300 characters or fewer")])
    frequency = RadioField("How often is it measured?", widget=GovRadioInput(), choices=Frequency.choices(),
                           default=Frequency.MONTHLY.value)
    owner_organisation_id = SelectField("Owning partner organisation", widget=GovSelect(), coerce=int,
                                        validators=[DataRequired(message="Choose the partner organisation that owns it")])
    submit = SubmitField("Save indicator", widget=GovSubmitInput())

    def validate_baseline_date(self, field: DayMonthYearField) -> None:
        if field.process_errors:
            return
        if (self.baseline_value.number is None) != (field.data is None) and not self.baseline_value.errors:
            raise ValidationError("Enter both the baseline value and its date, or neither")

    def validate_target_date(self, field: DayMonthYearField) -> None:
        if field.process_errors:
            return
        if (self.target_value.number is None) != (field.data is None) and not self.target_value.errors:
            raise ValidationError("Enter both the target value and its date, or neither")
        if field.data is not None and self.baseline_date.data is not None and field.data <= self.baseline_date.data:
            raise ValidationError("The target date must be after the baseline date")

    def validate_target_value(self, field: ExactNumberField) -> None:
        baseline, target = self.baseline_value.number, field.number
        if baseline is None or target is None:
            return
        if self.direction.data == Direction.HIGHER_IS_BETTER.value and target < baseline:
            raise ValidationError("Higher is better, so the target cannot be below the baseline")
        if self.direction.data == Direction.LOWER_IS_BETTER.value and target > baseline:
            raise ValidationError("Lower is better, so the target cannot be above the baseline")


class CorrectionForm(Form):
    value = ExactNumberField("Value", widget=GovTextInput(), validators=[DataRequired(message="Enter the value")])
    note = TextAreaField("Note (optional)", widget=GovTextArea(), description="Anything a reader should know about this figure",
                         validators=[Length(max=NOTE_LIMIT, message="Note must be 2,000 characters or fewer")])
    source = StringField("Source (optional)", widget=GovTextInput(),
                         validators=[Length(max=SOURCE_LIMIT, message="Source must be 300 characters or fewer")])
    submit = SubmitField("Save correction", widget=GovSubmitInput())


class MeasurementForm(CorrectionForm):
    period = PeriodField("Period", widget=GovTextInput(), description="The date the figure is for. " + DATE_HINT,
                         validators=[DataRequired(message="Enter the period")])
    submit = SubmitField("Add measurement", widget=GovSubmitInput())


class ToleranceForm(Form):
    tolerance = IntegerField(
        "Tolerance for “at risk”, as a percentage of the baseline-to-target gap",
        widget=GovTextInput(),
        description="An indicator behind its trajectory by no more than this is at risk; further behind, off track.",
        validators=[InputRequired(message="Enter a whole number from 0 to 100"),
                    NumberRange(min=TOLERANCE_RANGE[0], max=TOLERANCE_RANGE[1], message=TOLERANCE_REFUSED)],
    )
    submit = SubmitField("Save tolerance", widget=GovSubmitInput())


class ImportForm(Form):
    file = FileField("CSV file", widget=GovFileInput(), validators=[FileRequired(message="Choose a CSV file")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class DecisionLinksForm(Form):
    decision_ids = SelectMultipleField("Joint decisions that aim to move this indicator", widget=GovCheckboxesInput(),
                                       coerce=int, description="Select all that apply")
    submit = SubmitField("Save linked decisions", widget=GovSubmitInput())
