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

    @property
    def needs_reasons(self) -> bool:
        return self in (DecisionStance.SUPPORT_WITH_CONCERNS, DecisionStance.OBJECT)


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
