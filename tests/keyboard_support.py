"""Working pages with the keyboard alone, for the browser tests."""
from __future__ import annotations

from playwright.sync_api import Locator, Page

from localvision.demo import DEMO_PASSWORD, EMAIL_DOMAIN

TABS_ALLOWED = 150


def tab_to(page: Page, target: Locator) -> int:
    """Press Tab until the target has the focus, as a keyboard user would; how many presses it took."""
    for presses in range(1, TABS_ALLOWED + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{target} cannot be reached with the Tab key")


def sign_in_with_keyboard(page: Page, live_server: str, key: str) -> None:
    page.goto(f"{live_server}/sign-in")
    tab_to(page, page.get_by_label("Email address"))
    page.keyboard.type(f"{key}@{EMAIL_DOMAIN}")
    tab_to(page, page.get_by_label("Password", exact=True))
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
