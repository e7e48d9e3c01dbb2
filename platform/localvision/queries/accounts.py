"""People's accounts, found by the address they sign in with."""
from __future__ import annotations

from sqlalchemy import func, select

from localvision.extensions import db
from localvision.models import User


def account_for(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
