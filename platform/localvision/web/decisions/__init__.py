from flask import Blueprint

blueprint = Blueprint("decisions", __name__, url_prefix="/projects/<slug>/decisions")

from localvision.web.decisions import routes  # noqa: E402,F401  (routes attach to the blueprint)
