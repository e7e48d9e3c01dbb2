from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from localvision.extensions import db, limiter
from localvision.models import User
from localvision.services import Refused, invitations
from localvision.web.auth import blueprint
from localvision.web.auth.forms import AcceptInvitationForm, SignInForm


def _safe_next(target: str | None) -> str:
    """Only follow a ``next`` that stays on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _sign_in_limit() -> str:
    return current_app.config["SIGN_IN_RATE_LIMIT"]


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit, methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is not None and user.check_password(form.password.data):
            login_user(user)
            user.last_signed_in_at = datetime.now(timezone.utc)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        # One message for both cases, so the form does not reveal who has an account.
        form.email.errors = list(form.email.errors) + ["Email address or password is not right"]
    return render_template("auth/sign_in.html", form=form)


@blueprint.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("main.home"))


@blueprint.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = invitations.usable_invitation(token)
    except Refused as refusal:
        abort(404, refusal.message)
    form = AcceptInvitationForm()
    form.email_value = invitation.email  # compared against by the password policy
    if form.validate_on_submit():
        project = invitation.project
        try:
            user = invitations.accept_invitation(token, form.name.data, form.password.data)
        except Refused as refusal:
            abort(404, refusal.message)
        login_user(user)
        flash("Your account is ready", "success")
        if project is not None:
            return redirect(url_for("projects.show", slug=project.slug))
        return redirect(url_for("main.home"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
