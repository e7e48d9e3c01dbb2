from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import AccountTokenPurpose
from localvision.extensions import limiter
from localvision.models import AccountToken, Invitation, User
from localvision.permissions import policy
from localvision.queries.accounts import account_for
from localvision.services import accounts, invitations
from localvision.web.auth import blueprint
from localvision.web.auth.forms import (
    AcceptInvitationForm,
    ChangeEmailForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    JoinProjectForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    SignInForm,
)


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
@limiter.limit(_sign_in_limit)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            _start_session(user)
            accounts.record_sign_in(user)
            return redirect(_safe_next(request.args.get("next")))
        # One message for both cases, so the form does not reveal who has an account.
        form.email.errors = list(form.email.errors) + ["Email address or password is not right"]
    return render_template("auth/sign_in.html", form=form)


def _signed_in_user() -> User:
    return current_user._get_current_object()  # the model itself, not Flask-Login's proxy


def _start_session(user: User) -> None:
    """A new session for a new sign-in: nothing from before it is carried over."""
    session.clear()
    login_user(user)


@blueprint.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    accounts.sign_out_everywhere(_signed_in_user())
    logout_user()
    session.clear()
    flash("You have signed out on every device", "success")
    return redirect(url_for("main.home"))


def _usable_or_404(token: str, purpose: AccountTokenPurpose) -> AccountToken:
    try:
        return accounts.usable_token(token, purpose)
    except Refused as refusal:
        abort(404, refusal.message)


def _token_page(response: Response) -> Response:
    # The link's token is in the address: no other site may see it in a Referer.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(_sign_in_limit)
def request_password_reset():
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/password_reset_sent.html", email=form.email.data.strip())
    return render_template("auth/password_reset_request.html", form=form)


@blueprint.route("/password-reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    account_token = _usable_or_404(token, AccountTokenPurpose.PASSWORD_RESET)
    form = PasswordResetForm()
    form.email_value = account_token.user.email  # compared against by the password policy
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except Refused as refusal:
            _show_refusal(form, refusal)
        else:
            logout_user()
            session.clear()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return _token_page(make_response(render_template("auth/password_reset.html", form=form)))


@blueprint.route("/account")
@login_required
def account():
    return render_template("auth/account.html")


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.email_value = current_user.email
    if form.validate_on_submit():
        try:
            accounts.change_password(_signed_in_user(), form.current_password.data, form.password.data)
        except Refused as refusal:
            _show_refusal(form, refusal)
        else:
            # Every other session has ended; this one goes on with the new session version.
            _start_session(_signed_in_user())
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@blueprint.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(_signed_in_user(), form.current_password.data, form.email.data)
        except Refused as refusal:
            _show_refusal(form, refusal)
        else:
            flash(f"We have sent a link to {form.email.data.strip()}. Follow it to start using that address.",
                  "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_email.html", form=form)


@blueprint.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    account_token = _usable_or_404(token, AccountTokenPurpose.EMAIL_CHANGE)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        try:
            accounts.confirm_email_change(token)
        except Refused as refusal:
            abort(404, refusal.message)
        flash("Your email address has changed", "success")
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.sign_in"))
    return _token_page(make_response(render_template("auth/confirm_email.html", form=form,
                                                     new_email=account_token.new_email)))


def _show_refusal(form: FlaskForm, refusal: Refused) -> None:
    field = getattr(form, refusal.field or "", None) or form.submit
    field.errors = list(field.errors) + [refusal.message]


@blueprint.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """The link works only for the address it was sent to: it creates the account of
    someone new, or the person already at that address accepts it signed in."""
    try:
        invitation = invitations.usable_invitation(token)
    except Refused as refusal:
        abort(404, refusal.message)
    existing = account_for(invitation.email)
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
        _start_session(user)
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
            invitations.accept_as_signed_in(_signed_in_user(), token)
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
