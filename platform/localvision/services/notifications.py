"""Telling people: notifications, their emails, preferences and one-click unsubscribe.

``notify`` is the one way a notification is made, whoever produces it (the event fan-out
in ``services/notification_events.py``, the clock's reminders and checks): it adds one row
per person unless that person already has one with the same ``dedupe_key`` (a unique
constraint, written with ON CONFLICT DO NOTHING, so a rerun or a concurrent run tells
nobody twice), and, in the same transaction, queues the email of those who chose to hear
of the kind at once. The caller commits: notification and email exist together or not
at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from localvision.domain.notifications import (
    DIGEST,
    EMAILED_BY_THEIR_SERVICE,
    chosen_delivery,
)
from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind
from localvision.extensions import db
from localvision.links import external_url
from localvision.models import (
    Notification,
    NotificationPreference,
    NotificationSettings,
    Project,
    ProjectMembership,
    User,
)
from localvision.models.statements import insert_for
from localvision.permissions import policy
from localvision.services import mail

UNSUBSCRIBE_SALT = "notification-unsubscribe"
ONE_CLICK = "List-Unsubscribe=One-Click"


@dataclass(frozen=True)
class Tidings:
    """What people are told: the same for every recipient of one occasion.

    ``link`` is a path on this site (``links.site_path``). ``email`` names the template
    pair ``templates/mail/notify/<email>.txt`` and ``.html``; ``email_context`` is added to
    what every notification email gets: ``person``, ``headline``, ``link`` (absolute),
    ``project``, ``kind`` and ``unsubscribe_url``."""

    kind: NotificationKind
    headline: str
    link: str
    object_type: str
    object_id: int | None
    project: Project | None
    email: str
    email_context: dict[str, Any] = field(default_factory=dict)


def notify(people: Iterable[User], tidings: Tidings, *, dedupe_key: str,
           event_id: int | None = None) -> list[Notification]:
    """Tell each person once: returns the notifications newly made (none for people who
    already had this ``dedupe_key``). Emails those whose preference for the kind is
    "immediately". The caller commits."""
    members = _member_ids(tidings.project) if tidings.project is not None else set()
    people = {person.id: person for person in people
              if tidings.project is None or policy.may_be_told(person.id in members,
                                                              tidings.kind in EMAILED_BY_THEIR_SERVICE)}
    if not people:
        return []
    deliveries = deliveries_for(list(people), tidings.kind)
    rows = [{
        "user_id": user_id, "project_id": tidings.project.id if tidings.project else None,
        "kind": tidings.kind, "headline": tidings.headline[:300], "link": tidings.link,
        "object_type": tidings.object_type, "object_id": tidings.object_id, "event_id": event_id,
        "dedupe_key": dedupe_key, "delivery": deliveries[user_id],
    } for user_id in sorted(people)]
    insert = insert_for(db.session.get_bind().dialect.name)
    made = db.session.execute(
        insert(Notification).values(rows)
        .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        .returning(Notification.id)
    ).scalars().all()
    notifications = list(db.session.scalars(select(Notification).where(Notification.id.in_(made))
                                            .order_by(Notification.user_id)))
    for notification in notifications:
        if notification.delivery is Delivery.IMMEDIATELY and tidings.kind not in EMAILED_BY_THEIR_SERVICE:
            notification.outbox_message_id = _email(people[notification.user_id], tidings).id
    return notifications


def _email(person: User, tidings: Tidings) -> Any:
    return mail.queue_message(
        to=person.email, template=f"notify/{tidings.email}", kind=tidings.kind.value, user=person,
        headers=unsubscribe_headers(person, tidings.kind.value),
        context={**tidings.email_context, "person": person, "headline": tidings.headline,
                 "link": absolute(tidings.link), "project": tidings.project, "kind": tidings.kind,
                 "unsubscribe_url": unsubscribe_url(person, tidings.kind.value),
                 "preferences_url": external_url("notifications.preferences")},
    )


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


# Preferences --------------------------------------------------------------------------

def deliveries_for(user_ids: list[int], kind: NotificationKind) -> dict[int, Delivery]:
    """Each person's delivery for one kind, in one query."""
    chosen = dict(db.session.execute(
        select(NotificationPreference.user_id, NotificationPreference.delivery)
        .where(NotificationPreference.kind == kind, NotificationPreference.user_id.in_(user_ids))).all())
    return {user_id: chosen.get(user_id) or chosen_delivery(kind, {}) for user_id in user_ids}


def _set_delivery(user_id: int, kind: NotificationKind, delivery: Delivery) -> None:
    insert = insert_for(db.session.get_bind().dialect.name)
    statement = insert(NotificationPreference).values(user_id=user_id, kind=kind, delivery=delivery)
    db.session.execute(statement.on_conflict_do_update(index_elements=["user_id", "kind"],
                                                       set_={"delivery": statement.excluded.delivery}))


def _set_digest_frequency(user_id: int, frequency: DigestFrequency) -> None:
    insert = insert_for(db.session.get_bind().dialect.name)
    statement = insert(NotificationSettings).values(user_id=user_id, digest_frequency=frequency)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"digest_frequency": statement.excluded.digest_frequency}))


def save_preferences(user: User, choices: dict[NotificationKind, Delivery], frequency: DigestFrequency) -> None:
    """A person's own choices, from the preferences page."""
    for kind, delivery in choices.items():
        if kind in EMAILED_BY_THEIR_SERVICE:
            raise Refused("Invitations are always emailed: they carry the link to accept.")
        _set_delivery(user.id, kind, delivery)
    _set_digest_frequency(user.id, frequency)
    db.session.commit()


# One-click unsubscribe (RFC 8058) -----------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user: User, what: str) -> str:
    """A signed token naming the person and what they stop: a kind's value, or ``"digest"``.
    It does not expire, so an old email's link still works."""
    return _serializer().dumps({"u": user.id, "k": what})


@dataclass(frozen=True)
class Unsubscription:
    user: User
    what: str

    @property
    def description(self) -> str:
        if self.what == DIGEST:
            return "your digest email"
        return f"emails about this: {NotificationKind(self.what).label.lower()}"


def read_unsubscribe_token(token: str) -> Unsubscription:
    """The unsubscription a token stands for; raises ``Refused`` for a forged or unknown one."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise Refused("This unsubscribe link is not valid.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    what = data.get("k") if isinstance(data, dict) else None
    if user is None or not (what == DIGEST or what in {kind.value for kind in NotificationKind}
                            ) or what in EMAILED_BY_THEIR_SERVICE:
        raise Refused("This unsubscribe link is not valid.")
    return Unsubscription(user, what)


def unsubscribe(token: str) -> Unsubscription:
    """Stop the emails a token names: its kind's emails go off (still shown in the app),
    or the digest stops. Doing it twice changes nothing."""
    unsubscription = read_unsubscribe_token(token)
    if unsubscription.what == DIGEST:
        _set_digest_frequency(unsubscription.user.id, DigestFrequency.NEVER)
    else:
        _set_delivery(unsubscription.user.id, NotificationKind(unsubscription.what), Delivery.OFF)
    db.session.commit()
    return unsubscription


def unsubscribe_url(user: User, what: str) -> str:
    return external_url("notifications.unsubscribe", token=unsubscribe_token(user, what))


def unsubscribe_headers(user: User, what: str) -> dict[str, str]:
    """The headers that let a mail client unsubscribe in one click (RFC 2369, RFC 8058)."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(user, what)}>", "List-Unsubscribe-Post": ONE_CLICK}


# Marking read ----------------------------------------------------------------------------

def mark_read(user: User, notification_ids: Iterable[int]) -> None:
    """The person has seen these (only their own are touched)."""
    ids = list(notification_ids)
    if ids:
        db.session.execute(update(Notification).where(
            Notification.user_id == user.id, Notification.id.in_(ids), Notification.read_at.is_(None)
        ).values(read_at=datetime.now(timezone.utc)))
        db.session.commit()


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=datetime.now(timezone.utc)))
    db.session.commit()


# Who is told ------------------------------------------------------------------------------

def people_of(project: Project) -> list[User]:
    """Everyone of the project now: only they are told of its work (a person removed from
    it, or outside it, is told nothing more)."""
    return [membership.user for membership in _memberships(project)]


def speakers_for(project: Project, organisation_id: int) -> list[User]:
    """Who is told that something awaits an organisation's position: its named
    representatives in the project, or its people there while it has none."""
    return [membership.user for membership in _memberships(project)
            if membership.user.organisation_id == organisation_id and policy.speaks_for_organisation(membership)]


def _member_ids(project: Project) -> set[int]:
    return set(db.session.scalars(select(ProjectMembership.user_id).where(ProjectMembership.project_id == project.id)))


def _memberships(project: Project) -> list[ProjectMembership]:
    return list(db.session.scalars(select(ProjectMembership).where(ProjectMembership.project_id == project.id)
                                   .order_by(ProjectMembership.id)))
