"""Downloads: contributions as CSV, and agreed grants as a 360Giving data package that
validates against the standard's schemas, offline."""
import csv
import io
import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

import factories
from localvision.config import PROJECT_ROOT
from localvision.demo import load_demo
from localvision.domain.vocabulary import ContributionKind, DecisionStatus
from localvision.models import Project

# The standards sit beside the project (../shared/standards), not in it; a clone elsewhere
# names their folder in SHARED_STANDARDS.
STANDARD = Path(os.environ.get("SHARED_STANDARDS") or PROJECT_ROOT.parent / "shared" / "standards") / "360giving"


@pytest.fixture
def partnership(session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    outreach = factories.decision(project, lead, title="Night outreach", status=DecisionStatus.AGREED)
    outreach.recipient_name, outreach.recipient_charity_number = "Harbour Street Outreach", "1234567"
    factories.contribution(outreach, lead, "12000.50")
    factories.contribution(outreach, doctor, "3000.00")
    factories.contribution(outreach, doctor, "800.00", ContributionKind.STAFF_TIME)
    cafe = factories.decision(project, doctor, title="=HYPERLINK(\"http://evil.example\")", status=DecisionStatus.AGREED)
    cafe.recipient_name = "Community Cafe CIC"
    factories.contribution(cafe, doctor, "450.25")
    no_recipient = factories.decision(project, lead, title="Shared analyst", status=DecisionStatus.AGREED)
    factories.contribution(no_recipient, lead, "5000.00")
    still_open = factories.decision(project, lead, title="Street pastors")
    still_open.recipient_name = "Street Pastors"
    factories.contribution(still_open, lead, "900.00")
    secret = factories.decision(project, lead, title="Security contract", status=DecisionStatus.AGREED, sensitive=True)
    secret.recipient_name = "Guarding Ltd"
    factories.contribution(secret, lead, "777777.77")
    session.commit()
    return project


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_contributions_csv_guards_formulas_and_hides_sensitive_amounts(client_for, partnership):
    response = client_for().get(f"/projects/{partnership.slug}/contributions.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    public = rows(response)
    assert [(r["Decision title"], r["Organisation"], r["Kind"], r["Value (£)"]) for r in public] == [
        ("Night outreach", "Plymouth City Council", "Cash", "12000.50"),
        ("Night outreach", "Plymouth NHS Trust", "Cash", "3000.00"),
        ("Night outreach", "Plymouth NHS Trust", "Staff time", "800.00"),
        ("'=HYPERLINK(\"http://evil.example\")", "Plymouth NHS Trust", "Cash", "450.25"),
        ("Shared analyst", "Plymouth City Council", "Cash", "5000.00"),
        ("Street pastors", "Plymouth City Council", "Cash", "900.00"),
    ]
    members = rows(client_for(partnership.memberships[0].user).get(f"/projects/{partnership.slug}/contributions.csv"))
    assert "777777.77" in {r["Value (£)"] for r in members}


def test_360giving_lists_agreed_cash_grants_to_named_recipients(client, partnership):
    package = client.get(f"/projects/{partnership.slug}/360giving.json").get_json()
    grants = {grant["title"]: grant for grant in package["grants"]}
    assert set(grants) == {"Night outreach", "=HYPERLINK(\"http://evil.example\")"}
    outreach = grants["Night outreach"]
    assert outreach["amountAwarded"] == 15000.50 and outreach["currency"] == "GBP"
    assert outreach["recipientOrganization"] == [{"id": "GB-CHC-1234567", "name": "Harbour Street Outreach",
                                                  "charityNumber": "1234567"}]
    assert [funder["name"] for funder in outreach["fundingOrganization"]] == ["Plymouth City Council",
                                                                               "Plymouth NHS Trust"]
    assert package["license"].startswith("https://www.nationalarchives.gov.uk/doc/open-government-licence/")


def standard_validator() -> Draft202012Validator:
    if not STANDARD.is_dir():
        pytest.skip(f"the 360Giving schemas are not at {STANDARD}: they sit beside the project, in "
                    f"../shared/standards; from a clone elsewhere, set SHARED_STANDARDS to that folder")
    package_schema = json.loads((STANDARD / "360-giving-package-schema.json").read_text())
    grant_schema = DRAFT202012.create_resource(json.loads((STANDARD / "360-giving-schema.json").read_text()))
    # The package names the grant schema by a URL of release 1.4.2, the grant file its
    # own 1.4.3: both resolve to the local file, never to the network.
    registry = Registry().with_resources([
        (package_schema["properties"]["grants"]["items"]["$ref"], grant_schema),
        (grant_schema.contents["$id"], grant_schema),
    ])
    return Draft202012Validator(package_schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_360giving_package_is_valid_against_the_standard(client, partnership):
    package = client.get(f"/projects/{partnership.slug}/360giving.json").get_json()
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in standard_validator().iter_errors(package)]
    assert errors == []


def test_the_validator_catches_a_broken_package(client, partnership):
    package = client.get(f"/projects/{partnership.slug}/360giving.json").get_json()
    del package["grants"][0]["awardDate"]
    package["grants"][1]["currency"] = "pounds"
    assert len(list(standard_validator().iter_errors(package))) >= 2


def test_without_grants_there_is_no_package(client, session):
    project = factories.project(lead=factories.user(), published=True)
    session.commit()
    response = client.get(f"/projects/{project.slug}/360giving.json")
    assert response.status_code == 404 and "no agreed decision giving cash" in response.get_data(as_text=True)


def test_measurements_csv_lists_every_indicators_values(client, partnership, session):
    indicator = factories.indicator(partnership, name="+Street drinking incidents")
    factories.measurement(indicator, period="2024-01-01", value="41")
    factories.measurement(indicator, period="2024-02-01", value="38.5")
    session.commit()
    measured = rows(client.get(f"/projects/{partnership.slug}/measurements.csv"))
    assert [(r["Indicator"], r["Period"], r["Value"]) for r in measured] == [
        ("'+Street drinking incidents", "2024-01-01", "41"), ("'+Street drinking incidents", "2024-02-01", "38.5")]


def test_the_demo_partnerships_grants_are_valid_360giving(client, session):
    load_demo()
    validator = standard_validator()
    checked = 0
    for slug in session.scalars(select(Project.slug).where(Project.is_published.is_(True))):
        response = client.get(f"/projects/{slug}/360giving.json")
        if response.status_code == 404:
            continue
        errors = [f"{slug} {list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.get_json())]
        assert errors == []
        checked += 1
    assert checked >= 1
