from flask import Blueprint

blueprint = Blueprint("open_data", __name__, url_prefix="/projects/<slug>")

from localvision.web.open_data import routes  # noqa: E402,F401  (routes attach to the blueprint)
