from flask import Blueprint

blueprint = Blueprint("indicators", __name__, url_prefix="/projects/<slug>/indicators")

from localvision.web.indicators import routes  # noqa: E402,F401  (routes attach to the blueprint)
