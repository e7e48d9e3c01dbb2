from flask import Blueprint

blueprint = Blueprint("barriers", __name__, url_prefix="/projects/<slug>/barriers")

from localvision.web.barriers import routes  # noqa: E402,F401  (routes attach to the blueprint)
