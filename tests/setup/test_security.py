import re
import time

import factories


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_errors_and_files_carry_the_same_headers_as_pages(client):
    for path in ("/no-such-page", "/api/v1/nothing-here", "/projects?q=a%00", "/static/js/summary-chart.js"):
        with client.get(path) as response:
            assert response.headers["X-Frame-Options"] == "DENY", path
            assert len(response.headers.getlist("Content-Security-Policy")) == 1, path


def test_pages_hold_no_inline_script(client_for, session):
    lead = factories.user(is_admin=True)
    project = factories.project(lead=lead, published=True)
    session.commit()
    pages = [client_for().get("/sign-in")] + [
        client_for(lead).get(path)
        for path in ("/", f"/projects/{project.slug}", f"/projects/{project.slug}/partners", "/admin/")
    ]
    for response in pages:
        path, page = response.request.path, response.get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all("src=" in tag for tag in scripts), path
        assert not re.search(r"\son[a-z]+=", page), path


def test_forms_without_a_csrf_token_are_refused_kindly(app, client_for, session):
    lead = factories.user()
    project = factories.project(lead=lead)
    session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client_for(lead).post(f"/projects/{project.slug}/publication", data={"publish": "1"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "reload the page and try again" in response.get_data(as_text=True)
    session.expire_all()
    assert not project.is_published


def test_htmx_requests_of_signed_in_people_send_the_csrf_token(client_for, session):
    body = re.search(r"<body[^>]*>", client_for(factories.user()).get("/").get_data(as_text=True)).group(0)
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_anonymous_pages_set_no_session_cookie(client):
    response = client.get("/")
    assert "hx-headers" not in response.get_data(as_text=True) and "Set-Cookie" not in response.headers


def test_unknown_pages_and_api_errors(client):
    assert client.get("/no-such-page").status_code == 404
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json["error"] == "Not Found"


def test_a_form_left_open_too_long_is_refused_with_a_way_forward(app, client, session, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 1)
    page = client.get("/password-reset").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    time.sleep(2)
    response = client.post("/password-reset", data={"csrf_token": token, "email": "ada@example.org"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
