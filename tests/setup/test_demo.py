from datetime import date

from sqlalchemy import func, select

from localvision.demo import DEMO_PASSWORD, PROJECTS, load_demo
from localvision.domain.passwords import password_problem
from localvision.domain.vocabulary import DecisionStance, DecisionStatus, PartnerStatus
from localvision.models import (
    Decision,
    Indicator,
    Organisation,
    OutboxMessage,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
)


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


def test_plymouth_has_an_agreed_vision_and_cornwall_is_gathering_endorsements(app, client, session):
    from localvision.models import VisionVersion

    load_demo()
    plymouth, cornwall = PROJECTS[0].slug, PROJECTS[1].slug
    for slug, count in ((plymouth, 3), (cornwall, 2)):
        project = session.scalar(select(Project).where(Project.slug == slug))
        assert session.scalar(select(func.count()).where(VisionVersion.project_id == project.id)) == count
    plymouth_page = client.get(f"/projects/{plymouth}").get_data(as_text=True)
    assert "Version 3, endorsed by every partner organisation since 20 February 2026" in plymouth_page
    assert "Endorse with reservations" in plymouth_page.split("Endorsed by")[1]
    cornwall_page = client.get(f"/projects/{cornwall}").get_data(as_text=True)
    assert "The partners have not agreed a shared vision yet" in cornwall_page


def test_plymouth_has_joint_funding_decisions_from_every_sector_with_actions(app, session):
    load_demo()
    plymouth = session.scalar(select(Project).where(Project.slug == PROJECTS[0].slug))
    decisions = session.scalars(select(Decision).where(Decision.project_id == plymouth.id)).all()
    assert 6 <= len(decisions) <= 8
    proposing = {d.proposing_organisation.sector for d in decisions}
    contributing = {c.organisation.sector for d in decisions for c in d.contributions}
    assert len(proposing | contributing) == 6
    assert {d.status for d in decisions} == set(DecisionStatus)
    assert any(p.stance == DecisionStance.OBJECT for d in decisions for p in d.current_positions().values())
    actions = [a for d in decisions for a in d.actions]
    assert sum(1 for a in actions if a.is_overdue(date.today())) == 1
    others = session.scalars(select(Project).where(Project.id != plymouth.id)).all()
    assert all(1 <= session.scalar(select(func.count(Decision.id)).where(Decision.project_id == p.id)) <= 2 for p in others)


def test_every_demo_project_has_indicators_with_two_to_three_years_of_monthly_figures(app, client, session):
    load_demo()
    for spec in PROJECTS:
        project = session.scalar(select(Project).where(Project.slug == spec.slug))
        indicators = session.scalars(select(Indicator).where(Indicator.project_id == project.id)).all()
        assert len(indicators) >= 2, spec.slug
        for indicator in indicators:
            periods = [measurement.period for measurement in indicator.measurements]
            assert 24 <= len(periods) <= 36 and len({(p.year, p.month) for p in periods}) == len(periods)
    wirral = session.scalar(select(Indicator).where(Indicator.name == "Food bank parcels given out in Birkenhead"))
    assert wirral.baseline_value == 9000 and wirral.measurements[4].value > 13000
    assert [decision.title for decision in wirral.decisions] == ["A second food bank distribution point in Birkenhead"]
    cornwall = session.scalar(select(Project).where(Project.slug == "food-and-wellbeing-cornwall"))
    page = client.get(f"/projects/{cornwall.slug}").get_data(as_text=True)
    assert "Households using food banks" in page and "Community cafes open" in page


def test_the_demo_has_its_own_audit_trail_in_sentences(app, client_for, session):
    from localvision.models import AuditEvent

    load_demo()
    plymouth = session.scalar(select(Project).where(Project.slug == PROJECTS[0].slug))
    kinds = set(session.scalars(select(AuditEvent.kind).where(AuditEvent.project_id == plymouth.id)))
    assert {"project.created", "partner.added", "vision.proposed", "decision.proposed", "decision.position_recorded",
            "decision.contribution_added", "indicator.created"} <= kinds
    lead = session.scalar(select(User).where(User.email.startswith("lead@")))
    page = client_for(lead).get(f"/projects/{plymouth.slug}/audit").get_data(as_text=True).replace("&#39;", "'")
    trail = page.split("Audit trail</h1>")[1]
    assert "Priya Shah (Plymouth City Council) recorded Plymouth City Council's position on ‘" in trail
    assert "None" not in trail and "{'" not in trail


def test_demo_organisations_have_domains_an_administrator_and_an_invitation_to_answer(app, session):
    load_demo()
    assert session.scalar(select(func.count()).select_from(Organisation).where(~Organisation.domains.any())) == 0
    admins = session.scalars(select(User).where(User.is_organisation_admin.is_(True))).all()
    assert [(user.name, user.organisation.name) for user in admins] == [("Priya Shah", "Plymouth City Council")]
    assert session.scalar(select(func.count()).select_from(User).where(User.organisation_confirmed_at.is_(None))) == 0
    invited = session.scalars(select(ProjectPartner).where(ProjectPartner.status == PartnerStatus.INVITED)).all()
    assert [(p.project.slug, p.organisation.name) for p in invited] == [("food-poverty-wirral", "Plymouth City Council")]


def test_demo_health_checks_show_change_in_plymouth_and_stay_private_in_merton(app, session):
    from localvision.models import HealthCheckRound

    load_demo()
    for slug, published in (("street-drinking-plymouth", True), ("co-production-merton", False)):
        project = session.scalar(select(Project).where(Project.slug == slug))
        closed = session.scalars(select(HealthCheckRound).where(HealthCheckRound.project_id == project.id,
                                                                HealthCheckRound.closed_at.is_not(None))
                                 .order_by(HealthCheckRound.opens_on)).all()
        # Named by the month each opened, which moves with the day the demo loads.
        assert [item.title for item in closed] == [f"{item.opens_on:%B %Y} health check" for item in closed]
        assert {item.is_published for item in closed} == {published}
        latest = closed[-1].result.figures
        assert latest["previous"]["id"] == closed[0].id and latest["changes"]
        assert all(entry["answers"] >= 3 for entry in latest["by_organisation"] + latest["by_sector"])
    plymouth = session.scalar(select(Project).where(Project.slug == "street-drinking-plymouth"))
    latest_closed = session.scalars(select(HealthCheckRound).where(HealthCheckRound.project_id == plymouth.id,
                                                            HealthCheckRound.closed_at.is_not(None))
                             .order_by(HealthCheckRound.opens_on.desc()).limit(1)).one()
    # The demo shows both verdicts: some change beyond noise, some that could be noise.
    assert {change["more_than_noise"] for change in latest_closed.result.figures["changes"].values()} == {True, False}
    assert latest_closed.result.figures["by_organisation"][-1]["name"] == "Other partners"


def test_the_demo_outbox_shows_this_mornings_digests_and_reminders(app, client_for, session):
    load_demo()
    kinds = dict(session.execute(select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).tuples().all())
    assert kinds.get("digest", 0) > 0
    # Plymouth's overdue action tells its owner, and its lead reminded the silent partners.
    assert kinds.get("action.overdue", 0) > 0 and kinds.get("decision.reminder", 0) > 0
    admin = client_for(session.scalar(select(User).where(User.is_admin)))
    listing = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Your weekly digest" in listing or "Your daily digest" in listing
    assert "was due on" in listing and "Reminder: " in listing


def test_merton_and_plymouth_have_barrier_and_learning_logs_labelled_as_demonstrations(app, client_for, session):
    from localvision.demo import load_demo
    from localvision.domain.vocabulary import BarrierStatus
    from localvision.models import Barrier, LearningEntry, User

    load_demo()
    merton = session.scalar(select(Project).where(Project.slug == "co-production-merton"))
    plymouth = session.scalar(select(Project).where(Project.slug == "street-drinking-plymouth"))
    merton_barriers = session.scalars(select(Barrier).where(Barrier.project_id == merton.id)).all()
    assert len(merton_barriers) == 5 and any(b.status == BarrierStatus.WONT_REMOVE for b in merton_barriers)
    lead = session.scalar(select(User).where(User.email == "merton@demo.localvision.example"))
    log = client_for(lead).get("/projects/co-production-merton/barriers").get_data(as_text=True)
    assert "Demonstration data" in log and "Reablement workers on the evening shift" in log
    public = client_for(None).get("/projects/street-drinking-plymouth").get_data(as_text=True)
    assert "You said, we did" in public and "Demonstration data" in public
    assert "nowhere to sit and wait for a taxi" not in public  # awaiting moderation
    assert plymouth.accepts_public_barriers
    learned = client_for(None).get("/projects/street-drinking-plymouth/learning").get_data(as_text=True)
    assert "Walk the night-time economy" in learned and "Taxi marshals help" not in learned
    assert session.scalar(select(func.count(LearningEntry.id)).where(LearningEntry.project_id == merton.id)) == 2


def test_searching_for_alcohol_finds_plymouths_street_drinking_partnership(app, client, session):
    load_demo()
    page = client.get("/projects?q=alcohol").get_data(as_text=True)
    assert "1 project matches your search" in page and PROJECTS[0].title in page
