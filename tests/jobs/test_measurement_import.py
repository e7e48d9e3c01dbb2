import io
import os
import re
import signal
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from rq.registry import StartedJobRegistry
from sqlalchemy import create_engine, func, select, text

import factories
from localvision import create_app
from localvision.domain.measurement_imports import PROBLEMS_KEPT
from localvision.domain.vocabulary import ImportStatus
from localvision.extensions import db
from localvision.jobs.worker import build_worker
from localvision.models import AuditEvent, Measurement, MeasurementImport, MeasurementRevision
from localvision.schema import build_schema
from localvision.services.measurement_imports import (
    BACKGROUND_FROM_ROWS,
    CHECK_STOPPED,
    CHECK_UNAVAILABLE,
    run_queued_check,
    run_queued_import,
)
from support import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    count,
    separate_database,
    settings_for_tests,
    start_worker_process,
    wait_until_someone_waits_for_a_lock,
)


@pytest.fixture
def wirral(session):
    return factories.wirral_food_bank(session)


GOOD_FILE = (
    "indicator,period,value,note,source\n"
    "Food bank parcels,2013-02-01,9400,,Food bank records\n"
    "Food bank parcels,2013-03-01,10500,,\n"
    "Food bank parcels,2013-05-01,\"13,000\",Over 13000,\n"
    "Community cafes open,2013-05-01,4,,\n"
)
BAD_FILE = (
    "indicator,period,value\n"
    "Food bank parcels,2013-02-01,9400\n"
    "Food bank parcel,2013-03-01,10500\n"
    "Food bank parcels,2013-02-01,9450\n"
    "Community cafes open,May 2013,4\n"
    "Community cafes open,2013-06-01,four\n"
)


def upload(client, project, text, filename="measurements.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(f"/projects/{project.slug}/indicators/import",
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_the_preview_lists_every_problem_by_line_and_saves_nothing(client_for, session, wirral):
    client = client_for(wirral["volunteer"])
    response = upload(client, wirral["project"], BAD_FILE)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The file has 4 problems: nothing has been saved" in page
    problems = re.findall(r"<li>(Line \d+: [^<]+)</li>", page)
    assert problems == [
        "Line 3: There is no indicator called “Food bank parcel” in this project",
        "Line 4: Food bank parcels already has a value for 1 February 2013 on line 2",
        "Line 5: “May 2013” is not a date: write it like 2024-03-31, 31/03/2024 or 2024-03",
        "Line 6: “four” is not a number",
    ]
    measurement_import = session.scalar(select(MeasurementImport))
    assert client.post(f"{response.headers['Location']}/confirm").status_code == 302
    assert count(session, Measurement) == 0
    assert session.get(MeasurementImport, measurement_import.id).status == ImportStatus.HAS_PROBLEMS


def test_confirming_a_clean_file_saves_every_row(client_for, session, wirral):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], GOOD_FILE).headers["Location"]
    preview = client.get(preview_url).get_data(as_text=True)
    assert "4 rows and no problems" in preview and "4 new values, 0 corrections, 0 unchanged rows" in preview
    assert count(session, Measurement) == 0  # the preview saves nothing

    done = client.post(f"{preview_url}/confirm")
    assert done.status_code == 302 and done.headers["Location"].endswith("/indicators")
    values = session.execute(select(Measurement.period, Measurement.value, Measurement.note, Measurement.source)
                             .where(Measurement.indicator_id == wirral["parcels"].id).order_by(Measurement.period)).all()
    assert values == [(date(2013, 2, 1), Decimal(9400), "", "Food bank records"), (date(2013, 3, 1), Decimal(10500), "", ""),
                      (date(2013, 5, 1), Decimal(13000), "Over 13000", "")]
    assert session.scalar(select(Measurement.entered_by_id).limit(1)) == wirral["volunteer"].id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "imported"))
    assert event.after["new"] == 4 and event.project_id == wirral["project"].id
    page = client.get(f"/projects/{wirral['project'].slug}/indicators").get_data(as_text=True)
    assert "13,000 for 1 May 2013, +4,000 (+44.4%) since the baseline" in page


def test_importing_the_same_file_again_changes_nothing(client_for, session, wirral):
    client = client_for(wirral["volunteer"])
    client.post(f"{upload(client, wirral['project'], GOOD_FILE).headers['Location']}/confirm")
    before = [count(session, model) for model in (Measurement, MeasurementRevision, AuditEvent)]
    saved = session.execute(select(Measurement.id, Measurement.value, Measurement.entered_at)).all()

    preview_url = upload(client, wirral["project"], GOOD_FILE).headers["Location"]
    assert "0 new values, 0 corrections, 4 unchanged rows" in client.get(preview_url).get_data(as_text=True)
    client.post(f"{preview_url}/confirm")
    assert [count(session, model) for model in (Measurement, MeasurementRevision, AuditEvent)] == before
    assert session.execute(select(Measurement.id, Measurement.value, Measurement.entered_at)).all() == saved


def test_a_changed_value_in_a_file_is_a_correction_that_keeps_the_earlier_value(client_for, session, wirral):
    client = client_for(wirral["volunteer"])
    client.post(f"{upload(client, wirral['project'], GOOD_FILE).headers['Location']}/confirm")
    corrected = GOOD_FILE.replace("10500", "10600")
    preview_url = upload(client_for(wirral["lead"]), wirral["project"], corrected).headers["Location"]
    lead = client_for(wirral["lead"])
    assert "0 new values, 1 correction, 3 unchanged rows" in lead.get(preview_url).get_data(as_text=True)
    lead.post(f"{preview_url}/confirm")
    revision = session.scalar(select(MeasurementRevision))
    assert revision.value == Decimal(10500) and revision.replaced_by_id == wirral["lead"].id
    assert revision.measurement.value == Decimal(10600)
    page = lead.get(f"/projects/{wirral['project'].slug}/indicators/{wirral['parcels'].id}").get_data(as_text=True)
    assert "Corrections" in page and "10,500" in page


def test_nothing_is_saved_when_the_file_no_longer_fits_at_confirmation(client_for, session, wirral):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], GOOD_FILE).headers["Location"]
    # Between preview and confirmation someone renames an indicator the file names.
    wirral["cafes"].name = "Community cafes"
    session.commit()
    client.post(f"{preview_url}/confirm")
    assert count(session, Measurement) == 0
    page = client.get(preview_url).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "Line 5: There is no indicator called “Community cafes open” in this project" in page


def test_a_file_that_is_not_utf8_text_is_refused_next_to_the_field(client_for, session, wirral):
    response = upload(client_for(wirral["volunteer"]), wirral["project"], "indicator,period,value\nCafés,2013,1\n".encode("latin-1"))
    assert response.status_code == 200
    assert "The file must be a CSV file saved as UTF-8 text" in response.get_data(as_text=True)
    assert count(session, MeasurementImport) == 0


def test_a_large_file_is_imported_by_a_job_with_a_progress_bar(app, client_for, session, redis, wirral):
    start = date(2000, 1, 1)
    rows = [f"Food bank parcels,{(start + timedelta(days=day)).isoformat()},{9000 + day}"
            for day in range(BACKGROUND_FROM_ROWS + 10)]
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], "indicator,period,value\n" + "\n".join(rows) + "\n").headers["Location"]
    assert client.post(f"{preview_url}/confirm").headers["Location"].endswith(preview_url)

    waiting = client.get(preview_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<progress" in waiting and 'hx-trigger="load delay:1s"' in waiting
    assert f"Saving 0 of {len(rows):,} rows" in waiting
    assert count(session, Measurement) == 0

    build_worker(app).work(burst=True)

    session.expire_all()
    assert count(session, Measurement) == len(rows)
    finished = client.get(preview_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Imported" in finished and f"{len(rows):,} new values" in finished
    # Confirming again does not queue a second import.
    client.post(f"{preview_url}/confirm")
    assert count(session, Measurement) == len(rows)


def large_file(rows: int = BACKGROUND_FROM_ROWS + 10) -> str:
    start = date(2000, 1, 1)
    return "indicator,period,value\n" + "".join(
        f"Food bank parcels,{(start + timedelta(days=day)).isoformat()},{9000 + day}\n" for day in range(rows))


def test_an_import_that_fails_part_way_saves_nothing_and_the_person_is_told(app, client_for, session, redis, wirral):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], large_file()).headers["Location"]
    client.post(f"{preview_url}/confirm")
    import_id = int(preview_url.rsplit("/", 1)[1])

    def redis_gone_after_the_first_batch(done: int, total: int) -> None:
        # The job reports progress to Redis after each saved batch: here Redis has gone.
        assert count(session, Measurement) == done  # rows really were written before the failure
        raise RedisConnectionError("Connection refused")

    with pytest.raises(RedisConnectionError):
        run_queued_import(import_id, wirral["volunteer"].id, redis_gone_after_the_first_batch)

    session.expire_all()
    assert count(session, Measurement) == 0
    failed = session.get(MeasurementImport, import_id)
    assert failed.status == ImportStatus.FAILED
    page = client.get(preview_url).get_data(as_text=True)
    assert "Nothing was imported" in page
    assert "The import stopped before it finished, so nothing was saved. Try again." in page


@pytest.fixture
def long_from_10_kb(app, monkeypatch):
    """Files from 10,000 characters count as long: checked and imported by jobs."""
    monkeypatch.setitem(app.config, "IMPORT_IN_BACKGROUND_FROM_CHARACTERS", 10_000)


def test_a_long_file_is_checked_by_a_job_not_the_request_then_imported_by_another(
        app, client_for, session, redis, wirral, long_from_10_kb):
    text = large_file(500)  # 500 rows, about 17,000 characters: long, though under BACKGROUND_FROM_ROWS
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], text).headers["Location"]
    assert session.scalar(select(MeasurementImport.status)) == ImportStatus.CHECKING
    assert session.scalar(select(MeasurementImport.row_count)) == 0  # the request read no row

    waiting = client.get(preview_url).get_data(as_text=True)
    assert "The file is waiting to be checked" in waiting
    assert 'hx-trigger="load delay:1s"' in waiting
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in waiting  # without JavaScript

    build_worker(app).work(burst=True)
    session.expire_all()
    checked = client.get(preview_url).get_data(as_text=True)
    assert "The file has 500 rows and no problems. Importing it will save 500 new values" in checked
    assert "http-equiv" not in checked
    assert count(session, Measurement) == 0

    assert client.post(f"{preview_url}/confirm").headers["Location"].endswith(preview_url)
    assert "Saving 0 of 500 rows" in client.get(preview_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert count(session, Measurement) == 0
    build_worker(app).work(burst=True)
    session.expire_all()
    assert count(session, Measurement) == 500
    assert "500 new values" in client.get(preview_url).get_data(as_text=True)


def test_a_long_file_with_many_problems_names_the_first_and_counts_the_rest(
        app, client_for, session, redis, wirral, long_from_10_kb):
    rows = "".join(f"Food bank parcels,someday,{number}\n" for number in range(PROBLEMS_KEPT + 12_345))
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], "indicator,period,value\n" + rows).headers["Location"]
    build_worker(app).work(burst=True)
    session.expire_all()
    page = client.get(preview_url).get_data(as_text=True)
    assert f"The file has {PROBLEMS_KEPT + 12_345:,} problems: nothing has been saved" in page
    assert page.count("“someday” is not a date") == PROBLEMS_KEPT
    assert "and 12,345 more problems" in page
    assert len(page) < 100_000  # a page to read, whatever the file's size


def test_a_check_that_fails_part_way_keeps_nothing_and_the_person_is_told(
        app, client_for, session, redis, wirral, long_from_10_kb):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], large_file(6000)).headers["Location"]
    import_id = int(preview_url.rsplit("/", 1)[1])
    heard = []

    def redis_gone_after_the_first_lines(read: int, lines: int) -> None:
        heard.append((read, lines))
        raise RedisConnectionError("Connection refused")

    with pytest.raises(RedisConnectionError):
        run_queued_check(import_id, redis_gone_after_the_first_lines)
    # After 5,000 rows, on line 5,001, of at most 6,002 (the header, 6,000 rows, a last empty line).
    assert heard == [(5001, 6002)]

    session.expire_all()
    failed = session.get(MeasurementImport, import_id)
    assert (failed.status, failed.row_count, failed.new_count) == (ImportStatus.FAILED, 0, 0)
    page = client.get(preview_url).get_data(as_text=True)
    assert "Nothing was imported" in page and CHECK_STOPPED in page
    assert client.post(f"{preview_url}/confirm").status_code == 302
    assert count(session, Measurement) == 0


def test_a_check_whose_job_is_lost_says_so_and_offers_the_upload_again(
        app, client_for, session, redis, wirral, long_from_10_kb):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], large_file(500)).headers["Location"]
    redis.flushdb()  # Redis lost the queued job (restarted without its data)
    page = client.get(preview_url).get_data(as_text=True)
    assert "The check stopped before it finished. Nothing was saved." in page
    assert f"/projects/{wirral['project'].slug}/indicators/import" in page
    assert "http-equiv" not in page  # nothing more to wait for


def test_a_long_file_uploaded_while_the_queue_is_away_is_refused_and_not_kept(
        app, client_for, session, wirral, long_from_10_kb, unreachable_redis):
    response = upload(client_for(wirral["volunteer"]), wirral["project"], large_file(500))
    assert response.status_code == 200
    assert CHECK_UNAVAILABLE in response.get_data(as_text=True)
    assert count(session, MeasurementImport) == 0


def test_the_progress_page_answers_while_redis_is_away(app, client_for, session, redis, wirral, long_from_10_kb):
    client = client_for(wirral["volunteer"])
    preview_url = upload(client, wirral["project"], large_file(500)).headers["Location"]
    working = app.extensions["localvision_redis"]
    app.extensions["localvision_redis"] = type(working).from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    try:
        page = client.get(preview_url)
    finally:
        app.extensions["localvision_redis"] = working
    assert page.status_code == 200
    assert "How far it has gone cannot be read just now; the work goes on." in page.get_data(as_text=True)


@pytest.mark.skipif(not TEST_DATABASE_URL.startswith("postgresql") or not TEST_REDIS_URL,
                    reason="needs PostgreSQL and a Redis server (TEST_DATABASE_URL, TEST_REDIS_URL)")
def test_a_worker_killed_mid_import_saves_nothing_and_the_page_says_so(tmp_path):
    with separate_database("killed_import", tmp_path) as database_url:
        app = create_app({**settings_for_tests(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url},
                         instance_path=tmp_path)
        with app.app_context():
            build_schema()
            redis = app.extensions["localvision_redis"]
            redis.flushdb()
            lead = factories.user()
            project = factories.project(lead=lead)
            parcels = factories.indicator(project, name="Food bank parcels")
            db.session.commit()
            slug, indicator_id, lead_id = project.slug, parcels.id, lead.id
            client = app.test_client()
            with client.session_transaction() as cookie:
                cookie["_user_id"] = lead.get_id()
            preview_url = upload(client, project, large_file()).headers["Location"]
            client.post(f"{preview_url}/confirm")
            import_id = int(preview_url.rsplit("/", 1)[1])
            assert db.session.get(MeasurementImport, import_id).status == ImportStatus.QUEUED
            db.session.remove()

        engine = create_engine(database_url)
        blocker = engine.connect()
        # Someone else is saving the file's first period: the job's first insert waits for it.
        blocker.execute(text("INSERT INTO measurements (indicator_id, period, value, note, source, entered_by_id, "
                             "entered_at) VALUES (:indicator, '2000-01-01', 1, '', '', :user, now())"),
                        {"indicator": indicator_id, "user": lead_id})
        worker = start_worker_process(database_url, TEST_REDIS_URL)
        try:
            wait_until_someone_waits_for_a_lock(engine, 900, "the import never reached its first insert")
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        finally:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            blocker.rollback()
            blocker.close()

        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Measurement)) == 0
            assert db.session.get(MeasurementImport, import_id).status == ImportStatus.QUEUED
            # RQ's maintenance, once the job's time is up, finds the dead worker's job.
            StartedJobRegistry("default", connection=redis).cleanup(timestamp=int(time.time()) + 3600)
            with client.session_transaction() as cookie:
                cookie["_user_id"] = lead.get_id()
            page = client.get(preview_url).get_data(as_text=True)
            assert "The import stopped before it finished. Nothing was saved." in page
            assert f"/projects/{slug}/indicators/import" in page
            redis.flushdb()
            db.session.remove()
            db.engine.dispose()
        engine.dispose()
