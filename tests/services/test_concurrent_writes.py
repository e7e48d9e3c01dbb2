"""Two people doing the same thing at the same moment: one wins, the other is told why.

Real threads on PostgreSQL, each with its own connection and committed transactions. A
third connection holds a table lock so that both requests have read the state and wait at
the same write; releasing it lets them race for real, every time.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

import pytest
from sqlalchemy import create_engine, func, select, text

import factories
from localvision import create_app
from localvision.domain.refusals import Refused
from localvision.domain.vocabulary import DecisionStance, ProjectRole
from localvision.extensions import db
from localvision.models import Decision, Position, Project, User, VisionVersion
from localvision.permissions import policy
from localvision.schema import build_schema
from localvision.services import decisions as decision_services
from localvision.services import invitations
from localvision.services import vision as vision_services
from support import TEST_DATABASE_URL, separate_database, settings_for_tests, token_mailed_to

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql"),
                                reason="row locks and concurrent transactions need PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture(scope="module")
def racing_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("racing")
    with separate_database("racing", folder) as database_url:
        app = create_app({**settings_for_tests(folder), "SQLALCHEMY_DATABASE_URI": database_url}, instance_path=folder)
        with app.app_context():
            build_schema()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def race(app, table: str, attempts: list[Callable[[], object]]) -> list[object]:
    """Run the attempts in threads that all wait at their first write to `table`, then let
    them go together. Each result is what the attempt returned or the Refused it raised."""
    results: list[object] = [None] * len(attempts)
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    blocker = engine.connect()
    blocker.execute(text(f"LOCK TABLE {table} IN SHARE MODE"))

    def attempt(index: int) -> None:
        with app.app_context():
            try:
                results[index] = attempts[index]()
            except Refused as refusal:
                results[index] = refusal
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(len(attempts))]
    for thread in threads:
        thread.start()
    waiting = text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
    deadline = time.monotonic() + 20
    while blocker.execute(waiting).scalar() < len(attempts) and time.monotonic() < deadline:
        time.sleep(0.05)
    blocker.rollback()  # releases the lock: the writes race
    blocker.close()
    engine.dispose()
    for thread in threads:
        thread.join(30)
    return results


def seeded(app, build: Callable[[], dict]) -> dict:
    with app.app_context():
        made = build()
        db.session.commit()
        ids = {name: value.id if hasattr(value, "id") else value for name, value in made.items()}
        db.session.remove()
    return ids


def test_two_people_accepting_one_invitation_get_one_account_and_a_message(racing_app):
    def build():
        lead, member = factories.council_and_trust()
        project = factories.two_partner_project(lead, member)
        invitations.invite_to_project(policy.context_for(lead, project), "sam@plymouth.nhs.uk",
                                      member.organisation, ProjectRole.MEMBER)
        return {"token": token_mailed_to("sam@plymouth.nhs.uk")}

    token = seeded(racing_app, build)["token"]
    accept = lambda name: lambda: invitations.accept_invitation(token, name, "a long enough pass phrase").id  # noqa: E731
    results = race(racing_app, "users", [accept("Sam Jones"), accept("Samantha Jones")])

    refusals = [result for result in results if isinstance(result, Refused)]
    assert len(refusals) == 1 and refusals[0].message == invitations.LINK_UNUSABLE
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).where(User.email == "sam@plymouth.nhs.uk")) == 1
        db.session.remove()


def test_two_people_recording_one_organisations_position_leave_one_current_position(racing_app):
    def build():
        lead, member = factories.user(), factories.user(factories.organisation("Plymouth Community Homes"))
        colleague = factories.user(member.organisation)
        project = factories.project(lead=lead, partners=(member.organisation,), members=(member, colleague))
        decision = factories.decision(project, lead)
        return {"project": project, "decision": decision, "member": member, "colleague": colleague}

    ids = seeded(racing_app, build)

    def record(person_key: str, stance: DecisionStance):
        def attempt():
            person = db.session.get(User, ids[person_key])
            decision = db.session.get(Decision, ids["decision"])
            context = policy.context_for(person, decision.project)
            return decision_services.record_position(context, decision, stance, "").id
        return attempt

    results = race(racing_app, "positions", [record("member", DecisionStance.SUPPORT),
                                             record("colleague", DecisionStance.SUPPORT)])
    refusals = [result for result in results if isinstance(result, Refused)]
    assert len(refusals) == 1
    assert "Someone else recorded Plymouth Community Homes's position a moment ago" in refusals[0].message
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).where(Position.decision_id == ids["decision"])) == 1
        db.session.remove()


def test_two_people_proposing_the_next_vision_version_get_one_version_and_a_conflict(racing_app):
    def build():
        lead, member = factories.user(), factories.user()
        project = factories.two_partner_project(lead, member)
        factories.vision_version(project, lead)
        return {"project": project, "lead": lead, "member": member}

    ids = seeded(racing_app, build)

    def propose(person_key: str, wording: str):
        def attempt():
            person = db.session.get(User, ids[person_key])
            project = db.session.get(Project, ids["project"])
            return vision_services.propose_version(policy.context_for(person, project), wording, "Tighter", 1).number
        return attempt

    results = race(racing_app, "vision_versions", [propose("lead", "Nobody sleeps rough in Plymouth."),
                                                   propose("member", "Nobody sleeps on Plymouth's streets.")])
    assert sorted(result for result in results if isinstance(result, int)) == [2]
    conflicts = [result for result in results if isinstance(result, vision_services.WordingMovedOn)]
    assert len(conflicts) == 1 and conflicts[0].message == "Version 2 was proposed while you were editing"
    with racing_app.app_context():
        assert db.session.scalar(select(func.count()).where(VisionVersion.project_id == ids["project"])) == 2
        db.session.remove()
