"""A live server on a database of its own, with the demo partnerships, and Chromium
driven by Playwright. Debian's Chromium is used, never a downloaded browser."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from localvision import create_app
from localvision.demo import load_demo
from localvision.extensions import db
from localvision.schema import build_schema
from support import copied_database, separate_database, settings_for_tests

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    if not CHROMIUM.exists():
        skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory):
    """The demo partnerships, loaded once into a database that each test copies."""
    instance_path = tmp_path_factory.mktemp("demo-instance")
    with separate_database("browser_demo", tmp_path_factory.mktemp("demo")) as url:
        app = create_app({**settings_for_tests(instance_path), "SQLALCHEMY_DATABASE_URI": url},
                         instance_path=instance_path)
        with app.app_context():
            build_schema()
            load_demo()
            db.session.remove()
            db.engine.dispose()
        yield url


@pytest.fixture
def live_database_url(demo_database_url, tmp_path):
    """A fresh copy of the demo for each test: what one test changes, no other sees."""
    with copied_database(demo_database_url, tmp_path) as url:
        yield url


@pytest.fixture
def live_app(live_database_url, tmp_path):
    instance_path = tmp_path / "live-instance"
    settings = {**settings_for_tests(instance_path), "SQLALCHEMY_DATABASE_URI": live_database_url,
                "WTF_CSRF_ENABLED": True, "TESTING": False,
                # Each browser test signs in afresh, several people in turn.
                "SIGN_IN_RATE_LIMIT": "200 per minute"}
    app = create_app(settings, instance_path=instance_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    # Emailed links point at the site's configured address: this server.
    live_app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.document_statuses = []

    def note_document(response) -> None:
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            page.document_statuses.append(response.status)

    page.on("response", note_document)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    from localvision.demo import DEMO_PASSWORD, EMAIL_DOMAIN

    def sign_in_as(key: str, on=None) -> None:
        """Sign in as a demo person on the test's page, or on another page ``on``."""
        signing_in = on or page
        signing_in.goto(f"{live_server}/sign-in")
        signing_in.get_by_label("Email address").fill(f"{key}@{EMAIL_DOMAIN}")
        signing_in.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        signing_in.get_by_role("button", name="Sign in").click()
        signing_in.wait_for_url(f"{live_server}/")

    return sign_in_as


@pytest.fixture
def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(status: int = 200) -> None:
        # An error page can be perfectly accessible: scan only the page the test meant.
        assert page.document_statuses and page.document_statuses[-1] == status, (
            f"{page.url} answered {page.document_statuses[-1:]}, not {status}")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check
