from flask import Blueprint

blueprint = Blueprint("health_checks", __name__, url_prefix="/projects/<slug>/health-check")

from localvision.web.health_checks import routes  # noqa: E402,F401  (routes attach to the blueprint)
