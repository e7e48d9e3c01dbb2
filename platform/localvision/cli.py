"""Command-line tasks: `flask create-admin`, `flask demo`, `flask serve`, `flask schedule`."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from localvision.domain.passwords import password_problem
from localvision.domain.vocabulary import Sector
from localvision.extensions import db
from localvision.models import Organisation, User

SCHEDULER_RETRY_SECONDS = 10
# How long the worker may take to finish its current job when serve stops.
HELPER_STOP_SECONDS = 10


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)
    app.cli.add_command(serve)
    app.cli.add_command(schedule)


def _validate_password(ctx: click.Context, param: click.Parameter, value: str) -> str:
    problem = password_problem(value, ctx.params.get("email", ""))
    if problem:
        raise click.BadParameter(problem)
    return value


@click.command("create-admin")
@click.option("--email", prompt="Email address")
@click.option("--name", prompt="Full name")
@click.option("--organisation", prompt="Organisation name")
@click.option("--sector", type=click.Choice([sector.value for sector in Sector]), default=Sector.LOCAL_AUTHORITY.value,
              prompt="Sector of the organisation", show_default=True)
@click.password_option("--password", callback=_validate_password)
def create_admin(email: str, name: str, organisation: str, sector: str, password: str) -> None:
    """Create a platform administrator (the first account; all others come by invitation)."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise click.ClickException(f"{email} already has an account")
    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == organisation.strip().lower()))
    if org is None:
        org = Organisation(name=organisation.strip(), sector=Sector(sector))
        db.session.add(org)
    user = User(email=email, name=name.strip(), organisation=org, is_admin=True,
                organisation_confirmed_at=datetime.now(timezone.utc))
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Administrator {email} created.")


@click.command("demo")
def demo() -> None:
    """Load the demonstration partnerships (running it again changes nothing)."""
    from localvision.demo import DEMO_PASSWORD, demo_logins, load_demo

    click.echo("Loaded the demonstration partnerships." if load_demo() else "Demonstration partnerships already loaded.")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
    for email, who, what in demo_logins():
        click.echo(f"  {email:<40} {who}: {what}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the app with an RQ worker and the scheduler beside it, sharing this process's Redis.

    Ctrl+C or SIGTERM stops all three, and the embedded Redis server if this process started it.
    """
    from werkzeug.serving import run_simple

    from localvision.config import PROJECT_ROOT
    from localvision.termination import ignore_further_stop_signals, stop_on_sigterm_as_on_ctrl_c

    stop_on_sigterm_as_on_ctrl_c()
    if not os.environ.get("PUBLIC_URL"):
        # Links in emails point where this serves, unless the operator named the address.
        current_app.config["PUBLIC_URL"] = f"http://{host}:{port}"
    # The helpers are given this process's Redis, so they never start a server of their own,
    # and its address for links.
    environment = dict(os.environ, REDIS_URL=current_app.config["REDIS_URL"],
                       PUBLIC_URL=current_app.config["PUBLIC_URL"])
    helpers = [
        subprocess.Popen([sys.executable, str(PROJECT_ROOT / "worker.py")], env=environment),
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "localvision", "schedule"], env=environment),
    ]
    try:
        click.echo(f"Local Vision is at http://{host}:{port} (press Ctrl+C to stop)")
        run_simple(host, port, current_app._get_current_object(), threaded=True)
    finally:
        ignore_further_stop_signals()
        _stop_processes(helpers)


def _stop_processes(helpers: list[subprocess.Popen]) -> None:
    """Ask the helpers to stop, then kill whatever of them, or of the processes they
    started (RQ's scheduler and the work horse running a job), is left after a while."""
    import psutil

    processes = []
    for helper in helpers:
        with contextlib.suppress(psutil.NoSuchProcess):
            process = psutil.Process(helper.pid)
            processes += [process, *process.children(recursive=True)]
    for helper in helpers:
        helper.terminate()
    _, left = psutil.wait_procs(processes, timeout=HELPER_STOP_SECONDS)
    for process in left:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    for helper in helpers:
        helper.wait()


@click.command("schedule")
def schedule() -> None:
    """Run the recurring jobs (summary and outbox sweeps each minute, nightly recompute) with RQ's scheduler."""
    from redis.exceptions import RedisError

    from localvision.jobs.schedule import build_scheduler
    from localvision.redis_connection import get_redis

    while True:
        try:
            build_scheduler(get_redis()).start()
            return  # stopped by a signal
        except RedisError as error:
            # Redis away: wait and start again, so the sweep resumes when it is back.
            click.echo(f"Scheduler lost Redis ({error}); retrying in {SCHEDULER_RETRY_SECONDS} s", err=True)
            time.sleep(SCHEDULER_RETRY_SECONDS)
