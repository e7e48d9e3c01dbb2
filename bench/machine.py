"""What the machine was doing while a benchmark ran."""
from __future__ import annotations

import os


def load_average() -> str:
    """The machine's load averages, to print beside a run's figures: a busy machine slows
    every figure, and ratios less than absolute times."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot, all cores and processes
    together (the database and Redis too): read before and after a run, it says how many
    cores the run kept busy."""
    with open("/proc/stat") as stat:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
