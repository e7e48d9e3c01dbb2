from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from localvision.domain.vocabulary import Phase, Sector
from localvision.queries.public import ProjectFilters
from localvision.web.forms import Form


class KnownChoices(SelectMultipleField):
    """Checkboxes whose unknown values (an old or edited link) get a plain message."""

    def __init__(self, *args, invalid_message: str, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form) -> None:  # type: ignore[no-untyped-def]
        known = {value for value, _label in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError(self.invalid_message)


class DirectorySearchForm(Form):
    """The directory's search, sent by GET so every result page has a shareable address."""

    class Meta:
        csrf = False

    q = StringField(
        "Search projects",
        widget=GovTextInput(),
        description="Words from a project's title, summary, theme, place or agreed vision",
        validators=[Length(max=200, message="Search words must be 200 characters or fewer")],
    )
    sector = KnownChoices("Sectors of partners", widget=GovCheckboxesInput(), choices=Sector.choices(),
                          invalid_message="Choose sectors from the list")
    phase = KnownChoices("Phase", widget=GovCheckboxesInput(), choices=Phase.choices(),
                         invalid_message="Choose phases from the list")
    place = SelectField("Place", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Search", widget=GovSubmitInput())

    def set_places(self, places: list[str]) -> None:
        self.place.choices = [("", "Any place")] + [(place, place) for place in places]

    def filters(self) -> ProjectFilters:
        """The search as given; call after ``validate`` so every value is a known one."""
        return ProjectFilters(
            words=self.q.data or "",
            sectors=tuple(Sector(value) for value in self.sector.data or ()),
            phases=tuple(Phase(value) for value in self.phase.data or ()),
            place=self.place.data or "",
        )


class LessonSearchForm(Form):
    """Words to find in published lessons, sent by GET so results have an address."""

    class Meta:
        csrf = False

    q = StringField("Search what partnerships learned", widget=GovTextInput(),
                    description="Words from a lesson's title, what was tried, what happened or what they would do differently",
                    validators=[Length(max=200, message="Search words must be 200 characters or fewer")])
    submit = SubmitField("Search", widget=GovSubmitInput())
