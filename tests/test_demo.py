from sqlalchemy import func, select

from localvision.demo import DEMO_PASSWORD, PROJECTS, load_demo
from localvision.domain.passwords import password_problem
from localvision.models import Organisation, Project, ProjectMembership, ProjectPartner, User


def counts(session):
    return [session.scalar(select(func.count()).select_from(model))
            for model in (Organisation, User, Project, ProjectPartner, ProjectMembership)]


def test_demo_loads_six_partnerships_once(app, session):
    assert load_demo() is True
    first = counts(session)
    assert load_demo() is False
    assert counts(session) == first
    places = session.scalars(select(Project.place).order_by(Project.place)).all()
    assert places == sorted(["Plymouth", "Cornwall", "The Wirral", "Merton", "Kent", "Wakefield"])
    assert all(session.scalars(select(Project.is_demo)))


def test_demo_cli_prints_the_logins(app, session):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0
    assert "lead@demo.localvision.example" in result.output and DEMO_PASSWORD in result.output
    assert password_problem(DEMO_PASSWORD) is None


def test_plymouth_has_partners_of_six_sectors(app, session):
    load_demo()
    plymouth = session.scalar(select(Project).where(Project.slug == PROJECTS[0].slug))
    assert len({partner.organisation.sector for partner in plymouth.partners}) == 6


def test_demo_projects_say_they_are_demonstrations(app, client, session):
    load_demo()
    page = client.get(f"/projects/{PROJECTS[0].slug}").get_data(as_text=True)
    assert "Demonstration data" in page and "illustrative" in page
