"""Demonstration barrier and learning logs, illustrative like every demo figure.

Merton's are its feedback loops: front-line staff, through Healthwatch listening events
and the council's own teams, raise what gets in their way, and the senior group answers.
Plymouth opens its public form, so one barrier from the public waits for moderation.
Dates are relative to the day the demo is loaded, so ages and times stay meaningful.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from localvision.domain.vocabulary import BarrierSource, BarrierStatus, EventKind, Phase
from localvision.extensions import db
from localvision.models import Barrier, BarrierAnswer, Decision, Indicator, LearningEntry, Project, User
from localvision.services import events
from localvision.services.barriers import label

PLYMOUTH, MERTON = "street-drinking-plymouth", "co-production-merton"


@dataclass(frozen=True)
class DemoAnswer:
    days_after: int  # days after the barrier was raised
    person: str
    status: BarrierStatus
    text: str


@dataclass(frozen=True)
class DemoBarrier:
    project: str
    what: str
    location: str
    who_affected: str
    raised_days_ago: int
    raised_by: str | None  # a demo person's key; None: through the public form
    status: BarrierStatus
    owner: str | None = None
    answers: tuple[DemoAnswer, ...] = ()
    removed_after_days: int | None = None
    wont_remove_reason: str = ""
    indicator: str = ""
    decision: str = ""


BARRIERS = [
    DemoBarrier(MERTON, "Reablement workers on the evening shift cannot see whether a hospital discharge has been "
                "brought forward, so people arrive home with nobody there to meet them.",
                "Hospital discharge to reablement, evenings", "People leaving hospital and reablement staff",
                75, "healthwatch", BarrierStatus.REMOVED, "London Borough of Merton",
                (DemoAnswer(3, "merton", BarrierStatus.ACCEPTED, "Accepted. The council's reablement team and the "
                            "discharge hub will share one list."),
                 DemoAnswer(30, "merton", BarrierStatus.REMOVED, "The shared discharge list went live on every ward; "
                            "the evening coordinator checks it at 5pm.")),
                removed_after_days=30, indicator="Days from referral to first care assessment"),
    DemoBarrier(MERTON, "Carers are asked the same questions by the GP practice, the hospital and the council, and "
                "tell us they give up before the assessment is finished.",
                "Carers' assessments", "Unpaid carers", 48, "healthwatch", BarrierStatus.BEING_WORKED,
                "London Borough of Merton",
                (DemoAnswer(6, "merton", BarrierStatus.BEING_WORKED, "We are co-designing one carers' conversation "
                            "with Healthwatch and carers; see the workshops decision."),),
                indicator="Carers who feel listened to", decision="Co-design workshops with carers and Healthwatch"),
    DemoBarrier(MERTON, "District nurses cannot order small equipment (grab rails, commodes) directly; each order "
                "waits for an occupational therapist's sign-off.",
                "Community equipment ordering", "District nurses and housebound patients", 21, "merton",
                BarrierStatus.ACCEPTED, "South West London NHS",
                (DemoAnswer(9, "merton", BarrierStatus.ACCEPTED, "Accepted. South West London NHS will propose a list "
                            "of items nurses can order without sign-off."),)),
    DemoBarrier(MERTON, "Voluntary groups running lunch clubs are not told when a member goes into hospital.",
                "Lunch clubs and day centres", "Isolated older people", 9, "healthwatch", BarrierStatus.NEW),
    DemoBarrier(MERTON, "Social workers want access to the hospital's full clinical record.",
                "Hospital records", "Social workers", 40, "merton", BarrierStatus.WONT_REMOVE, "South West London NHS",
                (DemoAnswer(12, "merton", BarrierStatus.WONT_REMOVE, "Social workers now see the discharge summary "
                            "and medicines list; the full record stays with clinicians."),),
                wont_remove_reason="Sharing the full clinical record needs each patient's consent; the summary "
                                   "covers what social workers told us they need."),
    DemoBarrier(PLYMOUTH, "Outreach workers cannot refer people straight to the alcohol liaison nurse at night; "
                "referrals wait for the morning.", "Night-time outreach", "Street drinkers and outreach workers",
                60, "voluntary", BarrierStatus.REMOVED, "University Hospitals Plymouth NHS Trust",
                (DemoAnswer(2, "nhs", BarrierStatus.BEING_WORKED, "We are adding outreach workers to the liaison "
                            "nurse's referral list."),
                 DemoAnswer(15, "nhs", BarrierStatus.REMOVED, "Outreach workers now refer by phone until 2am.")),
                removed_after_days=15, indicator="People reached by night-time outreach who enter treatment"),
    DemoBarrier(PLYMOUTH, "Bins on Union Street are emptied at 6am, after the drinking has moved on, so bottles "
                "lie in the street for hours.", "Union Street", "Residents and street cleaners", 35, None,
                BarrierStatus.BEING_WORKED, "Plymouth City Council",
                (DemoAnswer(4, "lead", BarrierStatus.BEING_WORKED, "The council is moving the round to 2am as part "
                            "of the extended cleaning decision."),),
                indicator="Street-cleaning call-outs for drinking litter",
                decision="Extend street-cleaning hours in the city centre"),
    DemoBarrier(PLYMOUTH, "Police officers cannot tell which people on the street are already known to outreach.",
                "City centre at night", "Police officers and street drinkers", 12, "police", BarrierStatus.NEW),
    DemoBarrier(PLYMOUTH, "There is nowhere to sit and wait for a taxi after 3am, so people gather on the steps of "
                "the church.", "Royal Parade", "Residents of the city centre", 2, None,
                BarrierStatus.AWAITING_MODERATION),
]


@dataclass(frozen=True)
class DemoLesson:
    project: str
    phase: Phase
    title: str
    tried: str
    happened: str
    differently: str
    author: str
    published: bool
    decisions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()


LESSONS = [
    DemoLesson(PLYMOUTH, Phase.DISCOVER, "Walk the night-time economy before drawing the map",
               "We mapped street drinking from daytime data: A&E records, cleaning logs and police reports.",
               "The map missed where people actually drank after 2am, which outreach workers knew from walking it.",
               "Start with a night walk led by outreach workers and the police, then check it against the data.",
               "voluntary", True, indicators=("Alcohol-related A&E attendances, 10pm to 4am",)),
    DemoLesson(PLYMOUTH, Phase.DESIGN, "Pool the budget before choosing the post",
               "Each partner offered to fund part of an alcohol liaison post from its own budget.",
               "Three budgets meant three sets of conditions, and recruitment waited five months for sign-off.",
               "Agree a pooled budget first, with one set of conditions, then recruit.", "publichealth", True,
               decisions=("Pool a budget for a multi-agency alcohol liaison post",)),
    DemoLesson(PLYMOUTH, Phase.DELIVER, "Taxi marshals help, but only where people queue",
               "We contracted marshals at the Union Street rank on Friday and Saturday nights.",
               "Disorder fell at the rank and moved to the next corner, where there was no marshal.",
               "Pilot for a month at two ranks and move the marshals with the crowd.", "police", False,
               decisions=("Contract taxi marshals at the Union Street rank",)),
    DemoLesson(MERTON, Phase.DISCOVER, "Front-line staff speak more freely when Healthwatch asks",
               "The senior group asked managers to collect barriers from their teams.",
               "Few came back. When Healthwatch held listening events, staff and carers raised many more.",
               "Ask through an organisation people trust, and answer every barrier publicly.", "healthwatch", True,
               indicators=("Carers who feel listened to",)),
    DemoLesson(MERTON, Phase.DESIGN, "Carers design the conversation, not the form",
               "We redesigned the carers' assessment form with the council's assessment team.",
               "Carers said the form was clearer but the conversation was still three conversations.",
               "Co-design the whole conversation with carers, including who has it.", "merton", False,
               decisions=("Co-design workshops with carers and Healthwatch",)),
]


def _on(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(10, 0), tzinfo=timezone.utc)


def load_feedback(users: dict[str, User]) -> None:
    """Add the demo barrier and learning logs with their audit trail (the caller commits)."""
    projects = {project.slug: project for project in db.session.scalars(select(Project))}
    decisions = {d.title: d for d in db.session.scalars(select(Decision))}
    indicators = {i.name: i for i in db.session.scalars(select(Indicator))}
    partners = {p.organisation.name: p.organisation for project in projects.values() for p in project.partners}
    projects[PLYMOUTH].accepts_public_barriers = True
    now = datetime.now(timezone.utc)
    for spec in BARRIERS:
        project, raised = projects[spec.project], _on(now - timedelta(days=spec.raised_days_ago))
        raiser = users[spec.raised_by] if spec.raised_by else None
        barrier = Barrier(project=project, what=spec.what, location=spec.location, who_affected=spec.who_affected,
                          source=BarrierSource.PROJECT if raiser else BarrierSource.PUBLIC, status=spec.status,
                          raised_by=raiser, raised_at=raised,
                          owner_organisation=partners[spec.owner] if spec.owner else None,
                          wont_remove_reason=spec.wont_remove_reason or None,
                          removed_at=raised + timedelta(days=spec.removed_after_days)
                          if spec.removed_after_days is not None else None,
                          indicator=indicators.get(spec.indicator), decision=decisions.get(spec.decision))
        db.session.add(barrier)
        db.session.flush()
        lead = next(m.user for m in project.memberships if m.role.value == "lead")
        first = events.record(EventKind.BARRIER_RAISED if raiser else EventKind.BARRIER_SUBMITTED, barrier,
                              actor=raiser, project=project, label=label(barrier),
                              payload={"barrier_id": barrier.id})
        first.occurred_at = raised
        if not raiser and spec.status.is_public:
            events.record(EventKind.BARRIER_APPROVED, barrier, actor=lead, project=project, label=label(barrier),
                          payload={"barrier_id": barrier.id}).occurred_at = raised + timedelta(hours=2)
            barrier.moderated_by, barrier.moderated_at = lead, raised + timedelta(hours=2)
        for answer in spec.answers:
            author = users[answer.person]
            reply = BarrierAnswer(barrier=barrier, text=answer.text, status=answer.status, author=author,
                                  organisation=author.organisation, answered_at=raised + timedelta(days=answer.days_after))
            db.session.add(reply)
            db.session.flush()
            events.record(EventKind.BARRIER_ANSWERED, barrier, actor=author, project=project, label=label(barrier),
                          after={"answer": answer.text, "status": answer.status.value},
                          payload={"barrier_id": barrier.id, "answer_id": reply.id,
                                   "organisation_id": author.organisation_id}).occurred_at = reply.answered_at
    for spec in LESSONS:
        project, author = projects[spec.project], users[spec.author]
        entry = LearningEntry(project=project, phase=spec.phase, title=spec.title, tried=spec.tried,
                              happened=spec.happened, differently=spec.differently, author=author,
                              is_published=spec.published, published_at=now if spec.published else None,
                              decisions=[decisions[title] for title in spec.decisions],
                              indicators=[indicators[name] for name in spec.indicators])
        db.session.add(entry)
        db.session.flush()
        events.record(EventKind.LEARNING_ADDED, entry, actor=author, project=project, label=entry.title,
                      payload={"entry_id": entry.id})
