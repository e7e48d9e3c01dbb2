"""All models, importable from one place (Alembic and the app need every table)."""
from localvision.models.accounts import AccountToken, Invitation, User
from localvision.models.actions import Action, ActionStatus
from localvision.models.audit import AuditEvent
from localvision.models.barriers import Barrier, BarrierAnswer
from localvision.models.base import Base
from localvision.models.decisions import (
    Contribution,
    ContributionKind,
    CountedPartner,
    Decision,
    DecisionCategory,
    DecisionComment,
    DecisionCommentRevision,
    DecisionStance,
    DecisionStatus,
    Position,
)
from localvision.models.health_checks import HealthCheckAnswer, HealthCheckRespondent, HealthCheckResult, HealthCheckRound
from localvision.models.digests import DigestSent
from localvision.models.indicators import (
    DecisionIndicator,
    Direction,
    Frequency,
    Indicator,
    Measurement,
    MeasurementRevision,
    Unit,
)
from localvision.models.learning import LearningEntry
from localvision.models.measurement_imports import ImportStatus, MeasurementImport
from localvision.models.notifications import (
    Notification,
    NotificationPreference,
    NotificationSettings,
    NotifiedEvent,
)
from localvision.models.organisations import Organisation, OrganisationDomain, Sector
from localvision.models.outbox import OutboxMessage, OutboxState
from localvision.models.projects import (
    DecisionRule,
    PartnerRole,
    PartnerStatus,
    Phase,
    Project,
    ProjectMembership,
    ProjectPartner,
    ProjectRole,
)
from localvision.models.summaries import (
    DecisionTotal,
    IndicatorTotal,
    OrganisationTotal,
    PlatformSummary,
    ProjectSummary,
    ProjectTotal,
    SectorSetTotal,
)
from localvision.models.vision import Stance, VisionComment, VisionPosition, VisionVersion

__all__ = [
    "AccountToken",
    "Action",
    "ActionStatus",
    "AuditEvent",
    "Barrier",
    "BarrierAnswer",
    "Base",
    "Contribution",
    "ContributionKind",
    "CountedPartner",
    "Decision",
    "DecisionCategory",
    "DecisionComment",
    "DecisionCommentRevision",
    "DecisionIndicator",
    "DecisionRule",
    "DecisionStance",
    "DecisionStatus",
    "DecisionTotal",
    "DigestSent",
    "Direction",
    "Frequency",
    "HealthCheckAnswer",
    "HealthCheckRespondent",
    "HealthCheckResult",
    "HealthCheckRound",
    "ImportStatus",
    "Indicator",
    "Invitation",
    "LearningEntry",
    "Measurement",
    "MeasurementImport",
    "MeasurementRevision",
    "Notification",
    "NotificationPreference",
    "NotificationSettings",
    "NotifiedEvent",
    "Organisation",
    "OrganisationDomain",
    "IndicatorTotal",
    "OrganisationTotal",
    "ProjectTotal",
    "SectorSetTotal",
    "OutboxMessage",
    "OutboxState",
    "PartnerRole",
    "PartnerStatus",
    "Phase",
    "PlatformSummary",
    "Position",
    "Project",
    "ProjectMembership",
    "ProjectPartner",
    "ProjectRole",
    "ProjectSummary",
    "Sector",
    "Stance",
    "Unit",
    "User",
    "VisionComment",
    "VisionPosition",
    "VisionVersion",
]
