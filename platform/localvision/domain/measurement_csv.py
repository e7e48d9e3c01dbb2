"""Reading a CSV of measurements: every row checked, every problem named by line.

Columns: indicator, period, value, and optionally note and source, in any order, with
a header row. Nothing here touches the database: indicators are looked up in a mapping
from name to id that the caller supplies.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Mapping

REQUIRED_COLUMNS = ("indicator", "period", "value")
OPTIONAL_COLUMNS = ("note", "source")
MAX_DECIMAL_PLACES = 4
# Values must fit NUMERIC(18, 4).
LARGEST_VALUE = Decimal(10) ** 14
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
NOTE_LIMIT = 2000
SOURCE_LIMIT = 300


@dataclass(frozen=True)
class MeasurementRow:
    line: int
    indicator_id: int
    period: date
    value: Decimal
    note: str
    source: str


@dataclass
class ParsedFile:
    rows: list[MeasurementRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    row_count: int = 0


def indicator_key(name: str) -> str:
    """Names match whatever their case and spacing."""
    return " ".join(name.split()).casefold()


def parse_period(text: str) -> date | None:
    """A date as 2024-03-31 or 31/03/2024, or a month as 2024-03 (its first day)."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_value(text: str) -> tuple[Decimal | None, str]:
    """The value as an exact decimal, or None with the reason it is not one."""
    text = text.strip()
    if not text:
        return None, "the value is missing"
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"“{text}” is not a number"
    if not value.is_finite():
        return None, f"“{text}” is not a number"
    if -value.as_tuple().exponent > MAX_DECIMAL_PLACES:  # type: ignore[operator]
        return None, f"“{text}” has more than {MAX_DECIMAL_PLACES} decimal places"
    if abs(value) >= LARGEST_VALUE:
        return None, f"“{text}” is too large"
    return value, ""


def format_period(period: date) -> str:
    return period.strftime("%-d %B %Y")


def parse_measurements(text: str, indicators: Mapping[str, int], indicator_names: Mapping[int, str]) -> ParsedFile:
    """Check every row of the file. ``indicators`` maps ``indicator_key(name)`` to id;
    ``indicator_names`` gives each id's name for messages."""
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        parsed.problems.append((1, "The file is empty: it needs a header row naming the columns indicator, period and value"))
        return parsed
    columns = {name.strip().casefold(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        parsed.problems.append((1, f"The header row has no {', '.join(missing)} column: "
                                   f"the first row must name the columns indicator, period and value"))
        return parsed

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    first_line_of: dict[tuple[int, date], int] = {}
    previous_end = reader.line_num
    for cells in reader:
        # A quoted cell may span lines: a row is named by the line it starts on.
        line, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip() for value in cells):
            continue
        parsed.row_count += 1
        problems = []
        name = cell(cells, "indicator")
        indicator_id = indicators.get(indicator_key(name))
        if not name:
            problems.append("the indicator is missing")
        elif indicator_id is None:
            problems.append(f"there is no indicator called “{name}” in this project")
        period_text = cell(cells, "period")
        period = parse_period(period_text)
        if not period_text:
            problems.append("the period is missing")
        elif period is None:
            problems.append(f"“{period_text}” is not a date: write it like 2024-03-31, 31/03/2024 or 2024-03")
        value, value_problem = parse_value(cell(cells, "value"))
        if value_problem:
            problems.append(value_problem)
        note, source = cell(cells, "note"), cell(cells, "source")
        if len(note) > NOTE_LIMIT:
            problems.append(f"the note is longer than {NOTE_LIMIT:,} characters")
        if len(source) > SOURCE_LIMIT:
            problems.append(f"the source is longer than {SOURCE_LIMIT} characters")
        if indicator_id is not None and period is not None:
            earlier = first_line_of.setdefault((indicator_id, period), line)
            if earlier != line:
                problems.append(f"{indicator_names[indicator_id]} already has a value for "
                                f"{format_period(period)} on line {earlier}")
        if problems:
            parsed.problems.extend((line, problem[0].upper() + problem[1:]) for problem in problems)
        else:
            parsed.rows.append(MeasurementRow(line, indicator_id, period, value, note, source))  # type: ignore[arg-type]
    if parsed.row_count == 0:
        parsed.problems.append((1, "The file has a header row but no measurements"))
    return parsed
