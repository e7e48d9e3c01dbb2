"""People's own accounts: signing in and out, passwords, email addresses.

Follows NCSC password guidance and OWASP ASVS level 2:
- signing in costs the same for unknown and known addresses (an unknown address is
  checked against a dummy hash), and no answer says whether an address has an account;
- reset and email-change links are single-use, short-lived, and stored only as hashes;
  changing the password or the address retires every link sent before, and their
  addresses come from the configured ``PUBLIC_URL``, never from a request;
- signing out, changing or resetting a password raise the person's session version,
  which ends every session signed in before (see ``User.get_id`` and the user loader).

Events carry ids only: never a password, token or link.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from redis.exceptions import RedisError
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from localvision import job_queue
from localvision.domain.passwords import password_problem
from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import AccountTokenPurpose, EventKind
from localvision.extensions import db
from localvision.job_queue import job
from localvision.links import external_url
from localvision.models import AccountToken, User
from localvision.queries.accounts import account_for
from localvision.services import events, mail

RESET_LINK_HOURS = 1
EMAIL_CHANGE_LINK_HOURS = 24
LINK_UNUSABLE = "This link has expired or has already been used. Ask for a new one."
WRONG_PASSWORD = "Your current password is not right"

def _now() -> datetime:
    return datetime.now(timezone.utc)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Same method as real hashes, so checking it takes as long.
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def authenticate(email: str, password: str) -> User | None:
    """The person whose address and password these are, or None; the same work either way."""
    user = account_for(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def record_sign_in(user: User) -> None:
    user.last_signed_in_at = _now()
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End this session and every other one of the person."""
    user.session_version += 1
    events.record(EventKind.ACCOUNT_SIGNED_OUT, user, actor=user, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()


def _check_new_password(user: User, password: str, field: str = "password") -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise Refused(problem, field=field)


def _new_token(user: User, purpose: AccountTokenPurpose, hours: int, new_email: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user=user, purpose=purpose, token_hash=hash_token(token), new_email=new_email,
                                expires_at=_now() + timedelta(hours=hours)))
    return token


def _retire_tokens(user: User, purpose: AccountTokenPurpose) -> None:
    db.session.execute(update(AccountToken)
                       .where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                              AccountToken.used_at.is_(None))
                       .values(used_at=_now()))


def _retire_every_link(user: User) -> None:
    for purpose in AccountTokenPurpose:
        _retire_tokens(user, purpose)


def usable_token(token: str, purpose: AccountTokenPurpose) -> AccountToken:
    found = db.session.scalar(select(AccountToken).where(AccountToken.token_hash == hash_token(token),
                                                         AccountToken.purpose == purpose))
    if found is None or not found.is_usable(_now()):
        raise Refused(LINK_UNUSABLE)
    return found


def request_password_reset(email: str) -> None:
    """Have a reset link emailed if the address has an account. The answer is the same, and
    takes as long, either way: the lookup happens in the background job below."""
    try:
        job_queue.enqueue(send_password_reset_link, email.strip())
    except RedisError:
        # With the queue away, send the link now rather than not at all.
        send_password_reset_link(email.strip())


@job(timeout=60)
def send_password_reset_link(email: str) -> None:
    user = account_for(email)
    if user is None:
        return
    token = _new_token(user, AccountTokenPurpose.PASSWORD_RESET, RESET_LINK_HOURS)
    mail.queue_message(to=user.email, template="password_reset", kind="account.password_reset", user=user,
                       context={"name": user.name, "link": external_url("auth.reset_password", token=token),
                                "hours": RESET_LINK_HOURS})
    events.record(EventKind.ACCOUNT_PASSWORD_RESET_REQUESTED, user, actor=None, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the person ends."""
    account_token = usable_token(token, AccountTokenPurpose.PASSWORD_RESET)
    user = account_token.user
    _check_new_password(user, new_password)
    user.set_password(new_password)
    user.session_version += 1
    # Any other link sent earlier stops working too.
    _retire_every_link(user)
    _password_changed_notice(user)
    events.record(EventKind.ACCOUNT_PASSWORD_RESET, user, actor=user, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change a password, knowing the current one; every other session of the person ends
    (the caller signs this one in again)."""
    if not user.check_password(current_password):
        raise Refused(WRONG_PASSWORD, field="current_password")
    _check_new_password(user, new_password, field="password")
    if user.check_password(new_password):
        raise Refused("Your new password must be different from your current one", field="password")
    user.set_password(new_password)
    user.session_version += 1
    # A link asked for before the change, perhaps by whoever knew the old password, dies with it.
    _retire_every_link(user)
    _password_changed_notice(user)
    events.record(EventKind.ACCOUNT_PASSWORD_CHANGED, user, actor=user, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()


def _password_changed_notice(user: User) -> None:
    mail.queue_message(to=user.email, template="password_changed", kind="account.password_changed", user=user,
                       context={"name": user.name})


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    """Send a link to the new address; the change is made when it is followed.

    If the new address already has an account, that address is told instead, so the
    person asking learns nothing about who has an account."""
    if not user.check_password(current_password):
        raise Refused(WRONG_PASSWORD, field="current_password")
    new_email = new_email.strip().lower()
    if new_email == user.email.lower():
        raise Refused("That is already your email address", field="email")
    if account_for(new_email) is not None:
        mail.queue_message(to=new_email, template="email_change_address_taken", kind="account.email_change",
                           context={})
    else:
        _retire_tokens(user, AccountTokenPurpose.EMAIL_CHANGE)
        token = _new_token(user, AccountTokenPurpose.EMAIL_CHANGE, EMAIL_CHANGE_LINK_HOURS, new_email=new_email)
        mail.queue_message(to=new_email, template="email_change_verify", kind="account.email_change", user=user,
                           context={"name": user.name, "link": external_url("auth.confirm_email", token=token),
                                    "hours": EMAIL_CHANGE_LINK_HOURS})
    events.record(EventKind.ACCOUNT_EMAIL_CHANGE_REQUESTED, user, actor=user, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Make the change a verification link asks for, and tell the old address."""
    account_token = usable_token(token, AccountTokenPurpose.EMAIL_CHANGE)
    user = account_token.user
    new_email = account_token.new_email or ""
    account_token.used_at = _now()
    if account_for(new_email) is not None:
        # Taken since the link was sent: the link is spent, and the message says no more.
        db.session.commit()
        raise Refused(LINK_UNUSABLE)
    old_email = user.email
    user.email = new_email
    # Links sent to the old address stop working: it no longer speaks for the account.
    _retire_every_link(user)
    mail.queue_message(to=old_email, template="email_changed_notice", kind="account.email_changed", user=user,
                       context={"name": user.name, "new_email": new_email})
    events.record(EventKind.ACCOUNT_EMAIL_CHANGED, user, actor=user, project=None, label=user.name,
                  payload={"user_id": user.id})
    db.session.commit()
    return user
