"""Figures published for machines exactly as stored: the API and the open data downloads
write them the same way."""
from __future__ import annotations

from decimal import Decimal


def measured(value: Decimal) -> str:
    """A measured value exactly as stored, without trailing zeros or exponents."""
    return format(value.normalize(), "f")
