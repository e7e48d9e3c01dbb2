from flask import Blueprint

blueprint = Blueprint("indicators", __name__, url_prefix="/projects/<slug>/indicators")

from localvision.web.indicators import display, routes  # noqa: E402,F401  (they attach to the blueprint)
