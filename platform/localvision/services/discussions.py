"""A decision's discussion: comments and replies by the people of the project, before and
after the decision closes. A comment is corrected by its author within a short window;
every earlier wording is kept, as the audit trail keeps changes."""
from __future__ import annotations

from datetime import datetime, timezone

from localvision.domain.discussions import COMMENT_NEEDED, COMMENT_TOO_LONG, LONGEST_COMMENT
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import EventKind
from localvision.extensions import db
from localvision.models import Decision, DecisionComment, DecisionCommentRevision
from localvision.permissions import policy
from localvision.permissions.policy import COMMENT_EDIT_WINDOW, ProjectContext
from localvision.services import events


def _wording(text: str) -> str:
    text = text.strip()
    if not text:
        raise Refused(COMMENT_NEEDED, field="text")
    if len(text) > LONGEST_COMMENT:
        raise Refused(COMMENT_TOO_LONG, field="text")
    return text


def _require_discussant(context: ProjectContext) -> None:
    if not policy.may_discuss_decision(context):
        raise NotPermitted("Only the people of the project take part in its discussions.")


def add_comment(context: ProjectContext, decision: Decision, text: str,
                reply_to: DecisionComment | None = None) -> DecisionComment:
    """A comment, or a reply; a reply to a reply joins the same thread, one level deep."""
    _require_discussant(context)
    if reply_to is not None and reply_to.decision_id != decision.id:
        raise Refused("That comment is on another decision.")
    thread = (reply_to.reply_to or reply_to) if reply_to is not None else None
    comment = DecisionComment(decision=decision, author=context.actor, organisation_id=context.actor.organisation_id,
                              reply_to=thread, text=_wording(text))
    db.session.add(comment)
    db.session.flush()
    events.record(EventKind.DECISION_COMMENTED, comment, actor=context.actor, project=context.project,
                  label=f"{context.actor.name} on {decision.title}", after={"text": comment.text, "decision": decision.id},
                  payload={"decision_id": decision.id, "comment_id": comment.id,
                           "reply_to_id": thread.id if thread else None})
    db.session.commit()
    return comment


def check_edit(context: ProjectContext, comment: DecisionComment, now: datetime | None = None) -> None:
    _require_discussant(context)
    if comment.author_id != context.actor.id:
        raise NotPermitted("Only its author can correct a comment.")
    if not policy.may_edit_comment(context, comment, now or datetime.now(timezone.utc)):
        minutes = int(COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise Refused(f"A comment can be corrected for {minutes} minutes after it is written; "
                      "after that it is kept as written. Add a reply instead.")


def edit_comment(context: ProjectContext, comment: DecisionComment, text: str,
                 now: datetime | None = None) -> DecisionComment:
    """Correct a comment soon after writing it; the earlier wording stays as a revision."""
    now = now or datetime.now(timezone.utc)
    check_edit(context, comment, now)
    text = _wording(text)
    if text != comment.text:
        comment.revisions.append(DecisionCommentRevision(text=comment.text, written_at=comment.edited_at or comment.created_at))
        events.record(EventKind.DECISION_COMMENT_EDITED, comment, actor=context.actor, project=context.project,
                      label=f"{context.actor.name} on {comment.decision.title}",
                      before={"text": comment.text}, after={"text": text},
                      payload={"decision_id": comment.decision_id, "comment_id": comment.id})
        comment.text = text
        comment.edited_at = now
    db.session.commit()
    return comment
