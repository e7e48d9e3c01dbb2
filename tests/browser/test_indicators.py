import re
from datetime import date

import pytest
from playwright.sync_api import expect

from localvision.demo.indicators import last_month, months_after

pytestmark = pytest.mark.browser
WIRRAL = "food-poverty-wirral"
PARCELS = "Food bank parcels given out in Birkenhead"
# The two months after the demonstration's figures end: new values, not corrections.
THIS_MONTH = months_after(last_month(date.today()), 1)
NEXT_MONTH = months_after(THIS_MONTH, 1)

FILE_WITH_TWO_BAD_ROWS = (
    "indicator,period,value,note\n"
    f"{PARCELS},{THIS_MONTH},10450,Winter appeal\n"
    f"Food bank parcel,{NEXT_MONTH},10300,\n"
    f"{PARCELS},2026-13-01,10300,\n"
    f"Surplus food meals redistributed,{THIS_MONTH},8750,\n"
)
FIXED_FILE = (
    "indicator,period,value,note\n"
    f"{PARCELS},{THIS_MONTH},10450,Winter appeal\n"
    f"{PARCELS},{NEXT_MONTH},10300,\n"
    f"Surplus food meals redistributed,{THIS_MONTH},8750,\n"
)


def shown(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def choose_file(page, label, text):
    page.get_by_label(label).set_input_files(
        {"name": "measurements.csv", "mimeType": "text/csv", "buffer": text.encode()})


def test_a_lead_fixes_a_file_with_two_bad_rows_and_imports_it(page, live_server, sign_in, assert_accessible):
    sign_in("wirral")
    page.goto(f"{live_server}/projects/{WIRRAL}/indicators")
    page.get_by_role("link", name="Import measurements from a CSV file").click()
    assert_accessible()
    choose_file(page, "CSV file", FILE_WITH_TWO_BAD_ROWS)
    page.get_by_role("button", name="Check the file").click()

    problems = page.locator(".app-import-problems li")
    expect(problems).to_have_text([
        "Line 3: There is no indicator called “Food bank parcel” in this project",
        "Line 4: “2026-13-01” is not a date: write it like 2024-03-31, 31/03/2024 or 2024-03",
    ])
    expect(page.get_by_role("heading", name="The file has 2 problems: nothing has been saved")).to_be_visible()
    assert_accessible()

    choose_file(page, "Corrected CSV file", FIXED_FILE)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("3 new values, 0 corrections, 0 unchanged rows")).to_be_visible()
    assert_accessible()
    page.get_by_role("button", name="Import 3 rows").click()
    expect(page.get_by_text("Imported measurements.csv: 3 new values")).to_be_visible()

    page.get_by_role("link", name=PARCELS).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PARCELS)
    expect(page.locator(".app-indicator-chart--drawn canvas")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(PARCELS))
    expect(table.get_by_role("row", name=re.compile(shown(NEXT_MONTH)))).to_contain_text("10,300")
    expect(table.get_by_role("row", name=re.compile(shown(THIS_MONTH)))).to_contain_text("Winter appeal")
    assert_accessible()


def test_indicator_pages_pass_wcag_22_aa(page, live_server, sign_in, assert_accessible):
    page.goto(f"{live_server}/projects/{WIRRAL}/indicators")
    assert_accessible()
    page.get_by_role("link", name=PARCELS).first.click()
    expect(page.locator(".app-indicator-chart--drawn canvas")).to_be_visible()
    assert_accessible()

    sign_in("wirral")
    page.goto(f"{live_server}/projects/{WIRRAL}/indicators")
    assert_accessible()
    page.get_by_role("link", name=PARCELS).first.click()
    assert_accessible()
    page.get_by_role("link", name="Edit this indicator").click()
    assert_accessible()
    page.goto(f"{live_server}/projects/{WIRRAL}/indicators/new")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible()
