from flask import Blueprint

blueprint = Blueprint("projects", __name__, url_prefix="/projects")

from localvision.web.projects import routes  # noqa: E402,F401  (routes attach to the blueprint)
