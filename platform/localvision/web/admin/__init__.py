from flask import Blueprint, abort
from flask_login import current_user, login_required

from localvision.permissions import policy

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@login_required
def require_administrator() -> None:
    if not policy.may_administer(current_user):
        abort(403)


from localvision.web.admin import routes  # noqa: E402,F401  (routes attach to the blueprint)
