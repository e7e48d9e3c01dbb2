"""What `make run` does on a fresh machine: an empty database upgraded by the migrations
(not built from the models), the demo loaded into it, and every page opened by each kind
of demo visitor without a server error.

The addresses come from the app's URL map, filled from the demo's own data, so a new
page is opened here without anyone adding it.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from localvision import create_app
from localvision.demo import load_demo
from localvision.demo.partnerships import PEOPLE, PROJECTS
from localvision.extensions import db
from localvision.models import (
    Action,
    Decision,
    Indicator,
    Measurement,
    MeasurementImport,
    Project,
    User,
    VisionVersion,
)
from support import TEST_DATABASE_URL, separate_database, settings_for_tests

# A partner member, a project lead, a platform administrator, and the lead of Merton's
# private project, who is an outsider everywhere else.
SIGNED_IN_ROLES = {"partner member": "nhs", "project lead": "lead", "platform admin": "admin", "outsider": "merton"}
ROLES = ["anonymous", *SIGNED_IN_ROLES]


@contextlib.contextmanager
def empty_database(engine: str, folder: Path):
    if engine == "sqlite":
        yield f"sqlite:///{folder}/first-run.sqlite"
        return
    if not TEST_DATABASE_URL.startswith("postgresql"):
        pytest.skip("no PostgreSQL server: TEST_DATABASE_URL is not set")
    with separate_database("first_run", folder) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo_app(request, tmp_path_factory):
    """The demo on a database the migrations built, as `make run` leaves it."""
    folder = tmp_path_factory.mktemp(f"first-run-{request.param}")
    with empty_database(request.param, folder) as url:
        app = create_app({**settings_for_tests(folder), "SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
        with app.app_context():
            upgrade()
            assert load_demo() is True
            db.session.remove()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def demo_addresses(app) -> list[str]:
    """Every GET address of the app, once for each value the demo gives its parameters."""
    contexts = _parameter_values(app)
    adapter = app.url_map.bind("localhost")
    addresses = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        covering = [context for context in contexts if rule.arguments <= context.keys()]
        if not covering:
            # A parameter the demo has nothing for: a value that names nothing, expecting 404.
            missing = {name: 0 if isinstance(rule._converters[name], IntegerConverter) else "missing"
                       for name in rule.arguments}
            covering = [{**missing, **contexts[0]}]
        for context in covering:
            addresses.add(adapter.build(rule.endpoint, {name: context[name] for name in rule.arguments}))
    return sorted(addresses)


def _parameter_values(app) -> list[dict]:
    """Each demo project with one decision of each status and its first action, its
    indicators with their first measurement, its vision versions and its imports."""
    static_folder = Path(app.static_folder)
    anywhere = {
        "filename": next(path for path in sorted(static_folder.rglob("*")) if path.is_file()).relative_to(static_folder).as_posix(),
        "token": "not-an-invitation",
        "job_id": "not-a-job",
    }
    contexts = []
    with app.app_context():
        for project in db.session.scalars(select(Project).order_by(Project.id)):
            base = {**anywhere, "slug": project.slug}
            contexts.append(base)
            decisions = db.session.scalars(select(Decision).where(Decision.project_id == project.id).order_by(Decision.id))
            one_per_status = {decision.status: decision for decision in decisions}
            for decision in one_per_status.values():
                contexts.append({**base, "decision_id": decision.id})
                action_id = db.session.scalar(select(Action.id).where(Action.decision_id == decision.id).limit(1))
                if action_id is not None:
                    contexts.append({**base, "decision_id": decision.id, "action_id": action_id})
            for indicator_id in db.session.scalars(select(Indicator.id).where(Indicator.project_id == project.id)):
                contexts.append({**base, "indicator_id": indicator_id})
                measurement_id = db.session.scalar(
                    select(Measurement.id).where(Measurement.indicator_id == indicator_id).limit(1))
                if measurement_id is not None:
                    contexts.append({**base, "indicator_id": indicator_id, "measurement_id": measurement_id})
            for number in db.session.scalars(select(VisionVersion.number).where(VisionVersion.project_id == project.id)):
                contexts.append({**base, "number": number})
            for import_id in db.session.scalars(select(MeasurementImport.id).where(MeasurementImport.project_id == project.id)):
                contexts.append({**base, "import_id": import_id})
    return contexts


def test_the_demo_has_every_project_and_visitor_this_test_needs(demo_app):
    with demo_app.app_context():
        slugs = set(db.session.scalars(select(Project.slug)))
        emails = set(db.session.scalars(select(User.email)))
    assert {project.slug for project in PROJECTS} <= slugs
    people = {person.key: person.email for person in PEOPLE}
    assert {people[key] for key in SIGNED_IN_ROLES.values()} <= emails


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_demo_visitor_without_a_server_error(demo_app, role):
    client = demo_app.test_client()
    if role != "anonymous":
        email = next(person.email for person in PEOPLE if person.key == SIGNED_IN_ROLES[role])
        with demo_app.app_context():
            signed_in_as = db.session.scalar(select(User).where(User.email == email)).get_id()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = signed_in_as
            flask_session["_fresh"] = True
        # A session the app does not accept would quietly test the anonymous visitor again.
        assert client.get("/your-work").status_code == 200
    server_errors = []
    for address in demo_addresses(demo_app):
        with client.get(address) as response:
            if response.status_code >= 500:
                server_errors.append(f"{address}: {response.status_code}")
    assert server_errors == []
