from flask import Blueprint

blueprint = Blueprint("summaries", __name__)

from localvision.web.summaries import routes  # noqa: E402,F401  (routes attach to the blueprint)
