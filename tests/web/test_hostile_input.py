"""Each kind of hostile input that once answered 500 now gets the usual message, and
requests stay within the sizes an honest page sends."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

import factories
from localvision import create_app
from localvision.domain.measurement_imports import PROBLEMS_KEPT, ROW_LIMIT, parse_measurements
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import DecisionStatus
from localvision.extensions import db
from localvision.models import AuditEvent, Contribution, Decision, Measurement, MeasurementImport
from localvision.web.input_bounds import ECHO_LIMIT, FORM_BODY_LIMIT
from support import count

HUGE_NUMBER = "9" * 25
NUL = "\x00"


@pytest.fixture
def board(session):
    lead, member = factories.council_and_trust()
    project = factories.two_partner_project(lead, member)
    indicator = factories.indicator(project, name="Rough sleepers")
    decision = factories.decision(project, lead, title="Night shelter", status=DecisionStatus.AGREED)
    factories.vision_version(project, lead)
    session.commit()
    return {"lead": lead, "member": member, "project": project, "indicator": indicator, "decision": decision}


def measurement_url(board) -> str:
    return f"/projects/{board['project'].slug}/indicators/{board['indicator'].id}/measurements"


# A null character in any text field ---------------------------------------------------

def test_a_null_character_in_the_sign_in_email_gets_a_message_beside_it(client):
    response = client.post("/sign-in", data={"email": f"priya{NUL}@plymouth.gov.uk", "password": "whatever"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Remove the invisible null character from this answer" in page
    assert NUL not in page


def test_a_null_character_in_a_members_form_saves_nothing(client_for, session, board):
    events = count(session, AuditEvent)
    response = client_for(board["member"]).post(measurement_url(board), data={
        "period": "2024-05-01", "value": "12", "note": f"counted{NUL}twice", "source": ""})
    assert response.status_code == 400
    assert "Remove the invisible null character from this answer" in response.get_data(as_text=True)
    assert count(session, Measurement) == 0 and count(session, AuditEvent) == events


def test_a_line_break_in_a_one_line_answer_is_refused_beside_it_and_nothing_is_saved(client_for, session, board):
    decisions = count(session, Decision)
    today = factories.date.today()
    response = client_for(board["member"]).post(f"/projects/{board['project'].slug}/decisions/new", data={
        "title": "Fund a night bus\r\nBcc: everyone@example.org", "rationale": "Line breaks here\r\nare fine.",
        "category": "pilot", "opens_on": [today.day, today.month, today.year],
        "closes_on": [today.day, today.month, today.year + 1]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Remove the line break or other invisible control character from this answer" in page
    assert count(session, Decision) == decisions
    # A text area keeps its line breaks; another control character is refused there too.
    response = client_for(board["member"]).post(f"/projects/{board['project'].slug}/decisions/new", data={
        "title": "Fund a night bus", "rationale": "Bell\x07 rings", "category": "pilot",
        "opens_on": [today.day, today.month, today.year], "closes_on": [today.day, today.month, today.year + 1]})
    assert "Remove the line break or other invisible control character" in response.get_data(as_text=True)
    assert count(session, Decision) == decisions


@pytest.mark.parametrize("typed, saved", [("1,500.50", "1500.50"), ("£1500", "1500.00"), ("1,234,567", "1234567.00"),
                                          ("1,2,3", None), ("１２３", None), ("1,50", None), ("12,3456", None),
                                          ("٣٠٠", None)])
def test_money_is_plain_digits_with_commas_only_between_thousands(client_for, session, board, typed, saved):
    decision = factories.decision(board["project"], board["lead"], title="Open for money")
    session.commit()
    response = client_for(board["member"]).post(
        f"/projects/{board['project'].slug}/decisions/{decision.id}/contributions",
        data={"contribution-kind": "cash", "contribution-amount": typed, "contribution-description": "Pledge"})
    amounts = [str(c.amount) for c in session.scalars(select(Contribution).where(Contribution.decision_id == decision.id))]
    if saved is None:
        assert amounts == []
        assert "using the digits 0 to 9 and a comma only between thousands" in response.get_data(as_text=True)
    else:
        assert amounts == [saved]


def test_page_numbers_beyond_any_list_are_a_bad_request_not_an_error(client_for, board):
    for path in ("/notifications", "/projects", "/learning", f"/projects/{board['project'].slug}/audit"):
        response = client_for(board["lead"]).get(f"{path}?page=10000000000000000000")
        assert response.status_code == 400, path
        assert "must be a whole number from 1 to" in response.get_data(as_text=True)


def test_a_null_character_in_the_address_is_a_bad_request(client, board):
    response = client.get("/projects?q=street%00drinking")
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)
    assert client.get(f"/projects/{board['project'].slug}%00").status_code == 400
    assert client.get("/projects?q%00=x").status_code == 400
    # A search for the text "%00" itself is an ordinary search.
    assert client.get("/projects?q=50%2500").status_code == 200


# Whole numbers beyond what the database holds -----------------------------------------

def test_page_numbers_beyond_any_list_get_a_message(client_for, board):
    client = client_for(board["member"])
    for url in (f"/projects?page={HUGE_NUMBER}", f"/projects/{board['project'].slug}/audit?page={HUGE_NUMBER}",
                "/projects?page=-1", "/projects?page=two"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "The page in the address must be a whole number from 1 to 10,000" in response.get_data(as_text=True)


def test_ids_beyond_a_database_integer_are_not_found_on_a_public_project(client, board):
    slug = board["project"].slug
    for url in (f"/projects/{slug}/decisions/{HUGE_NUMBER}", f"/projects/{slug}/indicators/{HUGE_NUMBER}",
                f"/projects/{slug}/decisions/2147483648", f"/api/v1/projects/{slug}/decisions/{HUGE_NUMBER}"):
        assert client.get(url).status_code == 404, url


def test_vision_version_numbers_beyond_a_database_integer(client_for, board):
    client = client_for(board["member"])
    slug = board["project"].slug
    assert client.get(f"/projects/{slug}/vision/versions/{HUGE_NUMBER}").status_code == 404
    assert client.get(f"/projects/{slug}/vision/compare?to={HUGE_NUMBER}").status_code == 400


# Overflow in dates and decimals --------------------------------------------------------

def test_a_huge_day_or_month_is_not_a_real_date(client_for, session, board):
    decision = board["decision"]
    for day, month in ((HUGE_NUMBER, "3"), ("1", HUGE_NUMBER)):
        response = client_for(board["lead"]).post(
            f"/projects/{board['project'].slug}/decisions/{decision.id}/review",
            data={"review-review_on": [day, month, "2027"]})
        assert response.status_code == 200
        assert "Review date must be a real date" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Decision, decision.id).review_on is None


def test_a_value_with_a_huge_exponent_is_too_large_in_a_form(client_for, session, board):
    response = client_for(board["member"]).post(measurement_url(board), data={
        "period": "2024-05-01", "value": "1E+99999999999999999", "note": "", "source": ""})
    assert response.status_code == 400
    assert "“1E+99999999999999999” is too large" in response.get_data(as_text=True)
    assert count(session, Measurement) == 0


def test_a_value_with_a_huge_exponent_is_a_problem_line_in_a_csv(client_for, board):
    client = client_for(board["member"])
    response = upload(client, board["project"], "indicator,period,value\nRough sleepers,2024-05-01,1E+99999999999999999\n")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Line 2: “1E+99999999999999999” is too large" in page


# Absent optional fields ----------------------------------------------------------------

def test_optional_fields_left_out_of_the_form_are_saved_empty(client_for, session, board):
    response = client_for(board["member"]).post(measurement_url(board), data={"period": "2024-05-01", "value": "12"})
    assert response.status_code == 302
    measurement = session.scalar(select(Measurement))
    assert (measurement.value, measurement.note, measurement.source) == (12, "", "")


# CSV files -----------------------------------------------------------------------------

def upload(client, project, text: str):
    # Encoded here in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart(
        MultiDict({"file": FileStorage(io.BytesIO(text.encode()), filename="measurements.csv")}))
    return client.post(f"/projects/{project.slug}/indicators/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_a_cell_longer_than_the_csv_limit_is_a_problem_line(client_for, board):
    client = client_for(board["member"])
    text = "indicator,period,value,note\nRough sleepers,2024-05-01,12,\"" + "x" * 140_000 + "\"\n"
    response = upload(client, board["project"], text)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Line 2: This row cannot be read: a cell is longer than 131,072 characters" in page


def test_the_preview_lists_the_first_problems_and_counts_the_rest(client_for, session, board):
    client = client_for(board["member"])
    rows = "".join(f"Nobody,2024-05-01,{number}\n" for number in range(PROBLEMS_KEPT + 345))
    response = upload(client, board["project"], "indicator,period,value\n" + rows)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"The file has {PROBLEMS_KEPT + 345:,} problems: nothing has been saved" in page
    assert page.count("There is no indicator called “Nobody”") == PROBLEMS_KEPT
    assert "and 345 more problems" in page
    assert session.scalar(select(MeasurementImport.problem_count)) == PROBLEMS_KEPT + 345


def test_a_file_stops_at_the_row_limit():
    parsed = parse_measurements("indicator,period,value\n" + "Rough sleepers,2024-05-01,1\n" * (ROW_LIMIT + 5),
                                {"rough sleepers": 1}, {1: "Rough sleepers"})
    assert parsed.row_count == ROW_LIMIT
    assert parsed.problems[0] == (ROW_LIMIT + 2, f"The file has more than {ROW_LIMIT:,} rows: split it into files "
                                                  f"of {ROW_LIMIT:,} rows or fewer")


# Request sizes -------------------------------------------------------------------------

def test_a_form_body_over_the_form_limit_gets_a_friendly_page(client_for, session, board):
    response = client_for(board["member"]).post(measurement_url(board), data={
        "period": "2024-05-01", "value": "12", "note": "x" * (FORM_BODY_LIMIT + 1)})
    assert response.status_code == 413
    assert "What you sent is larger than this page accepts" in response.get_data(as_text=True)
    assert count(session, Measurement) == 0


def test_the_csv_upload_accepts_more_than_a_form(client_for, board):
    client = client_for(board["member"])
    rows = "Rough sleepers,2024-05-01,12," + "n" * 1900 + "\n"
    response = upload(client, board["project"], "indicator,period,value,note\n" + rows * (FORM_BODY_LIMIT // len(rows) + 10))
    assert response.status_code == 302


def test_a_refused_long_answer_is_not_echoed_back_whole(client_for, board):
    note = "n" * (ECHO_LIMIT * 3)
    response = client_for(board["member"]).post(measurement_url(board), data={
        "period": "2024-05-01", "value": "12", "note": note})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Note must be 2,000 characters or fewer" in page
    assert "n" * ECHO_LIMIT in page and "n" * (ECHO_LIMIT + 1) not in page


# An unreachable database ---------------------------------------------------------------

@pytest.fixture
def without_database(app, tmp_path):
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=1"
    broken = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": unreachable}, instance_path=tmp_path)
    yield broken
    with broken.app_context():
        db.engine.dispose()


def test_pages_say_the_service_is_unavailable_and_when_to_retry(without_database):
    response = without_database.test_client().get("/projects/street-drinking-plymouth")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in page and "Try again in 30 seconds" in page
    assert "Traceback" not in page


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_signed_in_person_is_told_the_service_is_unavailable_too(without_database, method):
    # Their session names an account the app cannot load while the database is away.
    client = without_database.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1:0"
        cookie["_fresh"] = True
    if method == "GET":
        response = client.get("/projects/street-drinking-plymouth/decisions/1")
    else:
        response = client.post("/projects/street-drinking-plymouth/decisions/1/position",
                               data={"position-stance": "support"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in response.get_data(as_text=True)


def test_pages_that_need_no_database_still_answer_a_signed_in_person(without_database):
    # Only the page header needs their account; it is drawn as for a visitor instead.
    client = without_database.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1:0"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "<h1 class=\"govuk-heading-l\">Not Found</h1>" in missing.get_data(as_text=True)
    index = client.get("/api/v1/")
    assert index.status_code == 200 and index.headers["Cache-Control"] == "private, no-store"


def test_the_api_says_the_service_is_unavailable_in_json(without_database):
    response = without_database.test_client().get("/api/v1/projects")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.json["error"] == "Service Unavailable"


def test_readyz_names_the_database_when_it_cannot_be_reached(without_database):
    client = without_database.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["database"] == "unavailable"
    assert client.get("/healthz").status_code == 200



# A refusal a page did not show -----------------------------------------------------------

@pytest.fixture
def refusing_app(app, tmp_path):
    refusing = create_app(dict(app.config), instance_path=tmp_path)

    @refusing.get("/refused")
    @refusing.get("/api/refused")
    def refused():
        raise Refused("This round has closed, so it takes no more answers.")

    @refusing.get("/not-permitted")
    def not_permitted():
        raise NotPermitted("Only the leads of a project open a round.")

    return refusing


def test_a_refusal_no_page_shows_answers_with_its_message_not_an_error(refusing_app):
    client = refusing_app.test_client()
    page = client.get("/refused")
    assert page.status_code == 409
    assert "This round has closed, so it takes no more answers." in page.get_data(as_text=True)
    api = client.get("/api/refused")
    assert api.status_code == 409 and api.json["message"] == "This round has closed, so it takes no more answers."
    forbidden = client.get("/not-permitted")
    assert forbidden.status_code == 403 and "Only the leads of a project open a round." in forbidden.get_data(as_text=True)
