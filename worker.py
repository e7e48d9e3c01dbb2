"""Start an RQ worker for Local Vision: `python worker.py`.

It uses the same configuration as the web app (DATABASE_URL, REDIS_URL), runs each job
in an application context, and runs RQ's scheduler so retries and scheduled jobs fire.
"""
import logging

from localvision import create_app
from localvision.jobs.worker import build_worker

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    build_worker(create_app()).work(with_scheduler=True)
