import pytest

from localvision.domain.passwords import password_problem


@pytest.mark.parametrize("password", ["short", "elevenchars"])
def test_passwords_under_twelve_characters_are_refused(password):
    assert "12 characters or more" in password_problem(password)


@pytest.mark.parametrize("password", ["qwerty123456", "password123456", "aaaaaaaaaaaaaa", "1q2w3e4r5t6y"])
def test_common_passwords_are_refused(password):
    assert "too common" in password_problem(password)


def test_the_email_address_is_refused():
    assert "email" in password_problem("priya.shah@example.org", "priya.shah@example.org")
    assert "email" in password_problem("priya.shah2024", "priya.shah@example.org")


@pytest.mark.parametrize("password", ["harbour lights at dusk", "correct horse battery staple", "ALLCAPSNODIGITS"])
def test_long_uncommon_passwords_need_no_digits_or_symbols(password):
    assert password_problem(password, "someone@example.org") is None
