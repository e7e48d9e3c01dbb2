from flask import Blueprint

blueprint = Blueprint("notifications", __name__)

from localvision.web.notifications import routes  # noqa: E402,F401  (routes attach to the blueprint)
