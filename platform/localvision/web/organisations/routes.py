"""Your organisation: whether you belong to it, its people, and invitations awaiting it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from localvision.domain.refusals import NotPermitted
from localvision.extensions import db
from localvision.models import User
from localvision.permissions import policy
from localvision.queries.organisations import awaiting_answer, people_of_organisation
from localvision.services import invitations
from localvision.services import organisations as organisation_services
from localvision.web.organisations import blueprint
from localvision.web.organisations.forms import AnswerInvitationForm
from localvision.web.refusals import refusal_flashed


@blueprint.route("")
@login_required
def show():
    organisation = current_user.organisation
    people = people_of_organisation(organisation.id) if current_user.belongs_to_organisation else []
    return render_template("organisations/show.html", organisation=organisation, people=people,
                           awaiting=awaiting_answer(current_user),
                           may_manage_people=policy.may_manage_people_of(current_user, organisation),
                           may_request_link=organisation_services.address_proves_membership(
                               current_user.email, organisation))


@blueprint.route("/confirmation", methods=["POST"])
@login_required
def send_confirmation():
    with refusal_flashed(url_for("organisations.show")):
        organisation_services.send_confirmation_link(current_user)
    flash(f"We have sent a confirmation link to {current_user.email}", "success")
    return redirect(url_for("organisations.show"))


@blueprint.route("/confirm/<token>")
@login_required
def confirm(token: str):
    with refusal_flashed(url_for("organisations.show")):
        organisation_services.confirm_membership(current_user, token)
    flash(f"You are confirmed as one of {current_user.organisation.name}'s people", "success")
    return redirect(url_for("organisations.show"))


def _person(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or not policy.may_manage_people_of(current_user, person.organisation):
        abort(404)
    return person


def _back_to(person: User) -> str:
    if current_user.is_admin and person.organisation_id != current_user.organisation_id:
        return url_for("admin.organisation", organisation_id=person.organisation_id)
    return url_for("organisations.show")


@blueprint.route("/people/<int:user_id>/approve", methods=["POST"])
@login_required
def approve(user_id: int):
    person = _person(user_id)
    organisation_services.approve_person(current_user, person)
    flash(f"{person.name} is confirmed as one of {person.organisation.name}'s people", "success")
    return redirect(_back_to(person))


@blueprint.route("/people/<int:user_id>/administrator", methods=["POST"])
@login_required
def administrator(user_id: int):
    person = _person(user_id)
    make_admin = not person.is_organisation_admin
    with refusal_flashed(_back_to(person)):
        organisation_services.set_organisation_admin(current_user, person, make_admin)
    flash(f"{person.name} {'now administers' if make_admin else 'no longer administers'} "
          f"{person.organisation.name}", "success")
    return redirect(_back_to(person))


@blueprint.route("/invitations/<int:invited_id>", methods=["GET", "POST"])
@login_required
def partner_invitation(invited_id: int):
    """Accept or decline a partnership for the organisation: only its own people see this."""
    try:
        invited = invitations.pending_partner_invitation(current_user, invited_id)
    except NotPermitted:
        abort(404)
    form = AnswerInvitationForm()
    if form.validate_on_submit():
        name = invited.organisation.name
        if form.accept.data:
            invitations.accept_partner_invitation(current_user, invited_id)
            flash(f"{name} is now a partner of {invited.project.title}", "success")
            return redirect(url_for("projects.show", slug=invited.project.slug))
        project = invitations.decline_partner_invitation(current_user, invited_id)
        flash(f"{name} declined to join {project.title}", "success")
        return redirect(url_for("organisations.show"))
    inviter = db.session.get(User, invited.invited_by_id) if invited.invited_by_id else None
    return render_template("organisations/invitation.html", invited=invited, project=invited.project,
                           inviter=inviter, form=form)
