from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user, login_required

from localvision.web.your_work import blueprint
from localvision.queries.your_work import SECTIONS


@blueprint.route("/your-work")
@login_required
def index():
    today = date.today()
    sections = [section(current_user, today) for section in SECTIONS]
    return render_template("your_work/index.html", sections=sections)
