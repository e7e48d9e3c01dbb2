from flask import Blueprint

blueprint = Blueprint("public", __name__)

from localvision.web.public import routes  # noqa: E402,F401  (routes attach to the blueprint)
