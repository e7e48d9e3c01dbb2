"""A worker that never rests: recomputes every project's contribution summary and the
platform's, committing each, until it is stopped; then prints how many commits it made.

Run as a process of its own by tests that load the embedded database while a worker
writes: ``python tests/busy_worker.py`` with the same INSTANCE_PATH as the web server.
"""
from __future__ import annotations

import signal
import sys

from sqlalchemy import select

from localvision import create_app
from localvision.extensions import db
from localvision.models import Project
from localvision.summaries.recompute import recompute_platform_summary, recompute_project_summary

stopping = False


def stop(signum, frame) -> None:  # noqa: ARG001
    global stopping
    stopping = True


def main() -> None:
    signal.signal(signal.SIGTERM, stop)
    app = create_app()
    commits = 0
    with app.app_context():
        project_ids = list(db.session.scalars(select(Project.id)))
        db.session.commit()
        while not stopping:
            for project_id in project_ids:
                recompute_project_summary(project_id)
                commits += 1
            recompute_platform_summary()
            commits += 1
    print(commits, flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
