"""Joint decisions: what partners propose, what each puts in and where each stands."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Text,
    false,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from localvision.domain.decisions import Outcome, counted_organisations, outcome
from localvision.domain.markdown_text import render_markdown
from localvision.domain.vocabulary import (
    ContributionKind,
    DecisionCategory,
    DecisionRule,
    DecisionStance,
    DecisionStatus,
)
from localvision.models.base import (
    Base,
    UtcDateTime,
    created_at_column,
    enum_column,
    markdown_html_column,
    updated_at_column,
)

if TYPE_CHECKING:
    from localvision.models.accounts import User
    from localvision.models.actions import Action
    from localvision.models.organisations import Organisation
    from localvision.models.projects import Project

# The largest single contribution accepted: far above any local partnership's budget,
# low enough that a slipped key (an extra six zeros) is caught.
MAXIMUM_CONTRIBUTION = Decimal("1000000000.00")


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        # The running count of a project's decisions by status, and the decisions closed
        # before a partner joined, are counted from these indexes alone.
        Index("ix_decisions_project_id_status", "project_id", "status"),
        Index("ix_decisions_project_id_closed_at", "project_id", "closed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(Text, default="")
    rationale_html: Mapped[str] = markdown_html_column()
    category: Mapped[DecisionCategory] = enum_column(DecisionCategory)
    proposer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposing_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    recipient_charity_number: Mapped[str | None] = mapped_column(String(20))
    recipient_company_number: Mapped[str | None] = mapped_column(String(20))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    status: Mapped[DecisionStatus] = enum_column(DecisionStatus, default=DecisionStatus.OPEN, index=True)
    # The rule in force when the decision opened: a later change of the project's rule
    # applies to decisions opened afterwards, never to this one.
    decision_rule: Mapped[DecisionRule] = enum_column(DecisionRule)
    is_commercially_sensitive: Mapped[bool] = mapped_column(Boolean, server_default=false(), default=False)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    review_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    # When a lead last reminded the silent partners: once a day at most.
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    @hybrid_property
    def is_disclosed(self) -> bool:
        """Whether people outside the project may learn who funded it, with what, and why:
        not when it is commercially sensitive. Its title, proposer, positions and total are
        public either way. The one statement of the rule, in Python and in SQL."""
        return not self.is_commercially_sensitive

    @is_disclosed.inplace.expression
    @classmethod
    def _is_disclosed_expression(cls) -> ColumnElement[bool]:
        return cls.is_commercially_sensitive.is_(False)

    project: Mapped["Project"] = relationship()
    proposer: Mapped["User"] = relationship(foreign_keys=[proposer_id], lazy="selectin")
    proposing_organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    closed_by: Mapped["User | None"] = relationship(foreign_keys=[closed_by_id])
    amends: Mapped["Decision | None"] = relationship(remote_side=[id], back_populates="amendments")
    amendments: Mapped[list["Decision"]] = relationship(back_populates="amends", order_by="Decision.id")
    contributions: Mapped[list["Contribution"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Contribution.id"
    )
    positions: Mapped[list["Position"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Position.id"
    )
    counted: Mapped[list["CountedPartner"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", lazy="selectin"
    )
    comments: Mapped[list["DecisionComment"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionComment.id"
    )
    actions: Mapped[list["Action"]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="Action.due_on, Action.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.OPEN

    @validates("rationale")
    def _render_rationale(self, _key: str, text: str) -> str:
        self.rationale_html = render_markdown(text)
        return text

    @validates("project")
    def _opens_in(self, _key: str, project: "Project") -> "Project":
        """However a decision is made, it opens under its project's rule then, counting the
        partners of that moment."""
        if self.decision_rule is None:
            # A project not saved yet has no rule until its column default applies.
            self.decision_rule = project.decision_rule or DecisionRule.CONSENSUS
        if not self.counted:
            self.counted = [CountedPartner(organisation=p.organisation) for p in project.partners]
        return project

    @property
    def counted_organisation_ids(self) -> set[int]:
        """The organisations whose positions the rule counts (``domain.decisions.counted_organisations``)."""
        return counted_organisations({counted.organisation_id for counted in self.counted},
                                     {partner.organisation_id for partner in self.project.partners},
                                     {position.organisation_id for position in self.positions}, self.is_open)

    def current_positions(self) -> dict[int, "Position"]:
        """Each organisation's latest position: earlier ones are its history."""
        latest: dict[int, Position] = {}
        for position in sorted(self.positions, key=lambda p: p.id):
            latest[position.organisation_id] = position
        return latest

    def rule_outcome(self, today: date) -> Outcome:
        """What the decision's own rule says of the positions of the organisations it counts today."""
        stances = {org: position.stance for org, position in self.current_positions().items()}
        return outcome(self.decision_rule, self.counted_organisation_ids, stances, self.closes_on, today)

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.title!r}>"


class Contribution(Base):
    __tablename__ = "contributions"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(f"amount <= {MAXIMUM_CONTRIBUTION}", name="amount_within_reason"),
        CheckConstraint("kind <> 'staff_time' OR (hours > 0 AND hourly_cost > 0)", name="staff_time_valued"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[ContributionKind] = enum_column(ContributionKind)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    hourly_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    description: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = created_at_column()

    decision: Mapped[Decision] = relationship(back_populates="contributions")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    recorded_by: Mapped["User"] = relationship(lazy="selectin")


class Position(Base):
    """One organisation's stance at one moment. A change adds a row that replaces the
    previous one: the history stays, and each organisation's first position on a decision
    is the one that replaces nothing."""

    __tablename__ = "positions"
    __table_args__ = (
        Index("ix_positions_decision_id_organisation_id", "decision_id", "organisation_id"),
        # One first position per organisation and decision: counting them counts responses.
        Index("uq_positions_first_response", "decision_id", "organisation_id", unique=True,
              postgresql_where=text("replaces_id IS NULL"), sqlite_where=text("replaces_id IS NULL")),
        # A position is replaced once: two people changing it at the same moment cannot both win.
        Index("uq_positions_replaces_id", "replaces_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    stance: Mapped[DecisionStance] = enum_column(DecisionStance)
    reasons: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = created_at_column()
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))

    decision: Mapped[Decision] = relationship(back_populates="positions")
    replaces: Mapped["Position | None"] = relationship(remote_side=[id])
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    recorded_by: Mapped["User"] = relationship(lazy="selectin")


class CountedPartner(Base):
    """An organisation whose position a decision's rule counts: a partner when the decision
    opened, or one that joined while it was open. Removing the partner later keeps the row,
    so its recorded position still counts."""

    __tablename__ = "decision_counted_partners"
    __table_args__ = (PrimaryKeyConstraint("decision_id", "organisation_id"),)

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    decision: Mapped[Decision] = relationship(back_populates="counted")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")


class DecisionComment(Base):
    """A comment in a decision's discussion, or a reply to one. Its author may correct it
    for a short while; every earlier wording stays as a revision."""

    __tablename__ = "decision_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("decision_comments.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = markdown_html_column()
    created_at: Mapped[datetime] = created_at_column()
    edited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    decision: Mapped[Decision] = relationship(back_populates="comments")
    author: Mapped["User"] = relationship(lazy="selectin")
    organisation: Mapped["Organisation"] = relationship(lazy="selectin")
    reply_to: Mapped["DecisionComment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["DecisionComment"]] = relationship(back_populates="reply_to", order_by="DecisionComment.id")
    revisions: Mapped[list["DecisionCommentRevision"]] = relationship(
        back_populates="comment", cascade="all, delete-orphan", order_by="DecisionCommentRevision.id"
    )

    @validates("text")
    def _render_text(self, _key: str, text: str) -> str:
        self.text_html = render_markdown(text)
        return text


class DecisionCommentRevision(Base):
    """A comment's wording before an edit."""

    __tablename__ = "decision_comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("decision_comments.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = markdown_html_column()
    written_at: Mapped[datetime] = mapped_column(UtcDateTime())

    comment: Mapped[DecisionComment] = relationship(back_populates="revisions")

    @validates("text")
    def _render_text(self, _key: str, text: str) -> str:
        self.text_html = render_markdown(text)
        return text
