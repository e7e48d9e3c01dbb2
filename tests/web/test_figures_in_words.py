from datetime import date, datetime, timezone

import pytest

from localvision.web.template_helpers import format_date, format_datetime, format_evenness, format_percent


@pytest.mark.parametrize(("share", "shown"), [
    (0.0469, "4.7%"), (0.0519, "5.2%"), (0.5, "50%"), (2 / 3, "66.7%"), (0, "0%"), (1, "100%"),
    (0.0004, "less than 0.1%"), (0.9996, "more than 99.9%"), (None, "not applicable"),
])
def test_shares_keep_the_difference_a_reader_needs(share, shown):
    assert format_percent(share) == shown


def test_evenness_gives_1_minus_gini_beside_the_entropy():
    assert format_evenness(0.6234, 0.5439) == "0.62 out of 1 (1 − Gini: 0.54)"
    assert format_evenness(0.6234) == "0.62 out of 1"
    assert format_evenness(None, None) == "nothing to compare yet"


def test_times_are_read_against_clocks_in_england():
    assert format_datetime(datetime(2026, 6, 29, 23, 30, tzinfo=timezone.utc)) == "30 June 2026 at 00:30 BST"
    assert format_datetime(datetime(2026, 12, 1, 9, 5)) == "1 December 2026 at 09:05 GMT"
    assert format_date(datetime(2026, 6, 29, 23, 30, tzinfo=timezone.utc)) == "30 June 2026"
    assert format_date(date(2026, 6, 29)) == "29 June 2026"
