"""Demonstration partnerships: `load_demo` adds them once (loading twice changes nothing);
`demo_logins` lists the logins worth trying first."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from localvision.demo.decisions import load_decisions
from localvision.demo.feedback import load_feedback
from localvision.demo.health_checks import load_health_checks
from localvision.demo.history import record_demo_history
from localvision.demo.indicators import load_indicators
from localvision.demo.partnerships import DEMO_PASSWORD, EMAIL_DOMAIN, PROJECTS, demo_logins, load_partnerships
from localvision.demo.vision import load_vision
from localvision.domain.vocabulary import DecisionStatus
from localvision.extensions import db
from localvision.models import Decision, Project, User
from localvision.permissions import policy
from localvision.services import digests, notification_events, reminders

__all__ = ["DEMO_PASSWORD", "EMAIL_DOMAIN", "PROJECTS", "demo_logins", "load_demo"]

NEWS_FOR = timedelta(days=30)


def load_demo() -> bool:
    """Load the demonstration partnerships; returns False when they were already there."""
    if db.session.scalar(select(Project).where(Project.slug == PROJECTS[0].slug)) is not None:
        return False
    users = load_partnerships()
    # Indicators come after the decisions they are linked to.
    load_vision(users)
    load_decisions(users)
    load_indicators()
    record_demo_history()
    load_health_checks()
    load_feedback(users)
    db.session.commit()
    # Tell people of the last few weeks only, so the header and the outbox have something to
    # show; older history is not news.
    notification_events.settle_events_before(datetime.now(timezone.utc) - NEWS_FOR)
    db.session.commit()
    notification_events.fan_out()
    # This morning's reminders and digests, as the scheduler sends them, so the outbox
    # shows what the calendar brings too.
    now = datetime.now(timezone.utc)
    _lead_reminds_the_silent_partners(now)
    reminders.run_daily_checks(now)
    digests.send_due_digests(now)
    return True


def _lead_reminds_the_silent_partners(now: datetime) -> None:
    """Plymouth's lead reminds the partners silent on the open decision closing first."""
    lead = db.session.scalar(select(User).where(User.email == f"lead@{EMAIL_DOMAIN}"))
    project = db.session.scalar(select(Project).where(Project.slug == PROJECTS[0].slug))
    context = policy.context_for(lead, project)
    for decision in db.session.scalars(select(Decision).where(Decision.project_id == project.id,
                                                              Decision.status == DecisionStatus.OPEN)
                                       .order_by(Decision.closes_on, Decision.id)):
        if reminders.silent_organisations(decision):
            reminders.remind_silent_partners(context, decision, now)
            return
