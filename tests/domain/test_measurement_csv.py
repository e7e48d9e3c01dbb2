from datetime import date
from decimal import Decimal

from localvision.domain.measurement_imports import parse_measurements, parse_period, parse_value

INDICATORS = {"food bank parcels": 1, "community cafes open": 2}
NAMES = {1: "Food bank parcels", 2: "Community cafes open"}


def parse(text):
    return parse_measurements(text, INDICATORS, NAMES)


def test_a_clean_file_gives_one_row_per_line_with_exact_values():
    parsed = parse(
        "Indicator,Period,Value,Note,Source\n"
        "Food bank parcels,2013-01-01,\"9,000\",,Food bank records\n"
        "\n"
        "  COMMUNITY cafes  open ,31/03/2024,12.25,\"Two opened, one closed\",\n"
        "Food bank parcels,2013-05,13000,,\n"
    )
    assert parsed.problems == []
    assert parsed.row_count == 3
    first, cafes, may = parsed.rows
    assert (first.line, first.indicator_id, first.period, first.value, first.source) == (
        2, 1, date(2013, 1, 1), Decimal(9000), "Food bank records")
    assert (cafes.line, cafes.indicator_id, cafes.period, cafes.value, cafes.note) == (
        4, 2, date(2024, 3, 31), Decimal("12.25"), "Two opened, one closed")
    assert may.period == date(2013, 5, 1)


def test_every_problem_is_named_by_its_line():
    parsed = parse(
        "indicator,period,value\n"
        "Food bank parcels,2013-01-01,9000\n"
        "Food bank parcel,2013-02-01,9100\n"
        "Food bank parcels,2013-13-01,9200\n"
        "Food bank parcels,2013-03-01,lots\n"
        "Food bank parcels,01/01/2013,9050\n"
        ",,\n"
        "Community cafes open,,12.12345\n"
    )
    assert parsed.problems == [
        (3, "There is no indicator called “Food bank parcel” in this project"),
        (4, "“2013-13-01” is not a date: write it like 2024-03-31, 31/03/2024 or 2024-03"),
        (5, "“lots” is not a number"),
        (6, "Food bank parcels already has a value for 1 January 2013 on line 2"),
        (8, "The period is missing"),
        (8, "“12.12345” has more than 4 decimal places"),
    ]
    assert parsed.row_count == 6


def test_a_missing_header_column_is_reported_on_line_one():
    parsed = parse("indicator,date,value\nFood bank parcels,2013-01-01,9000\n")
    assert parsed.problems == [(1, "The header row has no period column: the first row must name the columns "
                                   "indicator, period and value")]
    assert parse("").problems[0][0] == 1
    assert parse("indicator,period,value\n").problems == [(1, "The file has a header row but no measurements")]


def test_a_row_with_a_note_over_several_lines_is_named_by_its_first_line():
    parsed = parse('indicator,period,value,note\nFood bank parcels,2013-01-01,9000,"first\nsecond"\nnobody,2013-02-01,1,\n')
    assert parsed.rows[0].note == "first\nsecond"
    assert parsed.problems == [(4, "There is no indicator called “nobody” in this project")]


def test_values_and_periods_in_the_forms_people_type():
    assert parse_value("-1,234.5") == (Decimal("-1234.5"), "")
    assert parse_value("1,23")[1] == "“1,23” is not a number"
    assert parse_value("NaN")[1] == "“NaN” is not a number"
    assert parse_value("1e20")[1] == "“1e20” is too large"
    assert parse_value(" ")[1] == "the value is missing"
    assert parse_period("2024-02-29") == date(2024, 2, 29)
    assert parse_period("29/02/2023") is None
