"""Extensions are created once here and bound to an app in ``create_app``."""
from __future__ import annotations

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from htmx_flask import Htmx

from localvision.models.base import Base
from localvision.rate_limits import RateLimits

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
wtforms_helpers = WTFormsHelpers()
# Limits apply only where a form asks for one (sign-in, a public barrier report), never globally.
limiter = RateLimits()
