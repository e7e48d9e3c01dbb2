"""The OpenAPI document validates, and the API honours it for whatever a client sends."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

import factories
from localvision.domain.vocabulary import BarrierStatus, ContributionKind, DecisionStance, DecisionStatus, Stance
from localvision.jobs.worker import build_worker
from localvision.services.health_checks import compute_health_check_results


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


EXAMPLE_SLUG = "street-drinking-plymouth"


@pytest.fixture
def partnership(app, session):
    """A published project under the slug the document gives as its example, so that
    full documents are checked as well as errors, and a private one beside it."""
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    project.slug = EXAMPLE_SLUG
    agreed = factories.vision_version(project, lead)
    factories.vision_position(agreed, lead)
    factories.vision_position(agreed, doctor, Stance.ENDORSE_WITH_RESERVATIONS)
    outreach = factories.decision(project, lead, title="Night outreach", status=DecisionStatus.AGREED)
    outreach.recipient_name = "Harbour Street Outreach"
    factories.contribution(outreach, lead, "12000.50")
    factories.contribution(outreach, doctor, "800.00", ContributionKind.STAFF_TIME)
    factories.position(outreach, doctor, DecisionStance.SUPPORT_WITH_CONCERNS, reasons="Staff safety")
    factories.contribution(factories.decision(project, doctor, sensitive=True), doctor, "99.99")
    factories.measurement(factories.indicator(project, baseline=None), period="2024-03-01", value="-2.75")
    answered = factories.barrier(project, raiser=doctor, status=BarrierStatus.BEING_WORKED)
    answered.owner_organisation = lead.organisation
    factories.barrier_answer(answered, lead)
    factories.barrier(project, status=BarrierStatus.NEW)
    factories.barrier(project, status=BarrierStatus.AWAITING_MODERATION)
    published_lesson = factories.lesson(project, lead, published=True)
    published_lesson.decisions.append(outreach)
    factories.lesson(project, lead, published=False)
    factories.project(lead=lead)
    health_check = factories.health_check_round(project, lead, opens_in_days=-10, closes_in_days=-1)
    for person, rating in ((lead, 5), (doctor, 2), (factories.user(lead.organisation), 4)):
        factories.health_check_answer(health_check, person, rating, comment="Kept inside the partnership")
    health_check.closed_at, health_check.is_published = factories.datetime.now(factories.timezone.utc), True
    session.commit()
    compute_health_check_results(health_check.id)
    build_worker(app).work(burst=True)  # the contribution summary, as a worker computes it
    return project


@pytest.fixture
def api_schema(app, partnership):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_document(case, app):
    response = case.call(app=app)
    case.validate_response(response)


def _checked_against(document: dict, declared: dict, body: object) -> list[str]:
    """What is wrong with a body, measured by the schema the document declares for it."""
    schema = {**declared, "components": document["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(body)]


def test_every_operation_answers_with_the_documents_it_declares(client, partnership):
    document = client.get("/api/v1/openapi.json").get_json()
    assert len(document["paths"]) == 12
    for path, item in document["paths"].items():
        declared = {status: response["content"]["application/json"]["schema"]
                    for status, response in item["get"]["responses"].items() if "content" in response}
        url = path.replace("{slug}", EXAMPLE_SLUG)
        found = client.get(url)
        assert found.status_code == 200, url
        assert _checked_against(document, declared["200"], found.get_json()) == [], url
        if "400" in declared:
            refused = client.get(f"{url}?per_page=0")
            assert refused.status_code == 400
            assert _checked_against(document, declared["400"], refused.get_json()) == []
        if "404" in declared:
            missing = client.get(path.replace("{slug}", "no-such-partnership"))
            assert missing.status_code == 404
            assert _checked_against(document, declared["404"], missing.get_json()) == []
    refused = client.post("/api/v1/projects")
    assert refused.status_code == 405
    assert _checked_against(document, {"$ref": "#/components/schemas/Error"}, refused.get_json()) == []


def test_the_documents_show_every_kind_of_value(client, partnership):
    """The check above means something only if the bodies hold sensitive and open decisions,
    an agreed vision and computed figures."""
    decisions = client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/decisions").get_json()["data"]
    assert {decision["contributions"] is None for decision in decisions} == {True, False}
    assert client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/vision").get_json()["data"]["endorsements"]
    assert client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/summary").get_json()["data"]["figures"]["totals"]
    health_checks = client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/health-checks").get_json()
    assert health_checks["data"][0]["by_organisation"][0]["name"] == "Other partners"
    assert "Kept inside the partnership" not in str(health_checks)
    barriers = client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/barriers").get_json()["data"]
    assert [len(barrier["answers"]) for barrier in barriers] == [0, 1]  # the one awaiting moderation is not there
    [lesson] = client.get(f"/api/v1/projects/{EXAMPLE_SLUG}/learning").get_json()["data"]
    assert lesson["decisions"] and lesson["published_at"]
