from flask import Blueprint

blueprint = Blueprint("vision", __name__, url_prefix="/projects/<slug>/vision")

from localvision.web.vision import routes  # noqa: E402,F401  (routes attach to the blueprint)
