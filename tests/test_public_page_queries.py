"""The public project page runs a fixed, small number of SQL statements whatever the
project's size."""
import contextlib

from sqlalchemy import event

import factories
from localvision.extensions import db
from localvision.models import Sector

STATEMENTS_ALLOWED = 15


@contextlib.contextmanager
def counted_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        # Savepoints belong to the test's rolled-back transaction, not to the page.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def build_project(partner_count: int):
    """A published project whose every partner has endorsed the second of two versions."""
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
    return project


def statements_for_page(client, slug: str) -> list[str]:
    # A fresh session, as a real request has: nothing already loaded.
    db.session.remove()
    with counted_statements() as statements:
        response = client.get(f"/projects/{slug}")
        assert response.status_code == 200
    return statements


def test_page_statements_do_not_grow_with_the_project(client, session):
    small = build_project(partner_count=2)
    large = build_project(partner_count=100)
    session.commit()
    assert len(large.partners) == 100
    assert "A city centre that is safe at night." in client.get(f"/projects/{large.slug}").get_data(as_text=True)
    small_count = len(statements_for_page(client, small.slug))
    large_statements = statements_for_page(client, large.slug)
    assert len(large_statements) == small_count, "\n".join(large_statements)
    assert len(large_statements) <= STATEMENTS_ALLOWED, "\n".join(large_statements)
