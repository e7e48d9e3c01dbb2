import os
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from localvision.config import PROJECT_ROOT
from localvision.demo import PROJECTS

pytestmark = pytest.mark.browser
PLYMOUTH = PROJECTS[0].slug


@pytest.fixture
def start_worker(live_app, live_database_url):
    """An RQ worker and the scheduler for the live server, as `flask serve` starts them."""
    processes = []

    def start() -> None:
        environment = dict(os.environ, DATABASE_URL=live_database_url, REDIS_URL=live_app.config["REDIS_URL"],
                           SECRET_KEY="browser-tests")
        for command in ([str(PROJECT_ROOT / "worker.py")], ["-m", "flask", "--app", "localvision", "schedule"]):
            processes.append(subprocess.Popen([sys.executable, *command], env=environment,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def test_the_summary_section_refreshes_itself_once_a_worker_has_computed_it(page, live_server, start_worker,
                                                                           assert_accessible):
    project_page = f"{live_server}/projects/{PLYMOUTH}"
    page.goto(project_page)
    section = page.locator("#contribution-summary")
    expect(section).to_contain_text("The summary is being computed")

    start_worker()
    expect(section).to_contain_text("Computed less than a minute ago", timeout=60_000)
    expect(section).to_contain_text("Put in by partners")
    assert page.url == project_page  # refreshed in place, not reloaded
    assert_accessible()

    section.get_by_role("link", name="See the whole contribution summary").click()
    expect(page.get_by_role("heading", name="Across boundaries")).to_be_visible()
    expect(page.get_by_role("img", name="Bar chart of cash, staff time and in-kind contributions by sector. "
                                        "The table below gives the same figures.")).to_be_visible()
    expect(page.get_by_role("table", name="Agreed decisions each pair of sectors funded together, and those decisions' value")).to_be_visible()
    assert_accessible()
