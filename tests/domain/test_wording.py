import pytest

from localvision.domain.wording import listing, possessive


@pytest.mark.parametrize(("name", "owner"), [
    ("Plymouth City Council", "Plymouth City Council's"),
    ("Torbay Street Pastors", "Torbay Street Pastors'"),
    ("Devon and Cornwall Police", "Devon and Cornwall Police's"),
    ("Plymouth Samaritans", "Plymouth Samaritans'"),
    ("Livewell Southwest NHS", "Livewell Southwest NHS's"),
    ("  Wirral Council ", "Wirral Council's"),
])
def test_names_take_the_possessive_a_reader_expects(name, owner):
    assert possessive(name) == owner


@pytest.mark.parametrize(("names", "sentence"), [
    ([], ""), (["Wirral Council"], "Wirral Council"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C"),
])
def test_names_are_listed_as_a_sentence_lists_them(names, sentence):
    assert listing(names) == sentence
