from flask import Blueprint

blueprint = Blueprint("main", __name__)

from localvision.web.main import routes  # noqa: E402,F401  (routes attach to the blueprint)
