from flask import Blueprint
from flask_login import current_user, login_required

from localvision.permissions import policy
from localvision.web.refusals import refuse_unless

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.before_request
@login_required
def require_administrator() -> None:
    refuse_unless(policy.may_administer(current_user))


from localvision.web.admin import routes  # noqa: E402,F401  (routes attach to the blueprint)
