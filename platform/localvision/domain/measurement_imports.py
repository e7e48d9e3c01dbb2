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
from decimal import Decimal, InvalidOperation, Overflow
from typing import Callable, Iterator, Mapping

REQUIRED_COLUMNS = ("indicator", "period", "value")
MAX_DECIMAL_PLACES = 4
# Values must fit NUMERIC(18, 4).
LARGEST_VALUE = Decimal(10) ** 14
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
NOTE_LIMIT = 2000
SOURCE_LIMIT = 300
# A preview lists this many problems and counts the rest; a file stops at ROW_LIMIT rows.
PROBLEMS_KEPT = 100
ROW_LIMIT = 100_000
# Longest cell a problem message quotes.
QUOTED_LIMIT = 60
# A long check reports how far it has read after each this many rows.
PROGRESS_EVERY = 5000


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
    # The first PROBLEMS_KEPT problems, of problem_count.
    problems: list[tuple[int, str]] = field(default_factory=list)
    problem_count: int = 0
    row_count: int = 0

    def add_problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append((line, message))

    def stop(self, line: int, message: str) -> None:
        """A problem that ends the reading of the file: listed first, whatever came before."""
        self.problem_count += 1
        self.problems.insert(0, (line, message))


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


def shown(text: str) -> str:
    """A cell as a message quotes it: a long one is cut, so a problem list stays readable."""
    return text if len(text) <= QUOTED_LIMIT else text[:QUOTED_LIMIT] + "…"


def parse_value(text: str) -> tuple[Decimal | None, str]:
    """The value as an exact decimal, or None with the reason it is not one."""
    text = text.strip()
    if not text:
        return None, "the value is missing"
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
        if not value.is_finite():
            return None, f"“{shown(text)}” is not a number"
        if -value.as_tuple().exponent > MAX_DECIMAL_PLACES:  # type: ignore[operator]
            return None, f"“{shown(text)}” has more than {MAX_DECIMAL_PLACES} decimal places"
        if abs(value) >= LARGEST_VALUE:
            return None, f"“{shown(text)}” is too large"
    except InvalidOperation:
        return None, f"“{shown(text)}” is not a number"
    except Overflow:
        # An exponent beyond what decimal arithmetic holds, like 1E+99999999999999999.
        return None, f"“{shown(text)}” is too large"
    return value, ""


def format_period(period: date) -> str:
    return period.strftime("%-d %B %Y")


def _rows_until_unreadable(reader: Iterator[list[str]], parsed: ParsedFile) -> Iterator[list[str]]:
    """The reader's rows; a row it cannot read (a cell over the csv module's size limit)
    becomes a problem on its line and ends the file."""
    try:
        yield from reader
    except csv.Error:
        line = getattr(reader, "line_num", 0)
        parsed.row_count += 1
        parsed.stop(line, f"This row cannot be read: a cell is longer than {csv.field_size_limit():,} characters")


def parse_measurements(text: str, indicators: Mapping[str, int], indicator_names: Mapping[int, str],
                       progress: Callable[[int], None] | None = None) -> ParsedFile:
    """Check every row of the file. ``indicators`` maps ``indicator_key(name)`` to id;
    ``indicator_names`` gives each id's name for messages; ``progress``, if given, hears
    the number of lines read every PROGRESS_EVERY rows."""
    parsed = ParsedFile()
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
    except csv.Error:
        parsed.add_problem(1, f"The header row cannot be read: a cell is longer than {csv.field_size_limit():,} characters")
        return parsed
    if header is None:
        parsed.add_problem(1, "The file is empty: it needs a header row naming the columns indicator, period and value")
        return parsed
    columns = {name.strip().casefold(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        parsed.add_problem(1, f"The header row has no {', '.join(missing)} column: "
                              f"the first row must name the columns indicator, period and value")
        return parsed

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    first_line_of: dict[tuple[int, date], int] = {}
    previous_end = reader.line_num
    for cells in _rows_until_unreadable(reader, parsed):
        # A quoted cell may span lines: a row is named by the line it starts on.
        line, previous_end = previous_end + 1, reader.line_num
        if not any(value.strip() for value in cells):
            continue
        if parsed.row_count == ROW_LIMIT:
            parsed.stop(line, f"The file has more than {ROW_LIMIT:,} rows: split it into files of "
                               f"{ROW_LIMIT:,} rows or fewer")
            break
        parsed.row_count += 1
        if progress is not None and parsed.row_count % PROGRESS_EVERY == 0:
            progress(reader.line_num)
        problems = []
        name = cell(cells, "indicator")
        indicator_id = indicators.get(indicator_key(name))
        if not name:
            problems.append("the indicator is missing")
        elif indicator_id is None:
            problems.append(f"there is no indicator called “{shown(name)}” in this project")
        period_text = cell(cells, "period")
        period = parse_period(period_text)
        if not period_text:
            problems.append("the period is missing")
        elif period is None:
            problems.append(f"“{shown(period_text)}” is not a date: write it like 2024-03-31, 31/03/2024 or 2024-03")
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
            for problem in problems:
                parsed.add_problem(line, problem[0].upper() + problem[1:])
        else:
            parsed.rows.append(MeasurementRow(line, indicator_id, period, value, note, source))  # type: ignore[arg-type]
    if parsed.row_count == 0:
        parsed.add_problem(1, "The file has a header row but no measurements")
    return parsed
