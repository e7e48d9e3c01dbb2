"""Showing an outgoing email's bodies on a page: links made clickable, nothing else active."""
from __future__ import annotations

import re

import nh3
from markupsafe import Markup, escape

_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+")
_EMAIL_TAGS = {"p", "br", "hr", "h1", "h2", "strong", "em", "a", "ul", "ol", "li"}


def text_with_links(text: str) -> Markup:
    """Plain text, escaped, with each web address a link."""
    pieces, position = [], 0
    for match in _WEB_ADDRESS.finditer(text):
        pieces.append(escape(text[position:match.start()]))
        address = escape(match.group(0))
        pieces.append(Markup(f'<a class="govuk-link" href="{address}">{address}</a>'))
        position = match.end()
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)


def html_body(html: str) -> Markup:
    """An email's HTML, sanitised to its text and links (no styles, scripts or images)."""
    clean = nh3.clean(html, tags=_EMAIL_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
                      clean_content_tags={"title", "style", "script", "head"}, link_rel="noopener noreferrer")
    # The page already has its h1: the email's headings step down one level.
    clean = clean.replace("<h1>", '<h2 class="govuk-heading-m">').replace("</h1>", "</h2>")
    return Markup(clean.replace("<p>", '<p class="govuk-body">').replace("<a ", '<a class="govuk-link" '))
