"""Start an RQ worker for Local Vision: `python worker.py`.

It uses the same configuration as the web app (DATABASE_URL, REDIS_URL), runs each job
in an application context, runs RQ's scheduler so retries and scheduled jobs fire, and
outlives a Redis outage.
"""
import logging

from localvision import create_app
from localvision.jobs.worker import work_until_stopped

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    work_until_stopped(create_app())
