"""Demonstration partnerships: `load_demo` adds them once (loading twice changes nothing);
`demo_logins` lists the logins worth trying first."""
from __future__ import annotations

from sqlalchemy import select

from localvision.demo.decisions import load_decisions
from localvision.demo.feedback import load_feedback
from localvision.demo.history import record_demo_history
from localvision.demo.indicators import load_indicators
from localvision.demo.partnerships import DEMO_PASSWORD, EMAIL_DOMAIN, PROJECTS, demo_logins, load_partnerships
from localvision.demo.vision import load_vision
from localvision.extensions import db
from localvision.models import Project

__all__ = ["DEMO_PASSWORD", "EMAIL_DOMAIN", "PROJECTS", "demo_logins", "load_demo"]


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
    load_feedback(users)
    db.session.commit()
    return True
