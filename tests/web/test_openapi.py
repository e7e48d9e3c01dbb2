"""The OpenAPI document validates, and the API honours it for whatever a client sends."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

import factories
from localvision.jobs.worker import build_worker
from localvision.models import ContributionKind, DecisionStance, DecisionStatus, Stance


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


@pytest.fixture
def api_schema(app, client, session):
    """A published project under the slug the document gives as its example, so that
    full documents are checked as well as errors, and a private one beside it."""
    lead, doctor = factories.council_and_trust()
    project = factories.two_partner_project(lead, doctor)
    project.slug = "street-drinking-plymouth"
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
    factories.project(lead=lead)
    session.commit()
    build_worker(app).work(burst=True)  # the contribution summary, as a worker computes it
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_document(case, app):
    response = case.call(app=app)
    case.validate_response(response)
