from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from localvision.web.forms import Form


class AnswerInvitationForm(Form):
    accept = SubmitField("Accept invitation", widget=GovSubmitInput())
    decline = SubmitField("Decline", widget=GovSubmitInput())

