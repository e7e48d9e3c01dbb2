from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from localvision.domain.vision import COMMENT_NEEDED, WORDING_NEEDED, position_comment_problem
from localvision.domain.vocabulary import Stance
from localvision.web.forms import Form, show_problem
from localvision.web.input_bounds import DATABASE_INTEGER_MAX

VISION_MAX_LENGTH = 20_000


class VersionForm(Form):
    text = TextAreaField(
        "Wording of the vision",
        widget=GovTextArea(),
        description="Markdown: # for headings, - for bullet points, [text](https://…) for links",
        validators=[
            DataRequired(message=WORDING_NEEDED),
            Length(max=VISION_MAX_LENGTH, message="The vision must be 20,000 characters or fewer"),
        ],
    )
    change_note = StringField(
        "What you changed and why",
        widget=GovTextInput(),
        description="For example, Named the university's evaluation role",
        validators=[
            DataRequired(message="Say briefly what you changed and why"),
            Length(max=300, message="The change note must be 300 characters or fewer"),
        ],
    )
    # The number of the version the text was edited from: empty for the first version.
    based_on = HiddenField()
    submit = SubmitField("Propose this version", widget=GovSubmitInput())

    def based_on_number(self) -> int | None:
        """The version edited from; None when the field names no version that could exist
        (a number beyond what the database stores is refused by it, not merely not found)."""
        value = (self.based_on.data or "").strip()
        if not (value.isascii() and value.isdigit() and int(value) <= DATABASE_INTEGER_MAX):
            return None
        return int(value)


class PositionForm(Form):
    version_number = IntegerField(widget=HiddenInput(), validators=[InputRequired(message="Choose a version")])
    stance = RadioField(
        "Your organisation's position",
        widget=GovRadioInput(),
        choices=Stance.choices(),
        validators=[InputRequired(message="Choose your organisation's position")],
    )
    comment = TextAreaField(
        "Comment",
        widget=GovTextArea(),
        description="Required if you endorse with reservations or object: say what would need to change",
        validators=[Length(max=5000, message="The comment must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record position", widget=GovSubmitInput())

    def validate_comment(self, field: TextAreaField) -> None:
        show_problem(position_comment_problem(self.stance.data, field.data or ""))


class CommentForm(Form):
    text = TextAreaField(
        "Add a comment on this version",
        widget=GovTextArea(),
        validators=[
            DataRequired(message=COMMENT_NEEDED),
            Length(max=5000, message="The comment must be 5,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add comment", widget=GovSubmitInput())
