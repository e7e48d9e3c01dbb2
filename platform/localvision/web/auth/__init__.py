from flask import Blueprint

blueprint = Blueprint("auth", __name__)

from localvision.web.auth import routes  # noqa: E402,F401  (routes attach to the blueprint)
