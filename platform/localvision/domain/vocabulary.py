"""The product's words: sectors, phases, decision rules, stances, statuses, units.

Each is stored by its value and shown by its label. Nothing here needs the database, so
domain rules and forms can use these words without loading the models.
"""
from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    """An enum stored by its value, with the words people read on the page."""

    label: str

    def __new__(cls, value: str, label: str) -> "LabelledEnum":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Sector(LabelledEnum):
    NHS = "nhs", "NHS / health care"
    PUBLIC_HEALTH = "public_health", "Public health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    FIRE_AND_RESCUE = "fire_and_rescue", "Fire and rescue"
    VOLUNTARY_AND_COMMUNITY = "voluntary_and_community", "Voluntary and community sector"
    UNIVERSITY_AND_RESEARCH = "university_and_research", "University / research"
    HOUSING = "housing", "Housing"
    BUSINESS = "business", "Business"
    RESIDENTS = "residents", "Residents / service users group"


class Phase(LabelledEnum):
    DISCOVER = "discover", "Discover"
    DESIGN = "design", "Design"
    DELIVER = "deliver", "Deliver"
    CLOSED = "closed", "Closed"


class DecisionRule(LabelledEnum):
    CONSENSUS = "consensus", "Consensus: every partner responds and nobody objects"
    CONSENT = "consent", "Consent: nobody objects by the closing date"
    MAJORITY = "majority", "Majority of partner organisations"
    LEAD_DECIDES = "lead_decides", "Lead decides after consultation"


class PartnerRole(LabelledEnum):
    LEAD_PARTNER = "lead_partner", "Lead partner"
    PARTNER = "partner", "Partner"


class PartnerStatus(LabelledEnum):
    """An organisation is invited to a partnership, and a partner once its own people accept."""

    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Partner"


class ProjectRole(LabelledEnum):
    LEAD = "lead", "Project lead"
    MEMBER = "member", "Member"


class DecisionCategory(LabelledEnum):
    COMMISSIONING = "commissioning", "Commissioning"
    POOLED_BUDGET = "pooled_budget", "Pooled budget"
    PILOT = "pilot", "Pilot"
    STAFF_SECONDMENT = "staff_secondment", "Staff secondment"
    GRANT = "grant", "Grant to a local organisation"
    OTHER = "other", "Other"


class DecisionStatus(LabelledEnum):
    OPEN = "open", "Open for positions"
    AGREED = "agreed", "Agreed"
    NOT_AGREED = "not_agreed", "Not agreed"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContributionKind(LabelledEnum):
    CASH = "cash", "Cash"
    STAFF_TIME = "staff_time", "Staff time"
    IN_KIND = "in_kind", "In-kind"


class DecisionStance(LabelledEnum):
    SUPPORT = "support", "Support"
    SUPPORT_WITH_CONCERNS = "support_with_concerns", "Support with concerns"
    STAND_ASIDE = "stand_aside", "Stand aside"
    OBJECT = "object", "Object"


class ActionStatus(LabelledEnum):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Stance(LabelledEnum):
    ENDORSE = "endorse", "Endorse"
    ENDORSE_WITH_RESERVATIONS = "endorse_with_reservations", "Endorse with reservations"
    OBJECT = "object", "Object"

    @property
    def endorses(self) -> bool:
        return self is not Stance.OBJECT


class Unit(LabelledEnum):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    POUNDS = "pounds", "Pounds (£)"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"
    RATE_PER_100000 = "rate_per_100000", "Rate per 100,000"
    DAYS = "days", "Days"
    MINUTES = "minutes", "Minutes"


class Direction(LabelledEnum):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class Frequency(LabelledEnum):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class ImportStatus(LabelledEnum):
    CHECKING = "checking", "Being checked"
    HAS_PROBLEMS = "has_problems", "Has problems"
    READY = "ready", "Ready to import"
    QUEUED = "queued", "Waiting to start"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported"


class OutboxState(LabelledEnum):
    """Where an outgoing email is: waiting, being handed to the mail server, done."""

    QUEUED = "queued", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    HELD = "held", "Kept here (no mail server set)"


class AccountTokenPurpose(LabelledEnum):
    PASSWORD_RESET = "password_reset", "Password reset"
    EMAIL_CHANGE = "email_change", "Email address change"


class NotificationKind(LabelledEnum):
    """What a notification tells a person; each kind has its own preference and unsubscribe.

    The label is how the preferences page names the kind."""

    # Produced from domain events (the fan-out in services/notifications.py).
    DECISION_AWAITS = "decision.awaits", "A decision awaits your organisation's position"
    DECISION_AMENDED = "decision.amended", "An amendment of an agreed decision awaits your organisation's position"
    DECISION_CLOSED = "decision.closed", "A decision is closed, with its outcome"
    DECISION_WITHDRAWN = "decision.withdrawn", "A decision is withdrawn"
    DECISION_REOPENED = "decision.reopened", "A deferred decision is reopened and awaits your organisation again"
    DECISION_DATE_MOVED = "decision.date_moved", "The closing date moves on a decision awaiting your organisation"
    VISION_AWAITS = "vision.awaits", "A new version of the vision awaits your organisation's position"
    VISION_AGREED = "vision.agreed", "The vision is agreed"
    ACTION_GIVEN = "action.given", "An action is given to you"
    INVITED = "invitation.received", "You are invited to a project"
    ORGANISATION_INVITED = "partner.invited", "Your organisation is invited to a project"
    HEALTH_CHECK_OPENED = "health_check.opened", "A health check round opens and asks for your answers"
    HEALTH_CHECK_PUBLISHED = "health_check.published", "A health check's results are published"
    BARRIER_AWAITS_MODERATION = "barrier.awaits_moderation", "A barrier sent by the public awaits moderation"
    BARRIER_ANSWERED = "barrier.answered", "A barrier you raised is answered"
    BARRIER_OWNED = "barrier.owned", "Your organisation is made owner of a barrier"
    # Produced by the clock (reminders and the scheduled checks).
    DECISION_REMINDER = "decision.reminder", "Reminders before a decision closes, while your organisation is silent"
    DECISION_READY_TO_CLOSE = "decision.ready_to_close", "A decision you lead reaches its closing date"
    ACTION_DUE_TOMORROW = "action.due_tomorrow", "An action of yours is due tomorrow"
    ACTION_OVERDUE = "action.overdue", "An action is overdue"
    INDICATOR_STALE = "indicator.stale", "An indicator of your organisation has no recent measurement"
    DECISION_REVIEW_DUE = "decision.review_due", "A decision's review date arrives"


class Delivery(LabelledEnum):
    """How a person hears of one kind of notification (always also on the notifications page)."""

    IMMEDIATELY = "immediately", "Email me straight away"
    DIGEST = "digest", "In my digest email"
    OFF = "off", "No email"


class DigestFrequency(LabelledEnum):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    NEVER = "never", "Never"


class HealthStatement(LabelledEnum):
    """What a health check asks each person to rate, 1 (strongly disagree) to 5 (strongly
    agree). The first six are the NHS culture programme's characteristics of collective
    leadership; the last three are Drath and colleagues' outcomes of leadership, which set
    "what partners say" beside the summary's evidence of "what partners did". Every round
    asks all nine, so rounds compare statement by statement."""

    VISION_AND_VALUES = "vision_and_values", "Everyone understands and embodies the partnership's vision and values"
    OBJECTIVES_AND_DATA = "objectives_and_data", "Everyone has clear objectives and data on performance"
    SUPPORTIVE_APPROACH = "supportive_approach", "The partnership's approach to people is open, supportive and compassionate"
    ENGAGEMENT = "engagement", "People across the partnership are highly engaged"
    LEARNING = "learning", "Learning and quality improvement are embedded in the partnership's work"
    TEAM_WORKING = "team_working", "Good team and inter-team working are standard across organisations"
    DIRECTION = "direction", "Direction: the partners agree on shared goals"
    ALIGNMENT = "alignment", "Alignment: the partners co-ordinate their work and resources"
    COMMITMENT = "commitment", "Commitment: each partner puts the collective interest before its own"

    @property
    def short_label(self) -> str:
        return _SHORT_STATEMENT_LABELS[self.value]

    @property
    def is_outcome(self) -> bool:
        """One of Drath's outcomes (direction, alignment, commitment) rather than a culture characteristic."""
        return self.value in ("direction", "alignment", "commitment")


_SHORT_STATEMENT_LABELS = {
    "vision_and_values": "Vision and values",
    "objectives_and_data": "Objectives and data",
    "supportive_approach": "Supportive approach",
    "engagement": "Engagement",
    "learning": "Learning and improvement",
    "team_working": "Team working",
    "direction": "Direction",
    "alignment": "Alignment",
    "commitment": "Commitment",
}

AGREEMENT_SCALE = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)


class BarrierStatus(LabelledEnum):
    """Where a barrier stands. One sent through the public form waits for a person of the
    project to approve it before anyone outside the project sees it; a rejected one never
    becomes public."""

    AWAITING_MODERATION = "awaiting_moderation", "Awaiting moderation"
    REJECTED = "rejected", "Rejected in moderation"
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    BEING_WORKED = "being_worked", "Being worked on"
    REMOVED = "removed", "Removed"
    WONT_REMOVE = "wont_remove", "Won't remove"

    @property
    def is_public(self) -> bool:
        return self not in (BarrierStatus.AWAITING_MODERATION, BarrierStatus.REJECTED)

    @property
    def is_open(self) -> bool:
        return self in (BarrierStatus.NEW, BarrierStatus.ACCEPTED, BarrierStatus.BEING_WORKED)

    @classmethod
    def triage_choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls if member.is_public]


class BarrierSource(LabelledEnum):
    PROJECT = "project", "Someone in the project"
    PUBLIC = "public", "The public form"


# The phases a lesson is learned in: a closed project's lessons belong to the phase they came from.
LEARNING_PHASES = (Phase.DISCOVER, Phase.DESIGN, Phase.DELIVER)


class EventKind(LabelledEnum):
    """What happened, for programs; the label is the audit trail's words for people."""

    PROJECT_CREATED = "project.created", "created"
    PROJECT_UPDATED = "project.updated", "updated"
    PROJECT_PUBLISHED = "project.published", "published"
    PROJECT_UNPUBLISHED = "project.unpublished", "unpublished"
    PARTNER_ADDED = "partner.added", "added"
    PARTNER_REMOVED = "partner.removed", "removed"
    PARTNER_INVITED = "partner.invited", "invited"
    PARTNER_ACCEPTED = "partner.accepted", "accepted"
    PARTNER_DECLINED = "partner.declined", "declined"
    PARTNER_INVITATION_WITHDRAWN = "partner.invitation_withdrawn", "invitation withdrawn"
    ORGANISATION_DOMAIN_ADDED = "organisation.domain_added", "domain added"
    ORGANISATION_DOMAIN_REMOVED = "organisation.domain_removed", "domain removed"
    PERSON_CONFIRMED = "organisation.person_confirmed", "confirmed"
    ORGANISATION_ADMIN_SET = "organisation.admin_set", "administrator changed"
    MEMBER_ADDED = "member.added", "added"
    MEMBER_JOINED = "member.joined", "joined"
    MEMBER_REMOVED = "member.removed", "removed"
    MEMBER_ROLE_CHANGED = "member.role_changed", "role changed"
    REPRESENTATIVE_NAMED = "member.representative_named", "representative named"
    REPRESENTATIVE_REMOVED = "member.representative_removed", "representative removed"
    INVITATION_SENT = "invitation.sent", "invited"
    DECISION_PROPOSED = "decision.proposed", "proposed"
    AMENDMENT_PROPOSED = "decision.amendment_proposed", "amendment proposed"
    DECISION_UPDATED = "decision.updated", "updated"
    DECISION_CLOSING_DATE_MOVED = "decision.closing_date_moved", "closing date moved"
    DECISION_COMMENTED = "decision.commented", "commented"
    DECISION_COMMENT_EDITED = "decision.comment_edited", "comment edited"
    DECISION_WITHDRAWN = "decision.withdrawn", "withdrawn"
    DECISION_CLOSED = "decision.closed", "closed"
    DECISION_REOPENED = "decision.reopened", "reopened"
    REVIEW_DATE_SET = "decision.review_date_set", "review date set"
    DECISION_REMINDER_SENT = "decision.reminder_sent", "reminder sent"
    POSITION_RECORDED = "decision.position_recorded", "position recorded"
    CONTRIBUTION_ADDED = "decision.contribution_added", "contribution added"
    CONTRIBUTION_REMOVED = "decision.contribution_removed", "contribution removed"
    ACTION_ADDED = "action.added", "action added"
    ACTION_DONE = "action.done", "action done"
    ACTION_DROPPED = "action.dropped", "action dropped"
    VISION_PROPOSED = "vision.proposed", "proposed"
    VISION_POSITION_RECORDED = "vision.position_recorded", "position recorded"
    VISION_COMMENTED = "vision.commented", "commented"
    VISION_AGREED = "vision.agreed", "agreed"
    INDICATOR_CREATED = "indicator.created", "created"
    INDICATOR_UPDATED = "indicator.updated", "updated"
    INDICATOR_LINKED = "indicator.linked", "linked"
    INDICATOR_UNLINKED = "indicator.unlinked", "unlinked"
    INDICATOR_TOLERANCE_SET = "indicator.tolerance_set", "updated"
    MEASUREMENT_ADDED = "measurement.added", "added"
    MEASUREMENT_CORRECTED = "measurement.corrected", "corrected"
    MEASUREMENTS_IMPORTED = "measurement.imported", "imported"
    HEALTH_CHECK_OPENED = "health_check.opened", "health check opened"
    HEALTH_CHECK_CLOSED = "health_check.closed", "health check closed"
    HEALTH_CHECK_PUBLISHED = "health_check.published", "health check published"
    HEALTH_CHECK_UNPUBLISHED = "health_check.unpublished", "health check made private"
    PUBLIC_BARRIERS_SET = "project.public_barriers_set", "public barrier form changed"
    BARRIER_RAISED = "barrier.raised", "barrier raised"
    BARRIER_SUBMITTED = "barrier.submitted", "barrier received from the public"
    BARRIER_APPROVED = "barrier.approved", "barrier approved"
    BARRIER_REJECTED = "barrier.rejected", "barrier rejected"
    BARRIER_TRIAGED = "barrier.triaged", "barrier triaged"
    BARRIER_ANSWERED = "barrier.answered", "barrier answered"
    BARRIER_LINKED = "barrier.linked", "barrier turned into a decision or action"
    LEARNING_ADDED = "learning.added", "lesson added"
    LEARNING_UPDATED = "learning.updated", "lesson changed"
    LEARNING_PUBLISHED = "learning.published", "lesson published"
    LEARNING_UNPUBLISHED = "learning.unpublished", "lesson unpublished"
    ACCOUNT_SIGNED_OUT = "account.signed_out", "signed out everywhere"
    ACCOUNT_PASSWORD_RESET_REQUESTED = "account.password_reset_requested", "password reset requested"
    ACCOUNT_PASSWORD_RESET = "account.password_reset", "password reset"
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", "password changed"
    ACCOUNT_EMAIL_CHANGE_REQUESTED = "account.email_change_requested", "email change requested"
    ACCOUNT_EMAIL_CHANGED = "account.email_changed", "email address changed"
    SUMMARY_TOTALS_REPAIRED = "summary.totals_repaired", "summary totals repaired"
