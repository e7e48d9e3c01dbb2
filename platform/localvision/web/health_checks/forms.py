from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from localvision.domain.health_checks import (
    COMMENT_LENGTH,
    COMMENT_TOO_LONG,
    TITLE_LENGTH,
    TITLE_NEEDED,
    TITLE_TOO_LONG,
    rating_needed,
)
from localvision.domain.vocabulary import AGREEMENT_SCALE, HealthStatement
from localvision.services.health_checks import RoundDetails
from localvision.web.fields import DayMonthYearField
from localvision.web.forms import Form


class OpenRoundForm(Form):
    title = StringField("Title", widget=GovTextInput(), description="For example: Spring 2027 health check",
                        validators=[DataRequired(message=TITLE_NEEDED), Length(max=TITLE_LENGTH, message=TITLE_TOO_LONG)])
    opens_on = DayMonthYearField("Opens for answers on", required_message="Enter the date the round opens")
    closes_on = DayMonthYearField("Closes on", required_message="Enter the closing date",
                                  description="Answers are taken until the end of this day; results appear once it closes")
    submit = SubmitField("Open the round", widget=GovSubmitInput())

    def details(self) -> RoundDetails:
        return RoundDetails(title=self.title.data, opens_on=self.opens_on.data, closes_on=self.closes_on.data)


def _comment_field() -> TextAreaField:
    return TextAreaField("Comment (optional)", widget=GovTextArea(),
                         validators=[Length(max=COMMENT_LENGTH, message=COMMENT_TOO_LONG)])


class _AnswerFormBase(Form):
    submit = SubmitField("Send my answers", widget=GovSubmitInput())

    def ratings(self) -> dict[HealthStatement, int]:
        return {statement: int(self[statement.value].data) for statement in HealthStatement}

    def comments(self) -> dict[HealthStatement, str]:
        return {statement: self[f"{statement.value}_comment"].data or "" for statement in HealthStatement}


def _answer_form_class() -> type[_AnswerFormBase]:
    """One rating and one optional comment for each statement, in the statements' order."""
    fields = {}
    for statement in HealthStatement:
        fields[statement.value] = RadioField(
            statement.label, widget=GovRadioInput(), choices=[(str(value), label) for value, label in AGREEMENT_SCALE],
            validators=[DataRequired(message=rating_needed(statement))])
        fields[f"{statement.value}_comment"] = _comment_field()
    return type("AnswerForm", (_AnswerFormBase,), fields)


AnswerForm = _answer_form_class()
