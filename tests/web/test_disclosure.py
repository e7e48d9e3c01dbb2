"""An outsider who reads every public figure cannot work out who funded a commercially
sensitive decision, or with what.

The attacker here reads what anyone may: the summary page, the project page, the home
page, the summary API, the contributions and decision-log downloads, before and after a
change. It adds up what is visibly given (the contributions download), then subtracts
that from every published figure, compares counts, rebuilds the sector pairs and
recomputes the evenness formulas from the visible amounts: any difference is something
only the hidden rows could explain. On the public figures it must find nothing; on the
figures the people of the project see, the same attacker finds the hidden funders and
amounts, so this test would notice a public figure computed from them.
"""
from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from decimal import Decimal
from itertools import combinations

import pytest
from sqlalchemy import select

import factories
from localvision.domain import evenness
from localvision.domain.vocabulary import ContributionKind, DecisionStatus, Sector
from localvision.extensions import db
from localvision.models import Decision, DecisionIndicator
from localvision.models.summaries import PlatformSummary, ProjectSummary
from localvision.summaries.recompute import recompute_platform_summary, recompute_project_summary

# What only the people of the project may know: how much each funder of the first
# sensitive decision put in (a decision's total is public, so a single funder's is not hidden).
HIDDEN_AMOUNTS = {Decimal("155555.54"), Decimal("5555.00")}
KINDS = [kind.value for kind in ContributionKind]


@pytest.fixture
def partnership(session, redis):
    council = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY))
    trust = factories.user(factories.organisation("Plymouth NHS Trust", Sector.NHS))
    university = factories.user(factories.organisation("University of Plymouth", Sector.UNIVERSITY_AND_RESEARCH))
    police = factories.user(factories.organisation("Devon and Cornwall Police", Sector.POLICE))
    charity = factories.user(factories.organisation("Harbour Street Outreach", Sector.VOLUNTARY_AND_COMMUNITY))
    people = [council, trust, university, police, charity]
    project = factories.project(lead=council, published=True, partners=tuple(p.organisation for p in people),
                                members=tuple(people[1:]))
    night_bus = factories.decision(project, council, title="Night bus", status=DecisionStatus.AGREED)
    factories.contribution(night_bus, council, "10000.00")
    factories.contribution(night_bus, police, "2000.00", ContributionKind.IN_KIND)
    outreach = factories.decision(project, trust, title="Outreach worker", status=DecisionStatus.AGREED)
    factories.contribution(outreach, trust, "3000.00")
    factories.contribution(outreach, charity, "1500.00", ContributionKind.STAFF_TIME)
    contract = factories.decision(project, council, title="Security contract", status=DecisionStatus.AGREED,
                                  sensitive=True)
    factories.contribution(contract, trust, "155555.54")
    factories.contribution(contract, university, "5555.00", ContributionKind.STAFF_TIME)
    indicator = factories.indicator(project, name="A&E attendances after midnight")
    db.session.add_all([DecisionIndicator(decision_id=contract.id, indicator_id=indicator.id),
                        DecisionIndicator(decision_id=night_bus.id, indicator_id=indicator.id)])
    session.commit()
    return {"project": project, "university": university, "lead": council}


def publish_summaries(project) -> None:
    recompute_project_summary(project.id)
    recompute_platform_summary()
    db.session.expire_all()


def csv_rows(client, path: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get(path).get_data(as_text=True))))


class PublicView:
    """Everything an outsider can read about the project, and the platform's figures."""

    def __init__(self, client, project):
        slug = project.slug
        self.figures = client.get(f"/api/v1/projects/{slug}/summary").get_json()["data"]["figures"]
        self.platform = db.session.get(PlatformSummary, 1).figures  # drawn in full on the home page
        self.contributions = csv_rows(client, f"/projects/{slug}/contributions.csv")
        self.log = csv_rows(client, f"/projects/{slug}/decisions/decisions.csv")
        self.pages = " ".join(client.get(path).get_data(as_text=True) for path in (
            f"/projects/{slug}", f"/projects/{slug}/summary", "/", f"/api/v1/projects/{slug}/decisions"))
        self.links = db.session.execute(select(DecisionIndicator.indicator_id, DecisionIndicator.decision_id)).all()


def attack(figures: dict, platform: dict, view: PublicView) -> list[str]:
    """What the figures give away beyond the visible contributions: each finding is a
    hidden funder, amount or form of contribution recovered by subtracting, counting or
    solving a published formula."""
    found = []
    sector_of = {entry["name"]: entry["sector"] for entry in figures["organisations"]}
    visible = defaultdict(Decimal)
    visible_kind = defaultdict(Decimal)
    visible_decisions = defaultdict(set)
    decision_sectors = defaultdict(set)
    decision_total = defaultdict(Decimal)
    for row in view.contributions:
        amount, name = Decimal(row["Value (£)"]), row["Organisation"]
        visible[name] += amount
        visible[sector_of[name]] += amount
        visible_kind[row["Kind"].lower().replace(" ", "_").replace("-", "_")] += amount
        visible_decisions[name].add(row["Decision"])
        visible_decisions[sector_of[name]].add(row["Decision"])
        decision_sectors[row["Decision"]].add(sector_of[name])
        decision_total[row["Decision"]] += amount

    for entry in figures["organisations"] + figures["sectors"]:
        who = entry.get("name") or entry["sector"]
        hidden = Decimal(entry["amounts"]["total"]) - visible[who]
        if hidden:
            found.append(f"{who} put {hidden} into undisclosed decisions")
        if entry["decisions_cofunded"] > len(visible_decisions[who]):
            found.append(f"{who} co-funded {entry['decisions_cofunded'] - len(visible_decisions[who])} "
                         f"undisclosed decision(s)")
    for kind in KINDS:
        if Decimal(figures["totals"][kind]) != visible_kind[kind]:
            found.append(f"{Decimal(figures['totals'][kind]) - visible_kind[kind]} of {kind} in undisclosed decisions")
        if Decimal(platform["totals"][kind]) != visible_kind[kind]:
            found.append(f"the platform's {kind} includes {Decimal(platform['totals'][kind]) - visible_kind[kind]} "
                         f"undisclosed")
    pairs = defaultdict(lambda: [0, Decimal(0)])
    for decision, sectors in decision_sectors.items():
        for pair in combinations(sorted(sectors, key=[sector.value for sector in Sector].index), 2):
            pairs[pair][0] += 1
            pairs[pair][1] += decision_total[decision]
    for pair in figures["sector_pairs"]:
        key = tuple(pair["sectors"])
        if [pair["decisions"], Decimal(pair["amount"])] != pairs.get(key, [0, Decimal(0)]):
            found.append(f"sectors {key} funded undisclosed decisions together")
    visible_cross = sum(1 for sectors in decision_sectors.values() if len(sectors) > 1)
    for what in (figures, platform):
        if what["cross_sector_decisions"] != visible_cross:
            found.append("an undisclosed decision's funding crossed sectors")
    partners = [entry for entry in figures["organisations"] if entry["is_partner"]]
    if figures["contributing_partners"] != sum(1 for entry in partners if visible[entry["name"]]):
        found.append("a partner contributing only to undisclosed decisions is counted")
    per_partner = [visible[entry["name"]] for entry in partners]
    per_sector = [visible[entry["sector"]] for entry in figures["sectors"] if entry["partners"]]
    for name, published, recomputed in (
            ("Shannon, organisations", figures["evenness"]["contributions_by_organisation"],
             evenness.shannon_evenness(per_partner)),
            ("1 − Gini, organisations", figures["evenness"]["one_minus_gini"]["contributions_by_organisation"],
             evenness.one_minus_gini(per_partner)),
            ("Shannon, sectors", figures["evenness"]["contributions_by_sector"], evenness.shannon_evenness(per_sector)),
            ("1 − Gini, sectors", figures["evenness"]["one_minus_gini"]["contributions_by_sector"],
             evenness.one_minus_gini(per_sector))):
        if published != recomputed:
            found.append(f"evenness ({name}) is computed from undisclosed amounts and can be solved for them")
    decision_ids = {row["Title"]: row["Decision"] for row in view.log}
    for aim in figures["indicators"]["aimed_at"]:
        linked = {str(decision) for indicator, decision in view.links if indicator == aim["id"]}
        if Decimal(aim["amount"]) != sum((decision_total[d] for d in linked & set(decision_ids.values())), Decimal(0)):
            found.append(f"funding aimed at {aim['name']} includes undisclosed amounts")
    shown = {Decimal(number.replace(",", "")) for number in re.findall(r"\d[\d,]*\.\d\d", view.pages)}
    found += [f"{amount} appears on a public page" for amount in HIDDEN_AMOUNTS & shown]
    return found


def members_figures(project) -> dict:
    return db.session.get(ProjectSummary, project.id).figures


def test_no_public_figure_gives_away_a_sensitive_decisions_funders_before_or_after_a_change(client_for, partnership):
    project = partnership["project"]
    publish_summaries(project)
    outsider = client_for()
    before = PublicView(outsider, project)
    assert before.figures["undisclosed_total"] == "161110.54"
    assert attack(before.figures, before.platform, before) == []
    # The same attacker on the figures the people of the project see finds the funders.
    findings = attack(members_figures(project), before.platform, before)
    assert "Plymouth NHS Trust put 155555.54 into undisclosed decisions" in findings
    assert "University of Plymouth put 5555.00 into undisclosed decisions" in findings

    # A second sensitive decision, funded by the university alone, is agreed.
    second = factories.decision(project, partnership["lead"], title="Data sharing licence",
                                status=DecisionStatus.AGREED, sensitive=True)
    factories.contribution(second, partnership["university"], "777.77")
    db.session.commit()
    publish_summaries(project)
    after = PublicView(outsider, project)
    assert after.figures["undisclosed_total"] == "161888.31"
    assert attack(after.figures, after.platform, after) == []
    changed = [(b["name"], b["amounts"], b["decisions_cofunded"]) for b, a in
               zip(before.figures["organisations"], after.figures["organisations"])
               if (b["amounts"], b["decisions_cofunded"]) != (a["amounts"], a["decisions_cofunded"])]
    assert changed == []
    def money_figures(view: PublicView) -> tuple:
        spread = view.figures["evenness"]
        return (spread["contributions_by_organisation"], spread["contributions_by_sector"],
                spread["one_minus_gini"]["contributions_by_organisation"],
                spread["one_minus_gini"]["contributions_by_sector"], view.figures["sector_pairs"],
                view.figures["totals"], view.platform["totals"], view.figures["indicators"]["aimed_at"])

    assert money_figures(before) == money_figures(after)
    assert "University of Plymouth put 6332.77 into undisclosed decisions" in attack(
        members_figures(project), after.platform, after)


def test_the_people_of_the_project_see_every_figure(client_for, partnership):
    project = partnership["project"]
    publish_summaries(project)
    page = client_for(partnership["lead"]).get(f"/projects/{project.slug}/summary").get_data(as_text=True)
    # The trust's own total, and what the university put in, only the sensitive decision explains.
    assert "£158,555.54" in page and re.search(r"£5,555\b", page) and "counted in the total above" in page
    public = client_for().get(f"/projects/{project.slug}/summary").get_data(as_text=True)
    assert "£161,110.54" in public and "not counted above" in public
    assert "£158,555.54" not in public and not re.search(r"£5,555\b", public)


def test_a_former_partner_that_only_funded_a_sensitive_decision_is_not_named_to_outsiders(client_for, partnership):
    project = partnership["project"]
    homes = factories.user(factories.organisation("Plymouth Community Homes", Sector.HOUSING))
    contract = db.session.scalar(select(Decision).where(Decision.title == "Security contract"))
    factories.contribution(contract, homes, "999.99")
    db.session.commit()  # not a partner now: its figures are kept as a former partner's are
    publish_summaries(project)
    public = client_for().get(f"/api/v1/projects/{project.slug}/summary").get_json()["data"]["figures"]
    assert "Plymouth Community Homes" not in {entry["name"] for entry in public["organisations"]}
    assert "housing" not in {entry["sector"] for entry in public["sectors"]}
    assert "Plymouth Community Homes" in {entry["name"] for entry in members_figures(project)["organisations"]}
