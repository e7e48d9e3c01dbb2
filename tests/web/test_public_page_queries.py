"""The public project page runs a fixed, small number of SQL statements whatever the
project's size: partners, vision, decisions, indicators, barriers and lessons alike."""
from datetime import date
from decimal import Decimal

from flask import current_app

import factories
from localvision.domain.vocabulary import DecisionStance, DecisionStatus, Sector
from localvision.extensions import db
from localvision.models import Measurement
from localvision.web.http_caching import rendered_responses
from support import counted_statements

# The limit the page was built to (14 today: the version, the project, partners, vision
# and its endorsements, decisions, indicators, summary, downloads, barriers and lessons).
STATEMENTS_ALLOWED = 15


def build_project(partner_count: int, decision_count: int, indicator_count: int, months: int):
    """A published project whose every partner endorsed the second of two versions of the
    vision, with agreed and open decisions and monthly measured indicators."""
    sectors = list(Sector)
    lead = factories.user()
    partners = tuple(factories.organisation(sector=sectors[n % len(sectors)]) for n in range(partner_count - 1))
    people = [lead] + [factories.user(organisation) for organisation in partners]
    project = factories.project(lead=lead, published=True, partners=partners, members=tuple(people[1:]))
    first = factories.vision_version(project, lead)
    agreed = factories.vision_version(project, lead, text="A city centre that is safe at night.")
    for person in people:
        factories.vision_position(first, person)
        factories.vision_position(agreed, person)
    for number in range(decision_count):
        status = DecisionStatus.AGREED if number % 2 else DecisionStatus.OPEN
        decision = factories.decision(project, people[number % len(people)], status=status)
        factories.contribution(decision, people[number % len(people)], "1000.00")
        factories.position(decision, people[(number + 1) % len(people)], DecisionStance.SUPPORT)
    # Barriers with answers and owners, and lessons: "you said, we did" and "what we learned".
    for number in range(decision_count):
        barrier = factories.barrier(project, raiser=people[number % len(people)], raised_days_ago=number)
        barrier.owner_organisation = people[number % len(people)].organisation
        factories.barrier_answer(barrier, lead)
        factories.lesson(project, lead, published=bool(number % 2))
    for number in range(indicator_count):
        indicator = factories.indicator(project, name=f"Indicator {number:02d}")
        db.session.add_all([Measurement(indicator=indicator, period=date(2020 + month // 12, month % 12 + 1, 1),
                                        value=Decimal(100 - month)) for month in range(months)])
    db.session.flush()
    return project


def statements_for_page(client, slug: str) -> list[str]:
    """The statements of rendering the page: no kept copy, and a fresh session, as a real
    request has (nothing already loaded)."""
    rendered_responses().clear()
    current_app.extensions["localvision_data_versions"]["slugs"].clear()
    db.session.remove()
    with counted_statements() as statements:
        response = client.get(f"/projects/{slug}")
        assert response.status_code == 200
    return statements


def test_page_statements_do_not_grow_with_the_project(client, session):
    small = build_project(partner_count=2, decision_count=1, indicator_count=1, months=1)
    large = build_project(partner_count=100, decision_count=60, indicator_count=30, months=60)
    session.commit()
    assert len(large.partners) == 100
    page = client.get(f"/projects/{large.slug}").get_data(as_text=True)
    assert "A city centre that is safe at night." in page and "Indicator 29" in page and "60 decisions" in page
    assert "60 barriers raised" in page and "30 lessons published" in page
    small_count = len(statements_for_page(client, small.slug))
    large_statements = statements_for_page(client, large.slug)
    assert len(large_statements) == small_count, "\n".join(large_statements)
    assert len(large_statements) <= STATEMENTS_ALLOWED, "\n".join(large_statements)
