from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from localvision.extensions import db, limiter
from localvision.models import Invitation, User
from localvision.services import NotPermitted, Refused, invitations, policy
from localvision.web.auth import blueprint
from localvision.web.auth.forms import AcceptInvitationForm, JoinProjectForm, SignInForm


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
    """The link works only for the address it was sent to: it creates the account of
    someone new, or the person already at that address accepts it signed in."""
    try:
        invitation = invitations.usable_invitation(token)
    except Refused as refusal:
        abort(404, refusal.message)
    existing = invitations.account_for(invitation.email)
    if existing is not None or current_user.is_authenticated:
        return _join_signed_in(token, invitation)
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
        if project is not None and policy.membership_of(user, project) is not None:
            return redirect(url_for("projects.show", slug=project.slug))
        return redirect(url_for("organisations.show"))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)


def _join_signed_in(token: str, invitation: Invitation):
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in", next=request.path))
    form = JoinProjectForm()
    refusal = None
    if current_user.email.lower() != invitation.email.lower():
        refusal = invitations.NOT_YOUR_INVITATION
    elif form.validate_on_submit():
        try:
            invitations.accept_as_signed_in(current_user, token)
        except (Refused, NotPermitted) as error:
            refusal = error.message
        else:
            if invitation.project is None:
                return redirect(url_for("main.home"))
            flash(f"You have joined {invitation.project.title}", "success")
            return redirect(url_for("projects.show", slug=invitation.project.slug))
    for_someone_else = refusal == invitations.NOT_YOUR_INVITATION
    return render_template("auth/join_project.html", form=form, invitation=invitation, refusal=refusal,
                           for_someone_else=for_someone_else), 403 if for_someone_else else 200
