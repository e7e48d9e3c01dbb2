"""The barrier log: raising a barrier (in the project, or through the public form),
moderating what the public sent, triaging and answering, and turning a barrier into a
joint decision or an action.

Each answer reaches whoever raised the barrier. A public raiser who left an address is
emailed here, through the outbox in the same transaction, and hears back without an
account; a person of the project is told by a notification made from the answer's event
(``notification_events``), so their preferences and unsubscribe apply and nobody is
emailed twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from localvision.domain.barriers import WHAT_NEEDED, WHERE_NEEDED, WHO_NEEDED
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import BarrierSource, BarrierStatus, EventKind
from localvision.extensions import db
from localvision.links import external_url
from localvision.models import Action, Barrier, BarrierAnswer, Decision, Indicator, Project
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.services import actions as action_services
from localvision.services import decisions as decision_services
from localvision.services import events, mail

DETAIL_FIELDS = ("what", "location", "who_affected")
TRIAGE_FIELDS = ("status", "wont_remove_reason")
LABEL_LENGTH = 120


@dataclass(frozen=True)
class BarrierDetails:
    what: str
    location: str
    who_affected: str
    indicator_id: int | None = None


def label(barrier: Barrier) -> str:
    """A barrier's first words, for the audit trail and lists."""
    text = " ".join(barrier.what.split())
    return text if len(text) <= LABEL_LENGTH else text[: LABEL_LENGTH - 1].rstrip() + "…"


def _fill(barrier: Barrier, project: Project, details: BarrierDetails) -> None:
    for field, message in (("what", WHAT_NEEDED), ("location", WHERE_NEEDED), ("who_affected", WHO_NEEDED)):
        if not getattr(details, field).strip():
            raise Refused(message, field=field)
    if details.indicator_id:
        indicator = db.session.get(Indicator, details.indicator_id)
        if indicator is None or indicator.project_id != project.id:
            raise Refused("Choose one of the project's indicators", field="indicator_id")
        barrier.indicator = indicator
    barrier.what, barrier.location = details.what.strip(), details.location.strip()
    barrier.who_affected = details.who_affected.strip()


def set_public_form(context: ProjectContext, enabled: bool) -> Project:
    if not policy.may_set_public_barriers(context):
        raise NotPermitted("Only the project leads can open or close the public form.")
    project = context.project
    if project.accepts_public_barriers != enabled:
        project.accepts_public_barriers = enabled
        events.record(EventKind.PUBLIC_BARRIERS_SET, project, actor=context.actor, project=project, label=project.title,
                      before={"accepts_public_barriers": not enabled}, after={"accepts_public_barriers": enabled})
    db.session.commit()
    return project


def raise_barrier(context: ProjectContext, details: BarrierDetails) -> Barrier:
    """A barrier raised by a person of the project goes straight on the log, as new."""
    if not policy.may_raise_barrier(context):
        raise NotPermitted("Only the people of the project can raise a barrier here.")
    barrier = Barrier(project=context.project, source=BarrierSource.PROJECT, status=BarrierStatus.NEW,
                      raised_by=context.actor)
    _fill(barrier, context.project, details)
    db.session.add(barrier)
    db.session.flush()
    events.record(EventKind.BARRIER_RAISED, barrier, actor=context.actor, project=context.project, label=label(barrier),
                  after=events.snapshot(barrier, (*DETAIL_FIELDS, "status")),
                  payload={"barrier_id": barrier.id, "indicator_id": barrier.indicator_id})
    db.session.commit()
    return barrier


def submit_public_barrier(project: Project, details: BarrierDetails, name: str = "", email: str = "") -> Barrier:
    """A barrier from anyone at all waits, unseen, until a person of the project approves it.
    The name and address, both optional, are kept only to answer the raiser."""
    if not policy.may_raise_public_barrier(project):
        raise NotPermitted("This project does not take barriers from the public.")
    barrier = Barrier(project=project, source=BarrierSource.PUBLIC, status=BarrierStatus.AWAITING_MODERATION,
                      raiser_name=name.strip() or None, raiser_email=email.strip() or None)
    _fill(barrier, project, details)
    db.session.add(barrier)
    db.session.flush()
    # No name or address in the event: the audit trail never shows who the public are.
    events.record(EventKind.BARRIER_SUBMITTED, barrier, actor=None, project=project, label=label(barrier),
                  after=events.snapshot(barrier, (*DETAIL_FIELDS, "status")),
                  payload={"barrier_id": barrier.id, "indicator_id": barrier.indicator_id})
    db.session.commit()
    return barrier


def check_moderation(context: ProjectContext, barrier: Barrier) -> None:
    if not policy.may_moderate_barrier(context):
        raise NotPermitted("Only the people of the project can moderate barriers.")
    if barrier.status != BarrierStatus.AWAITING_MODERATION:
        raise Refused("This barrier has already been moderated.")


def moderate_barrier(context: ProjectContext, barrier: Barrier, approve: bool) -> Barrier:
    """Approved, it joins the log as new and the public may read it; rejected, it stays
    out of sight for good."""
    check_moderation(context, barrier)
    barrier.status = BarrierStatus.NEW if approve else BarrierStatus.REJECTED
    barrier.moderated_by = context.actor
    barrier.moderated_at = datetime.now(timezone.utc)
    events.record(EventKind.BARRIER_APPROVED if approve else EventKind.BARRIER_REJECTED, barrier, actor=context.actor,
                  project=context.project, label=label(barrier),
                  before={"status": BarrierStatus.AWAITING_MODERATION.value}, after={"status": barrier.status.value},
                  payload={"barrier_id": barrier.id})
    db.session.commit()
    return barrier


def check_triage(context: ProjectContext, barrier: Barrier) -> None:
    if not policy.may_triage_barrier(context):
        raise NotPermitted("Only the project leads and the people of its partner organisations can triage barriers.")
    if not barrier.status.is_public:
        raise Refused("Approve the barrier before triaging it.")


def _owner(context: ProjectContext, organisation_id: int | None):  # type: ignore[no-untyped-def]
    if not organisation_id:
        return None
    partner = next((p for p in context.project.partners if p.organisation_id == organisation_id), None)
    if partner is None:
        raise Refused("Choose a partner organisation to own the barrier", field="owner_organisation_id")
    return partner.organisation


def triage_barrier(context: ProjectContext, barrier: Barrier, *, owner_organisation_id: int | None,
                   status: BarrierStatus, answer: str = "", reason: str = "") -> Barrier:
    """Set the owner and status, and answer publicly. Won't remove needs its reason; an
    answer goes on the barrier's public page and to whoever raised it."""
    check_triage(context, barrier)
    if not status.is_public:
        raise Refused("Choose a status from the list", field="status")
    if status == BarrierStatus.WONT_REMOVE and not reason.strip():
        raise Refused("Give the reason the barrier will not be removed", field="reason")
    owner = _owner(context, owner_organisation_id)
    before = {**events.snapshot(barrier, TRIAGE_FIELDS),
              "owner_organisation": barrier.owner_organisation.name if barrier.owner_organisation else None}
    barrier.owner_organisation = owner
    barrier.status = status
    barrier.wont_remove_reason = (reason.strip() or None) if status == BarrierStatus.WONT_REMOVE else None
    if status == BarrierStatus.REMOVED:
        barrier.removed_at = barrier.removed_at or datetime.now(timezone.utc)
    else:
        barrier.removed_at = None
    after = {**events.snapshot(barrier, TRIAGE_FIELDS), "owner_organisation": owner.name if owner else None}
    before, after = events.changed_fields(before, after)
    answer = answer.strip()
    if not after and not answer:
        raise Refused("Change the owner or the status, or write an answer", field="answer")
    if after:
        events.record(EventKind.BARRIER_TRIAGED, barrier, actor=context.actor, project=context.project,
                      label=label(barrier), before=before, after=after,
                      payload={"barrier_id": barrier.id, "status": status,
                               "organisation_id": owner.id if owner else None})
    if answer:
        _answer(context, barrier, answer)
    db.session.commit()
    return barrier


def _answer(context: ProjectContext, barrier: Barrier, text: str) -> None:
    organisation = policy.partner_organisation(context) or context.actor.organisation
    reply = BarrierAnswer(barrier=barrier, text=text, status=barrier.status, author=context.actor,
                          organisation=organisation)
    db.session.add(reply)
    db.session.flush()
    events.record(EventKind.BARRIER_ANSWERED, barrier, actor=context.actor, project=context.project,
                  label=label(barrier), after={"answer": text, "status": barrier.status.value},
                  payload={"barrier_id": barrier.id, "answer_id": reply.id, "organisation_id": organisation.id,
                           "status": barrier.status})
    _tell_public_raiser(barrier, organisation, text)


def _tell_public_raiser(barrier: Barrier, organisation, text: str) -> None:  # type: ignore[no-untyped-def]
    if barrier.raised_by is not None or not barrier.raiser_email:
        return  # a person of the project hears through their notifications
    # A public raiser can follow the link only while the project is published.
    link = (external_url("barriers.show", slug=barrier.project.slug, barrier_id=barrier.id)
            if barrier.project.is_published else None)
    mail.queue_message(to=barrier.raiser_email, template="barrier_answered", kind="barrier.answered",
                       context={"name": barrier.raiser_name or "", "project": barrier.project, "barrier": barrier,
                                "organisation": organisation, "answer": text, "link": link})


def _link(context: ProjectContext, barrier: Barrier, decision: Decision, action: Action | None = None) -> None:
    barrier.decision = barrier.decision or decision
    if action is not None:
        barrier.action = action
    events.record(EventKind.BARRIER_LINKED, barrier, actor=context.actor, project=context.project, label=label(barrier),
                  payload={"barrier_id": barrier.id, "decision_id": decision.id,
                           "action_id": action.id if action is not None else None})


def turn_into_decision(context: ProjectContext, barrier: Barrier,
                       details: decision_services.DecisionDetails) -> Decision:
    """Propose a joint decision about the barrier; the barrier keeps the link to it."""
    check_triage(context, barrier)
    decision = decision_services.stage_proposal(context, details)
    _link(context, barrier, decision)
    db.session.commit()
    return decision


def turn_into_action(context: ProjectContext, barrier: Barrier, decision_id: int, title: str, owner_id: int,
                     due_on: date) -> Action:
    """Give a decision of the project a follow-up action about the barrier; the barrier
    keeps the link to the action and its decision."""
    check_triage(context, barrier)
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.project_id != context.project.id:
        raise Refused("Choose one of the project's decisions", field="decision_id")
    action = action_services.stage_action(context, decision, title, owner_id, due_on)
    _link(context, barrier, decision, action)
    db.session.commit()
    return action
