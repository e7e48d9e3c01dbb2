"""Adding, correcting and importing measurements, called without a request: the import
saves every row or none, and long files go to the background job."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from redis import Redis
from rq.job import Job

import factories
from localvision.domain.refusals import NotPermitted, Refused
from localvision.domain.vocabulary import ImportStatus
from localvision.jobs.worker import build_worker
from localvision.models import AuditEvent, Measurement, MeasurementImport, MeasurementRevision
from localvision.permissions import policy
from localvision.redis_connection import get_redis
from localvision.services import measurement_imports
from localvision.services import measurements as measurement_services
from localvision.services.measurement_imports import BACKGROUND_FROM_ROWS, import_measurements
from support import count, events_of

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens there


@pytest.fixture
def wirral(session):
    return factories.wirral_food_bank(session, published=True)


def context(wirral, who: str) -> policy.ProjectContext:
    return policy.context_for(wirral[who], wirral["project"])


def daily_file(rows: int) -> bytes:
    start = date(2000, 1, 1)
    lines = [f"Food bank parcels,{(start + timedelta(days=day)).isoformat()},{9000 + day}" for day in range(rows)]
    return ("indicator,period,value\n" + "\n".join(lines) + "\n").encode()


GOOD_FILE = (
    "indicator,period,value,note,source\n"
    "Food bank parcels,2013-02-01,9400,,Food bank records\n"
    "Food bank parcels,2013-03-01,10500,,\n"
    "Community cafes open,2013-05-01,4,,\n"
).encode()


def test_a_measurement_is_added_once_per_period(session, wirral):
    parcels = wirral["parcels"]
    added = measurement_services.add_measurement(context(wirral, "volunteer"), parcels, date(2013, 5, 1),
                                                 Decimal("13000"), " Over 13,000 ", "")
    assert (added.value, added.note, added.entered_by_id) == (Decimal("13000.0000"), "Over 13,000", wirral["volunteer"].id)
    [event] = events_of(session, "measurement.added")
    assert event.object_label == "Food bank parcels, 1 May 2013" and event.after["value"] == "13000.0000"
    assert event.payload == {"indicator_id": parcels.id, "period": "2013-05-01"}

    with pytest.raises(Refused, match="There is already a value for 1 May 2013") as refusal:
        measurement_services.add_measurement(context(wirral, "lead"), parcels, date(2013, 5, 1), Decimal(1), "", "")
    assert refusal.value.field == "period"
    with pytest.raises(NotPermitted):
        measurement_services.add_measurement(context(wirral, "outsider"), parcels, date(2013, 6, 1), Decimal(1), "", "")
    assert count(session, Measurement) == 1


def test_a_correction_keeps_the_earlier_value(session, wirral):
    measurement = factories.measurement(wirral["parcels"], period="2013-05-01", value="13000",
                                        entered_by=wirral["volunteer"])
    session.commit()
    revision = measurement_services.correct_measurement(context(wirral, "lead"), measurement, Decimal("13100"),
                                                        "Late returns", "")
    assert (revision.value, revision.entered_by_id, revision.replaced_by_id) == (
        Decimal(13000), wirral["volunteer"].id, wirral["lead"].id)
    assert (measurement.value, measurement.note, measurement.entered_by_id) == (
        Decimal(13100), "Late returns", wirral["lead"].id)
    [event] = events_of(session, "measurement.corrected")
    assert (event.before, event.after) == ({"value": "13000.0000", "note": ""},
                                           {"value": "13100.0000", "note": "Late returns"})
    assert event.payload == {"indicator_id": wirral["parcels"].id, "period": "2013-05-01"}


def test_an_unchanged_correction_writes_nothing(session, wirral):
    measurement = factories.measurement(wirral["parcels"], period="2013-05-01", value="13000")
    session.commit()
    assert measurement_services.correct_measurement(context(wirral, "volunteer"), measurement, Decimal("13000.00"),
                                                    " ", "") is None
    assert (count(session, MeasurementRevision), count(session, AuditEvent)) == (0, 0)
    with pytest.raises(NotPermitted):
        measurement_services.correct_measurement(context(wirral, "outsider"), measurement, Decimal(1), "", "")


def test_checking_a_file_saves_only_its_preview(session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "parcels.csv", b"\xef\xbb\xbf" + GOOD_FILE)
    assert (checked.status, checked.row_count, checked.new_count, checked.problems) == (ImportStatus.READY, 3, 3, [])
    assert checked.uploaded_by_id == wirral["volunteer"].id and count(session, Measurement) == 0

    problems = measurement_imports.check_import(context(wirral, "volunteer"), "bad.csv",
                                                 b"indicator,period,value\nFood bank parcel,2013-03-01,1\n")
    assert problems.status == ImportStatus.HAS_PROBLEMS
    assert problems.problems == [[2, "There is no indicator called “Food bank parcel” in this project"]]


def test_a_file_that_is_not_utf8_or_from_an_outsider_is_refused(session, wirral):
    with pytest.raises(Refused, match="saved as UTF-8 text") as refusal:
        measurement_imports.check_import(context(wirral, "volunteer"), "cafes.csv", "Cafés,2013,1\n".encode("latin-1"))
    assert refusal.value.field == "file"
    with pytest.raises(NotPermitted):
        measurement_imports.check_import(context(wirral, "outsider"), "parcels.csv", GOOD_FILE)
    assert count(session, MeasurementImport) == 0


def test_confirming_a_short_file_imports_every_row_now_and_records_one_event(session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "parcels.csv", GOOD_FILE)
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is True
    assert checked.status == ImportStatus.IMPORTED and count(session, Measurement) == 3
    [event] = events_of(session, "measurement.imported")
    assert event.object_label == "parcels.csv: 3 new values, 0 corrections, 0 unchanged rows"
    assert event.payload == {"import_id": checked.id, "new": 3, "corrected": 0,
                             "indicator_ids": sorted([wirral["parcels"].id, wirral["cafes"].id])}
    # Confirming again, or importing the same file again, changes nothing.
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is False
    again = measurement_imports.check_import(context(wirral, "lead"), "parcels.csv", GOOD_FILE)
    assert measurement_imports.confirm_import(context(wirral, "lead"), again) is True
    assert again.unchanged_count == 3 and count(session, Measurement) == 3
    assert len(events_of(session, "measurement.imported")) == 1


def test_nothing_is_saved_when_the_file_no_longer_fits_at_confirmation(session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "parcels.csv", GOOD_FILE)
    wirral["cafes"].name = "Community cafes"
    session.commit()
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is False
    assert checked.status == ImportStatus.FAILED and count(session, Measurement) == 0
    assert checked.problems == [[4, "There is no indicator called “Community cafes open” in this project"]]


def test_an_import_that_stops_part_way_saves_nothing(session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "parcels.csv", GOOD_FILE)
    checked.status = ImportStatus.QUEUED
    session.commit()

    def report(done: int, total: int) -> None:
        raise ConnectionError("the worker lost its connection after saving the first batch")

    with pytest.raises(ConnectionError):
        measurement_imports.run_queued_import(checked.id, wirral["volunteer"].id, report)
    session.expire_all()
    stopped = session.get(MeasurementImport, checked.id)
    assert stopped.status == ImportStatus.FAILED and count(session, Measurement) == 0
    assert stopped.problems == [[0, "The import stopped before it finished, so nothing was saved. Try again."]]
    assert events_of(session, "measurement.imported") == []


def test_files_shorter_than_the_threshold_are_imported_at_once(session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "daily.csv",
                                                daily_file(BACKGROUND_FROM_ROWS - 1))
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is True
    assert checked.job_id is None and count(session, Measurement) == BACKGROUND_FROM_ROWS - 1


def test_files_of_the_threshold_or_longer_go_to_the_job(app, session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "daily.csv",
                                                daily_file(BACKGROUND_FROM_ROWS))
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is False
    assert checked.status == ImportStatus.QUEUED and count(session, Measurement) == 0
    job = Job.fetch(checked.job_id, connection=get_redis())
    assert job.func is import_measurements and job.args == (checked.id, wirral["volunteer"].id)
    # Confirming twice cannot queue the file twice.
    assert measurement_imports.confirm_import(context(wirral, "volunteer"), checked) is False

    build_worker(app).work(burst=True)
    session.expire_all()
    assert session.get(MeasurementImport, checked.id).status == ImportStatus.IMPORTED
    assert count(session, Measurement) == BACKGROUND_FROM_ROWS
    assert len(events_of(session, "measurement.imported")) == 1


def test_with_the_queue_unreachable_a_long_file_waits_to_be_confirmed_again(app, session, wirral):
    checked = measurement_imports.check_import(context(wirral, "volunteer"), "daily.csv",
                                                daily_file(BACKGROUND_FROM_ROWS))
    working = app.extensions["localvision_redis"]
    app.extensions["localvision_redis"] = Redis.from_url(NOWHERE, socket_connect_timeout=1)
    try:
        with pytest.raises(Refused, match="could not be started just now"):
            measurement_imports.confirm_import(context(wirral, "volunteer"), checked)
    finally:
        app.extensions["localvision_redis"] = working
    assert checked.status == ImportStatus.READY and count(session, Measurement) == 0
