"""The documents of the open data API, each declared once as a typed model.

Pydantic (v2) because one model gives both halves of the contract: the JSON a route sends
(`model_dump(mode="json")`) and the JSON Schema 2020-12 that OpenAPI 3.1 components are
(`models_json_schema`), with no plugin between them (marshmallow needs apispec, which
speaks OpenAPI 3.0's `nullable` rather than 3.1's null type).

Every document forbids unknown fields, so a builder that adds a field without declaring
it fails at once rather than publishing something undocumented.
"""
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from localvision.domain.vocabulary import (
    BarrierSource,
    BarrierStatus,
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
    Direction,
    Frequency,
    HealthStatement,
    PartnerRole,
    Phase,
    Sector,
    Stance,
    Unit,
)
from localvision.web.exact_values import measured


def _utc_isoformat(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive UTC datetimes
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def _endorses(stance: Stance) -> Stance:
    if not stance.endorses:
        raise ValueError("only endorsements are published")
    return stance


# Pounds as an exact decimal string: JSON numbers would pass through floats.
Money = Annotated[Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
                  WithJsonSchema({"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Pounds, exact to the penny"})]
Measured = Annotated[Decimal, PlainSerializer(measured, return_type=str),
                     WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$",
                                     "description": "A decimal number, exactly as measured"})]
Timestamp = Annotated[datetime, PlainSerializer(_utc_isoformat, return_type=str),
                      WithJsonSchema({"type": "string", "format": "date-time"})]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
Count = Annotated[int, Field(ge=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]
Share = Annotated[Fraction | None,
                  Field(description="A fraction from 0 to 1; null when there is nothing to take a share of")]
EndorsingStance = Annotated[Stance, AfterValidator(_endorses),
                            WithJsonSchema({"type": "string", "enum": [stance.value for stance in Stance if stance.endorses]})]


def _open_to_additions(schema: dict[str, Any]) -> None:
    # Unknown fields are refused when a document is built, but a later release may add
    # some: the published schema does not ask clients to reject them.
    del schema["additionalProperties"]


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_open_to_additions)


class Error(Document):
    """What every error (400, 404, 405) answers with."""

    error: str
    message: str


class Licence(Document):
    name: str
    url: Url


class Index(Document):
    name: str
    version: str
    links: dict[str, Url]
    licence: Licence


class ProjectLinks(Document):
    self: Url
    html: Url
    partners: Url
    vision: Url
    decisions: Url
    indicators: Url


class ProjectListing(Document):
    slug: str
    title: str
    place: str
    theme: str
    summary: str
    phase: Phase
    decision_rule: DecisionRule
    is_demonstration: bool = Field(description="Illustrative data, not a real partnership's record")
    links: ProjectLinks


class Partner(Document):
    organisation_id: int
    name: str
    sector: Sector
    sector_label: str
    role: PartnerRole
    website: str | None


class Endorsement(Document):
    organisation_id: int
    name: str
    stance: EndorsingStance


class Vision(Document):
    """The version of the shared vision every partner endorses; null until they agree one"""

    version: int = Field(ge=1)
    text: str = Field(description="Markdown")
    agreed_since: Timestamp | None
    endorsements: list[Endorsement]


class Project(ProjectListing):
    partners: list[Partner]
    vision: Vision | None
    licence: Licence


class PartnerList(Document):
    data: list[Partner]
    licence: Licence


class VisionDocument(Document):
    data: Vision | None
    licence: Licence


class PageMeta(Document):
    page: int = Field(ge=1)
    per_page: int = Field(ge=1)
    total: Count
    pages: Count


class PageLinks(Document):
    self: Url
    first: Url
    last: Url
    prev: Url | None
    next: Url | None


class Page(Document):
    meta: PageMeta
    links: PageLinks
    licence: Licence


class ProjectList(Page):
    data: list[ProjectListing]


class Organisation(Document):
    organisation_id: int
    name: str
    sector: Sector


class Recipient(Document):
    name: str
    charity_number: str | None
    company_number: str | None


# A new kind of contribution fails to build here until it is added: it cannot slip out undocumented.
class MoneyByKind(Document):
    cash: Money
    staff_time: Money
    in_kind: Money


class Contribution(Organisation):
    kind: ContributionKind
    amount: Money
    hours: Money | None
    hourly_cost: Money | None
    description: str


class Position(Organisation):
    stance: DecisionStance
    reasons: str | None
    recorded_at: Timestamp
    counted: bool = Field(description="Whether the decision's rule counts this organisation: a partner when the "
                                      "decision opened or one that joined while it was open, even if removed since")


class HtmlLink(Document):
    html: Url


class Decision(Document):
    """A joint decision. For a commercially sensitive one, rationale, by_kind and contributions
    are null: only its total is public."""

    id: int
    title: str
    category: DecisionCategory
    status: DecisionStatus
    proposed_by: Organisation
    opens_on: date
    closes_on: date
    closed_at: Timestamp | None
    decision_rule: DecisionRule = Field(description="The rule the decision is decided under: the project's rule "
                                                    "when the decision opened, whatever the project's rule is now")
    outcome_reason: str | None = Field(description="Why it closed as it did: the rule's explanation, or the lead's "
                                                   "reason where the lead decides")
    partners_counted: Count = Field(description="How many organisations the decision's rule counts")
    partners_responded: Count = Field(description="How many of them have recorded a position")
    amends: int | None = Field(description="The decision this one amends")
    recipient: Recipient | None
    commercially_sensitive: bool
    rationale: str | None
    total: Money
    by_kind: MoneyByKind | None
    contributions: list[Contribution] | None
    positions: list[Position] = Field(description="Each organisation's current position, beside the outcome")
    links: HtmlLink


class DecisionList(Page):
    data: list[Decision]


class Dated(Document):
    value: Measured | None
    date: date | None


class Measurement(Document):
    period: date
    value: Measured
    source: str
    note: str


class Indicator(Document):
    id: int
    name: str
    description: str
    unit: Unit
    decimal_places: Count
    direction: Direction
    frequency: Frequency
    source: str
    owner: Organisation
    baseline: Dated
    target: Dated
    measurements: list[Measurement] = Field(description="Current values, oldest period first")
    links: HtmlLink


class IndicatorList(Document):
    data: list[Indicator]
    licence: Licence


class Amounts(MoneyByKind):
    total: Money
    share: Share


class ActivityCounts(Document):
    decisions_cofunded: Count
    decisions_proposed: Count
    actions_owned: Count
    actions_done: Count
    actions_overdue: Count


class OrganisationFigures(ActivityCounts):
    id: int
    name: str
    sector: Sector
    is_partner: bool
    amounts: Amounts
    positions_recorded: Count
    could_respond: Count
    response_share: Share


class SectorFigures(ActivityCounts):
    sector: Sector
    label: str
    organisations: Count
    partners: Count
    amounts: Amounts


class SectorPair(Document):
    sectors: list[Sector] = Field(min_length=2, max_length=2)
    decisions: int = Field(ge=1)
    amount: Money = Field(description="The whole value of those decisions")


class EvennessValues(Document):
    contributions_by_organisation: Fraction | None
    contributions_by_sector: Fraction | None
    proposals_by_organisation: Fraction | None
    proposals_by_sector: Fraction | None


class EvennessFigures(EvennessValues):
    measure: str
    one_minus_gini: EvennessValues | None = Field(
        None, description="The same spreads as 1 − the Gini coefficient; absent from summaries computed before it was added")


class VisionFigures(Document):
    has_vision: bool
    agreed: bool
    endorsing: Count
    endorsing_share: Share


class IndicatorAim(Document):
    id: int
    name: str
    status: Literal["on_track", "at_risk", "off_track", "no_recent_data", "no_data"]
    decisions: Count
    amount: Money


class IndicatorFigures(Document):
    total: Count
    on_track: Count
    at_risk: Count
    off_track: Count
    no_recent_data: Count = Field(0, description="Indicators whose latest figure is two periods old or older")
    no_data: Count
    linked_decisions: Count
    linked_decision_share: Share
    aimed_at: list[IndicatorAim]


class SummaryFigures(Document):
    """Contributions count once their decision is agreed. Every figure comes from the disclosed
    decisions alone; the money of commercially sensitive decisions is undisclosed_total, counted
    in no other figure, so none can be subtracted from another to find who put it in."""

    totals: Amounts
    undisclosed_total: Money = Field(description="Put into agreed commercially sensitive decisions: "
                                                 "not broken down, and not in totals")
    organisations: list[OrganisationFigures]
    sectors: list[SectorFigures]
    agreed_decisions: Count
    funded_decisions: Count = Field(description="Agreed decisions with at least one contribution")
    cross_sector_decisions: Count = Field(description="Agreed decisions funded by two or more sectors")
    cross_sector_share: Share
    sector_pairs: list[SectorPair]
    evenness: EvennessFigures
    partners: Count
    contributing_partners: Count
    contributing_partner_share: Share
    vision: VisionFigures
    indicators: IndicatorFigures


class ContributionSummary(Document):
    computed_at: Timestamp | None
    pending: bool = Field(description="A recompute is waiting: newer changes are not in yet")
    figures: SummaryFigures | None


class ContributionSummaryDocument(Document):
    data: ContributionSummary
    licence: Licence


# The partnership health check ------------------------------------------------------------

Statement = Annotated[str, WithJsonSchema({"type": "string", "enum": [statement.value for statement in HealthStatement],
                                           "description": "A health check statement"})]
Rating = Annotated[float, Field(ge=1, le=5)]


class StatementFigures(Document):
    statement: Statement
    answers: int = Field(ge=3, description="Never fewer than the minimum: smaller groups are merged")
    mean: Rating = Field(description="Mean agreement, 1 (strongly disagree) to 5 (strongly agree)")
    counts: list[Count] = Field(min_length=5, max_length=5, description="How many gave each rating, 1 to 5")
    agreeing_share: Fraction = Field(description="The share rating 4 or 5")


class HealthCheckGroup(Document):
    group: Literal["organisation", "other_partners", "sector", "other_sectors"]
    name: str
    sector: Sector | None = Field(description="The sector of a sector group; null for organisations and merged groups")
    answers: int = Field(ge=3)
    statements: list[StatementFigures]


class StatementChange(Document):
    statement: Statement
    previous_mean: Rating
    difference: float = Field(ge=-4, le=4, description="This round's mean minus the last round's")
    p_value: Fraction = Field(description="Two-sided permutation test of the difference in means")
    adjusted_p_value: Fraction = Field(description="The p-value after Holm's adjustment across the statements")
    more_than_noise: bool = Field(description="Whether the adjusted p-value is below 0.05")


class HealthCheckRound(Document):
    id: int
    title: str
    opens_on: date
    closes_on: date
    computed_at: Timestamp
    answers: Count
    minimum_answers: int = Field(description="The smallest group any figure is given for")
    suppressed: bool = Field(description="Too few answers in all: no figures are given")
    overall: list[StatementFigures]
    by_organisation: list[HealthCheckGroup]
    by_sector: list[HealthCheckGroup]
    compared_with: int | None = Field(description="The id of the last round, when change is given")
    changes: list[StatementChange]
    method: str = Field(description="How change since the last round is tested, in plain words")
    anonymity: str = Field(description="How answers stay anonymous, in plain words")


class HealthCheckList(Document):
    data: list[HealthCheckRound]
    licence: Licence


PublicBarrierStatus = Annotated[BarrierStatus, WithJsonSchema(
    {"type": "string", "enum": [status.value for status in BarrierStatus if status.is_public]})]
LearningPhase = Annotated[Phase, WithJsonSchema({"type": "string", "enum": ["discover", "design", "deliver"]})]


class BarrierAnswer(Document):
    text: str
    status: PublicBarrierStatus = Field(description="The status the answer left the barrier in")
    answered_by: Organisation
    answered_at: Timestamp


class Barrier(Document):
    """A barrier the partnership's people approved for the log. Who raised it is never published."""

    id: int
    what: str
    location: str
    who_affected: str
    raised_through: BarrierSource
    raised_at: Timestamp
    status: PublicBarrierStatus
    owner: Organisation | None
    indicator: str | None = Field(description="The name of the outcome indicator it holds back")
    wont_remove_reason: str | None
    first_answered_at: Timestamp | None
    removed_at: Timestamp | None
    decision: int | None = Field(description="The joint decision it was turned into")
    answers: list[BarrierAnswer]
    links: HtmlLink


class BarrierList(Document):
    data: list[Barrier]
    licence: Licence


class Lesson(Document):
    """A lesson the partnership published: what it tried, what happened, what it would do differently."""

    id: int
    project: str = Field(description="The slug of the project that learned it")
    phase: LearningPhase
    title: str
    tried: str
    happened: str
    differently: str
    decisions: list[int] = Field(description="The joint decisions it is about")
    indicators: list[str] = Field(description="The names of the outcome indicators it is about")
    published_at: Timestamp | None
    links: HtmlLink


class LessonList(Document):
    data: list[Lesson]
    licence: Licence


class LessonSearchResults(Page):
    data: list[Lesson]
