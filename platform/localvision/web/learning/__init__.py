from flask import Blueprint

blueprint = Blueprint("learning", __name__, url_prefix="/projects/<slug>/learning")

from localvision.web.learning import routes  # noqa: E402,F401  (routes attach to the blueprint)
