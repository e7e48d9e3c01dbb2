"""The shared vision: proposing wording, recording each partner's position, commenting."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vision import COMMENT_NEEDED, WORDING_NEEDED, position_comment_problem
from localvision.domain.vocabulary import EventKind, Stance
from localvision.extensions import db
from localvision.models import VisionComment, VisionPosition, VisionVersion
from localvision.permissions import policy
from localvision.permissions.policy import ProjectContext
from localvision.queries.vision import (
    current_position_rows,
    latest_version,
    version_numbered,
    versions_after,
    vision_state,
)
from localvision.services import events

POSITION_FIELDS = ("stance", "comment")


class WordingMovedOn(Refused):
    """Someone proposed a version after the one this person edited from. Nothing is saved;
    the conflict page shows what changed since ``base`` and keeps their text to merge."""

    def __init__(self, latest: VisionVersion, base: VisionVersion | None, proposed_since: list[VisionVersion]):
        super().__init__(f"Version {latest.number} was proposed while you were editing", field="text")
        self.latest = latest
        self.base = base
        self.proposed_since = proposed_since


def _moved_on(context: ProjectContext, based_on: int | None) -> WordingMovedOn:
    base = version_numbered(context.project, based_on) if based_on else None
    return WordingMovedOn(latest_version(context.project), base, versions_after(context.project, based_on or 0))


def propose_version(context: ProjectContext, text: str, change_note: str, based_on: int | None) -> VisionVersion:
    """A new version edited from version ``based_on`` (None for the first wording)."""
    if not policy.may_discuss_vision(context):
        raise NotPermitted("Only the people of the project propose wording for its vision.")
    project, actor = context.project, context.actor
    latest = latest_version(project)
    if latest is not None and based_on != latest.number:
        raise _moved_on(context, based_on)
    text, change_note = text.strip(), change_note.strip()
    if not text:
        raise Refused(WORDING_NEEDED, field="text")
    if latest is not None and text == latest.text:
        raise Refused(f"This is the wording of version {latest.number}: change it before proposing a new version",
                      field="text")
    version = VisionVersion(project=project, number=(latest.number if latest else 0) + 1, text=text,
                            change_note=change_note, author=actor, organisation_id=actor.organisation_id,
                            based_on=latest)
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone saved the same next number a moment earlier: theirs stands, this becomes a conflict.
        db.session.rollback()
        raise _moved_on(context, based_on) from None
    events.record(EventKind.VISION_PROPOSED, version, actor=actor, project=project,
                  label=f"Version {version.number} of the vision: {version.change_note}",
                  after={"number": version.number, "based_on": latest.number if latest else None,
                         "change_note": version.change_note, "text": version.text},
                  payload={"version": version.number, "organisation_id": actor.organisation_id})
    db.session.commit()
    return version


def record_position(context: ProjectContext, version_number: int, stance: Stance, comment: str) -> VisionPosition:
    """The actor's organisation's position on the latest version; earlier ones stay on record."""
    if not policy.may_record_position(context):
        raise NotPermitted("Only your organisation's named representatives record its position on the vision.")
    project, actor = context.project, context.actor
    latest = latest_version(project)
    if latest is None:
        raise Refused("There is no wording of the vision to take a position on yet.")
    if version_number != latest.number:
        raise Refused("A new version was proposed while you were reading. Read it, then record your position on it.",
                      field="version_number")
    comment = comment.strip()
    if problem := position_comment_problem(stance, comment):
        raise Refused(problem, field="comment")
    previous = current_position_rows(latest).get(actor.organisation_id)
    was_agreed = vision_state(project).is_agreed
    position = VisionPosition(version=latest, organisation_id=actor.organisation_id, stance=stance, comment=comment,
                              recorded_by=actor)
    db.session.add(position)
    events.record(EventKind.VISION_POSITION_RECORDED, position, actor=actor, project=project,
                  label=f"{actor.organisation.name}: {stance.label.lower()} version {latest.number} of the vision",
                  before=events.snapshot(previous, POSITION_FIELDS) if previous else None,
                  after={"version": latest.number, **events.snapshot(position, POSITION_FIELDS)},
                  payload={"version": latest.number, "organisation_id": actor.organisation_id,
                           "stance": stance.value})
    db.session.flush()
    db.session.expire(latest, ["positions"])
    if not was_agreed and vision_state(project).is_agreed:
        # The event notifications read: every partner now endorses this version.
        events.record(EventKind.VISION_AGREED, latest, actor=actor, project=project,
                      label=f"Version {latest.number} of the vision is agreed",
                      payload={"version": latest.number})
    db.session.commit()
    return position


def comment_on_version(context: ProjectContext, version: VisionVersion, text: str) -> VisionComment:
    if not policy.may_discuss_vision(context):
        raise NotPermitted("Only the people of the project comment on its vision.")
    text = text.strip()
    if not text:
        raise Refused(COMMENT_NEEDED, field="text")
    actor = context.actor
    remark = VisionComment(version=version, author=actor, organisation_id=actor.organisation_id, text=text)
    db.session.add(remark)
    events.record(EventKind.VISION_COMMENTED, remark, actor=actor, project=context.project,
                  label=f"Comment on version {version.number} of the vision", after={"text": remark.text},
                  payload={"version": version.number, "organisation_id": actor.organisation_id})
    db.session.commit()
    return remark
