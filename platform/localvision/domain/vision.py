"""Rules of the shared vision: comparing wordings, and when the partners agree.

The vision is agreed when every current partner organisation has endorsed (with or
without reservations) the same latest version and none objects. Each organisation's
position is its latest one on that version; older versions' endorsements never count.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Collection, Iterable, Literal, Mapping

from localvision.domain.vocabulary import Stance

# Each word with the whitespace after it (and any whitespace the text starts with), so a
# comparison keeps line breaks and spacing and a changed phrase reads as one run.
_TOKENS = re.compile(r"^\s+|\S+\s*")

RunKind = Literal["equal", "inserted", "removed"]


@dataclass(frozen=True)
class Run:
    kind: RunKind
    text: str


def word_diff(old: str, new: str) -> list[Run]:
    """The changes from ``old`` to ``new``, word by word, as runs of equal, removed and
    inserted text. Words are compared without the spacing around them; equal and inserted
    runs keep the new text's spacing, so joining them gives ``new`` back."""
    old_tokens, new_tokens = _TOKENS.findall(old), _TOKENS.findall(new)
    # Without autojunk, common words like "the" still anchor the alignment in long texts.
    matcher = difflib.SequenceMatcher(
        a=[token.strip() for token in old_tokens], b=[token.strip() for token in new_tokens], autojunk=False
    )
    runs: list[Run] = []
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            _append(runs, "equal", "".join(new_tokens[new_start:new_end]))
            continue
        if operation in ("delete", "replace"):
            _append(runs, "removed", "".join(old_tokens[old_start:old_end]))
        if operation in ("insert", "replace"):
            _append(runs, "inserted", "".join(new_tokens[new_start:new_end]))
    return runs


def _append(runs: list[Run], kind: RunKind, text: str) -> None:
    if runs and runs[-1].kind == kind:
        runs[-1] = Run(kind, runs[-1].text + text)
    else:
        runs.append(Run(kind, text))


@dataclass(frozen=True)
class RecordedPosition:
    """A position as recorded on one version, in the order positions were recorded."""

    organisation_id: int
    endorses: bool  # endorse or endorse with reservations; False for an objection
    recorded_at: datetime


@dataclass(frozen=True)
class Agreement:
    endorsing: frozenset[int]
    objecting: frozenset[int]
    not_responded: frozenset[int]

    @property
    def agreed(self) -> bool:
        return bool(self.endorsing) and not self.objecting and not self.not_responded


def current_positions(history: Iterable[RecordedPosition]) -> dict[int, RecordedPosition]:
    """Each organisation's latest position: a change of mind replaces the earlier one."""
    latest: dict[int, RecordedPosition] = {}
    for position in history:
        latest[position.organisation_id] = position
    return latest


def agreement(partner_ids: Collection[int], history: Iterable[RecordedPosition]) -> Agreement:
    """Where the current partners stand on one version. Positions of organisations that
    are no longer partners do not count."""
    partners = frozenset(partner_ids)
    positions = {org: p for org, p in current_positions(history).items() if org in partners}
    return Agreement(
        endorsing=frozenset(org for org, p in positions.items() if p.endorses),
        objecting=frozenset(org for org, p in positions.items() if not p.endorses),
        not_responded=partners - positions.keys(),
    )


def agreed_since(partner_ids: Collection[int], history: Iterable[RecordedPosition]) -> datetime | None:
    """When these partners last came to agree on the version, or None if they do not agree now."""
    partners = frozenset(partner_ids)
    latest: dict[int, RecordedPosition] = {}
    since = None
    for position in history:
        if position.organisation_id not in partners:
            continue
        latest[position.organisation_id] = position
        agreed_now = latest.keys() == partners and all(p.endorses for p in latest.values())
        if not agreed_now:
            since = None
        elif since is None:
            since = position.recorded_at
    return since


@dataclass(frozen=True)
class AgreementAwaitingNewPartners:
    agreed_at: datetime
    newcomers: frozenset[int]


def awaiting_new_partners(
    partners_joined: Mapping[int, datetime], history: Iterable[RecordedPosition]
) -> AgreementAwaitingNewPartners | None:
    """The vision was agreed, then partners joined who have not yet endorsed it: when it
    was agreed and who joined since. None in every other case."""
    history = list(history)
    state = agreement(partners_joined.keys(), history)
    if state.agreed or state.objecting or not state.not_responded:
        return None
    earlier_partners = partners_joined.keys() - state.not_responded
    agreed_at = agreed_since(earlier_partners, history)
    if agreed_at is None:
        return None
    # Joining at the very moment of agreement still counts as joining after it.
    if any(partners_joined[org] < agreed_at for org in state.not_responded):
        return None
    return AgreementAwaitingNewPartners(agreed_at=agreed_at, newcomers=state.not_responded)


# What proposing, positions and comments need. Each rule is here once: the service refuses
# with its words and the form shows them before anything is saved.
WORDING_NEEDED = "Enter the wording of the vision"
COMMENT_NEEDED = "Enter your comment"


def position_comment_problem(stance: str | None, comment: str) -> str | None:
    """Reservations and an objection say what would need to change."""
    if comment.strip():
        return None
    if stance == Stance.ENDORSE_WITH_RESERVATIONS:
        return "Say what your organisation's reservations are"
    if stance == Stance.OBJECT:
        return "Say why your organisation objects"
    return None
