"""Opening, answering, closing and publishing health check rounds; results worked by hand."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import HealthStatement, Sector
from localvision.extensions import db
from localvision.models import AuditEvent, HealthCheckAnswer, HealthCheckRespondent, ProjectMembership
from localvision.permissions import policy
from localvision.services import health_checks
from localvision.services.health_checks import RoundDetails, compute_health_check_results, sweep_health_checks


def rated(value: int) -> dict:
    return {statement: value for statement in HealthStatement}


class Partnership:
    """A council (4 people), an NHS trust (3), the police (1) and a charity (2)."""

    def __init__(self, published: bool = True):
        self.council, self.nhs, self.police, self.charity = factories.plymouth_organisations()
        self.lead = factories.user(self.council, name="Lead")
        self.people = {
            "council": [self.lead] + [factories.user(self.council) for _ in range(3)],
            "nhs": [factories.user(self.nhs) for _ in range(3)],
            "police": [factories.user(self.police)],
            "charity": [factories.user(self.charity) for _ in range(2)],
        }
        members = tuple(person for group in self.people.values() for person in group if person is not self.lead)
        self.project = factories.project(lead=self.lead, partners=(self.nhs, self.police, self.charity),
                                         members=members, published=published)

    def context(self, person):
        return policy.context_for(person, self.project)

    def open(self, title="Spring round", today=None):
        today = today or date.today()
        return health_checks.open_round(self.context(self.lead), RoundDetails(title, today, today + timedelta(days=14)))


@pytest.fixture
def partnership(session):
    made = Partnership()
    session.commit()
    return made


def test_a_lead_opens_a_round_and_it_is_recorded(partnership):
    health_check = partnership.open()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "health_check.opened"))
    assert event.object_id == health_check.id and event.payload["health_check_id"] == health_check.id
    with pytest.raises(Refused, match="already open"):
        partnership.open("Another")


def test_only_leads_open_close_and_publish(partnership):
    member = partnership.people["nhs"][0]
    with pytest.raises(NotPermitted):
        health_checks.open_round(partnership.context(member), RoundDetails("Mine", date.today(), date.today()))
    health_check = partnership.open()
    with pytest.raises(NotPermitted):
        health_checks.close_round(partnership.context(member), health_check)
    with pytest.raises(NotPermitted):
        health_checks.set_round_publication(partnership.context(member), health_check, True)


def test_dates_are_checked(partnership):
    today = date.today()
    with pytest.raises(Refused) as refusal:
        health_checks.open_round(partnership.context(partnership.lead), RoundDetails("R", today, today - timedelta(days=1)))
    assert refusal.value.field == "closes_on"


def test_each_person_answers_once_and_nothing_links_the_answer_to_them(partnership):
    health_check = partnership.open()
    person = partnership.people["nhs"][0]
    health_checks.answer_round(partnership.context(person), health_check, rated(4),
                               {HealthStatement.DIRECTION: "  Clear goals now  "})
    with pytest.raises(Refused, match="already answered"):
        health_checks.answer_round(partnership.context(person), health_check, rated(2), {})
    answer = db.session.scalar(select(HealthCheckAnswer))
    assert answer.organisation_id == partnership.nhs.id and answer.sector == Sector.NHS
    assert answer.comments == {"direction": "Clear goals now"}
    assert len(answer.id) == 32 and not answer.id.isdigit()
    assert {column.name for column in HealthCheckAnswer.__table__.columns} == {
        "id", "round_id", "organisation_id", "sector", "ratings", "comments"}
    assert db.session.scalar(select(func.count()).select_from(HealthCheckRespondent)) == 1
    # No audit event names the person who answered, or when.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.actor_id == person.id)) == 0


def test_only_people_of_partner_organisations_answer(partnership, session):
    health_check = partnership.open()
    admin = factories.user(factories.organisation("Platform team", Sector.BUSINESS), is_admin=True)
    outsider_org = factories.organisation("Kent County Council")
    # A person of an organisation that is not a partner, though in the project.
    stray = factories.user(outsider_org)
    session.add(ProjectMembership(project=partnership.project, user=stray))
    unconfirmed = factories.user(partnership.nhs, confirmed=False)
    session.add(ProjectMembership(project=partnership.project, user=unconfirmed))
    session.commit()
    for person in (admin, stray, unconfirmed):
        with pytest.raises(NotPermitted):
            health_checks.answer_round(partnership.context(person), health_check, rated(3), {})


def test_every_statement_must_be_rated_from_one_to_five(partnership):
    health_check = partnership.open()
    person = partnership.people["council"][1]
    partial = rated(3)
    del partial[HealthStatement.COMMITMENT]
    with pytest.raises(Refused) as refusal:
        health_checks.answer_round(partnership.context(person), health_check, partial, {})
    assert refusal.value.field == "commitment"
    with pytest.raises(Refused):
        health_checks.answer_round(partnership.context(person), health_check, {**rated(3), HealthStatement.ENGAGEMENT: 6}, {})
    assert db.session.scalar(select(func.count()).select_from(HealthCheckAnswer)) == 0


def test_answers_stop_when_the_round_closes(partnership):
    health_check = partnership.open()
    health_checks.close_round(partnership.context(partnership.lead), health_check)
    with pytest.raises(Refused, match="not open"):
        health_checks.answer_round(partnership.context(partnership.people["nhs"][0]), health_check, rated(3), {})


def test_a_round_past_its_closing_date_is_closed_by_the_sweep_and_its_results_computed(partnership, session):
    health_check = factories.health_check_round(partnership.project, partnership.lead, opens_in_days=-20,
                                                closes_in_days=-1)
    for person in partnership.people["council"]:
        factories.health_check_answer(health_check, person, 4)
    session.commit()
    assert sweep_health_checks() == 1
    assert health_check.is_closed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "health_check.closed"))
    assert event.actor_id is None
    compute_health_check_results(health_check.id)
    assert health_check.result.figures["answers"] == 4
    assert sweep_health_checks() == 0


def test_results_by_hand(partnership, session):
    """Council 4 answers rated 5,5,4,4; NHS 3 rated 2,2,2; police 1 rated 1; charity 2 rated 3,3."""
    health_check = partnership.open()
    ratings = {"council": [5, 5, 4, 4], "nhs": [2, 2, 2], "police": [1], "charity": [3, 3]}
    for group, values in ratings.items():
        for person, value in zip(partnership.people[group], values):
            health_checks.answer_round(partnership.context(person), health_check, rated(value),
                                       {HealthStatement.LEARNING: f"{group} {value}"} if group == "police" else {})
    health_checks.close_round(partnership.context(partnership.lead), health_check)
    compute_health_check_results(health_check.id)
    figures = health_check.result.figures
    assert figures["answers"] == 10
    # 5+5+4+4+2+2+2+1+3+3 = 31 over 10; agreeing: the council's four.
    assert figures["overall"]["direction"]["mean"] == pytest.approx(3.1)
    assert figures["overall"]["direction"]["counts"] == [1, 3, 2, 2, 2]
    assert figures["overall"]["direction"]["agreeing_share"] == pytest.approx(0.4)
    # Council and NHS are shown; police (1) and charity (2) merge into other partners (3).
    assert [(e["name"], e["answers"]) for e in figures["by_organisation"]] == [
        ("Plymouth City Council", 4), ("University Hospitals Plymouth", 3), ("Other partners", 3)]
    assert figures["by_organisation"][2]["statements"]["direction"]["mean"] == pytest.approx(7 / 3)
    # Police (1) and voluntary (2) are under three: together they are "other sectors".
    assert [(e["name"], e["answers"]) for e in figures["by_sector"]] == [
        ("NHS / health care", 3), ("Local authority", 4), ("Other sectors", 3)]
    assert figures["spread"]["direction"] == {"highest_sector": "local_authority", "highest_mean": 4.5,
                                              "lowest_sector": "nhs", "lowest_mean": 2.0, "gap": 2.5}
    assert figures["previous"] is None and figures["changes"] == {}
    assert health_check.result.figures["comments"] == {"learning": ["police 1"]}


def test_change_since_the_last_round_by_hand(partnership, session):
    first = factories.health_check_round(partnership.project, partnership.lead, title="Winter", opens_in_days=-60,
                                         closes_in_days=-40)
    for person in partnership.people["council"] + partnership.people["nhs"][:1]:
        factories.health_check_answer(first, person, 1)
    first.closed_at = factories.datetime.now(factories.timezone.utc)
    session.commit()
    compute_health_check_results(first.id)
    second = partnership.open("Spring")
    for person in partnership.people["council"] + partnership.people["nhs"][:1]:
        health_checks.answer_round(partnership.context(person), second, rated(5), {})
    health_checks.close_round(partnership.context(partnership.lead), second)
    compute_health_check_results(second.id)
    changes = second.result.figures["changes"]
    # Five 1s then five 5s: of C(10,5) = 252 splits only the real one and its mirror reach 4;
    # p = 2/252 for each statement, Holm multiplies the smallest by 9 (all equal, so all 18/252).
    assert changes["direction"]["difference"] == pytest.approx(4)
    assert changes["direction"]["p_value"] == pytest.approx(2 / 252)
    assert changes["direction"]["adjusted_p_value"] == pytest.approx(18 / 252)
    assert changes["direction"]["more_than_noise"] is False
    assert second.result.figures["previous"]["title"] == "Winter"


def test_publishing_needs_a_closed_round_and_is_recorded(partnership):
    health_check = partnership.open()
    context = partnership.context(partnership.lead)
    with pytest.raises(Refused):
        health_checks.set_round_publication(context, health_check, True)
    health_checks.close_round(context, health_check)
    with pytest.raises(Refused, match="still being computed"):
        health_checks.set_round_publication(context, health_check, True)
    compute_health_check_results(health_check.id)
    health_checks.set_round_publication(context, health_check, True)
    health_checks.set_round_publication(context, health_check, True)
    kinds = db.session.scalars(select(AuditEvent.kind).where(AuditEvent.kind.like("health_check.%"))
                               .order_by(AuditEvent.id)).all()
    assert kinds == ["health_check.opened", "health_check.closed", "health_check.published"]
