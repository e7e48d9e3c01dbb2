"""Where a project's vision stands, loaded from the database for the pages that show it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, ScalarSelect, select
from sqlalchemy.orm import aliased, lazyload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from localvision.domain.vision import (
    Agreement,
    AgreementAwaitingNewPartners,
    RecordedPosition,
    agreed_since,
    agreement,
    awaiting_new_partners,
)
from localvision.domain.vocabulary import PartnerStatus, Sector, Stance
from localvision.extensions import db
from localvision.models import Project, ProjectPartner, VisionPosition, VisionVersion


def versions_of(project: Project, *loader_options: ORMOption) -> list[VisionVersion]:
    """Every version of the project's vision, oldest first, with positions and comments
    unless the options say otherwise."""
    return list(
        db.session.scalars(
            select(VisionVersion)
            .where(VisionVersion.project_id == project.id)
            .options(*(loader_options or (selectinload(VisionVersion.positions), selectinload(VisionVersion.comments))))
            .order_by(VisionVersion.number)
        )
    )


def latest_version(project: Project) -> VisionVersion | None:
    return db.session.scalar(
        select(VisionVersion)
        .where(VisionVersion.project_id == project.id)
        .order_by(VisionVersion.number.desc())
        .limit(1)
    )


def version_numbered(project: Project, number: int) -> VisionVersion | None:
    return db.session.scalar(
        select(VisionVersion).where(VisionVersion.project_id == project.id, VisionVersion.number == number)
    )


def versions_after(project: Project, number: int) -> list[VisionVersion]:
    """The versions proposed since ``number``, oldest first (every version after 0)."""
    return list(db.session.scalars(
        select(VisionVersion)
        .where(VisionVersion.project_id == project.id, VisionVersion.number > number)
        .order_by(VisionVersion.number)
    ))


def representative_names(project: Project, organisation_id: int) -> list[str]:
    """Who speaks for an organisation on this project, where it has named anyone."""
    return sorted(
        m.user.name for m in project.memberships
        if m.is_representative and m.user.organisation_id == organisation_id
    )


def recorded_positions(version: VisionVersion) -> list[RecordedPosition]:
    return [
        RecordedPosition(organisation_id=p.organisation_id, endorses=p.stance.endorses, recorded_at=p.recorded_at)
        for p in sorted(version.positions, key=lambda p: p.id)
    ]


def current_position_rows(version: VisionVersion) -> dict[int, VisionPosition]:
    """Each organisation's latest position on the version, by organisation id."""
    latest: dict[int, VisionPosition] = {}
    for position in sorted(version.positions, key=lambda p: p.id):
        latest[position.organisation_id] = position
    return latest


@dataclass(frozen=True)
class PartnerPosition:
    partner: ProjectPartner
    position: VisionPosition | None


@dataclass(frozen=True)
class AgreedVision:
    version: VisionVersion
    agreed_since: datetime | None
    endorsements: list[VisionPosition]


@dataclass(frozen=True)
class VisionState:
    versions: list[VisionVersion]
    latest: VisionVersion | None
    agreement: Agreement | None
    agreed_since: datetime | None
    awaiting_new_partners: AgreementAwaitingNewPartners | None
    matrix: list[tuple[Sector, list[PartnerPosition]]]
    not_responded: list[ProjectPartner]
    last_agreed: AgreedVision | None

    @property
    def is_agreed(self) -> bool:
        return self.agreement is not None and self.agreement.agreed

    @property
    def partner_count(self) -> int:
        return sum(len(rows) for _, rows in self.matrix)

    def partner_names(self, organisation_ids: frozenset[int]) -> list[str]:
        return sorted(row.partner.organisation.name for _, rows in self.matrix for row in rows
                      if row.partner.organisation_id in organisation_ids)


def _sorted_partners(project: Project) -> list[ProjectPartner]:
    return sorted(project.partners, key=lambda p: p.organisation.name)


def _agreed_vision(partner_ids: set[int], versions: list[VisionVersion]) -> AgreedVision | None:
    """The newest version every current partner endorses, with its endorsements."""
    for version in reversed(versions):
        history = recorded_positions(version)
        if agreement(partner_ids, history).agreed:
            rows = current_position_rows(version)
            endorsements = sorted((rows[org] for org in partner_ids), key=lambda p: p.organisation.name)
            return AgreedVision(version, agreed_since(partner_ids, history), endorsements)
    return None


# The public page needs the wording and who endorsed it: nothing about authors or recorders.
# The endorsers are current partners, whose organisations are loaded with the partners
# already: a lazy many-to-one finds them in the session without another query.
PUBLIC_LOADING = (
    selectinload(VisionVersion.positions).options(lazyload(VisionPosition.recorded_by),
                                                  lazyload(VisionPosition.organisation)),
    lazyload(VisionVersion.author),
    lazyload(VisionVersion.organisation),
)


def agreed_vision(project: Project) -> AgreedVision | None:
    return _agreed_vision({p.organisation_id for p in project.partners}, versions_of(project, *PUBLIC_LOADING))


ENDORSING_STANCES = tuple(stance for stance in Stance if stance.endorses)


def agreed_vision_text(project_id: ColumnElement[int]) -> ScalarSelect[str]:
    """The wording of a project's agreed vision as SQL, NULL when there is none, for a
    search over many projects at once. It finds the version ``agreed_vision`` finds: the
    newest one that the project has partners for and that each of them endorses by its
    latest position on it."""
    version = aliased(VisionVersion)
    partner = aliased(ProjectPartner)
    position = aliased(VisionPosition)
    later = aliased(VisionPosition)
    partners = select(partner.id).where(partner.project_id == version.project_id,
                                        partner.status == PartnerStatus.ACCEPTED)
    endorses_now = (
        select(position.id)
        .where(position.version_id == version.id, position.organisation_id == partner.organisation_id,
               position.stance.in_(ENDORSING_STANCES),
               ~select(later.id).where(later.version_id == position.version_id,
                                       later.organisation_id == position.organisation_id,
                                       later.id > position.id).exists())
        .correlate(version, partner)
        .exists()
    )
    return (
        select(version.text)
        .where(version.project_id == project_id, partners.exists(), ~partners.where(~endorses_now).exists())
        .order_by(version.number.desc())
        .limit(1)
        .scalar_subquery()
    )


def vision_state(project: Project) -> VisionState:
    versions = versions_of(project)
    latest = versions[-1] if versions else None
    partners = _sorted_partners(project)
    partner_ids = {p.organisation_id for p in partners}
    positions = current_position_rows(latest) if latest else {}
    grouped: dict[Sector, list[PartnerPosition]] = {}
    for partner in partners:
        grouped.setdefault(partner.organisation.sector, []).append(
            PartnerPosition(partner, positions.get(partner.organisation_id))
        )
    matrix = [(sector, grouped[sector]) for sector in Sector if sector in grouped]
    history = recorded_positions(latest) if latest else []
    return VisionState(
        versions=versions,
        latest=latest,
        agreement=agreement(partner_ids, history) if latest else None,
        agreed_since=agreed_since(partner_ids, history) if latest else None,
        awaiting_new_partners=(
            awaiting_new_partners({p.organisation_id: p.joined_at for p in partners}, history) if latest else None
        ),
        matrix=matrix,
        not_responded=[p for p in partners if p.organisation_id not in positions],
        last_agreed=_agreed_vision(partner_ids, versions),
    )
