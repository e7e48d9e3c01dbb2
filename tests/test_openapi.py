"""The OpenAPI document validates, and the API honours it for whatever a client sends."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

import factories
from localvision.models import Sector


def test_the_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


@pytest.fixture
def api_schema(app, client, session):
    council = factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY)
    lead = factories.user(council)
    factories.project(lead=lead, published=True, partners=(factories.organisation("Plymouth NHS Trust", Sector.NHS),))
    factories.project(lead=lead)
    session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_honours_its_document(case, app):
    response = case.call(app=app)
    case.validate_response(response)
