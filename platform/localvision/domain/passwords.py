"""Password policy after NCSC and NIST advice: length and a refusal of common passwords,
no composition rules."""
from __future__ import annotations

from functools import lru_cache

MINIMUM_LENGTH = 12
MAXIMUM_LENGTH = 256


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """Say what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MINIMUM_LENGTH:
        return f"Password must be {MINIMUM_LENGTH} characters or more"
    if len(password) > MAXIMUM_LENGTH:
        return f"Password must be {MAXIMUM_LENGTH} characters or fewer"
    lowered = password.lower()
    # A common word padded with digits or symbols is as guessable as the word.
    core = lowered.strip("0123456789!@#$%^&*()-_=+.?~ ")
    common = _common_passwords()
    if lowered in common or core in common or len(set(lowered)) <= 2:
        return "Password is too common; choose a longer phrase that is not easy to guess"
    local_part = email.lower().partition("@")[0]
    if len(local_part) >= 4 and core in (local_part, email.lower()):
        return "Password must not be your email address"
    return None
