"""The read-only open data API: published projects only, bounded pages, JSON errors."""
import pytest

import factories
from localvision.domain.vocabulary import ContributionKind, DecisionStance, DecisionStatus, Sector, Stance


@pytest.fixture
def projects(session):
    council = factories.organisation("Wirral Council", Sector.LOCAL_AUTHORITY)
    food_bank = factories.organisation("Birkenhead Food Bank", Sector.VOLUNTARY_AND_COMMUNITY)
    lead = factories.user(council)
    published = [factories.project(lead=lead, published=True, title=f"Food network {n}", place="The Wirral",
                                   partners=(food_bank,)) for n in range(5)]
    private = factories.project(lead=lead, title="Private plans", partners=(food_bank,))
    session.commit()
    return published, private


def test_lists_published_projects_a_page_at_a_time(client, projects):
    published, private = projects
    body = client.get("/api/v1/projects?per_page=2&page=2").get_json()
    assert body["meta"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [item["slug"] for item in body["data"]] == [published[2].slug, published[3].slug]
    assert body["links"]["next"].endswith("/api/v1/projects?page=3&per_page=2")
    assert body["links"]["prev"].endswith("/api/v1/projects?page=1&per_page=2")
    last = client.get(body["links"]["last"]).get_json()
    assert last["links"]["next"] is None and [item["slug"] for item in last["data"]] == [published[4].slug]
    assert body["licence"]["name"] == "Open Government Licence v3.0"


def test_filters_match_the_directory(client, projects):
    published, _ = projects
    assert client.get("/api/v1/projects?q=network+3").get_json()["data"][0]["slug"] == published[3].slug
    assert client.get("/api/v1/projects?sector=police").get_json()["meta"]["total"] == 0
    assert client.get("/api/v1/projects?sector=voluntary_and_community&phase=discover").get_json()["meta"]["total"] == 5


@pytest.mark.parametrize("query, message", [
    ("page=0", "page must be a whole number from 1 to 10,000"),
    ("page=abc", "page must be a whole number from 1 to 10,000"),
    ("page=99999999999999999999", "page must be a whole number from 1 to 10,000"),
    ("per_page=101", "per_page must be a whole number from 1 to 100"),
    ("per_page=-1", "per_page must be a whole number from 1 to 100"),
    ("sector=martians", "sector must be one of"),
    ("phase=later", "phase must be one of"),
    ("q=" + "a" * 201, "q must be 200 characters or fewer"),
])
def test_bad_parameters_get_a_json_400(client, projects, query, message):
    response = client.get(f"/api/v1/projects?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"] == "Bad Request" and message in response.get_json()["message"]


def test_project_document_has_partners_and_licence(client, projects):
    project = projects[0][0]
    body = client.get(f"/api/v1/projects/{project.slug}").get_json()
    assert body["slug"] == project.slug and body["title"] == project.title
    assert [(p["name"], p["sector"], p["role"]) for p in body["partners"]] == [
        ("Wirral Council", "local_authority", "lead_partner"),
        ("Birkenhead Food Bank", "voluntary_and_community", "partner"),
    ]
    assert body["links"]["html"].endswith(f"/projects/{project.slug}")
    assert body["links"]["decisions"].endswith(f"/api/v1/projects/{project.slug}/decisions")
    partners = client.get(f"/api/v1/projects/{project.slug}/partners").get_json()
    assert partners["data"] == body["partners"]


def test_private_projects_never_appear(client_for, projects):
    _, private = projects
    member = private.memberships[0].user
    for client in (client_for(), client_for(member)):
        listing = client.get("/api/v1/projects?per_page=100").get_json()
        assert private.slug not in {item["slug"] for item in listing["data"]}
        for url in (f"/api/v1/projects/{private.slug}", f"/api/v1/projects/{private.slug}/partners"):
            response = client.get(url)
            assert response.status_code == 404
            assert response.get_json() == {"error": "Not Found", "message": "There is no published project with that slug"}


def test_errors_are_json_with_4xx_codes(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "Not Found"
    refused = client.post("/api/v1/projects")
    assert refused.status_code == 405 and refused.get_json()["error"] == "Method Not Allowed"
    assert set(refused.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_index_links_to_the_resources(client):
    body = client.get("/api/v1/").get_json()
    assert body["links"]["projects"].endswith("/api/v1/projects")
    assert body["links"]["openapi"].endswith("/api/v1/openapi.json")
    # Each address the index is asked at gets links of its own, however often it is asked.
    for host in ("data.example.org", "localvision.example.gov.uk", "data.example.org"):
        links = client.get("/api/v1/", base_url=f"https://{host}").get_json()["links"]
        assert links["projects"] == f"https://{host}/api/v1/projects"


def test_only_the_agreed_vision_is_published(client, session):
    council = factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)
    police = factories.organisation("Devon and Cornwall Police", Sector.POLICE)
    lead, officer = factories.user(council), factories.user(police)
    project = factories.project(lead=lead, published=True, partners=(police,), members=(officer,))
    first = factories.vision_version(project, lead, text="Safe streets at night.")
    factories.vision_position(first, lead)
    session.commit()
    assert client.get(f"/api/v1/projects/{project.slug}/vision").get_json()["data"] is None

    factories.vision_position(first, officer, Stance.ENDORSE_WITH_RESERVATIONS, comment="Funding is tight")
    factories.vision_version(project, officer, text="A draft nobody has endorsed yet.")
    session.commit()
    vision = client.get(f"/api/v1/projects/{project.slug}/vision").get_json()["data"]
    assert vision["version"] == 1 and vision["text"] == "Safe streets at night."
    assert {(e["name"], e["stance"]) for e in vision["endorsements"]} == {
        ("Plymouth City Council", "endorse"), ("Devon and Cornwall Police", "endorse_with_reservations")}
    document = client.get(f"/api/v1/projects/{project.slug}").get_data(as_text=True)
    assert "A draft nobody has endorsed yet." not in document and "Funding is tight" not in document
    assert '"version":1' in document


@pytest.fixture
def decisions(session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    agreed = factories.decision(project, lead, title="Night outreach", status=DecisionStatus.AGREED)
    factories.contribution(agreed, lead, "12000.50")
    factories.contribution(agreed, doctor, "3000.00", ContributionKind.STAFF_TIME)
    factories.position(agreed, lead, DecisionStance.SUPPORT)
    factories.position(agreed, doctor, DecisionStance.OBJECT, reasons="Too late at night")
    factories.position(agreed, doctor, DecisionStance.SUPPORT_WITH_CONCERNS, reasons="Staff safety")
    secret = factories.decision(project, lead, title="Security contract", sensitive=True)
    secret.rationale = "Supplier quoted a confidential rate"
    factories.contribution(secret, lead, "777777.77")
    factories.contribution(secret, doctor, "1000.00")
    session.commit()
    return project


def test_decisions_come_with_contributions_and_current_positions(client, decisions):
    body = client.get(f"/api/v1/projects/{decisions.slug}/decisions?status=agreed").get_json()
    assert body["meta"]["total"] == 1
    agreed = body["data"][0]
    assert agreed["title"] == "Night outreach" and agreed["status"] == "agreed"
    assert agreed["total"] == "15000.50" and agreed["by_kind"] == {"cash": "12000.50", "staff_time": "3000.00",
                                                                   "in_kind": "0.00"}
    assert [(c["name"], c["kind"], c["amount"]) for c in agreed["contributions"]] == [
        ("Plymouth City Council", "cash", "12000.50"), ("Plymouth NHS Trust", "staff_time", "3000.00")]
    assert [(p["name"], p["stance"], p["reasons"]) for p in agreed["positions"]] == [
        ("Plymouth City Council", "support", ""), ("Plymouth NHS Trust", "support_with_concerns", "Staff safety")]


def test_commercially_sensitive_details_stay_with_the_partnership(client, decisions):
    response = client.get(f"/api/v1/projects/{decisions.slug}/decisions")
    sensitive = next(d for d in response.get_json()["data"] if d["title"] == "Security contract")
    assert sensitive["commercially_sensitive"] is True and sensitive["total"] == "778777.77"
    assert sensitive["rationale"] is None and sensitive["by_kind"] is None and sensitive["contributions"] is None
    text = response.get_data(as_text=True)
    assert "confidential rate" not in text and "777777.77" not in text


def test_decision_pages_are_bounded(client, decisions):
    assert client.get(f"/api/v1/projects/{decisions.slug}/decisions?per_page=1&page=2").get_json()["meta"] == {
        "page": 2, "per_page": 1, "total": 2, "pages": 2}
    response = client.get(f"/api/v1/projects/{decisions.slug}/decisions?status=maybe")
    assert response.status_code == 400 and "status must be one of" in response.get_json()["message"]


def test_indicators_come_with_their_measurements(client, session):
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    indicator = factories.indicator(project, name="A&E attendances after midnight")
    for period, value in (("2024-02-01", "97.5"), ("2024-01-01", "100")):
        factories.measurement(indicator, period=period, value=value)
    session.commit()
    [body] = client.get(f"/api/v1/projects/{project.slug}/indicators").get_json()["data"]
    assert body["name"] == "A&E attendances after midnight" and body["direction"] == "lower"
    assert body["baseline"] == {"value": "100", "date": "2024-01-01"} and body["target"] == {"value": "80",
                                                                                         "date": "2025-01-01"}
    assert [(m["period"], m["value"]) for m in body["measurements"]] == [("2024-01-01", "100"), ("2024-02-01", "97.5")]
