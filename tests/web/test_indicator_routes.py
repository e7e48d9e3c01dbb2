import html
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import factories
from localvision.domain.vocabulary import Sector
from localvision.models import AuditEvent, Indicator, Measurement, MeasurementRevision


@pytest.fixture
def partnership(session):
    council = factories.organisation("Wirral Council", Sector.LOCAL_AUTHORITY)
    food_bank = factories.organisation("Birkenhead Food Bank", Sector.VOLUNTARY_AND_COMMUNITY)
    nhs = factories.organisation("Wirral Community Health NHS Trust", Sector.NHS)
    lead = factories.user(council, name="Ruth Doyle")
    volunteer = factories.user(food_bank, name="Kieran Walsh")
    nurse = factories.user(nhs, name="Nia Jones")
    project = factories.project(lead=lead, partners=(food_bank, nhs), members=(volunteer, nurse), published=False)
    session.commit()
    return {"project": project, "lead": lead, "volunteer": volunteer, "nurse": nurse, "council": council,
            "food_bank": food_bank, "nhs": nhs}


def indicator_form(owner_id, **overrides):
    form = {
        "name": "Food bank parcels in Birkenhead",
        "description": "Parcels given out each month",
        "unit": "count",
        "decimal_places": "0",
        "direction": "lower",
        "baseline_value": "9,000",
        "baseline_date": ["1", "1", "2013"],
        "target_value": "8000",
        "target_date": ["1", "1", "2014"],
        "source": "Birkenhead Food Bank records",
        "frequency": "monthly",
        "owner_organisation_id": str(owner_id),
    }
    form.update(overrides)
    return form


def test_a_member_defines_an_indicator_owned_by_their_organisation(client_for, session, partnership):
    project = partnership["project"]
    client = client_for(partnership["volunteer"])
    page = client.get(f"/projects/{project.slug}/indicators/new").get_data(as_text=True)
    # A member may only name their own organisation as the owner.
    assert "Birkenhead Food Bank" in page and "Wirral Council</option>" not in page

    response = client.post(f"/projects/{project.slug}/indicators/new", data=indicator_form(partnership["food_bank"].id))
    assert response.status_code == 302
    indicator = session.scalar(select(Indicator))
    assert indicator.baseline_value == Decimal(9000) and indicator.baseline_date == date(2013, 1, 1)
    assert indicator.target_value == Decimal(8000) and indicator.owner_organisation == partnership["food_bank"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "Indicator"))
    assert event.action == "created" and event.after["baseline_value"] == "9000.0000"

    refused = client.post(f"/projects/{project.slug}/indicators/new",
                          data=indicator_form(partnership["council"].id, name="Another"))
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"baseline_value": "nine thousand"}, "“nine thousand” is not a number"),
        ({"target_date": ["31", "2", "2014"]}, "Target date must be a real date"),
        ({"target_date": ["1", "", "2014"]}, "Target date must include a month"),
        ({"target_date": ["1", "13", "2014"]}, "Target date must be a real date"),
        ({"target_date": ["100000000000000000000", "1", "2014"]}, "Target date must be a real date"),
        ({"target_date": ["1", "1", "0"]}, "Target date must include a year with 4 numbers"),
        ({"target_date": ["", "", ""]}, "Enter both the target value and its date, or neither"),
        ({"target_value": "9500"}, "Lower is better, so the target cannot be above the baseline"),
        ({"target_date": ["1", "6", "2012"]}, "The target date must be after the baseline date"),
        ({"decimal_places": "7"}, "Decimal places must be from 0 to 4"),
        ({"direction": ""}, "Choose which direction is better"),
    ],
)
def test_bad_indicator_details_are_explained_next_to_the_field(client_for, session, partnership, overrides, message):
    project = partnership["project"]
    response = client_for(partnership["lead"]).post(f"/projects/{project.slug}/indicators/new",
                                                    data=indicator_form(partnership["council"].id, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and message in page
    assert session.scalar(select(Indicator)) is None


def test_only_leads_and_the_owning_organisations_people_edit_an_indicator(client_for, session, partnership):
    project = partnership["project"]
    indicator = factories.indicator(project, owner=partnership["food_bank"], name="Parcels")
    session.commit()
    url = f"/projects/{project.slug}/indicators/{indicator.id}/edit"
    assert client_for(partnership["nurse"]).get(url).status_code == 403
    assert "Edit this indicator" not in client_for(partnership["nurse"]).get(
        f"/projects/{project.slug}/indicators/{indicator.id}").get_data(as_text=True)

    for person, name in ((partnership["volunteer"], "Parcels given out"), (partnership["lead"], "Food parcels")):
        response = client_for(person).post(url, data=indicator_form(partnership["food_bank"].id, name=name))
        assert response.status_code == 302
        assert session.get(Indicator, indicator.id).name == name
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "updated",
                                                      AuditEvent.object_type == "Indicator")
                             .order_by(AuditEvent.id)).all()
    assert events[-1].before["name"] == "Parcels given out" and events[-1].after["name"] == "Food parcels"


def test_indicator_names_are_unique_within_a_project(client_for, session, partnership):
    project = partnership["project"]
    factories.indicator(project, name="Food parcels")
    session.commit()
    response = client_for(partnership["lead"]).post(f"/projects/{project.slug}/indicators/new",
                                                    data=indicator_form(partnership["council"].id, name="food  PARCELS"))
    assert "already has an indicator called food PARCELS" in response.get_data(as_text=True)


def test_adding_and_correcting_a_measurement_keeps_the_history(client_for, session, partnership):
    project = partnership["project"]
    indicator = factories.indicator(project, baseline=("2013-01-01", "9000"), target=("2014-01-01", "8000"))
    session.commit()
    client = client_for(partnership["nurse"])
    base = f"/projects/{project.slug}/indicators/{indicator.id}"
    added = client.post(f"{base}/measurements", data={"period": "2013-05", "value": "13,000", "note": "", "source": ""})
    assert added.status_code == 302
    measurement = session.scalar(select(Measurement))
    assert measurement.period == date(2013, 5, 1) and measurement.value == Decimal(13000)

    again = client.post(f"{base}/measurements", data={"period": "01/05/2013", "value": "1"})
    assert again.status_code == 400
    assert "There is already a value for 1 May 2013" in again.get_data(as_text=True)

    corrected = client_for(partnership["volunteer"]).post(
        f"{base}/measurements/{measurement.id}", data={"value": "13150.5", "note": "Late returns added", "source": ""})
    assert corrected.status_code == 302
    session.refresh(measurement)
    assert measurement.value == Decimal("13150.5") and measurement.entered_by == partnership["volunteer"]
    revision = session.scalar(select(MeasurementRevision))
    assert revision.value == Decimal(13000) and revision.entered_by == partnership["nurse"]
    assert revision.replaced_by == partnership["volunteer"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "corrected"))
    assert event.before["value"] == "13000.0000" and event.after["value"] == "13150.5000"

    page = client.get(base).get_data(as_text=True)
    assert "Corrections" in page and "13,000" in page and "13,151" in page
    # A monthly figure from 2013 says nothing about today, and the 2014 target has passed.
    assert "No recent data" in page and "Off track" not in page
    assert "Target not met by 1 January 2014" in page


def test_an_unchanged_correction_writes_nothing(client_for, session, partnership):
    project = partnership["project"]
    measurement = factories.measurement(factories.indicator(project), value="90")
    session.commit()
    url = f"/projects/{project.slug}/indicators/{measurement.indicator_id}/measurements/{measurement.id}"
    client_for(partnership["lead"]).post(url, data={"value": "90.0", "note": "", "source": ""})
    assert session.scalar(select(MeasurementRevision)) is None
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "corrected")) is None


def test_indicator_page_has_chart_data_and_a_full_table(client_for, session, partnership):
    project = partnership["project"]
    indicator = factories.indicator(project, baseline=("2024-01-01", "100"), target=("2024-12-31", "80"))
    for month, value in ((2, "98"), (3, "97"), (4, "99")):
        factories.measurement(indicator, period=f"2024-0{month}-01", value=value)
    session.commit()
    page = client_for(partnership["lead"]).get(f"/projects/{project.slug}/indicators/{indicator.id}").get_data(as_text=True)
    chart = json.loads(html.unescape(re.search(r"data-indicator-chart='([^']+)'", page).group(1)))
    # Days since 1 January 1970: 1 January 2024 is day 19723, 31 December 2024 day 20088.
    assert chart["measurements"] == [{"x": 19754, "y": 98.0}, {"x": 19783, "y": 97.0}, {"x": 19814, "y": 99.0}]
    assert chart["baseline"] == [{"x": 19723, "y": 100.0}, {"x": 20088, "y": 100.0}]
    assert chart["trajectory"] == [{"x": 19723, "y": 100.0}, {"x": 20088, "y": 80.0}]
    assert "dist/chart.umd.min.js" in page and "js/indicator-chart.js" in page
    table = page.split('<table class="govuk-table app-measurements-table">')[1].split("</table>")[0]
    assert table.count("<tr") == 4 and "1 April 2024" in table
    # 91 of 365 days along the line from 100 to 80.
    assert "95" in table


def test_project_page_shows_small_progress_summaries(client_for, session, partnership):
    project = partnership["project"]
    indicator = factories.indicator(project, name="Waiting time for physiotherapy", baseline=("2015-01-01", "50"),
                                    target=("2016-01-01", "30"))
    factories.measurement(indicator, period="2015-03-01", value="45")
    factories.measurement(indicator, period="2015-07-02", value="34")
    factories.indicator(project, name="Community cafes open", higher_is_better=True, baseline=None, target=None)
    session.commit()
    page = client_for(partnership["nurse"]).get(f"/projects/{project.slug}").get_data(as_text=True)
    summaries = page.split("Outcome indicators")[1]
    assert "Waiting time for physiotherapy" in summaries and "No recent data" in summaries
    assert "34 for 2 July 2015, -16 (-32.0%) since the baseline" in summaries
    # 34 in July 2015 was the last figure before the target date: above the 30 wanted.
    assert "Target not met by 1 January 2016" in summaries
    assert "Community cafes open" in summaries and "No measurements yet" in summaries


def test_published_projects_show_indicators_to_the_public(client_for, session, partnership):
    project = partnership["project"]
    indicator = factories.indicator(project, name="Food parcels")
    factories.measurement(indicator, value="95")
    session.commit()
    anonymous = client_for(None)
    assert anonymous.get(f"/projects/{project.slug}/indicators/{indicator.id}").status_code == 404
    project.is_published = True
    session.commit()
    page = anonymous.get(f"/projects/{project.slug}/indicators/{indicator.id}").get_data(as_text=True)
    assert "Food parcels" in page and "95" in page
    assert "Add a measurement" not in page and "Correct" not in page
    assert "Food parcels" in anonymous.get(f"/projects/{project.slug}/indicators").get_data(as_text=True)


def test_leads_set_the_tolerance_that_decides_at_risk(client_for, session, partnership):
    project = partnership["project"]
    start = date.today() - timedelta(days=15)
    indicator = factories.indicator(project, name="Food parcels", baseline=(start.isoformat(), "100"),
                                    target=((start + timedelta(days=30)).isoformat(), "80"))
    # Halfway the line expects 90; 93 is behind by 3, that is 15% of the gap.
    factories.measurement(indicator, period=date.today().isoformat(), value="93")
    session.commit()
    client = client_for(partnership["lead"])
    assert "Off track" in client.get(f"/projects/{project.slug}/indicators").get_data(as_text=True)
    bad = client.post(f"/projects/{project.slug}/indicators/tolerance", data={"tolerance": "150"})
    assert bad.status_code == 400 and "Tolerance must be from 0 to 100" in bad.get_data(as_text=True)
    client.post(f"/projects/{project.slug}/indicators/tolerance", data={"tolerance": "20"})
    assert "At risk" in client.get(f"/projects/{project.slug}/indicators").get_data(as_text=True)
    event = session.scalar(select(AuditEvent).where(AuditEvent.object_type == "Project", AuditEvent.action == "updated"))
    assert event.before == {"indicator_tolerance_percent": 10} and event.after == {"indicator_tolerance_percent": 20}


def test_an_indicator_of_another_project_is_not_found(client_for, session, partnership):
    other = factories.project(lead=partnership["lead"])
    indicator = factories.indicator(other)
    session.commit()
    response = client_for(partnership["lead"]).get(f"/projects/{partnership['project'].slug}/indicators/{indicator.id}")
    assert response.status_code == 404


def test_decisions_linked_to_an_indicator_show_the_funding_aimed_at_it(client_for, session, partnership):
    from localvision.domain.vocabulary import DecisionStatus
    from localvision.models import DecisionIndicator

    project = partnership["project"]
    indicator = factories.indicator(project, name="Food parcels", owner=partnership["food_bank"])
    pantry = factories.decision(project, partnership["lead"], title="Fund a community pantry", status=DecisionStatus.AGREED)
    factories.contribution(pantry, partnership["lead"], "12000.00")
    factories.contribution(pantry, partnership["volunteer"], "3000.50")
    cafe = factories.decision(project, partnership["volunteer"], title="Open a community cafe")
    factories.contribution(cafe, partnership["volunteer"], "4000.00")
    elsewhere = factories.decision(factories.project(lead=partnership["lead"]), partnership["lead"])
    session.commit()
    url = f"/projects/{project.slug}/indicators/{indicator.id}"

    assert client_for(partnership["nurse"]).post(f"{url}/decisions", data={"decision_ids": [pantry.id]}).status_code == 403
    refused = client_for(partnership["volunteer"]).post(f"{url}/decisions", data={"decision_ids": [elsewhere.id]})
    assert refused.status_code == 400 and "is not a valid choice" in refused.get_data(as_text=True)

    client = client_for(partnership["volunteer"])
    assert client.post(f"{url}/decisions", data={"decision_ids": [pantry.id, cafe.id]}).status_code == 302
    page = client_for(partnership["nurse"]).get(url).get_data(as_text=True)
    assert "£15,000.50 committed in agreed decisions; £4,000 more proposed in decisions still open" in page
    assert "Fund a community pantry" in page and "Open a community cafe" in page
    decision_page = client.get(f"/projects/{project.slug}/decisions/{pantry.id}").get_data(as_text=True)
    assert "Outcome indicators it aims to move" in decision_page and "Food parcels" in decision_page.split("aims to move")[1]

    client.post(f"{url}/decisions", data={"decision_ids": [cafe.id]})
    assert session.scalars(select(DecisionIndicator.decision_id)).all() == [cafe.id]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "DecisionIndicator")
                              .order_by(AuditEvent.id)).all()
    assert actions == ["linked", "linked", "unlinked"]


def test_each_sentence_of_an_indicators_progress_stands_apart(client_for, session, partnership):
    today = date.today()
    stale = factories.indicator(partnership["project"], name="Street drinking reports",
                                baseline=((today - timedelta(days=1000)).isoformat(), "100"),
                                target=((today + timedelta(days=1000)).isoformat(), "50"))
    factories.measurement(stale, period=(today - timedelta(days=400)).replace(day=1).isoformat(), value="80")
    session.commit()
    text = html.unescape(re.sub(r"\s+", " ", client_for(partnership["lead"]).get(
        f"/projects/{partnership['project'].slug}/indicators").get_data(as_text=True)))
    assert re.search(r"so no status is given\. \d+(\.\d)?% of the way to the target", text)
