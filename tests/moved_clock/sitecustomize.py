"""Moves the clock of a Python process forward by TEST_CLOCK_DAYS_AHEAD days, ticking from
there, with time-machine. Python imports this module as it starts when this folder is on
PYTHONPATH: the test suite puts it there when the variable is set, so that the servers,
workers and commands the tests start live on the same day as the tests."""
import os

if os.environ.get("TEST_CLOCK_DAYS_AHEAD"):
    from datetime import datetime, timedelta, timezone

    import time_machine

    time_machine.travel(datetime.now(timezone.utc) + timedelta(days=int(os.environ["TEST_CLOCK_DAYS_AHEAD"])),
                        tick=True).start()
