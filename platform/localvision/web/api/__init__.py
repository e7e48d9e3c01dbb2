from flask import Blueprint

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")

from localvision.web.api import routes  # noqa: E402,F401  (routes attach to the blueprint)
