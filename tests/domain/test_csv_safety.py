import csv
import io

import pytest

from localvision.web.csv_safety import csv_text, neutralise


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell, expected", [("Outreach pilot", "Outreach pilot"), (1500, "1500"), (None, ""),
                                            ("a=b", "a=b")])
def test_ordinary_cells_are_unchanged(cell, expected):
    assert neutralise(cell) == expected


def test_csv_text_neutralises_every_row_and_quotes_commas():
    text = csv_text(["Title", "Total"], [["=cmd|' /C calc'!A0", "1,500.00"]])
    assert list(csv.reader(io.StringIO(text))) == [["Title", "Total"], ["'=cmd|' /C calc'!A0", "1,500.00"]]
