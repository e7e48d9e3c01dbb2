"""Extensions are created once here and bound to an app in ``create_app``."""
from __future__ import annotations

from typing import Any, Callable

from flask import request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from htmx_flask import Htmx

from localvision.models.base import Base

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def form_limiter(key_func: Callable[[], str], **options: Any) -> Limiter:
    """Flask-Limiter for limits that views declare for the methods that send forms. With no
    default or application limits, a GET, HEAD or OPTIONS request has no limit to check, and
    a request filter spares it the limiter's search for limits."""
    limiter = Limiter(key_func, **options)
    if not (options.get("default_limits") or options.get("application_limits")):
        limiter.request_filter(lambda: request.method in READING_METHODS)
    return limiter


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
wtforms_helpers = WTFormsHelpers()
# Limits apply only where a form asks for one (sign-in, a public barrier report), never globally.
limiter = form_limiter(get_remote_address, default_limits=[])
