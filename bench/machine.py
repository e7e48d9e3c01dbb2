"""What the machine was doing while a benchmark ran."""
from __future__ import annotations

import os


def load_average() -> str:
    """The machine's load averages, to print beside a run's figures: a busy machine slows
    every figure, and ratios less than absolute times."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"
