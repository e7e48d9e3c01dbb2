from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional

from localvision.domain.barriers import WHAT_NEEDED, WHERE_NEEDED, WHO_NEEDED
from localvision.domain.vocabulary import BarrierStatus
from localvision.models import Indicator
from localvision.models.barriers import ANSWER_MAX, EMAIL_MAX, NAME_MAX, WHAT_MAX, WHERE_MAX, WHO_MAX
from localvision.services.barriers import BarrierDetails
from localvision.web.decision_forms import ActionForm
from localvision.web.forms import Form, at_most


class BarrierForm(Form):
    what = TextAreaField("What gets in the way?", widget=GovTextArea(),
                         description="Describe the barrier as you meet it: what stops you, or the people you work with, "
                                     "from doing what would help",
                         validators=[DataRequired(message=WHAT_NEEDED),
                                     at_most(WHAT_MAX, "What gets in the way")])
    location = StringField("Where does it get in the way?", widget=GovTextInput(),
                           description="A place, a service or a step of a process, like “hospital discharge on Fridays”",
                           validators=[DataRequired(message=WHERE_NEEDED), at_most(WHERE_MAX, "Where")])
    who_affected = StringField("Who does it affect?", widget=GovTextInput(),
                               description="Residents, patients, carers, staff: whoever feels it",
                               validators=[DataRequired(message=WHO_NEEDED), at_most(WHO_MAX, "Who it affects")])
    indicator_id = SelectField("Outcome indicator it holds back (optional)", widget=GovSelect(), coerce=int,
                               validators=[Optional()])
    submit = SubmitField("Raise barrier", widget=GovSubmitInput())

    def set_indicators(self, indicators: list[Indicator]) -> None:
        self.indicator_id.choices = [(0, "None")] + [(i.id, i.name) for i in indicators]

    def details(self) -> BarrierDetails:
        return BarrierDetails(what=self.what.data, location=self.location.data, who_affected=self.who_affected.data,
                              indicator_id=self.indicator_id.data or None)


class PublicBarrierForm(BarrierForm):
    """The same questions for anyone at all, with a name and address to answer them at,
    both optional, and a box people never see: whatever fills it is a robot."""

    name = StringField("Your name (optional)", widget=GovTextInput(), validators=[at_most(NAME_MAX, "Your name")])
    email = StringField("Your email address (optional)", widget=GovTextInput(),
                        description="Give it to hear each answer the partnership gives. It is never published.",
                        validators=[Optional(), at_most(EMAIL_MAX, "Your email address"),
                                    Email(message="Enter an email address in the right format, like name@example.org",
                                          check_deliverability=False)])
    website = StringField("Leave this box empty")
    submit = SubmitField("Send barrier", widget=GovSubmitInput())


class ModerationForm(Form):
    """Sent by one of two buttons: approve or reject."""

    verdict = RadioField("Verdict", choices=[("approve", "Approve"), ("reject", "Reject")],
                         validators=[DataRequired(message="Choose approve or reject")])


class TriageForm(Form):
    owner_organisation_id = SelectField("Owner organisation", widget=GovSelect(), coerce=int,
                                        description="The partner that takes the lead on removing it",
                                        validators=[Optional()])
    status = RadioField("Status", widget=GovRadioInput(), choices=BarrierStatus.triage_choices(),
                        validators=[DataRequired(message="Choose a status")])
    reason = TextAreaField("Why it will not be removed", widget=GovTextArea(),
                           description="Needed for “won't remove”. It is published with the barrier.",
                           validators=[at_most(ANSWER_MAX, "The reason")])
    answer = TextAreaField("Public answer", widget=GovTextArea(),
                           description="Published on the barrier's page and emailed to whoever raised it",
                           validators=[at_most(ANSWER_MAX, "The answer")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_partners(self, partners) -> None:  # type: ignore[no-untyped-def]
        self.owner_organisation_id.choices = [(0, "Not assigned yet")] + sorted(
            ((p.organisation_id, p.organisation.name) for p in partners), key=lambda choice: choice[1])


class BarrierActionForm(ActionForm):
    """An action follows from a joint decision: the barrier's action names which."""

    decision_id = SelectField("Decision it follows from", widget=GovSelect(), coerce=int,
                              validators=[DataRequired(message="Choose the decision the action follows from")])
