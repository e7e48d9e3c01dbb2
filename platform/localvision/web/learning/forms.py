from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from localvision.domain.learning import DIFFERENTLY_NEEDED, HAPPENED_NEEDED, PHASE_NEEDED, TITLE_NEEDED, TRIED_NEEDED
from localvision.domain.vocabulary import LEARNING_PHASES, Phase
from localvision.models import Decision, Indicator
from localvision.models.learning import TEXT_MAX, TITLE_MAX
from localvision.services.learning import LessonDetails
from localvision.web.forms import Form


def _length(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class WholeNumberChoices(SelectMultipleField):
    """Checkboxes of ids; anything else posted is refused beside the field."""

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        known = {value for value, _label in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError("Choose from the list")

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = [int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1
                     for value in valuelist]


class LessonForm(Form):
    phase = RadioField("Phase", widget=GovRadioInput(), choices=[(p.value, p.label) for p in LEARNING_PHASES],
                       validators=[DataRequired(message=PHASE_NEEDED)])
    title = StringField("Title", widget=GovTextInput(), description="The lesson in a line",
                        validators=[DataRequired(message=TITLE_NEEDED), _length(TITLE_MAX, "Title")])
    tried = TextAreaField("What we tried", widget=GovTextArea(),
                          validators=[DataRequired(message=TRIED_NEEDED), _length(TEXT_MAX, "What we tried")])
    happened = TextAreaField("What happened", widget=GovTextArea(),
                             validators=[DataRequired(message=HAPPENED_NEEDED), _length(TEXT_MAX, "What happened")])
    differently = TextAreaField("What we would do differently", widget=GovTextArea(),
                                validators=[DataRequired(message=DIFFERENTLY_NEEDED),
                                            _length(TEXT_MAX, "What we would do differently")])
    decision_ids = WholeNumberChoices("Joint decisions it is about", widget=GovCheckboxesInput(), coerce=int)
    indicator_ids = WholeNumberChoices("Outcome indicators it is about", widget=GovCheckboxesInput(), coerce=int)
    submit = SubmitField("Save lesson", widget=GovSubmitInput())

    def set_links(self, decisions: list[Decision], indicators: list[Indicator]) -> None:
        self.decision_ids.choices = [(d.id, d.title) for d in decisions]
        self.indicator_ids.choices = [(i.id, i.name) for i in indicators]

    def details(self) -> LessonDetails:
        return LessonDetails(phase=Phase(self.phase.data), title=self.title.data, tried=self.tried.data,
                             happened=self.happened.data, differently=self.differently.data,
                             decision_ids=tuple(self.decision_ids.data or ()),
                             indicator_ids=tuple(self.indicator_ids.data or ()))
