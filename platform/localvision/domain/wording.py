"""Small pieces of English that messages share."""
from __future__ import annotations


def possessive(name: str) -> str:
    """"Plymouth City Council's", "Torbay Street Pastors'", "NHS's".

    A name ending in a lower-case s is a plural ("Pastors", "Samaritans") and takes the
    apostrophe alone; an initialism in capitals ("NHS") is said as letters and takes 's.
    """
    name = name.strip()
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def listing(names: list[str]) -> str:
    """"A", "A and B", "A, B and C": names as a sentence lists them."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
