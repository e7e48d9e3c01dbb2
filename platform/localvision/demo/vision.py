"""Demonstration visions: Plymouth's agreed after three versions, Cornwall's still
gathering endorsements. The wording, people's positions and dates are illustrative."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from localvision.domain.vocabulary import Stance
from localvision.extensions import db
from localvision.models import Project, User, VisionComment, VisionPosition, VisionVersion

PLYMOUTH_AIM = (
    "## Our shared vision\n\n"
    "Plymouth's city centre is safe and welcoming at night, and fewer people drink on the street after midnight.\n\n"
)
PLYMOUTH_GOALS = (
    "Together we will:\n\n"
    "- improve the health of people who drink on the street{with_them}\n"
    "- cut late-night demand on A&E\n"
    "- cut the cost of cleaning the streets"
)
PLYMOUTH_VISION = [
    ("lead", "2026-01-19 10:00", "First wording for discussion", PLYMOUTH_AIM.strip()),
    ("publichealth", "2026-02-02 14:30", "Named the health and cost outcomes we will measure",
     PLYMOUTH_AIM + PLYMOUTH_GOALS.format(with_them="")),
    ("university", "2026-02-16 09:15", "Added how we will learn what works, and whose voices count",
     PLYMOUTH_AIM + PLYMOUTH_GOALS.format(with_them=", with them and not only for them") + "\n\n"
     "We decide jointly where our funding goes, share what we learn each quarter, "
     "and judge success by residents' outcomes rather than any one organisation's targets."),
]

# (person, version number, when, stance, comment)
PLYMOUTH_POSITIONS = [
    ("lead", 1, "2026-01-21 09:00", Stance.ENDORSE, ""),
    ("nhs", 1, "2026-01-23 16:00", Stance.OBJECT, "The aim does not say what changes for A&E."),
    ("lead", 2, "2026-02-03 11:00", Stance.ENDORSE, ""),
    ("nhs", 2, "2026-02-04 10:20", Stance.ENDORSE, ""),
    ("voluntary", 2, "2026-02-05 13:45", Stance.ENDORSE_WITH_RESERVATIONS,
     "People who drink on the street should shape this, not only be counted by it."),
    ("lead", 3, "2026-02-17 10:00", Stance.ENDORSE, ""),
    ("publichealth", 3, "2026-02-17 15:30", Stance.ENDORSE, ""),
    ("nhs", 3, "2026-02-18 09:10", Stance.ENDORSE, ""),
    ("voluntary", 3, "2026-02-18 12:00", Stance.ENDORSE, ""),
    ("university", 3, "2026-02-19 11:25", Stance.ENDORSE, ""),
    ("police", 3, "2026-02-20 17:05", Stance.ENDORSE_WITH_RESERVATIONS,
     "We can share incident data monthly, not weekly, within current analyst time."),
]

PLYMOUTH_COMMENTS = [
    ("voluntary", 2, "2026-02-05 13:50", "Our outreach team can run two listening sessions at the day centre before the next version."),
    ("university", 2, "2026-02-09 10:05", "Could we add how we will know it is working? We can offer an evaluation student."),
    ("police", 3, "2026-02-20 17:10", "Happy with the direction; see our reservation on data sharing."),
]

CORNWALL_VISION = [
    ("cornwall", "2026-03-02 10:00", "First wording for discussion",
     "## Our shared vision\n\nEveryone in Cornwall can eat well, affordably and close to home."),
    ("foodnetwork", "2026-03-16 11:30", "Named the local markets, surplus food and community cafes",
     "## Our shared vision\n\n"
     "Everyone in Cornwall can eat well, affordably and close to home, with local voices at the heart of it.\n\n"
     "- more local markets and food networks\n"
     "- surplus food used, not wasted\n"
     "- community cafes in every town\n"
     "- a skills-based food curriculum for schools"),
]

CORNWALL_POSITIONS = [
    ("cornwall", 1, "2026-03-03 09:30", Stance.ENDORSE, ""),
    ("police", 1, "2026-03-05 14:00", Stance.ENDORSE, ""),
    ("cornwall", 2, "2026-03-17 10:00", Stance.ENDORSE, ""),
    ("foodnetwork", 2, "2026-03-17 12:40", Stance.ENDORSE, ""),
]

CORNWALL_COMMENTS = [
    ("police", 2, "2026-03-18 08:45", "Our neighbourhood teams will read this version before we record a position."),
]

# Both partnerships formed before their first wording, so nobody reads as a newcomer.
PARTNERSHIP_FORMED = {"street-drinking-plymouth": "2026-01-05 09:00", "food-and-wellbeing-cornwall": "2026-02-23 09:00"}


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=timezone.utc)


def _add_vision(project: Project, users: dict[str, User], wordings, positions, comments) -> None:  # type: ignore[no-untyped-def]
    versions: dict[int, VisionVersion] = {}
    for number, (key, when, note, text) in enumerate(wordings, start=1):
        author = users[key]
        versions[number] = VisionVersion(project=project, number=number, text=text, change_note=note, author=author,
                                         organisation=author.organisation, based_on=versions.get(number - 1),
                                         created_at=_when(when))
        db.session.add(versions[number])
    for key, number, when, stance, comment in positions:
        person = users[key]
        db.session.add(VisionPosition(version=versions[number], organisation=person.organisation, stance=stance,
                                      comment=comment, recorded_by=person, recorded_at=_when(when)))
    for key, number, when, text in comments:
        person = users[key]
        db.session.add(VisionComment(version=versions[number], author=person, organisation=person.organisation,
                                     text=text, created_at=_when(when)))


def load_vision(users: dict[str, User]) -> None:
    projects = {p.slug: p for p in db.session.scalars(select(Project).where(Project.slug.in_(PARTNERSHIP_FORMED)))}
    for slug, formed in PARTNERSHIP_FORMED.items():
        for partner in projects[slug].partners:
            partner.joined_at = _when(formed)
    _add_vision(projects["street-drinking-plymouth"], users, PLYMOUTH_VISION, PLYMOUTH_POSITIONS, PLYMOUTH_COMMENTS)
    _add_vision(projects["food-and-wellbeing-cornwall"], users, CORNWALL_VISION, CORNWALL_POSITIONS, CORNWALL_COMMENTS)
