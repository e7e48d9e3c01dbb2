"""Public pages and the API answer revalidation with 304 until their data changes."""
import re
import socket
from datetime import datetime, timedelta, timezone

import pytest
from redis import Redis
from sqlalchemy import update

import factories
from localvision.domain.vocabulary import Sector
from localvision.extensions import db
from localvision.models import ProjectSummary
from localvision.summaries import figures
from localvision.web import http_caching
from localvision.web.http_caching import rendered_responses
from support import counted_statements, invite_and_accept


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    db.session.remove()
    with counted_statements() as statements:
        again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert statements == [], "the data version comes from Redis: a revalidation runs no SQL"
    assert "Set-Cookie" not in first.headers and first.headers["Vary"] == "Cookie"


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


def test_a_kept_response_is_served_again_until_the_data_changes(client_for, project):
    url = f"/projects/{project.slug}"
    lead = project.memberships[0].user
    first = client_for().get(url).get_data(as_text=True)
    db.session.remove()
    with counted_statements() as statements:
        again = client_for().get(url).get_data(as_text=True)
    assert again == first and statements == []  # the data version comes from Redis
    client_for(lead).post(f"/projects/{project.slug}/edit", data={
        "title": "Safer nights in Plymouth", "place": project.place, "theme": project.theme,
        "summary": project.summary, "phase": "design", "decision_rule": "consensus"})
    assert "Safer nights in Plymouth" in client_for().get(url).get_data(as_text=True)


def test_signed_in_people_are_never_served_a_kept_response(client_for, project):
    url = f"/projects/{project.slug}"
    etag = client_for().get(url).headers["ETag"]
    lead = client_for(project.memberships[0].user)
    assert "Add or remove partners" in lead.get(url).get_data(as_text=True)
    revalidating = lead.get(url, headers={"If-None-Match": etag})
    assert revalidating.status_code == 200 and "Add or remove partners" in revalidating.get_data(as_text=True)


def text_of(response) -> str:
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def test_how_long_ago_stays_true_in_kept_and_revalidated_pages(client, project, session, monkeypatch):
    summary = session.get(ProjectSummary, project.id)
    summary.figures = figures.project_figures(project.id)
    summary.computed_at = datetime.now(timezone.utc)
    summary.changes_computed = summary.changes_requested
    session.commit()
    url = f"/projects/{project.slug}"
    first = client.get(url)
    assert "Computed less than a minute ago" in text_of(first)
    assert rendered_responses().get(first.headers["ETag"].strip('"')) is not None, "the page is kept"

    # Three hours pass with no change to the project: the clock moves, the data does not.
    session.execute(update(ProjectSummary).where(ProjectSummary.project_id == project.id)
                    .values(computed_at=datetime.now(timezone.utc) - timedelta(hours=3)))
    session.commit()
    later = http_caching.clock_minute() + 180
    monkeypatch.setattr(http_caching, "clock_minute", lambda: later)
    revalidated = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 200 and revalidated.headers["ETag"] != first.headers["ETag"]
    assert "Computed 3 hours ago" in text_of(revalidated)
    assert "Computed 3 hours ago" in text_of(client.get(url))


def test_pages_are_kept_and_revalidated_from_the_database_while_redis_is_unreachable(client_for, project, app,
                                                                                      monkeypatch):
    url = f"/projects/{project.slug}"
    etag = client_for().get(url).headers["ETag"]
    # A real client of a port nothing listens on: every command fails as with Redis down.
    monkeypatch.setitem(app.extensions, "localvision_redis", Redis(port=free_port(), socket_connect_timeout=0.5))
    unreachable_etag = client_for().get(url).headers["ETag"]
    assert client_for().get(url, headers={"If-None-Match": unreachable_etag}).status_code == 304
    client_for(project.memberships[0].user).post(f"/projects/{project.slug}/edit", data={
        "title": "Safer nights in Plymouth", "place": project.place, "theme": project.theme,
        "summary": project.summary, "phase": "design", "decision_rule": "consensus"})
    response = client_for().get(url, headers={"If-None-Match": unreachable_etag})
    assert response.status_code == 200 and "Safer nights in Plymouth" in response.get_data(as_text=True)
    monkeypatch.undo()
    # Back on Redis, the change the counters missed while it was away is not hidden either.
    response = client_for().get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "Safer nights in Plymouth" in response.get_data(as_text=True)
