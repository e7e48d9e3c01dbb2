"""Absolute links for emails, whether or not a web request is being answered."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: object) -> str:
    """The page's full address at the site's configured address, ``PUBLIC_URL``, never
    at whatever host a request named: an emailed link goes where the operator says."""
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/", url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values: object) -> str:
    """The page's path on this site (``/projects/…``), with or without a request: stored
    paths stay right whatever address the site is later served at."""
    return current_app.url_map.bind("localhost").build(endpoint, values)
