from flask import Blueprint

blueprint = Blueprint("organisations", __name__, url_prefix="/organisation")

from localvision.web.organisations import routes  # noqa: E402,F401  (routes attach to the blueprint)
