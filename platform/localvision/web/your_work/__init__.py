from flask import Blueprint

blueprint = Blueprint("your_work", __name__)

from localvision.web.your_work import routes  # noqa: E402,F401  (routes attach to the blueprint)
