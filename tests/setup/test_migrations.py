"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from support import TEST_DATABASE_URL, separate_database, settings_for_tests
from localvision import create_app
from localvision.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    with separate_database("migrations", tmp_path) as url:
        yield url


@pytest.fixture
def migrated_app(empty_database_url, tmp_path):
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}, instance_path=tmp_path)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_migrations_match_the_models(migrated_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing(migrated_app):
    downgrade(revision="base")
    with db.engine.connect() as connection:
        tables = set(db.inspect(connection).get_table_names())
    assert tables <= {"alembic_version"}


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"), reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_rewrite_the_audit_trail(migrated_app):
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_events (kind, action, object_type, object_label) VALUES ('project.created', 'created', 'Project', 'x')"))
    with pytest.raises(Exception, match="audit events cannot be changed or deleted"):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET action = 'deleted'"))
    with pytest.raises(Exception, match="audit events cannot be changed or deleted"):
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_events"))


def test_events_recorded_before_they_had_kinds_are_given_theirs(empty_database_url, tmp_path):
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}, instance_path=tmp_path)
    with app.app_context():
        upgrade(revision="0007_decision_indicators")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO audit_events (action, object_type, object_label) VALUES "
                "('closed', 'Decision', 'a'), ('position recorded', 'VisionPosition', 'b'), ('archived', 'Widget', 'c')"
            ))
        upgrade()
        with db.engine.connect() as connection:
            kinds = connection.execute(text("SELECT kind FROM audit_events ORDER BY id")).scalars().all()
        assert kinds == ["decision.closed", "vision.position_recorded", "widget.archived"]
        db.session.remove()
        db.engine.dispose()


def test_existing_decisions_keep_the_projects_rule_and_count_every_voice_on_record(empty_database_url, tmp_path):
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}, instance_path=tmp_path)
    with app.app_context():
        upgrade(revision="0008_domain_events")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO organisations (id, name, sector) VALUES (1, 'Council', 'local_authority'), "
                "(2, 'Trust', 'nhs'), (3, 'Police', 'police')",
                "INSERT INTO users (id, email, name, password_hash, organisation_id) VALUES (1, 'a@b.c', 'A', 'x', 1)",
                "INSERT INTO projects (id, slug, title, place, theme, summary, phase, decision_rule) "
                "VALUES (1, 'p', 'P', 'Here', 'T', '', 'discover', 'consent')",
                "INSERT INTO project_partners (project_id, organisation_id, role) VALUES (1, 1, 'lead_partner'), (1, 2, 'partner')",
                "INSERT INTO decisions (id, project_id, title, rationale, category, proposer_id, proposing_organisation_id, "
                "opens_on, closes_on, status) VALUES (1, 1, 'D', '', 'pilot', 1, 1, '2026-11-01', '2026-12-10', 'open')",
                # The police left the partnership after objecting.
                "INSERT INTO positions (decision_id, organisation_id, stance, reasons, recorded_by_id) "
                "VALUES (1, 3, 'object', 'No', 1)",
            ):
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            rule = connection.execute(text("SELECT decision_rule FROM decisions")).scalar_one()
            counted = connection.execute(text(
                "SELECT organisation_id FROM decision_counted_partners ORDER BY organisation_id")).scalars().all()
            notice = connection.execute(text("SELECT minimum_notice_days FROM projects")).scalar_one()
        assert (rule, counted, notice) == ("consent", [1, 2, 3], 5)
        db.session.remove()
        db.engine.dispose()


def test_people_and_partners_already_there_carry_over_as_confirmed_and_accepted(empty_database_url, tmp_path):
    app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": empty_database_url}, instance_path=tmp_path)
    with app.app_context():
        upgrade(revision="0012_input_bounds")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO organisations (id, name, sector) VALUES (1, 'Merton', 'local_authority')"))
            connection.execute(text("INSERT INTO users (id, email, name, password_hash, organisation_id) "
                                    "VALUES (1, 'grace@merton.example', 'Grace', 'x', 1)"))
            connection.execute(text("INSERT INTO projects (id, slug, title, place, theme, summary, phase, decision_rule) "
                                    "VALUES (1, 'p', 'P', 'Merton', 'T', '', 'discover', 'consensus')"))
            connection.execute(text("INSERT INTO project_partners (project_id, organisation_id, role) "
                                    "VALUES (1, 1, 'lead_partner')"))
        upgrade()
        with db.engine.connect() as connection:
            confirmed = connection.execute(text("SELECT organisation_confirmed_at FROM users")).scalar_one()
            status, accepted = connection.execute(text("SELECT status, accepted_at FROM project_partners")).one()
        assert confirmed is not None and status == "accepted" and accepted is not None
        db.session.remove()
        db.engine.dispose()
