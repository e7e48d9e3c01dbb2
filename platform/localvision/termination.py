"""Stopping a Local Vision process with SIGTERM as with Ctrl+C.

SIGTERM is what systemd, docker and `kill` send. Python's default for it ends the process
at once, skipping ``finally`` blocks and atexit handlers, so the worker and scheduler
that `flask serve` started, and an embedded Redis server, would outlive it. Raising
KeyboardInterrupt instead unwinds the process as Ctrl+C does.
"""
from __future__ import annotations

import signal
import threading
from types import FrameType


def stop_on_sigterm_as_on_ctrl_c() -> None:
    """Only where nobody else handles SIGTERM (gunicorn and RQ have their own), and only
    in the main thread, the one place Python lets a process set signal handlers."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def ignore_further_stop_signals() -> None:
    """While a process is stopping its helpers, a second Ctrl+C or SIGTERM must not cut that short."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
