"""Notification rules that need no database: default deliveries and dedupe keys."""
from __future__ import annotations

from localvision.domain.vocabulary import Delivery, DigestFrequency, NotificationKind

# What must be acted on comes at once; what is only worth knowing waits for the digest.
# Nothing is off by default: a partner who never hears of a decision cannot respond.
DEFAULT_DELIVERY: dict[NotificationKind, Delivery] = {
    kind: Delivery.IMMEDIATELY for kind in NotificationKind
} | {
    NotificationKind.DECISION_WITHDRAWN: Delivery.DIGEST,
    NotificationKind.VISION_AGREED: Delivery.DIGEST,
    NotificationKind.INDICATOR_STALE: Delivery.DIGEST,
    NotificationKind.HEALTH_CHECK_PUBLISHED: Delivery.DIGEST,
}

DEFAULT_DIGEST_FREQUENCY = DigestFrequency.WEEKLY

# The invitation's own email (sent by the invitation service, with its one-time link) is
# the email for these kinds, so the fan-out never emails them and they have no preference.
EMAILED_BY_THEIR_SERVICE = frozenset({NotificationKind.INVITED, NotificationKind.ORGANISATION_INVITED})

# These ask an organisation for its position on a decision: once the organisation has
# one, whoever recorded it, each of them is done for all its people.
ANSWERED_BY_A_POSITION = frozenset({
    NotificationKind.DECISION_AWAITS, NotificationKind.DECISION_AMENDED, NotificationKind.DECISION_REOPENED,
    NotificationKind.DECISION_DATE_MOVED, NotificationKind.DECISION_REMINDER,
})

# Unsubscribe tokens name a kind, or this word for the digest email itself.
DIGEST = "digest"


def chosen_delivery(kind: NotificationKind, choices: dict[NotificationKind, Delivery]) -> Delivery:
    """A person's delivery for a kind: their own choice, else the default."""
    return choices.get(kind, DEFAULT_DELIVERY[kind])


def event_key(event_id: int) -> str:
    """The dedupe key of a notification produced from one domain event."""
    return f"event:{event_id}"


def occasion_key(kind: NotificationKind, object_type: str, object_id: int, occasion: str) -> str:
    """The dedupe key of a notification produced by the clock: one per kind, thing and
    occasion (e.g. ``"2026-12-01:lead-time"``), so a rerun of the same day's check tells nobody twice."""
    return f"{kind.value}:{object_type}:{object_id}:{occasion}"
