"""Web addresses an organisation gives: only ordinary web pages may become links."""
from __future__ import annotations

from urllib.parse import urlsplit

LINKABLE_SCHEMES = ("http", "https")
WEB_ADDRESS_REFUSED = "Enter a web address starting with http:// or https://, like https://www.example.org"
DOMAIN_REFUSED = "Enter a domain like merton.gov.uk"


def is_web_address(value: str | None) -> bool:
    """An http or https address with a host: never ``javascript:``, ``data:`` or the like."""
    if not value:
        return False
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in LINKABLE_SCHEMES and bool(parts.netloc)


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()


def normalised_domain(value: str) -> str | None:
    """A bare domain like ``merton.gov.uk`` from what an administrator typed, or None."""
    domain = value.strip().lower().removeprefix("@").rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253:
        return None
    if not all(label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
               and not label.startswith("-") and not label.endswith("-") for label in labels):
        return None
    return domain
