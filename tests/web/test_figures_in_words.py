import pytest

from localvision.web.template_helpers import format_evenness, format_percent


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
