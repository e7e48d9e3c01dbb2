"""Public pages and the API answer revalidation with 304 until their data changes."""
import pytest

import factories
from localvision.extensions import db
from localvision.models import Sector
from localvision.web.http_caching import rendered_responses
from support import counted_statements, invite_and_accept

PUBLIC_URLS = ("/projects/{slug}", "/projects", "/api/v1/projects", "/api/v1/projects/{slug}",
               "/api/v1/projects/{slug}/partners")


@pytest.fixture
def project(session):
    lead = factories.user(factories.organisation("Plymouth City Council", Sector.LOCAL_AUTHORITY))
    project = factories.project(lead=lead, published=True)
    session.commit()
    return project


DOWNLOADS = ("/api/v1/projects/{slug}/vision", "/api/v1/projects/{slug}/decisions",
             "/api/v1/projects/{slug}/indicators", "/projects/{slug}/contributions.csv",
             "/projects/{slug}/measurements.csv")


@pytest.mark.parametrize("url", PUBLIC_URLS + DOWNLOADS)
def test_an_anonymous_visitor_revalidates_with_the_etag(client, project, url):
    url = url.format(slug=project.slug)
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert "Set-Cookie" not in first.headers


@pytest.mark.parametrize("url", [url for url in PUBLIC_URLS if not url.endswith("/partners")])
def test_the_etag_changes_as_soon_as_the_data_does(client_for, project, session, url):
    url = url.format(slug=project.slug)
    etag = client_for().get(url).headers["ETag"]
    lead = project.memberships[0].user
    client_for(lead).post(f"/projects/{project.slug}/edit", data={
        "title": "Safer nights in Plymouth", "place": project.place, "theme": project.theme,
        "summary": project.summary, "phase": "design", "decision_rule": "consensus"})
    response = client_for().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag
    assert "Safer nights in Plymouth" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/projects/{slug}", "/api/v1/projects/{slug}/partners"])
def test_a_new_partner_changes_the_etag(client_for, project, session, url):
    url = url.format(slug=project.slug)
    etag = client_for().get(url).headers["ETag"]
    organisation = factories.organisation("Plymouth NHS Trust", Sector.NHS)
    session.commit()
    invite_and_accept(client_for, project.memberships[0].user, project, organisation)
    response = client_for().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Plymouth NHS Trust" in response.get_data(as_text=True)


def test_different_addresses_have_different_etags(client, project):
    assert client.get("/projects?q=food").headers["ETag"] != client.get("/projects").headers["ETag"]


def test_signed_in_people_always_get_the_page(client_for, project):
    lead = project.memberships[0].user
    etag = client_for().get(f"/projects/{project.slug}").headers["ETag"]
    response = client_for(lead).get(f"/projects/{project.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "ETag" not in response.headers


def test_a_page_with_a_flashed_message_is_not_cached(client, project):
    etag = client.get(f"/projects/{project.slug}").headers["ETag"]
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("success", "Signed out")]
    response = client.get(f"/projects/{project.slug}", headers={"If-None-Match": etag})
    assert response.status_code == 200 and "ETag" not in response.headers
    assert "Signed out" in response.get_data(as_text=True)


def test_a_private_project_is_not_revealed_by_revalidation(client, session):
    project = factories.project(lead=factories.user())
    session.commit()
    for url in (f"/projects/{project.slug}", f"/api/v1/projects/{project.slug}"):
        response = client.get(url, headers={"If-None-Match": "*"})
        assert response.status_code == 404 and "ETag" not in response.headers


@pytest.fixture
def keeping_rendered_responses(app, monkeypatch):
    monkeypatch.setitem(app.config, "RENDERED_RESPONSES_KEPT", 10)
    with app.app_context():
        rendered_responses().clear()
        yield
        rendered_responses().clear()


def test_a_kept_response_is_served_again_until_the_data_changes(client_for, project, keeping_rendered_responses):
    url = f"/projects/{project.slug}"
    first = client_for().get(url).get_data(as_text=True)
    db.session.remove()
    with counted_statements() as statements:
        again = client_for().get(url).get_data(as_text=True)
    assert again == first and len(statements) == 1  # only the data version is read
    client_for(project.memberships[0].user).post(f"/projects/{project.slug}/edit", data={
        "title": "Safer nights in Plymouth", "place": project.place, "theme": project.theme,
        "summary": project.summary, "phase": "design", "decision_rule": "consensus"})
    assert "Safer nights in Plymouth" in client_for().get(url).get_data(as_text=True)


def test_signed_in_people_are_never_served_a_kept_response(client_for, project, keeping_rendered_responses):
    url = f"/projects/{project.slug}"
    client_for().get(url)
    assert "Add or remove partners" in client_for(project.memberships[0].user).get(url).get_data(as_text=True)
