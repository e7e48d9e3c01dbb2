from __future__ import annotations

import re
import unicodedata

MAXIMUM_LENGTH = 80


def slugify(text: str) -> str:
    """A readable URL fragment: 'Street drinking, Plymouth' -> 'street-drinking-plymouth'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAXIMUM_LENGTH].rstrip("-") or "project"


def unique_slug(text: str, taken: set[str]) -> str:
    base = slugify(text)
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug
