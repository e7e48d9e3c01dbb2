from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import Delivery, DigestFrequency
from localvision.extensions import csrf
from localvision.queries.notifications import choices_of, digest_frequency_of, notification_of, notifications_page
from localvision.services import notifications
from localvision.web.input_bounds import PAGE_MAX, query_number
from localvision.web.notifications import blueprint
from localvision.web.notifications.forms import PreferencesForm, UnsubscribeForm, field_name

PAGE_SIZE = 20


@blueprint.route("/notifications")
@login_required
def index():
    """What is new stays new until the person follows it or marks all as read: being
    listed is not being read."""
    page = notifications_page(current_user, query_number("page", 1, PAGE_MAX), PAGE_SIZE)
    return render_template("notifications/index.html", page=page)


@blueprint.route("/notifications/<int:notification_id>")
@login_required
def follow(notification_id: int):
    """Following a notification's link reads it, then leads to what it is about."""
    notification = notification_of(current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(current_user, [notification.id])
    return redirect(notification.link)


@blueprint.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    notifications.mark_all_read(current_user)
    flash("All your notifications are marked as read", "success")
    return redirect(url_for("notifications.index"))


@blueprint.route("/account/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    form = PreferencesForm()
    if request.method == "GET":
        form.digest_frequency.data = digest_frequency_of(current_user).value
        choices = choices_of(current_user)
        for kind, field in form.kind_fields():
            field.data = choices[kind].value
    if form.validate_on_submit():
        notifications.save_preferences(
            current_user, {kind: Delivery(field.data) for kind, field in form.kind_fields()},
            DigestFrequency(form.digest_frequency.data))
        flash("Your notification choices are saved", "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form, field_name=field_name)


@blueprint.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """One click from the email (RFC 8058: the mail client POSTs, signed in or not); a GET
    only asks to confirm, because link scanners follow links."""
    try:
        unsubscription = notifications.read_unsubscribe_token(token)
    except Refused as refusal:
        abort(404, refusal.message)
    form = UnsubscribeForm()
    if request.method == "POST":
        notifications.unsubscribe(token)
        return render_template("notifications/unsubscribed.html", unsubscription=unsubscription)
    return render_template("notifications/unsubscribe.html", unsubscription=unsubscription, form=form)
