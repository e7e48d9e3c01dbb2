"""Contribution summaries, computed by a real RQ worker on a real Redis from a partnership
built by hand, with every figure worked out by hand below."""
from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

import factories
from localvision.domain.vocabulary import (
    ActionStatus,
    ContributionKind,
    DecisionCategory,
    DecisionStance,
    DecisionStatus,
    Direction,
    Frequency,
    Sector,
    Unit,
)
from localvision.domain.vocabulary import Stance as VisionStance
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import DecisionIndicator, Indicator, Measurement
from localvision.models.actions import Action
from localvision.models.decisions import Contribution, Decision, Position
from localvision.models.summaries import PlatformSummary, ProjectSummary
from localvision.models.vision import VisionPosition, VisionVersion

CASH, STAFF, IN_KIND = ContributionKind.CASH, ContributionKind.STAFF_TIME, ContributionKind.IN_KIND
PAST, FUTURE = date(2025, 6, 1), date(2099, 1, 1)


def moment(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=timezone.utc)


def run_worker(app) -> None:
    build_worker(app).work(burst=True)
    db.session.expire_all()


def build_partnership(published: bool = True):
    """Six organisations in four sectors, five decisions, positions and actions.

    A, B: NHS. C: council. D: police. E, F: voluntary sector. F joined on 15 January 2026,
    after decisions 1 and 4 had closed.
    """
    orgs = {
        "A": factories.organisation("A Hospitals Trust", Sector.NHS),
        "B": factories.organisation("B Care Board", Sector.NHS),
        "C": factories.organisation("C City Council", Sector.LOCAL_AUTHORITY),
        "D": factories.organisation("D Constabulary", Sector.POLICE),
        "E": factories.organisation("E Outreach", Sector.VOLUNTARY_AND_COMMUNITY),
        "F": factories.organisation("F Food Bank", Sector.VOLUNTARY_AND_COMMUNITY),
    }
    people = {key: factories.user(org) for key, org in orgs.items()}
    project = factories.project(lead=people["A"], published=published, partners=tuple(orgs.values()),
                                members=tuple(person for key, person in people.items() if key != "A"))
    for partner in project.partners:
        partner.joined_at = moment(1, 15) if partner.organisation is orgs["F"] else moment(12, 1, 2025)

    def decision(number, proposer, status, closed=None, sensitive=False):
        made = Decision(project=project, title=f"Decision {number}", category=DecisionCategory.POOLED_BUDGET,
                        proposer=people[proposer], proposing_organisation=orgs[proposer], opens_on=date(2025, 12, 1),
                        closes_on=date(2026, 3, 1), status=status, closed_at=closed, is_commercially_sensitive=sensitive)
        db.session.add(made)
        return made

    d1 = decision(1, "C", DecisionStatus.AGREED, moment(1, 5))
    d2 = decision(2, "E", DecisionStatus.AGREED, moment(1, 20))
    d3 = decision(3, "A", DecisionStatus.AGREED, moment(3, 1), sensitive=True)
    d4 = decision(4, "D", DecisionStatus.NOT_AGREED, moment(1, 10))
    d5 = decision(5, "E", DecisionStatus.OPEN)

    def give(made, org, kind, amount, hours=None, rate=None):
        db.session.add(Contribution(decision=made, organisation=orgs[org], kind=kind, amount=Decimal(amount),
                                    hours=hours, hourly_cost=rate, recorded_by=people[org]))

    give(d1, "A", CASH, "10000.00")
    give(d1, "C", CASH, "5000.50")
    give(d1, "E", IN_KIND, "1200.00")
    give(d2, "E", STAFF, "2400.00", Decimal("80"), Decimal("30.00"))
    give(d2, "F", IN_KIND, "600.00")
    give(d3, "A", CASH, "20000.00")
    give(d3, "D", CASH, "4000.00")
    give(d4, "B", CASH, "50000.00")  # not agreed: never put in
    give(d5, "C", CASH, "1000.00")  # still open

    latest_positions = {}

    def position(made, org, stance):
        latest_positions[made, org] = Position(decision=made, organisation=orgs[org], stance=stance,
                                               reasons="Recorded reasons", recorded_by=people[org],
                                               replaces=latest_positions.get((made, org)))
        db.session.add(latest_positions[made, org])

    for org in "ABCE":
        position(d1, org, DecisionStance.SUPPORT)
    position(d1, "D", DecisionStance.STAND_ASIDE)
    position(d2, "E", DecisionStance.SUPPORT)
    position(d2, "F", DecisionStance.OBJECT)
    position(d2, "F", DecisionStance.SUPPORT)  # a change: still one decision responded to
    position(d3, "A", DecisionStance.SUPPORT)
    position(d3, "D", DecisionStance.SUPPORT)
    position(d3, "B", DecisionStance.SUPPORT_WITH_CONCERNS)
    position(d4, "B", DecisionStance.OBJECT)
    position(d4, "D", DecisionStance.SUPPORT)
    position(d5, "C", DecisionStance.SUPPORT)

    def action(made, owner, due, status=ActionStatus.OPEN):
        db.session.add(Action(decision=made, title="Follow up", owner=people[owner], due_on=due, status=status,
                              created_by=people["A"]))

    action(d1, "A", PAST, ActionStatus.DONE)
    action(d1, "C", PAST)  # overdue
    action(d2, "E", PAST)  # overdue
    action(d3, "D", FUTURE)
    action(d3, "E", FUTURE, ActionStatus.DROPPED)

    def vision_version(number):
        version = VisionVersion(project=project, number=number, text=f"Vision {number}", author=people["A"],
                                organisation=orgs["A"])
        db.session.add(version)
        return version

    def endorse(version, org, stance):
        db.session.add(VisionPosition(version=version, organisation=orgs[org], stance=stance,
                                      comment="Our comment", recorded_by=people[org]))

    def indicator(name, direction, baseline, target, latest_value):
        measured = Indicator(project=project, name=name, unit=Unit.COUNT, direction=direction,
                             baseline_value=Decimal(baseline), baseline_date=date(2025, 1, 1),
                             target_value=Decimal(target), target_date=date(2027, 1, 1),
                             # Annual, so that the January 2026 figure is still recent enough to judge.
                             frequency=Frequency.ANNUAL, owner_organisation=orgs["C"])
        db.session.add(measured)
        db.session.add(Measurement(indicator=measured, period=date(2025, 7, 1), value=Decimal(baseline)))
        db.session.add(Measurement(indicator=measured, period=date(2026, 1, 1), value=Decimal(latest_value)))
        return measured

    # On 1 January 2026 each trajectory is half way; the tolerance is 10% of the gap.
    parcels = indicator("Food parcels given", Direction.LOWER_IS_BETTER, "9000", "7000", "7900")  # ahead of 8000: on track
    volunteering = indicator("Residents volunteering", Direction.HIGHER_IS_BETTER, "50", "70", "59")  # 1 behind 60, within 2: at risk
    work = indicator("Households in work", Direction.HIGHER_IS_BETTER, "100", "200", "120")  # 30 behind 150: off track
    db.session.flush()
    for made, aimed_at in ((d1, parcels), (d3, parcels), (d3, work), (d5, volunteering)):
        db.session.add(DecisionIndicator(decision_id=made.id, indicator_id=aimed_at.id))

    first, latest = vision_version(1), vision_version(2)
    for org in "ABCDEF":
        endorse(first, org, VisionStance.ENDORSE)  # an older version: no longer counts
    for org in "ABC":
        endorse(latest, org, VisionStance.ENDORSE)
    endorse(latest, "D", VisionStance.ENDORSE_WITH_RESERVATIONS)
    endorse(latest, "E", VisionStance.ENDORSE)
    endorse(latest, "E", VisionStance.OBJECT)  # E changed its mind; F has not responded
    db.session.flush()
    return project, orgs, people


def shannon(amounts):
    total = sum(amounts)
    return -sum(a / total * math.log(a / total) for a in amounts if a) / math.log(len(amounts))


def test_every_figure_of_a_hand_built_partnership(app, session, redis):
    project, orgs, _ = build_partnership()
    session.commit()
    run_worker(app)

    summary = session.get(ProjectSummary, project.id)
    assert summary is not None and not summary.is_pending and summary.computed_at is not None
    figures = summary.figures
    # Agreed decisions 1-3 count; 4 (not agreed) and 5 (open) do not.
    assert figures["totals"] == {"cash": "39000.50", "staff_time": "2400.00", "in_kind": "1800.00",
                                 "total": "43200.50", "share": 1.0}
    assert figures["undisclosed_total"] == "24000.00"  # decision 3 is commercially sensitive
    by_org = {entry["name"]: entry for entry in figures["organisations"]}
    expected = {  # total, co-funded, proposed, positions, could respond, owned, done, overdue
        "A Hospitals Trust": ("30000.00", 2, 1, 2, 5, 1, 1, 0),
        "B Care Board": ("0.00", 0, 0, 3, 5, 0, 0, 0),
        "C City Council": ("5000.50", 1, 1, 2, 5, 1, 0, 1),
        "D Constabulary": ("4000.00", 1, 1, 3, 5, 1, 0, 0),
        "E Outreach": ("3600.00", 2, 2, 2, 5, 2, 0, 1),
        "F Food Bank": ("600.00", 1, 0, 1, 3, 0, 0, 0),
    }
    for name, (total, cofunded, proposed, positions, could, owned, done, overdue) in expected.items():
        entry = by_org[name]
        assert entry["amounts"]["total"] == total, name
        assert entry["amounts"]["share"] == pytest.approx(float(Decimal(total) / Decimal("43200.50"))), name
        assert (entry["decisions_cofunded"], entry["decisions_proposed"]) == (cofunded, proposed), name
        assert (entry["positions_recorded"], entry["could_respond"]) == (positions, could), name
        assert entry["response_share"] == pytest.approx(positions / could), name
        assert (entry["actions_owned"], entry["actions_done"], entry["actions_overdue"]) == (owned, done, overdue), name
    assert by_org["E Outreach"]["amounts"] | {} == {"cash": "0.00", "staff_time": "2400.00", "in_kind": "1200.00",
                                                    "total": "3600.00", "share": pytest.approx(3600 / 43200.50)}
    # Outside the project every figure is of the disclosed decisions: decision 3 (£24,000 from
    # the trust and the police) is only the undisclosed total.
    public = figures["public"]
    assert public["totals"]["total"] == "19200.50" and public["undisclosed_total"] == "24000.00"
    shown = {entry["name"]: entry for entry in public["organisations"]}
    assert (shown["A Hospitals Trust"]["amounts"]["total"], shown["A Hospitals Trust"]["decisions_cofunded"]) == (
        "10000.00", 1)
    assert (shown["D Constabulary"]["amounts"]["total"], shown["D Constabulary"]["decisions_cofunded"]) == ("0.00", 0)
    assert (public["cross_sector_decisions"], public["contributing_partners"]) == (1, 4)
    assert ("nhs", "police") not in {tuple(pair["sectors"]) for pair in public["sector_pairs"]}
    assert [aimed["amount"] for aimed in public["indicators"]["aimed_at"]] == ["16200.50", "0.00", "0.00"]
    assert public["evenness"]["contributions_by_organisation"] == pytest.approx(
        shannon([10000, 0, 5000.5, 0, 3600, 600]))

    by_sector = {entry["sector"]: entry for entry in figures["sectors"]}
    assert {key: entry["amounts"]["total"] for key, entry in by_sector.items()} == {
        "nhs": "30000.00", "local_authority": "5000.50", "police": "4000.00", "voluntary_and_community": "4200.00"}
    assert {key: entry["decisions_cofunded"] for key, entry in by_sector.items()} == {
        "nhs": 2, "local_authority": 1, "police": 1, "voluntary_and_community": 2}
    assert {key: entry["decisions_proposed"] for key, entry in by_sector.items()} == {
        "nhs": 1, "local_authority": 1, "police": 1, "voluntary_and_community": 2}
    assert {key: (entry["actions_owned"], entry["actions_done"], entry["actions_overdue"])
            for key, entry in by_sector.items()} == {
        "nhs": (1, 1, 0), "local_authority": (1, 0, 1), "police": (1, 0, 0), "voluntary_and_community": (2, 0, 1)}

    # Decisions 1 (health, council, voluntary) and 3 (health, police) cross sectors; 2 is voluntary only.
    assert (figures["agreed_decisions"], figures["cross_sector_decisions"]) == (3, 2)
    assert figures["cross_sector_share"] == pytest.approx(2 / 3)
    pairs = {tuple(pair["sectors"]): (pair["decisions"], pair["amount"]) for pair in figures["sector_pairs"]}
    assert pairs == {
        ("nhs", "local_authority"): (1, "16200.50"),
        ("nhs", "voluntary_and_community"): (1, "16200.50"),
        ("local_authority", "voluntary_and_community"): (1, "16200.50"),
        ("nhs", "police"): (1, "24000.00"),
    }

    assert figures["vision"] == {"has_vision": True, "agreed": False, "endorsing": 4,
                                 "endorsing_share": pytest.approx(4 / 6)}
    indicators = figures["indicators"]
    assert {key: indicators[key] for key in ("total", "on_track", "at_risk", "off_track", "no_data")} == {
        "total": 3, "on_track": 1, "at_risk": 1, "off_track": 1, "no_data": 0}
    # Decisions 1 and 3 aim at indicators; decision 5 does too but is still open.
    assert indicators["linked_decisions"] == 2
    assert indicators["linked_decision_share"] == pytest.approx(2 / 3)
    assert [(aimed["name"], aimed["status"], aimed["decisions"], aimed["amount"]) for aimed in indicators["aimed_at"]] == [
        ("Food parcels given", "on_track", 2, "40200.50"),
        ("Households in work", "off_track", 1, "24000.00"),
        ("Residents volunteering", "at_risk", 0, "0.00"),
    ]
    assert (figures["partners"], figures["contributing_partners"]) == (6, 5)
    assert figures["contributing_partner_share"] == pytest.approx(5 / 6)
    evenness = figures["evenness"]
    assert evenness["contributions_by_organisation"] == pytest.approx(shannon([30000, 0, 5000.5, 4000, 3600, 600]))
    assert evenness["contributions_by_sector"] == pytest.approx(shannon([30000, 5000.5, 4000, 4200]))
    assert evenness["proposals_by_organisation"] == pytest.approx(shannon([1, 0, 1, 1, 2, 0]))
    assert evenness["proposals_by_sector"] == pytest.approx(shannon([1, 1, 1, 2]))
    # 1 − Gini of the sector totals 4,000, 4,200, 5,000.50 and 30,000, worked by hand:
    # the sum of (rank × amount) is 4,000 + 8,400 + 15,001.50 + 120,000 = 147,401.50 over a total
    # of 43,200.50, so Gini = 2 × 147,401.50 / (4 × 43,200.50) − 5/4 = 0.45602 and 1 − Gini = 0.54398.
    assert evenness["one_minus_gini"]["contributions_by_sector"] == pytest.approx(0.54398, abs=1e-5)
    assert evenness["one_minus_gini"]["proposals_by_sector"] == pytest.approx(0.85)  # (1, 1, 1, 2): 2 × 14 / (4 × 5) − 5/4 = Gini 0.15


def test_the_platform_summary_covers_published_projects_only(app, client_for, session, redis):
    build_partnership(published=True)
    private_lead = factories.user()
    factories.project(lead=private_lead, published=False)
    session.commit()
    run_worker(app)

    figures = session.get(PlatformSummary, 1).figures
    assert figures["projects"] == 1
    assert figures["organisations"] == 6
    assert {row["sector"]: row["organisations"] for row in figures["partners_by_sector"]} == {
        "nhs": 2, "local_authority": 1, "police": 1, "voluntary_and_community": 2}
    # Decision 3 is commercially sensitive: its £24,000 is one undisclosed total, in no other figure.
    assert (figures["totals"]["total"], figures["undisclosed_total"]) == ("19200.50", "24000.00")
    assert (figures["agreed_decisions"], figures["cross_sector_decisions"]) == (3, 1)

    home = client_for(None).get("/").get_data(as_text=True)
    shown = home.split("Across all published partnerships")[1]
    assert "£19,200.50" in shown and "1 of 3 (33.3%)" in shown and "£24,000, not counted above" in shown


def test_the_summary_page_breaks_down_sensitive_amounts_only_for_people_of_the_project(app, client_for, session, redis):
    project, _, people = build_partnership(published=True)
    session.commit()
    run_worker(app)

    outsider_page = client_for(None).get(f"/projects/{project.slug}/summary").get_data(as_text=True)
    member_page = client_for(people["B"]).get(f"/projects/{project.slug}/summary").get_data(as_text=True)
    assert "how equally the partners share the load" in member_page and "(1 − Gini: 0.54)" in member_page
    # The summary page gives each figure once, not again below the section that opens it.
    assert member_page.count("Partners contributing") == 1 and member_page.count("Evenness of") == 0
    # The people of the project see every figure; outsiders those of the disclosed decisions,
    # with the commercially sensitive decision's £24,000 as one total beside them.
    assert "£43,200.50" in member_page and "2 of 3 agreed decisions" in member_page
    assert "£24,000, counted in the total above" in member_page
    assert "£19,200.50" in outsider_page and "1 of 3 agreed decisions" in outsider_page
    assert "£24,000, not counted above" in outsider_page and "£43,200.50" not in outsider_page
    outsider_row = outsider_page.split("A Hospitals Trust")[1].split("</tr>")[0]
    member_row = member_page.split("A Hospitals Trust")[1].split("</tr>")[0]
    assert "£10,000" in outsider_row and "£30,000" not in outsider_row
    assert "£30,000" in member_row


def test_the_open_data_api_gives_the_public_figures(app, client_for, session, redis):
    project, _, _ = build_partnership(published=True)
    session.commit()
    client = client_for(None)
    waiting = client.get(f"/api/v1/projects/{project.slug}/summary").json["data"]
    assert waiting == {"computed_at": None, "pending": True, "figures": None}

    run_worker(app)
    data = client.get(f"/api/v1/projects/{project.slug}/summary").json["data"]
    assert data["pending"] is False and data["computed_at"]
    figures = data["figures"]
    assert figures["totals"]["total"] == "19200.50" and figures["undisclosed_total"] == "24000.00"
    by_org = {entry["name"]: entry for entry in figures["organisations"]}
    assert by_org["A Hospitals Trust"]["amounts"]["total"] == "10000.00"  # the sensitive £20,000 is not broken down
    assert "disclosed_amounts" not in by_org["A Hospitals Trust"]
