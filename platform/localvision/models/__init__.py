"""All models, importable from one place (Alembic and the app need every table)."""
from localvision.models.accounts import AccountToken, Invitation, User
from localvision.models.actions import Action
from localvision.models.audit import AuditEvent
from localvision.models.barriers import Barrier, BarrierAnswer
from localvision.models.base import Base
from localvision.models.decisions import (
    Contribution,
    CountedPartner,
    Decision,
    DecisionComment,
    DecisionCommentRevision,
    Position,
)
from localvision.models.digests import DigestSent
from localvision.models.health_checks import (
    HealthCheckAnswer,
    HealthCheckRespondent,
    HealthCheckResult,
    HealthCheckRound,
)
from localvision.models.indicators import DecisionIndicator, Indicator, Measurement, MeasurementRevision
from localvision.models.learning import LearningEntry
from localvision.models.measurement_imports import MeasurementImport
from localvision.models.notifications import (
    Notification,
    NotificationPreference,
    NotificationSettings,
    NotifiedEvent,
)
from localvision.models.organisations import Organisation, OrganisationDomain
from localvision.models.outbox import OutboxMessage
from localvision.models.projects import Project, ProjectMembership, ProjectPartner
from localvision.models.summaries import (
    DecisionTotal,
    IndicatorTotal,
    OrganisationTotal,
    PlatformSummary,
    ProjectSummary,
    ProjectTotal,
    SectorSetTotal,
)
from localvision.models.vision import VisionComment, VisionPosition, VisionVersion

__all__ = [
    "AccountToken",
    "Action",
    "AuditEvent",
    "Barrier",
    "BarrierAnswer",
    "Base",
    "Contribution",
    "CountedPartner",
    "Decision",
    "DecisionComment",
    "DecisionCommentRevision",
    "DecisionIndicator",
    "DecisionTotal",
    "DigestSent",
    "HealthCheckAnswer",
    "HealthCheckRespondent",
    "HealthCheckResult",
    "HealthCheckRound",
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
    "PlatformSummary",
    "Position",
    "Project",
    "ProjectMembership",
    "ProjectPartner",
    "ProjectSummary",
    "User",
    "VisionComment",
    "VisionPosition",
    "VisionVersion",
]
