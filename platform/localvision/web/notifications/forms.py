from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from localvision.domain.notifications import EMAILED_BY_THEIR_SERVICE
from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.web.forms import Form

# The kinds a person chooses for, in the order of the page; invitations are always emailed.
CHOSEN_KINDS = [kind for kind in NotificationKind if kind not in EMAILED_BY_THEIR_SERVICE]


def field_name(kind: NotificationKind) -> str:
    return "kind_" + kind.value.replace(".", "_")


class PreferencesForm(Form):
    digest_frequency = RadioField(
        "How often would you like your digest email?", widget=GovRadioInput(), choices=DigestFrequency.choices(),
        validators=[InputRequired(message="Choose how often your digest comes")])
    submit = SubmitField("Save your choices", widget=GovSubmitInput())

    def kind_fields(self) -> list[tuple[NotificationKind, RadioField]]:
        return [(kind, self[field_name(kind)]) for kind in CHOSEN_KINDS]


for _kind in CHOSEN_KINDS:
    setattr(PreferencesForm, field_name(_kind), RadioField(
        _kind.label, widget=GovRadioInput(), choices=Delivery.choices(),
        validators=[InputRequired(message=f"Choose how you hear of this: {_kind.label.lower()}")]))


class UnsubscribeForm(Form):
    """Confirms the unsubscription; the signed link, not a session, is what authorises it."""

    class Meta:
        csrf = False

    submit = SubmitField("Unsubscribe", widget=GovSubmitInput())
