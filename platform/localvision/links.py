"""Absolute links for emails, whether or not a web request is being answered."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def external_url(endpoint: str, **values: object) -> str:
    """The page's full address: from the request when there is one (so it matches the site
    the person used), otherwise from ``PUBLIC_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values: object) -> str:
    """The page's path on this site (``/projects/…``), with or without a request: stored
    paths stay right whatever address the site is later served at."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
