"""The project a request is about, and what the person asking may do with it."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from localvision.extensions import login_manager
from localvision.permissions.policy import Access, ProjectContext, context_for
from localvision.queries.projects import project_by_slug
from localvision.web.refusals import refuse_unless


def project_context(slug: str, need: Access = Access.VIEWER) -> ProjectContext:
    """Load a project for the current user, or stop the request with the right answer:
    404 when they may not know it exists, sign-in or 403 when they may not do more."""
    project = project_by_slug(slug)
    if project is None:
        abort(404)
    context = context_for(current_user, project)
    if context.access == Access.NONE:
        abort(404)
    if context.access < need and not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    refuse_unless(context.access >= need)
    return context
