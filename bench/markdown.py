"""Rendering Markdown written to be slow: each hostile pattern repeated to the longest text
its field accepts (a rationale or the vision 20,000 characters, a comment 5,000), rendered
and sanitised as a save does. Prints the slowest of five renders of each; the target is
under 50 ms for every one.

Run with `make bench-markdown`.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from machine import load_average  # noqa: E402

from localvision.domain.markdown_text import render_markdown  # noqa: E402

TARGET_MS = 50
FIELDS = {"rationale or vision": 20_000, "comment": 5_000}
# Patterns known to make Markdown parsers backtrack or rescan: unclosed links and images,
# runs of emphasis markers, brackets, entities, deep quotes and lists, wide tables.
PATTERNS = ["[](<", "[", "![", "*a", "_a", "**", "`", "*_[`", "[a](", "]", "<a:", "&", "<", ">", "- ",
            "|a", "> - ", "\\"]


def worst_of_five(text: str) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        render_markdown(text)
        times.append((time.perf_counter() - started) * 1000)
    return max(times)


def main() -> None:
    print(load_average())
    missed = []
    for field, length in FIELDS.items():
        for pattern in PATTERNS:
            text = (pattern * (length // len(pattern) + 1))[:length]
            taken = worst_of_five(text)
            print(f"  {field:20} {pattern!r:8} x{length // len(pattern):>6}  {taken:7.1f} ms")
            if taken >= TARGET_MS:
                missed.append(f"{field} {pattern!r}: {taken:.1f} ms")
    print(load_average())
    print("all targets met" if not missed else "missed (target under 50 ms): " + "; ".join(missed))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
